import StrataCore

/// Page compression of a Parquet file.
public enum ParquetCompression: String, Sendable, CaseIterable {
    /// GZIP: RFC 1952 gzip, one member per page.
    case gzip
    /// UNCOMPRESSED.
    case none
}

/// How a `ParquetWriter` lays out and encodes a file.
public struct ParquetWriteOptions: Sendable {
    public var compression: ParquetCompression = .gzip
    /// gzip level, 1 (fastest) … 9 (smallest).
    public var compressionLevel: Int = 6
    /// Rows per row group (the writer holds one row group in memory).
    public var rowGroupRows: Int = 1_000_000
    /// Maximum rows per data page.
    public var pageRows: Int = 65_536
    /// Dictionary-encode strings and int64/date/timestamp/decimal columns when it pays.
    public var dictionary: Bool = true
    /// Largest dictionary page (PLAIN bytes) before a chunk falls back to PLAIN.
    public var dictionaryPageLimit: Int = 1 << 20
    /// The footer's `created_by`.
    public var createdBy: String = "strata version 0.1.0"
    /// Key/value metadata written to the footer (sorted by key, so output is deterministic).
    public var keyValueMetadata: [String: String] = [:]

    public init() {}

    /// Throws `.invalidConfig` naming the option that is out of range.
    public func validate() throws {
        func bad(_ what: String, _ hint: String) -> StrataError { StrataError(.invalidConfig, what, hint: hint) }
        guard (1...9).contains(compressionLevel) else { throw bad("compression level \(compressionLevel) is out of range", "use 1 to 9") }
        guard rowGroupRows >= 1 else { throw bad("row group rows must be positive", "use e.g. 1000000") }
        guard pageRows >= 1 else { throw bad("page rows must be positive", "use e.g. 65536") }
        guard dictionaryPageLimit >= 0 else { throw bad("the dictionary page limit must not be negative", "use e.g. 1048576") }
    }
}

/// What a closed Parquet file holds.
public struct ParquetFileSummary: Sendable, Hashable {
    public var rows: Int
    /// The exact file size in bytes.
    public var bytes: Int
    public var rowGroups: Int
    /// One per schema field, over the whole file.
    public var stats: [ColumnStats]
}

/// Streams batches into one Parquet file (flat schema, v1 data pages, PLAIN/RLE_DICTIONARY).
///
/// Batches are buffered until `rowGroupRows` rows make a row group, which is then encoded and
/// written; memory stays bounded by one row group. The file is complete only after `close()`:
/// callers write to a temporary name and rename. Same input and options give the same bytes.
public final class ParquetWriter {
    public let path: String
    public let schema: Schema
    public let options: ParquetWriteOptions
    private let file: OutputFile
    private let encoder: ParquetChunkEncoder
    private var buffer: RowGroupBuffer
    private var rowGroups: [RowGroup] = []
    private var fileStats: [ChunkStatistics]
    private var totalRows = 0
    private var closed = false
    /// Flush a row group early past this many buffered string bytes (offsets are 32-bit).
    static let maxBufferedBytes = 1 << 30

    /// Creates (or truncates) the file at `path` and writes the leading magic.
    public init(path: String, schema: Schema, options: ParquetWriteOptions = ParquetWriteOptions()) throws {
        guard schema.count > 0 else {
            throw StrataError(.schemaMismatch, "a Parquet file needs at least one column")
        }
        self.path = path
        self.schema = schema
        self.options = options
        encoder = try ParquetChunkEncoder(options: options)
        buffer = RowGroupBuffer(schema: schema)
        fileStats = Array(repeating: ChunkStatistics(), count: schema.count)
        file = try OutputFile(path: path)
        try file.write(ParquetFormat.magic)
    }

    /// Buffers `batch`, writing a row group each time `rowGroupRows` rows are buffered.
    public func write(_ batch: Batch) throws {
        guard !closed else { throw StrataError(.internalError, "write to a closed Parquet writer ('\(path)')") }
        guard batch.columns.count == schema.count else {
            throw StrataError(.schemaMismatch, "a batch with \(batch.columns.count) columns was written to a Parquet file of \(schema.count) columns (\(path))")
        }
        for (i, f) in schema.fields.enumerated() where batch.columns[i].type != f.type {
            throw StrataError(.schemaMismatch, "column '\(f.name)' is \(batch.columns[i].type) in the batch but \(f.type) in the file schema (\(path))")
        }
        var start = 0
        while start < batch.rowCount {
            let take = min(options.rowGroupRows - buffer.rows, batch.rowCount - start)
            buffer.append(batch, start..<(start + take))
            start += take
            if buffer.rows >= options.rowGroupRows || buffer.bytes >= Self.maxBufferedBytes { try flush() }
        }
    }

    /// Encodes and writes the buffered rows as one row group.
    private func flush() throws {
        guard buffer.rows > 0 else { return }
        let columns = buffer.take()
        try append(try encoder.encodeRowGroup(columns, schema: schema))
    }

