import StrataCore

/// Page compression of a Parquet file.
public enum ParquetCompression: String, Sendable, CaseIterable {
    /// GZIP: RFC 1952 gzip, one member per page.
    case gzip
    /// SNAPPY: raw snappy blocks (libsnappy), the default of Spark, delta-rs and pyarrow.
    case snappy
    /// ZSTD: one zstandard frame per page (libzstd).
    case zstd
    /// UNCOMPRESSED.
    case none

    /// The Parquet `CompressionCodec` value.
    var codec: Int32 {
        switch self {
        case .gzip: return Codec.gzip
        case .snappy: return Codec.snappy
        case .zstd: return Codec.zstd
        case .none: return Codec.uncompressed
        }
    }

    /// Levels the codec takes (nil: it has none and ignores `compressionLevel`).
    public var levels: ClosedRange<Int>? {
        switch self {
        case .gzip: return 1...9
        case .zstd: return 1...22
        case .snappy, .none: return nil
        }
    }

    /// The part-file name's extension, as Spark and delta-rs name theirs.
    public var fileExtension: String {
        switch self {
        case .gzip: return "gz.parquet"
        case .snappy: return "snappy.parquet"
        case .zstd: return "zstd.parquet"
        case .none: return "parquet"
        }
    }

    /// A compressor for one encoder thread (nil when pages are stored uncompressed).
    func makeCompressor(level: Int) throws -> BlockCompressor? {
        switch self {
        case .gzip: return try GzipCompressor(level: level)
        case .snappy: return SnappyCompressor()
        case .zstd: return try ZstdCompressor(level: level)
        case .none: return nil
        }
    }
}

/// How a `ParquetWriter` lays out and encodes a file.
public struct ParquetWriteOptions: Sendable {
    /// ZSTD level 1 by default: faster and smaller than GZIP level 1 on the ingest benchmark (BENCHMARKS.md).
    public var compression: ParquetCompression = .zstd
    /// The codec's level: gzip 1 (fastest) … 9 (smallest), zstd 1 … 22; snappy and none have
    /// none. Level 1 is the default for both (see BENCHMARKS.md for the codecs' speed and size).
    public var compressionLevel: Int = 1
    /// Rows per row group (at most; see `rowGroupBytes`).
    public var rowGroupRows: Int = 1_000_000
    /// A row group is closed early once this many bytes of column data are buffered, so memory
    /// stays bounded however wide the rows are. Depends only on the data: output stays deterministic.
    public var rowGroupBytes: Int = 64 << 20
    /// Threads that encode and compress column chunks while the caller goes on buffering the next
    /// row group; 1 encodes on the calling thread. The file's bytes are the same for any value.
    public var threads: Int = WorkerPool.processorCount
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
        if let levels = compression.levels, !levels.contains(compressionLevel) {
            throw bad("\(compression.rawValue) compression level \(compressionLevel) is out of range",
                      "use \(levels.lowerBound) to \(levels.upperBound)")
        }
        guard rowGroupRows >= 1 else { throw bad("row group rows must be positive", "use e.g. 1000000") }
        guard rowGroupBytes >= 1 else { throw bad("row group bytes must be positive", "use e.g. 67108864") }
        guard threads >= 1 else { throw bad("encode threads must be positive", "use 1 or more") }
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
/// Batches are buffered until `rowGroupRows` rows (or `rowGroupBytes` bytes) make a row group,
/// whose column chunks are then encoded and compressed on worker threads while the caller goes
/// on buffering the next one; finished row groups are written in order. Memory stays bounded by
/// about two row groups. The file is complete only after `close()`: callers write to a temporary
/// name and rename. Same input and options (whatever `threads`) give the same bytes.
public final class ParquetWriter {
    public let path: String
    public let schema: Schema
    public let options: ParquetWriteOptions
    private let file: OutputFile
    private let encoders: ObjectCache<ParquetChunkEncoder>
    private let pool: WorkerPool?
    private var buffer: RowGroupBuffer
    /// Row groups submitted for encoding and not yet written, oldest first.
    private var inFlight: [[PendingResult<EncodedColumnChunk>]] = []
    private var rowGroups: [RowGroup] = []
    private var fileStats: [ChunkStatistics]
    private var totalRows = 0
    private var closed = false
    /// Flush a row group early past this many buffered string bytes (offsets are 32-bit).
    static let maxBufferedBytes = 1 << 30
    /// Row groups encoding in the background while the next one is buffered.
    static let maxInFlight = 1

