import StrataCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One encoded column chunk: its pages (headers included) and metadata whose offsets are
/// relative to the chunk's first byte until the writer places the chunk in the file.
package struct EncodedColumnChunk: Sendable {
    var bytes: [UInt8]
    var metaData: ColumnMetaData
    var statistics: ChunkStatistics
}

/// One encoded row group, independent of where it lands in the file: the writer appends it
/// and shifts the offsets, so row groups (or columns) can be encoded in parallel and still give
/// byte-identical files.
package struct EncodedRowGroup: Sendable {
    package var rows: Int
    var chunks: [EncodedColumnChunk]

    /// Bytes of all its column chunks.
    package var byteCount: Int { chunks.reduce(0) { $0 + $1.bytes.count } }
}

/// Encodes column chunks into Parquet pages; owns reusable scratch buffers and one compressor.
///
/// Encoding is a pure function of (columns, field, options): the same input always gives the
/// same bytes. An instance is not thread-safe; parallel encoders use one instance per thread.
package final class ParquetChunkEncoder {
    package let options: ParquetWriteOptions
    private let compressor: BlockCompressor?
    private let body = ScratchBuffer(capacity: 1 << 20)
    private let packed = ScratchBuffer(capacity: 1 << 20)
    private var levels: [UInt32] = []
    /// Dictionary index of each non-null value of the chunk being encoded.
    private var indices: [UInt32] = []

    package init(options: ParquetWriteOptions) throws {
        try options.validate()
        self.options = options
        compressor = try options.compression.makeCompressor(level: options.compressionLevel)
    }

    /// Encodes one row group from `columns` (one per field of `schema`, all the same length).
    package func encodeRowGroup(_ columns: [Column], schema: Schema) throws -> EncodedRowGroup {
        guard columns.count == schema.count else {
            throw StrataError(.schemaMismatch, "a row group has \(columns.count) columns but the schema has \(schema.count)")
        }
        let rows = columns.first?.count ?? 0
        var chunks: [EncodedColumnChunk] = []
        chunks.reserveCapacity(columns.count)
        for (c, f) in zip(columns, schema.fields) {
            guard c.count == rows else { throw StrataError(.schemaMismatch, "column '\(f.name)' has \(c.count) rows, expected \(rows)") }
            chunks.append(try encodeChunk(c, field: f))
        }
        return EncodedRowGroup(rows: rows, chunks: chunks)
    }

    // MARK: - Chunks

    /// Pages of one chunk as they are appended.
    private struct ChunkBuilder {
        var bytes: [UInt8] = []
        var totalUncompressed = 0
        var dictionaryOffset: Int?
        var dataOffset: Int?
    }

    /// Encodes one column chunk (all its rows).
    func encodeChunk(_ column: Column, field: Field) throws -> EncodedColumnChunk {
        let n = column.count
        let ptype = ParquetColumnType.forWriting(field.type)
        let nullCount = column.nullCount
        if !field.nullable && nullCount > 0 {
            throw StrataError(.schemaMismatch, "column '\(field.name)' is declared not null but has \(nullCount) null values",
                              hint: "declare the column nullable or filter the nulls out before writing")
        }
        guard column.type == field.type else {
            throw StrataError(.schemaMismatch, "column '\(field.name)' holds \(column.type) values but the schema says \(field.type)")
        }
        let validity = nullCount == 0 ? nil : column.validity
        var chunk = ChunkBuilder()
        chunk.bytes.reserveCapacity(64 + n / 2)
        var stats = ChunkStatistics(nullCount: nullCount)
        var usedDictionary = false
        let nonNull = n - nullCount

        try withOptionalBuffer(validity) { valid in
            switch (column.values, field.type) {
            case (.int64(let values), _) where field.type.isInt64Backed:
                try values.withUnsafeBufferPointer { v in
                    let width = ptype.physical == PhysicalType.int32 ? 4 : 8
                    if let (lo, hi) = StatisticsScan.int64(v, valid) {
                        stats.min = .int(lo)
                        stats.max = .int(hi)
                        if width == 4 && (lo < Int64(Int32.min) || hi > Int64(Int32.max)) {
                            throw StrataError(.typeMismatch, "column '\(field.name)' has a \(field.type) value out of range for Parquet INT32 storage")
                        }
                    }
                    if options.dictionary && nonNull > 0, let dict = buildInt64Dictionary(v, valid, width: width) {
                        usedDictionary = true
                        body.reset()
                        let p = body.appendUninitialized(dict.count * width)
                        for (i, x) in dict.enumerated() {
                            if width == 4 { p.storeBytes(of: Int32(truncatingIfNeeded: x).littleEndian, toByteOffset: i * 4, as: Int32.self) } else { p.storeBytes(of: x.littleEndian, toByteOffset: i * 8, as: Int64.self) }
                        }
                        try appendDictionaryPage(count: dict.count, to: &chunk)
                        try appendDictionaryDataPages(rows: n, valid: valid, optional: field.nullable, dictionaryCount: dict.count, to: &chunk)
                    } else {
                        try forEachPage(rows: n, valid: valid) { r, _, k in
                            body.reset()
                            if field.nullable { writeLevels(valid, r) }
                            let p = body.appendUninitialized(k * width)
                            var o = 0
                            if width == 8 && valid == nil {
                                p.copyMemory(from: v.baseAddress! + r.lowerBound, byteCount: k * 8)
                            } else {
                                for i in r {
                                    if let valid, !valid[i] { continue }
                                    if width == 4 { p.storeBytes(of: Int32(truncatingIfNeeded: v[i]).littleEndian, toByteOffset: o, as: Int32.self) } else { p.storeBytes(of: v[i].littleEndian, toByteOffset: o, as: Int64.self) }
                                    o += width
                                }
                            }
                            try appendDataPage(rows: r.count, encoding: Encoding.plain, to: &chunk)
                        }
                    }
                }
            case (.double(let values), .double):
                try values.withUnsafeBufferPointer { v in
                    if let (lo, hi) = StatisticsScan.double(v, valid) { stats.min = .double(lo); stats.max = .double(hi) }
                    try forEachPage(rows: n, valid: valid) { r, _, k in
                        body.reset()
                        if field.nullable { writeLevels(valid, r) }
                        let p = body.appendUninitialized(k * 8)
                        if valid == nil {
                            p.copyMemory(from: v.baseAddress! + r.lowerBound, byteCount: k * 8)
                        } else {
                            var o = 0
                            for i in r where valid![i] {
                                p.storeBytes(of: v[i].bitPattern.littleEndian, toByteOffset: o, as: UInt64.self)
                                o += 8
                            }
                        }
                        try appendDataPage(rows: r.count, encoding: Encoding.plain, to: &chunk)
                    }
                }
            case (.bool(let values), .bool):
                try values.withUnsafeBufferPointer { v in
                    if let (lo, hi) = StatisticsScan.bool(v, valid) { stats.min = .bool(lo); stats.max = .bool(hi) }
                    try forEachPage(rows: n, valid: valid) { r, _, k in
                        body.reset()
                        if field.nullable { writeLevels(valid, r) }
                        let nb = (k + 7) / 8
                        let p = body.appendUninitialized(nb).assumingMemoryBound(to: UInt8.self)
                        p.initialize(repeating: 0, count: nb)
                        var j = 0
                        for i in r {
                            if let valid, !valid[i] { continue }
                            if v[i] { p[j >> 3] |= UInt8(1) << UInt8(j & 7) }
                            j += 1
                        }
                        try appendDataPage(rows: r.count, encoding: Encoding.plain, to: &chunk)
                    }
                }
            case (.bytes(let values), .string), (.bytes(let values), .binary):
                try values.offsets.withUnsafeBufferPointer { off in
                    try values.bytes.withUnsafeBytes { raw in
                        try encodeStrings(off, raw, rows: n, valid: valid, field: field, stats: &stats,
                                          usedDictionary: &usedDictionary, to: &chunk)
                    }
                }
            default:
                throw StrataError(.schemaMismatch, "column '\(field.name)' storage does not match its type \(field.type)")
            }
        }

        let meta = ColumnMetaData(
            type: ptype.physical,
            encodings: usedDictionary ? [Encoding.plain, Encoding.rle, Encoding.rleDictionary] : [Encoding.plain, Encoding.rle],
            pathInSchema: [field.name],
            codec: options.compression.codec,
            numValues: Int64(n),
            totalUncompressedSize: Int64(chunk.totalUncompressed),
            totalCompressedSize: Int64(chunk.bytes.count),
            dataPageOffset: Int64(chunk.dataOffset ?? 0),
            dictionaryPageOffset: chunk.dictionaryOffset.map(Int64.init),
            statistics: stats.parquet(physical: ptype.physical))
        return EncodedColumnChunk(bytes: chunk.bytes, metaData: meta, statistics: stats)
    }

    private func encodeStrings(_ off: UnsafeBufferPointer<Int32>, _ raw: UnsafeRawBufferPointer, rows n: Int,
                               valid: UnsafeBufferPointer<Bool>?, field: Field, stats: inout ChunkStatistics,
                               usedDictionary: inout Bool, to chunk: inout ChunkBuilder) throws {
        let nonNull = n - stats.nullCount
        if options.dictionary && nonNull > 0, let entries = buildBytesDictionary(off, raw, valid) {
            usedDictionary = true
            if let (lo, hi) = StatisticsScan.bytes(offsets: off, bytes: raw, ids: entries.lazy.map { Int($0) }) {
                stats.min = .bytes(lo)
                stats.max = .bytes(hi)
            }
            body.reset()
            for e in entries {
                let s = Int(off[Int(e)]), l = Int(off[Int(e) + 1]) - s
                body.appendUInt32LE(UInt32(l))
                if l > 0 { body.append(UnsafeRawBufferPointer(rebasing: raw[s..<(s + l)])) }
            }
            try appendDictionaryPage(count: entries.count, to: &chunk)
            try appendDictionaryDataPages(rows: n, valid: valid, optional: field.nullable, dictionaryCount: entries.count, to: &chunk)
            return
        }
        if let (lo, hi) = StatisticsScan.bytes(offsets: off, bytes: raw, valid: valid) {
            stats.min = .bytes(lo)
            stats.max = .bytes(hi)
        }
        try forEachPage(rows: n, valid: valid) { r, _, k in
            body.reset()
            if field.nullable { writeLevels(valid, r) }
            var total = 4 * k
            if let valid {
                for i in r where valid[i] { total += Int(off[i + 1] - off[i]) }
            } else {
                total += Int(off[r.upperBound] - off[r.lowerBound])
            }
            let p = body.appendUninitialized(total)
            var o = 0
            let src = raw.baseAddress
            for i in r {
                if let valid, !valid[i] { continue }
                let s = Int(off[i]), l = Int(off[i + 1]) - s
                p.storeBytes(of: UInt32(l).littleEndian, toByteOffset: o, as: UInt32.self)
                if l > 0 { (p + o + 4).copyMemory(from: src! + s, byteCount: l) }
                o += 4 + l
            }
            try appendDataPage(rows: r.count, encoding: Encoding.plain, to: &chunk)
        }
    }

    // MARK: - Pages

    /// Calls `body(rows, firstValue, valueCount)` for each page: up to `pageRows` rows, with the
    /// index of its first non-null value and its number of non-null values.
    private func forEachPage(rows n: Int, valid: UnsafeBufferPointer<Bool>?,
                             _ body: (Range<Int>, Int, Int) throws -> Void) throws {
        var start = 0
        var valuePos = 0
        while start < n {
            let end = min(n, start + options.pageRows)
            var k = end - start
            if let valid {
                k = 0
                for i in start..<end where valid[i] { k += 1 }
            }
            try body(start..<end, valuePos, k)
            valuePos += k
            start = end
        }
    }

    /// Definition levels of `rows` (u32 length, then the hybrid encoding, bit width 1).
    private func writeLevels(_ valid: UnsafeBufferPointer<Bool>?, _ rows: Range<Int>) {
        Self.writeDefinitionLevels(valid, rows, scratch: &levels, into: body)
    }

    /// Appends the v1 definition levels of `rows` to `out`: u32 LE byte length, then the
    /// RLE/bit-packed hybrid at bit width 1 (`[1, 0, 1]` → `02 00 00 00 03 05`).
    static func writeDefinitionLevels(_ valid: UnsafeBufferPointer<Bool>?, _ rows: Range<Int>,
                                      scratch levels: inout [UInt32], into out: ScratchBuffer) {
        let lengthAt = out.count
        out.appendUInt32LE(0)
        let start = out.count
        if let valid {
            levels.removeAll(keepingCapacity: true)
            levels.reserveCapacity(rows.count)
            for i in rows { levels.append(valid[i] ? 1 : 0) }
            levels.withUnsafeBufferPointer { RLEHybrid.encode($0, bitWidth: 1, into: out) }
        } else {
            RLEHybrid.appendRun(1, count: rows.count, bitWidth: 1, out)
        }
        out.setUInt32LE(UInt32(out.count - start), at: lengthAt)
    }

    /// The definition levels of `validity` as bytes (tests and tools).
    static func definitionLevels(_ validity: [Bool]) -> [UInt8] {
        let out = ScratchBuffer(capacity: 64)
        var scratch: [UInt32] = []
        validity.withUnsafeBufferPointer { writeDefinitionLevels($0, 0..<validity.count, scratch: &scratch, into: out) }
        return out.array
    }

    private func appendDictionaryDataPages(rows n: Int, valid: UnsafeBufferPointer<Bool>?, optional: Bool,
                                           dictionaryCount: Int, to chunk: inout ChunkBuilder) throws {
        let width = RLEHybrid.bitWidth(forCount: dictionaryCount)
        try indices.withUnsafeBufferPointer { idx in
            try forEachPage(rows: n, valid: valid) { r, first, k in
                body.reset()
                if optional { writeLevels(valid, r) }
                body.append(UInt8(width))
                RLEHybrid.encode(UnsafeBufferPointer(rebasing: idx[first..<(first + k)]), bitWidth: width, into: body)
                try appendDataPage(rows: r.count, encoding: Encoding.rleDictionary, to: &chunk)
            }
        }
    }

    /// Compresses `body` (when a codec is set) and appends header + payload to the chunk.
    private func appendPage(_ header: PageHeader, to chunk: inout ChunkBuilder) throws {
        var header = header
        let uncompressed = body.count
        let payload: UnsafeRawBufferPointer
        if let compressor {
            packed.reset()
            let bound = compressor.maxCompressedSize(uncompressed)
            let p = packed.appendUninitialized(bound)
            packed.count = try compressor.compress(body.bytes, into: UnsafeMutableRawBufferPointer(start: p, count: bound))
            payload = packed.bytes
        } else {
            payload = body.bytes
        }
        guard uncompressed <= Int(Int32.max), payload.count <= Int(Int32.max) else {
            throw StrataError(.io, "a Parquet page of \(uncompressed) bytes exceeds the 2 GiB page limit",
                              hint: "lower page_rows or row_group_rows")
        }
        header.uncompressedPageSize = Int32(uncompressed)
        header.compressedPageSize = Int32(payload.count)
        let before = chunk.bytes.count
        header.write(to: &chunk.bytes)
        chunk.totalUncompressed += chunk.bytes.count - before + uncompressed
        chunk.bytes.append(contentsOf: payload)
    }

    private func appendDictionaryPage(count: Int, to chunk: inout ChunkBuilder) throws {
        chunk.dictionaryOffset = chunk.bytes.count
        try appendPage(PageHeader(type: PageType.dictionaryPage, uncompressedPageSize: 0, compressedPageSize: 0,
                                  dictionaryPage: DictionaryPageHeader(numValues: Int32(count))), to: &chunk)
    }

    private func appendDataPage(rows: Int, encoding: Int32, to chunk: inout ChunkBuilder) throws {
        if chunk.dataOffset == nil { chunk.dataOffset = chunk.bytes.count }
        try appendPage(PageHeader(type: PageType.dataPage, uncompressedPageSize: 0, compressedPageSize: 0,
                                  dataPage: DataPageHeader(numValues: Int32(rows), encoding: encoding)), to: &chunk)
    }

    // MARK: - Dictionaries

    /// Rows between checks that the dictionary still pays (distinct values at most half the values seen).
    static let dictionaryCheckInterval = 16_384

    /// Builds the dictionary of an int64-backed column into `indices`; nil when it does not pay
    /// (too many distinct values, over `dictionaryPageLimit`, or larger than PLAIN).
    private func buildInt64Dictionary(_ v: UnsafeBufferPointer<Int64>, _ valid: UnsafeBufferPointer<Bool>?,
                                      width: Int) -> [Int64]? {
        let n = v.count
        var capacityLog = 10
        var mask = (1 << capacityLog) - 1
        var slots = UnsafeMutablePointer<Int32>.allocate(capacity: 1 << capacityLog)
        slots.initialize(repeating: -1, count: 1 << capacityLog)
        defer { slots.deallocate() }
        var dict: [Int64] = []
        indices.removeAll(keepingCapacity: true)
        indices.reserveCapacity(n)
        let limit = options.dictionaryPageLimit
        var seen = 0
        @inline(__always) func slot(_ x: Int64) -> Int {
            Int(truncatingIfNeeded: (UInt64(bitPattern: x) &* 0x9E37_79B9_7F4A_7C15) >> UInt64(64 - capacityLog))
        }
        for i in 0..<n {
            if let valid, !valid[i] { continue }
            let x = v[i]
            var h = slot(x)
            while true {
                let s = slots[h]
                if s < 0 {
                    slots[h] = Int32(dict.count)
                    indices.append(UInt32(dict.count))
                    dict.append(x)
                    if dict.count * width > limit { return nil }
                    if dict.count * 2 > mask {
                        // Grow and rehash.
                        slots.deallocate()
                        capacityLog += 1
                        mask = (1 << capacityLog) - 1
                        slots = UnsafeMutablePointer<Int32>.allocate(capacity: 1 << capacityLog)
                        slots.initialize(repeating: -1, count: 1 << capacityLog)
                        for (j, y) in dict.enumerated() {
                            var g = slot(y)
                            while slots[g] >= 0 { g = (g + 1) & mask }
                            slots[g] = Int32(j)
                        }
                    }
                    break
                }
                if dict[Int(s)] == x {
                    indices.append(UInt32(s))
                    break
                }
                h = (h + 1) & mask
            }
            seen += 1
            if seen % Self.dictionaryCheckInterval == 0 && dict.count > seen / 2 { return nil }
        }
        let bits = RLEHybrid.bitWidth(forCount: dict.count)
        return dict.count * width + seen * bits / 8 < seen * width ? dict : nil
    }

    /// Builds the dictionary of a string column into `indices`; returns, per entry, the row of
    /// its first occurrence (the entry's bytes), or nil when a dictionary does not pay.
    private func buildBytesDictionary(_ off: UnsafeBufferPointer<Int32>, _ raw: UnsafeRawBufferPointer,
                                      _ valid: UnsafeBufferPointer<Bool>?) -> [Int32]? {
        let n = off.count - 1
        let base = raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        var capacityLog = 10
        var mask = (1 << capacityLog) - 1
        var slots = UnsafeMutablePointer<Int32>.allocate(capacity: 1 << capacityLog)
        slots.initialize(repeating: -1, count: 1 << capacityLog)
        defer { slots.deallocate() }
        var entryRow: [Int32] = []
        var entryHash: [UInt64] = []
        indices.removeAll(keepingCapacity: true)
        indices.reserveCapacity(n)
        let limit = options.dictionaryPageLimit
        var dictBytes = 0
        var plainBytes = 0
        var seen = 0
        for i in 0..<n {
            if let valid, !valid[i] { continue }
            let s = Int(off[i]), l = Int(off[i + 1]) - s
            let hash = Self.hashBytes(base + s, l)
            var h = Int(truncatingIfNeeded: hash) & mask
            plainBytes += 4 + l
            while true {
                let e = slots[h]
                if e < 0 {
                    slots[h] = Int32(entryRow.count)
                    indices.append(UInt32(entryRow.count))
                    entryRow.append(Int32(i))
                    entryHash.append(hash)
                    dictBytes += 4 + l
                    if dictBytes > limit { return nil }
                    if entryRow.count * 2 > mask {
                        slots.deallocate()
                        capacityLog += 1
                        mask = (1 << capacityLog) - 1
                        slots = UnsafeMutablePointer<Int32>.allocate(capacity: 1 << capacityLog)
                        slots.initialize(repeating: -1, count: 1 << capacityLog)
                        for (j, hh) in entryHash.enumerated() {
                            var g = Int(truncatingIfNeeded: hh) & mask
                            while slots[g] >= 0 { g = (g + 1) & mask }
                            slots[g] = Int32(j)
                        }
                    }
                    break
                }
                if entryHash[Int(e)] == hash {
                    let r = Int(entryRow[Int(e)])
                    let es = Int(off[r]), el = Int(off[r + 1]) - es
                    if el == l && (l == 0 || memcmp(base + es, base + s, l) == 0) {
                        indices.append(UInt32(e))
                        break
                    }
                }
                h = (h + 1) & mask
            }
            seen += 1
            if seen % Self.dictionaryCheckInterval == 0 && entryRow.count > seen / 2 { return nil }
        }
        let bits = RLEHybrid.bitWidth(forCount: entryRow.count)
        return dictBytes + seen * bits / 8 < plainBytes ? entryRow : nil
    }

    /// A fast 64-bit hash of bytes (8 at a time, then a final mix). Not seeded: output order never
    /// depends on it (dictionary entries are kept in first-occurrence order).
    @inline(__always)
    static func hashBytes(_ p: UnsafeRawPointer, _ n: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ (UInt64(n) &* 0xC2B2_AE3D_27D4_EB4F)
        var i = 0
        while i + 8 <= n {
            let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ w) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                w |= UInt64(p.load(fromByteOffset: i, as: UInt8.self)) << shift
                shift += 8
                i += 1
            }
            h = (h ^ w) &* 0xC4CE_B9FE_1A85_EC53
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        return h
    }
}

/// Calls `body` with a buffer over `array`, or nil.
@inline(__always)
func withOptionalBuffer<R>(_ array: [Bool]?, _ body: (UnsafeBufferPointer<Bool>?) throws -> R) rethrows -> R {
    if let array { return try array.withUnsafeBufferPointer { try body($0) } }
    return try body(nil)
}
