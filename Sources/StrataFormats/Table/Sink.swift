public import StrataCore

/// The runtime half of a sink: takes batches, then stages them for the engine to commit, or
/// aborts. A sink has no way to commit: `StagedWrite.commit` is in the StrataCommit module, which
/// plugins do not depend on, so every commit goes through the engine's governed path (gate,
/// audit record, Delta commit, lineage event).
public protocol BatchSink: AnyObject {
    func write(_ batch: Batch) throws
    /// Everything written, staged and not yet visible, with what the commit should say.
    func stage() throws -> SinkStage
    /// Drops everything written (no visible trace).
    func abort()
}

/// What a sink hands the engine at the end of a run.
public struct SinkStage {
    public var write: StagedWrite
    /// The commit's operation (`WRITE`, `OVERWRITE`, `MERGE`, …).
    public var operation: String
    /// Facts of the sink for `commitInfo` (merge counts).
    public var info: [String: String]
    /// Commit even when no file changes (the engine also commits when the incremental state changed).
    public var force: Bool
    /// The rows to report when they differ from the rows written (a merge reports changed rows).
    public var reportedRows: Int?
    /// The sink found that the table's rows stay as they are (a merge whose input changes
    /// nothing): the engine then records the new incremental state beside the log instead of
    /// committing an empty version.
    public var unchanged: Bool

    public init(write: StagedWrite, operation: String, info: [String: String] = [:], force: Bool = false, reportedRows: Int? = nil,
                unchanged: Bool = false) {
        self.write = write
        self.operation = operation
        self.info = info
        self.force = force
        self.reportedRows = reportedRows
        self.unchanged = unchanged
    }
}

/// The config half of a sink.
public protocol SinkConfig: Sendable {
    /// The table this sink writes.
    var target: TableRef { get }
    /// The schema stored, given the pipeline's output schema (bronze adds metadata columns).
    func outputSchema(input: Schema) throws -> Schema
    func open(input: Schema, _ context: RunContext) throws -> any BatchSink
}