    /// Creates (or truncates) the file at `path` and writes the leading magic.
    ///
    /// `pool` shares worker threads between writers (a partitioned table opens many); without it
    /// the writer starts `options.threads` workers of its own when that is more than one.
    public convenience init(path: String, schema: Schema, options: ParquetWriteOptions = ParquetWriteOptions()) throws {
        try self.init(path: path, schema: schema, options: options, pool: nil)
    }

    package init(path: String, schema: Schema, options: ParquetWriteOptions, pool: WorkerPool?) throws {
        guard schema.count > 0 else {
            throw StrataError(.schemaMismatch, "a Parquet file needs at least one column")
        }
        try options.validate()
        self.path = path
        self.schema = schema
        self.options = options
        encoders = ObjectCache { try ParquetChunkEncoder(options: options) }
        try encoders.with { _ in }  // fails now, not in a worker, if zlib cannot start
        self.pool = options.threads > 1 ? (pool ?? WorkerPool(threads: options.threads)) : nil
        buffer = RowGroupBuffer(schema: schema)
        fileStats = Array(repeating: ChunkStatistics(), count: schema.count)
        file = try OutputFile(path: path)
        try file.write(ParquetFormat.magic)
    }

    /// Buffers `batch`, starting a row group's encoding each time one is full.
    public func write(_ batch: Batch) throws {
        guard !closed else { throw StrataError(.internalError, "write to a closed Parquet writer ('\(path)')") }
        guard batch.columns.count == schema.count else {
            throw StrataError(.schemaMismatch, "a batch with \(batch.columns.count) columns was written to a Parquet file of \(schema.count) columns (\(path))")
        }
        for (i, f) in schema.fields.enumerated() where batch.columns[i].type != f.type {
            throw StrataError(.schemaMismatch, "column '\(f.name)' is \(batch.columns[i].type) in the batch but \(f.type) in the file schema (\(path))")
        }
        var start = 0
        let rowBytes = RowGroupBuffer.bytes(of: batch.columns) / max(1, batch.rowCount)
        while start < batch.rowCount {
            var take = min(options.rowGroupRows - buffer.rows, batch.rowCount - start)
            // Split the batch where the byte budget runs out (estimated from its mean row size).
            let roomBytes = options.rowGroupBytes - buffer.bytes
            if rowBytes > 0 { take = max(1, min(take, (roomBytes + rowBytes - 1) / rowBytes)) }
            let part = start == 0 && take == batch.rowCount ? batch.columns : batch.columns.map { $0.slice(start..<(start + take)) }
            buffer.append(part, rows: take)
            start += take
            if buffer.rows >= options.rowGroupRows || buffer.bytes >= options.rowGroupBytes
                || buffer.stringBytes >= Self.maxBufferedBytes {
                try flush()
            }
        }
    }

    /// Starts encoding the buffered rows as one row group; writes finished groups beyond the
    /// in-flight limit.
    private func flush() throws {
        guard buffer.rows > 0 else { return }
        let pieces = buffer.take()
        let rows = pieces.rows
        var chunks: [PendingResult<EncodedColumnChunk>] = []
        chunks.reserveCapacity(schema.count)
        for (i, f) in schema.fields.enumerated() {
            let columnPieces = pieces.columns.map { $0[i] }
            let encoders = self.encoders
            let job: @Sendable () throws -> EncodedColumnChunk = {
                let column = RowGroupBuffer.concat(columnPieces, rows: rows)
                return try encoders.with { try $0.encodeChunk(column, field: f) }
            }
            if let pool {
                chunks.append(pool.submit(job))
            } else {
                chunks.append(PendingResult(Result { try job() }))
            }
        }
        inFlight.append(chunks)
        while inFlight.count > Self.maxInFlight { try writeOldest() }
    }

