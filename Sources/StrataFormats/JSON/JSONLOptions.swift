import StrataCore

/// How JSON Lines files are read: one JSON object per line, UTF-8, blank lines skipped.
public struct JSONLOptions: Sendable, Hashable {
    /// Nested objects become columns named `parent.child` (with `separator`); otherwise they are
    /// kept as their JSON text in a string column, like arrays always are.
    public var flatten: Bool = true
    /// Joins flattened key paths.
    public var separator: String = "."
    /// Inference types string fields whose every value is an ISO date as date, and an ISO
    /// timestamp (or date) as timestamp.
    public var inferTimestamps: Bool = true
    /// Lines per file read by schema inference (every file is read, since fields may first appear late).
    public var sampleRows: Int = 1_000_000
    /// Rows per batch.
    public var batchRows: Int = Batch.preferredRows
    /// Bytes per `read(2)`; a line may span any number of reads.
    public var chunkSize: Int = 8 << 20
    /// Parse on a thread of its own, up to two batches ahead of the consumer, so parsing overlaps
    /// with what the caller does with each batch. Rows, batches and quarantine order are the same.
    public var background: Bool = true

    public init() {}

    func validate() throws {
        if separator.isEmpty && flatten { throw StrataError(.invalidConfig, "JSONL separator must not be empty when flattening") }
        if batchRows < 1 { throw StrataError(.invalidConfig, "JSONL batchRows must be at least 1") }
        if sampleRows < 1 { throw StrataError(.invalidConfig, "JSONL sampleRows must be at least 1") }
    }
}
