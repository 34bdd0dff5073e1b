import StrataCore

/// Reads flat Parquet files: the ones Strata writes, and Spark/delta-rs/pyarrow/DuckDB files
/// compressed with SNAPPY, ZSTD, GZIP, LZ4_RAW or nothing, in PLAIN, dictionary, DELTA_* or
/// BYTE_STREAM_SPLIT encodings, with v1 or v2 data pages.
///
/// `next()` returns one batch per row group and `nil` at the end. Damaged or truncated files
/// throw `.corruptData` naming the file; codecs Strata does not implement (LZO, BROTLI, the
/// deprecated Hadoop LZ4) throw `.corruptData` naming them. Never traps on bad input.
public final class ParquetReader: BatchReader {
    public let path: String
    /// The schema of the columns read (all, or those asked for, in that order).
    public let schema: Schema
    /// Rows in the file.
    public let rowCount: Int
    /// The footer's key/value metadata.
    public let metadata: [String: String]
    /// The footer's `created_by`.
    public let createdBy: String?
    /// Row groups in the file.
    public var rowGroupCount: Int { footer.meta.rowGroups.count }

    private let file: InputFile
    private let footer: Footer
    private let selected: [Int]
    private let decoder = ParquetChunkDecoder()
    private var nextGroup = 0

    /// Opens `path` and reads its footer; `columns` picks and orders columns (nil = all).
    public init(path: String, columns: [String]? = nil) throws {
        self.path = path
        let file = try InputFile(path: path)
        self.file = file
        footer = try Self.withPath(path) { try Footer(file) }
        let full = footer.schema
        if let columns {
            selected = try columns.map { try full.require($0, path: path) }
        } else {
            selected = Array(0..<full.count)
        }
        schema = Schema(selected.map { full[$0] })
        rowCount = footer.rows
        var kv: [String: String] = [:]
        for p in footer.meta.keyValueMetadata ?? [] { kv[p.key] = p.value ?? "" }
        metadata = kv
        createdBy = footer.meta.createdBy
    }

    /// The schema of the file at `path` (reads only the footer).
    public static func readSchema(path: String) throws -> Schema {
        let file = try InputFile(path: path)
        return try withPath(path) { try Footer(file).schema }
    }

    /// The next row group as a batch, or nil after the last one.
    public func next() throws -> Batch? {
        while nextGroup < footer.meta.rowGroups.count {
            let g = footer.meta.rowGroups[nextGroup]
            nextGroup += 1
            let rows = Int(g.numRows)
            if rows == 0 { continue }
            if selected.isEmpty { return Batch(rowCount: rows) }
            let columns = try Self.withPath(path) {
                try selected.map { leaf -> Column in
                    let field = footer.schema[leaf]
                    guard let md = g.columns[leaf].metaData else {
                        throw ParquetChunkDecoder.corrupt("column '\(field.name)' has no metadata")
                    }
                    guard md.type == footer.types[leaf].physical else {
                        throw ParquetChunkDecoder.corrupt("column '\(field.name)' chunk type disagrees with the schema")
                    }
                    guard md.numValues == g.numRows else {
                        throw ParquetChunkDecoder.corrupt("column '\(field.name)' has \(md.numValues) values but its row group has \(rows) rows")
                    }
                    var start = md.dataPageOffset
                    if let d = md.dictionaryPageOffset, d >= 4, d < start { start = d }
                    let length = md.totalCompressedSize
                    guard start >= 4, length >= 0, length <= Int64(footer.dataEnd) - start else {
                        throw ParquetChunkDecoder.corrupt("column '\(field.name)' lies outside the file's data")
                    }
                    let bytes = try file.read(at: Int(start), count: Int(length))
                    return try decoder.decodeChunk(bytes, meta: md, type: footer.types[leaf], optional: field.nullable,
                                                   rows: rows, name: field.name)
                }
            }
            var b = Batch(schema: schema, columns: columns)
            b.origin = path
            return b
        }
        return nil
    }

    /// Runs `body`, adding the file path to data errors.
    static func withPath<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch var e as StrataError where e.code == .corruptData || e.code == .schemaMismatch {
            if !e.message.contains(path) { e.message = "\(path): \(e.message)" }
            throw e
        }
    }
}

/// A parsed and checked footer.
struct Footer {
    let meta: FileMetaData
    let schema: Schema
    let types: [ParquetColumnType]
    let rows: Int
    /// Where column data ends (the footer starts).
    let dataEnd: Int