    /// Appends an already encoded row group (from `ParquetChunkEncoder.encodeRowGroup`), fixing
    /// its offsets to where it lands. Row groups appear in the order they are appended.
    package func append(_ group: EncodedRowGroup) throws {
        guard !closed else { throw StrataError(.internalError, "write to a closed Parquet writer ('\(path)')") }
        guard group.chunks.count == schema.count, group.rows > 0 else { return }
        let groupStart = file.offset
        var chunks: [ColumnChunk] = []
        var uncompressed: Int64 = 0
        for (i, c) in group.chunks.enumerated() {
            let base = Int64(file.offset)
            try file.write(c.bytes)
            var meta = c.metaData
            meta.dataPageOffset += base
            meta.dictionaryPageOffset = meta.dictionaryPageOffset.map { $0 + base }
            uncompressed += meta.totalUncompressedSize
            chunks.append(ColumnChunk(fileOffset: 0, metaData: meta))
            fileStats[i].merge(c.statistics)
        }
        rowGroups.append(RowGroup(columns: chunks, totalByteSize: uncompressed, numRows: Int64(group.rows),
                                  fileOffset: Int64(groupStart), totalCompressedSize: Int64(file.offset - groupStart),
                                  ordinal: Int16(truncatingIfNeeded: rowGroups.count)))
        totalRows += group.rows
    }

    /// Writes the last row group and the footer, closes the file and returns its summary.
    public func close() throws -> ParquetFileSummary {
        guard !closed else { throw StrataError(.internalError, "Parquet writer for '\(path)' closed twice") }
        try flush()
        closed = true
        let meta = FileMetaData(
            version: 1, schema: SchemaElement.elements(for: schema), numRows: Int64(totalRows), rowGroups: rowGroups,
            keyValueMetadata: options.keyValueMetadata.sorted { $0.key < $1.key }.map { KeyValue(key: $0.key, value: $0.value) },
            createdBy: options.createdBy, columnOrders: schema.count)
        let footer = meta.serialized()
        try file.write(footer)
        try file.write(withUnsafeBytes(of: UInt32(footer.count).littleEndian) { Array($0) })
        try file.write(ParquetFormat.magic)
        let size = file.offset
        try file.close()
        return ParquetFileSummary(rows: totalRows, bytes: size, rowGroups: rowGroups.count,
                                  stats: zip(schema.fields, fileStats).map { $1.columnStats($0.type) })
    }
}

enum ParquetFormat {
    static let magic: [UInt8] = Array("PAR1".utf8)
}

/// Rows buffered for the next row group, one growable column per field.
struct RowGroupBuffer {
    private var columns: [Column]
    private let schema: Schema
    private(set) var rows = 0
    /// String bytes buffered.
    private(set) var bytes = 0

    init(schema: Schema) {
        self.schema = schema
        columns = Batch.empty(schema).columns
    }

    mutating func append(_ batch: Batch, _ r: Range<Int>) {
        for i in columns.indices {
            Self.append(&columns[i], batch.columns[i], r, existing: rows, bytes: &bytes)
        }
        rows += r.count
    }

    /// The buffered columns; the buffer is empty afterwards.
    mutating func take() -> [Column] {
        let out = columns
        columns = Batch.empty(schema).columns
        rows = 0
        bytes = 0
        return out
    }

    private static func append(_ dst: inout Column, _ src: Column, _ r: Range<Int>, existing: Int, bytes: inout Int) {
        if src.validity != nil || dst.validity != nil {
            var v = dst.validity ?? [Bool](repeating: true, count: existing)
            dst.validity = nil
            if let sv = src.validity { v.append(contentsOf: sv[r]) } else { v.append(contentsOf: repeatElement(true, count: r.count)) }
            // Assigned after values so the length precondition never sees a half-updated column.
            defer { dst.validity = v }
            appendValues(&dst, src, r, bytes: &bytes)
            return
        }
        appendValues(&dst, src, r, bytes: &bytes)
    }

    private static func appendValues(_ dst: inout Column, _ src: Column, _ r: Range<Int>, bytes: inout Int) {
        let values = dst.values
        dst.values = .bool([])
        switch (values, src.values) {
        case (.int64(var a), .int64(let b)): a.append(contentsOf: b[r]); dst.values = .int64(a)
        case (.double(var a), .double(let b)): a.append(contentsOf: b[r]); dst.values = .double(a)
        case (.bool(var a), .bool(let b)): a.append(contentsOf: b[r]); dst.values = .bool(a)
        case (.bytes(var a), .bytes(let b)):
            let lo = Int(b.offsets[r.lowerBound]), hi = Int(b.offsets[r.upperBound])
            let shift = Int32(a.bytes.count) - Int32(lo)
            a.bytes.append(contentsOf: b.bytes[lo..<hi])
            a.offsets.reserveCapacity(a.offsets.count + r.count)
            for i in (r.lowerBound + 1)...r.upperBound { a.offsets.append(b.offsets[i] + shift) }
            bytes += hi - lo
            dst.values = .bytes(a)
        default:
            dst.values = values
        }
    }
}