    /// Waits for the oldest row group in flight and writes it.
    private func writeOldest() throws {
        let chunks = inFlight.removeFirst()
        var encoded: [EncodedColumnChunk] = []
        encoded.reserveCapacity(chunks.count)
        for c in chunks { encoded.append(try c.wait()) }
        let rows = Int(encoded.first?.metaData.numValues ?? 0)
        try append(EncodedRowGroup(rows: rows, chunks: encoded))
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

    /// Writes the last row groups and the footer, closes the file and returns its summary.
    public func close() throws -> ParquetFileSummary {
        guard !closed else { throw StrataError(.internalError, "Parquet writer for '\(path)' closed twice") }
        try flush()
        while !inFlight.isEmpty { try writeOldest() }
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

/// Rows buffered for the next row group: the batches' columns as they came (no copy until a
/// worker concatenates one column for encoding).
struct RowGroupBuffer {
    private var pieces: [[Column]] = []
    private let schema: Schema
    private(set) var rows = 0
    /// Bytes of column data buffered (values, offsets, validity).
    private(set) var bytes = 0
    /// String bytes buffered (offsets are 32-bit, so a column must stay under 2 GiB).
    private(set) var stringBytes = 0

    init(schema: Schema) {
        self.schema = schema
    }

    mutating func append(_ columns: [Column], rows n: Int) {
        pieces.append(columns)
        rows += n
        bytes += Self.bytes(of: columns)
        for c in columns { if case .bytes(let b) = c.values { stringBytes += b.bytes.count } }
    }

    /// The buffered pieces; the buffer is empty afterwards.
    mutating func take() -> (columns: [[Column]], rows: Int) {
        let out = (pieces, rows)
        pieces = []
        rows = 0
        bytes = 0
        stringBytes = 0
        return out
    }

    /// Memory held by `columns`, approximately.
    static func bytes(of columns: [Column]) -> Int {
        var total = 0
        for c in columns {
            switch c.values {
            case .bool(let v): total += v.count
            case .int64(let v): total += 8 * v.count
            case .double(let v): total += 8 * v.count
            case .bytes(let v): total += v.bytes.count + 4 * v.offsets.count
            }
            if c.validity != nil { total += c.count }
        }
        return total
    }

    /// One column made of `pieces` (same type), allocated once at its final size.
    static func concat(_ pieces: [Column], rows: Int) -> Column {
        guard pieces.count > 1, let first = pieces.first else { return pieces.first ?? Column(type: .int64, values: .int64([])) }
        var validity: [Bool]? = nil
        if pieces.contains(where: { $0.validity != nil }) {
            var v: [Bool] = []
            v.reserveCapacity(rows)
            for p in pieces {
                if let pv = p.validity { v.append(contentsOf: pv) } else { v.append(contentsOf: repeatElement(true, count: p.count)) }
            }
            validity = v
        }
        let values: ColumnValues
        switch first.values {
        case .bool:
            var a: [Bool] = []
            a.reserveCapacity(rows)
            for p in pieces { if case .bool(let b) = p.values { a.append(contentsOf: b) } }
            values = .bool(a)
        case .int64:
            var a: [Int64] = []
            a.reserveCapacity(rows)
            for p in pieces { if case .int64(let b) = p.values { a.append(contentsOf: b) } }
            values = .int64(a)
        case .double:
            var a: [Double] = []
            a.reserveCapacity(rows)
            for p in pieces { if case .double(let b) = p.values { a.append(contentsOf: b) } }
            values = .double(a)
        case .bytes:
            var total = 0
            for p in pieces { if case .bytes(let b) = p.values { total += b.bytes.count } }
            var data: [UInt8] = []
            data.reserveCapacity(total)
            var offsets: [Int32] = []
            offsets.reserveCapacity(rows + 1)
            offsets.append(0)
            for p in pieces {
                guard case .bytes(let b) = p.values else { continue }
                let shift = Int32(truncatingIfNeeded: data.count)
                data.append(contentsOf: b.bytes)
                b.offsets.withUnsafeBufferPointer { o in
                    for i in 1..<o.count { offsets.append(o[i] &+ shift) }
                }
            }
            values = .bytes(ByteArrays(offsets: offsets, bytes: data))
        }
        return Column(type: first.type, values: values, validity: validity)
    }
}
