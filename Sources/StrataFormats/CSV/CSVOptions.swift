import StrataCore

/// How CSV files are tokenized and converted.
///
/// Input must be UTF-8 (a leading byte-order mark is skipped). Rows end at LF, CRLF or a lone CR;
/// empty lines are skipped. The escape character, when set, takes the next byte literally inside
/// quoted fields; doubled quotes always stand for one quote (RFC 4180).
public struct CSVOptions: Sendable, Hashable {
    /// The field separator byte.
    public var delimiter: UInt8 = UInt8(ascii: ",")
    /// The quote byte.
    public var quote: UInt8 = UInt8(ascii: "\"")
    /// An escape byte inside quoted fields (`\`), or nil for RFC 4180 doubled quotes only.
    public var escape: UInt8? = nil
    /// The first row names the columns. With `false`, columns are taken by position and inferred
    /// schemas name them `col_1`, `col_2`, ….
    public var header: Bool = true
    /// Field texts read as null (after trimming when `trimSpaces`), quoted or not.
    public var nullTokens: [String] = [""]
    /// Strips spaces around unquoted fields and between quotes and delimiters.
    public var trimSpaces: Bool = false
    /// Data rows per file read by schema inference.
    public var sampleRows: Int = 10_000
    /// A strftime-style pattern for date columns (`%d/%m/%Y`); nil = ISO 8601 `YYYY-MM-DD`.
    public var dateFormat: String? = nil
    /// A strftime-style pattern for timestamp columns (`%Y-%m-%d %H:%M:%S`); nil = ISO 8601.
    public var timestampFormat: String? = nil
    /// Rows per batch.
    public var batchRows: Int = Batch.preferredRows
    /// With `header`, a declared (or inferred) column missing from a file's header reads as null
    /// (when nullable) instead of failing, and inference unions the headers of all files.
    public var allowMissingColumns: Bool = false
    /// What a header column the schema does not have becomes: an error naming it, dropped, or
    /// kept (inference then takes the union of the files' headers, and a column a file lacks
    /// reads as null there). The library default drops; the `csv` source's default is `error`.
    public var extraColumns: ExtraColumns = .drop
    /// Columns of the schema a file's header may lack (read as null): the undeclared columns that
    /// `extraColumns: keep` added to a declared schema.
    public var optionalColumns: Set<String> = []
    /// Bytes per `read(2)`; a row may span any number of reads. Tests shrink it to split rows everywhere.
    public var chunkSize: Int = 8 << 20
    /// Parse on a thread of its own, up to two batches ahead of the consumer, so parsing overlaps
    /// with what the caller does with each batch. Rows, batches and quarantine order are the same.
    public var background: Bool = true

    public init() {}

    public enum ExtraColumns: String, Sendable, Hashable, CaseIterable {
        case error, drop, keep
    }

    /// Throws `invalidConfig` for options that cannot work together.
    func validate() throws {
        let specials: [UInt8] = [0x0A, 0x0D]
        if specials.contains(delimiter) || specials.contains(quote) || delimiter == quote {
            throw StrataError(.invalidConfig, "CSV delimiter and quote must be two different bytes other than CR and LF")
        }
        if let escape, escape == delimiter || specials.contains(escape) {
            throw StrataError(.invalidConfig, "CSV escape must differ from the delimiter and from CR and LF")
        }
        if batchRows < 1 { throw StrataError(.invalidConfig, "CSV batchRows must be at least 1") }
        if sampleRows < 1 { throw StrataError(.invalidConfig, "CSV sampleRows must be at least 1") }
    }
}