    /// The footer's metadata and where the column data ends, checked only for framing.
    static func readMeta(_ file: InputFile) throws -> (meta: FileMetaData, dataEnd: Int) {
        let notParquet = StrataError(.corruptData, "not a Parquet file (or truncated): the 'PAR1' markers are missing",
                                     hint: "check that the file was written completely")
        guard file.size >= 12 else { throw notParquet }
        let head = try file.read(at: 0, count: 4)
        let tail = try file.read(at: file.size - 8, count: 8)
        guard head == ParquetFormat.magic, Array(tail[4...]) == ParquetFormat.magic else { throw notParquet }
        let len = Int(tail[0]) | Int(tail[1]) << 8 | Int(tail[2]) << 16 | Int(tail[3]) << 24
        guard len > 0, len <= file.size - 12 else {
            throw StrataError(.corruptData, "the footer length is out of range (truncated file?)")
        }
        let dataEnd = file.size - 8 - len
        return (try FileMetaData.parse(try file.read(at: dataEnd, count: len)), dataEnd)
    }

    init(_ file: InputFile) throws {
        (meta, dataEnd) = try Self.readMeta(file)

        guard let root = meta.schema.first else { throw StrataError(.corruptData, "the footer has an empty schema") }
        let leaves = meta.schema.dropFirst()
        guard Int(root.numChildren ?? 0) == leaves.count else {
            throw StrataError(.schemaMismatch, "nested schemas are not supported (the root has \(root.numChildren ?? 0) children, the file \(leaves.count) elements)",
                              hint: "flatten nested columns before reading with Strata")
        }
        var fields: [Field] = []
        var types: [ParquetColumnType] = []
        var names = Set<String>()
        for e in leaves {
            if let c = e.numChildren, c > 0 {
                throw StrataError(.schemaMismatch, "column '\(e.name)' is a nested group, which Strata cannot read",
                                  hint: "flatten nested columns before reading with Strata")
            }
            guard e.repetition != Repetition.repeated else {
                throw StrataError(.schemaMismatch, "column '\(e.name)' is repeated (a list), which Strata cannot read")
            }
            guard names.insert(e.name).inserted else { throw StrataError(.corruptData, "column '\(e.name)' appears twice") }
            let t = try e.columnType().get()
            types.append(t)
            fields.append(Field(e.name, t.dataType, nullable: e.repetition != Repetition.required))
        }
        schema = Schema(fields)
        self.types = types
        var total = 0
        for g in meta.rowGroups {
            guard g.numRows >= 0, g.numRows <= Int64(Int32.max), g.columns.count == fields.count else {
                throw StrataError(.corruptData, "a row group's row count or column count is invalid")
            }
            total += Int(g.numRows)
        }
        guard Int64(total) == meta.numRows else {
            throw StrataError(.corruptData, "the footer says \(meta.numRows) rows but its row groups hold \(total)")
        }
        rows = total
    }
}

extension ParquetReader {
    /// The smallest and largest value of column `name` over the whole file, from the footer's
    /// row-group statistics (no data is read); nil when a row group has none or the type's
    /// statistics are not decoded (doubles, booleans, byte-array decimals).
    public func columnRange(_ name: String) -> (min: Value, max: Value)? {
        guard let leaf = footer.schema.index(of: name) else { return nil }
        let type = footer.types[leaf]
        func decode(_ b: [UInt8]) -> Value? {
            func le(_ n: Int) -> Int64? {
                guard b.count == n else { return nil }
                var u: UInt64 = 0
                for (i, x) in b.enumerated() { u |= UInt64(x) << UInt64(8 * i) }
                return n == 4 ? Int64(Int32(truncatingIfNeeded: u)) : Int64(bitPattern: u)
            }
            switch (type.physical, type.dataType) {
            case (PhysicalType.byteArray, .string): return .string(String(decoding: b, as: UTF8.self))
            case (PhysicalType.byteArray, .binary): return .binary(b)
            case (PhysicalType.int32, .date): return le(4).map { .date(Int32($0)) }
            case (PhysicalType.int32, .int64): return le(4).map { .int($0) }
            case (PhysicalType.int64, .int64): return le(8).map { .int($0) }
            case (PhysicalType.int64, .timestamp) where type.timeUnit == 2: return le(8).map { .timestamp($0) }
            case (PhysicalType.int32, .decimal(_, let s)): return le(4).map { .decimal($0, scale: s) }
            case (PhysicalType.int64, .decimal(_, let s)): return le(8).map { .decimal($0, scale: s) }
            default: return nil
            }
        }
        var lo: Value?, hi: Value?
        for g in footer.meta.rowGroups where g.numRows > 0 {
            guard let s = g.columns[leaf].metaData?.statistics, let a = s.minValue.flatMap(decode), let b = s.maxValue.flatMap(decode) else { return nil }
            if lo == nil || Self.less(a, lo!) { lo = a }
            if hi == nil || Self.less(hi!, b) { hi = b }
        }
        guard let lo, let hi else { return nil }
        return (lo, hi)
    }

    private static func less(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case let (.int(x), .int(y)), let (.timestamp(x), .timestamp(y)), let (.decimal(x, _), .decimal(y, _)): return x < y
        case let (.date(x), .date(y)): return x < y
        case let (.string(x), .string(y)): return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
        default: return false
        }
    }
}
