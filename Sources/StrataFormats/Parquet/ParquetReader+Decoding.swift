import StrataCore

/// Decoded values of one page or dictionary, before nulls are interleaved.
enum DecodedValues {
    case ints([Int64])
    case doubles([Double])
    case bools([Bool])
    case bytes(ByteArrays)

    var count: Int {
        switch self {
        case .ints(let v): return v.count
        case .doubles(let v): return v.count
        case .bools(let v): return v.count
        case .bytes(let v): return v.count
        }
    }
}

/// Decodes the pages of column chunks into columns. Reuses one decompressor per codec.
final class ParquetChunkDecoder {
    private var decompressors: [Int32: BlockDecompressor] = [:]
    /// Largest page Strata agrees to inflate (guards against absurd sizes in corrupt headers).
    static let maxPageBytes = 1 << 30

    static func corrupt(_ what: String, hint: String? = nil) -> StrataError { StrataError(.corruptData, what, hint: hint) }

    /// Decodes one column chunk of `rows` rows from `bytes` (the chunk's byte range).
    func decodeChunk(_ bytes: [UInt8], meta md: ColumnMetaData, type: ParquetColumnType, optional: Bool,
                     rows: Int, name: String) throws -> Column {
        try checkCodec(md.codec, column: name)
        var out = ColumnAssembler(type: type.dataType, capacity: rows)
        var dictionary: DecodedValues?
        var pos = 0
        while out.count < rows {
            let (header, payloadRange) = try nextPage(bytes, at: &pos, name: name)
            let comp = payloadRange.count, unc = Int(header.uncompressedPageSize)
            switch header.type {
            case PageType.dictionaryPage:
                guard let dh = header.dictionaryPage, dh.numValues >= 0 else { throw Self.corrupt("column '\(name)' has a dictionary page without its header") }
                guard dh.encoding == Encoding.plain || dh.encoding == Encoding.plainDictionary else {
                    throw unsupportedEncoding(dh.encoding, name)
                }
                let data = try inflate(bytes, payloadRange, size: unc, codec: md.codec)
                dictionary = try data.withUnsafeBytes { try decodePlain($0, count: Int(dh.numValues), type: type, name: name).values }
            case PageType.dataPage:
                guard let dp = header.dataPage else { throw Self.corrupt("column '\(name)' has a data page without its header") }
                let n = Int(dp.numValues)
                guard n >= 0, n <= rows - out.count else { throw Self.corrupt("column '\(name)' has more values than its row group has rows") }
                let data = try inflate(bytes, payloadRange, size: unc, codec: md.codec)
                try data.withUnsafeBytes { buf in
                    var valuesAt = 0
                    var defs: [UInt32]?
                    if optional {
                        guard buf.count >= 4 else { throw Self.corrupt("column '\(name)' has a truncated page") }
                        let len = Int(buf.loadUnaligned(as: UInt32.self).littleEndian)
                        guard len <= buf.count - 4 else { throw Self.corrupt("column '\(name)' has definition levels past its page") }
                        var d: [UInt32] = []
                        d.reserveCapacity(n)
                        try RLEHybrid.decode(UnsafeRawBufferPointer(rebasing: buf[4..<(4 + len)]), bitWidth: 1, count: n, into: &d)
                        defs = d
                        valuesAt = 4 + len
                    }
                    try decodeValues(UnsafeRawBufferPointer(rebasing: buf[valuesAt...]), rows: n, defs: defs, encoding: dp.encoding,
                                     dictionary: dictionary, type: type, name: name, into: &out)
                }
            case PageType.dataPageV2:
                guard let dp = header.dataPageV2 else { throw Self.corrupt("column '\(name)' has a data page without its header") }
                let n = Int(dp.numValues)
                let defLen = Int(dp.definitionLevelsByteLength), repLen = Int(dp.repetitionLevelsByteLength)
                guard n >= 0, n <= rows - out.count else { throw Self.corrupt("column '\(name)' has more values than its row group has rows") }
                guard defLen >= 0, repLen >= 0, defLen + repLen <= comp, defLen + repLen <= unc else {
                    throw Self.corrupt("column '\(name)' has a page whose level sizes exceed the page")
                }
                var defs: [UInt32]?
                if optional {
                    var d: [UInt32] = []
                    d.reserveCapacity(n)
                    try bytes.withUnsafeBytes { b in
                        let s = payloadRange.lowerBound + repLen
                        try RLEHybrid.decode(UnsafeRawBufferPointer(rebasing: b[s..<(s + defLen)]), bitWidth: 1, count: n, into: &d)
                    }
                    defs = d
                }
                let valuesRange = (payloadRange.lowerBound + repLen + defLen)..<payloadRange.upperBound
                let data = try inflate(bytes, valuesRange, size: unc - defLen - repLen,
                                       codec: dp.isCompressed ? md.codec : Codec.uncompressed)
                try data.withUnsafeBytes { buf in
                    try decodeValues(buf, rows: n, defs: defs, encoding: dp.encoding, dictionary: dictionary,
                                     type: type, name: name, into: &out)
                }
            default:
                continue  // index pages and future page types carry no values
            }
        }
        return out.finish(optional: optional)
    }

    /// The page header at `pos` and its payload's range; moves `pos` past the page.
    func nextPage(_ bytes: [UInt8], at pos: inout Int, name: String) throws -> (PageHeader, Range<Int>) {
        guard pos < bytes.count else { throw Self.corrupt("column '\(name)' ends before all its values") }
        var r = ThriftReader(bytes, from: pos)
        let header = try PageHeader.read(&r)
        pos = r.position
        let comp = Int(header.compressedPageSize), unc = Int(header.uncompressedPageSize)
        guard comp >= 0, unc >= 0, unc <= Self.maxPageBytes, comp <= bytes.count - pos else {
            throw Self.corrupt("column '\(name)' has a page whose size lies outside the chunk")
        }
        defer { pos += comp }
        return (header, pos..<(pos + comp))
    }

    private func checkCodec(_ codec: Int32, column: String) throws {
        _ = try decompressor(codec, column: column)
    }

    /// The decompressor for `codec` (nil for UNCOMPRESSED); throws naming codecs Strata cannot read.
    private func decompressor(_ codec: Int32, column: String) throws -> BlockDecompressor? {
        if codec == Codec.uncompressed { return nil }
        if let d = decompressors[codec] { return d }
        let d: BlockDecompressor
        switch codec {
        case Codec.gzip: d = try GzipDecompressor()
        case Codec.snappy: d = SnappyDecompressor()
        case Codec.zstd: d = try ZstdDecompressor()
        case Codec.lz4Raw: d = Lz4RawDecompressor()
        default:
            throw Self.corrupt("column '\(column)' is compressed with \(Codec.name(codec)), which Strata cannot read",
                               hint: "rewrite the file with SNAPPY, ZSTD, GZIP, LZ4_RAW or no compression")
        }
        decompressors[codec] = d
        return d
    }

    func unsupportedEncoding(_ e: Int32, _ column: String) -> StrataError {
        Self.corrupt("column '\(column)' uses encoding \(ParquetEncodings.name(e)), which Strata cannot read",
                     hint: "rewrite the file with PLAIN, dictionary, DELTA_* or BYTE_STREAM_SPLIT encodings")
    }

    /// The page payload in `range`, decompressed to `size` bytes with `codec`.
    func inflate(_ bytes: [UInt8], _ range: Range<Int>, size: Int, codec: Int32) throws -> [UInt8] {
        guard let d = try decompressor(codec, column: "") else {
            guard range.count == size else { throw Self.corrupt("an uncompressed page's sizes disagree") }
            return Array(bytes[range])
        }
        return try bytes.withUnsafeBytes { b in
            try d.decompress(UnsafeRawBufferPointer(rebasing: b[range]), expectedSize: size)
        }
    }

    /// Decodes the values of one data page and appends `rows` rows (nulls where `defs` is 0).
    private func decodeValues(_ buf: UnsafeRawBufferPointer, rows n: Int, defs: [UInt32]?, encoding: Int32,
                              dictionary: DecodedValues?, type: ParquetColumnType, name: String,
                              into out: inout ColumnAssembler) throws {
        var k = n
        if let defs {
            k = 0
            for d in defs {
                guard d <= 1 else { throw Self.corrupt("column '\(name)' has a definition level above 1") }
                k += Int(d)
            }
        }
        let values = try decodePageValues(buf, count: k, encoding: encoding, dictionary: dictionary, type: type, name: name)
        guard values.count == k else { throw Self.corrupt("column '\(name)' has a page with too few values") }
        if case .bytes(let b) = values, b.bytes.count > Int(Int32.max) - out.byteCount {
            throw Self.corrupt("column '\(name)' holds more than 2 GiB of strings in one row group")
        }
        out.append(values, defs: defs)
    }


    /// The `k` non-null values of one data page in `encoding`.
    func decodePageValues(_ buf: UnsafeRawBufferPointer, count k: Int, encoding: Int32, dictionary: DecodedValues?,
                          type: ParquetColumnType, name: String) throws -> DecodedValues {
        switch encoding {
        case Encoding.plain:
            return try decodePlain(buf, count: k, type: type, name: name).values
        case Encoding.rleDictionary, Encoding.plainDictionary:
            guard let dictionary else { throw Self.corrupt("column '\(name)' has a dictionary-encoded page but no dictionary") }
            var idx: [UInt32] = []
            if k > 0 {
                guard buf.count >= 1 else { throw Self.corrupt("column '\(name)' has a truncated page") }
                idx.reserveCapacity(k)
                try RLEHybrid.decode(UnsafeRawBufferPointer(rebasing: buf[1...]), bitWidth: Int(buf[0]), count: k, into: &idx)
            }
            return try gather(dictionary, idx, name: name)
        case Encoding.rle where type.physical == PhysicalType.boolean:
            guard buf.count >= 4 else { throw Self.corrupt("column '\(name)' has a truncated page") }
            let len = Int(buf.loadUnaligned(as: UInt32.self).littleEndian)
            guard len <= buf.count - 4 else { throw Self.corrupt("column '\(name)' has values past its page") }
            var bits: [UInt32] = []
            bits.reserveCapacity(k)
            try RLEHybrid.decode(UnsafeRawBufferPointer(rebasing: buf[4..<(4 + len)]), bitWidth: 1, count: k, into: &bits)
            return .bools(bits.map { $0 != 0 })
        case ParquetEncodings.deltaBinaryPacked, ParquetEncodings.deltaLengthByteArray,
             ParquetEncodings.deltaByteArray, ParquetEncodings.byteStreamSplit:
            let plain = try ParquetEncodings.toPlain(buf, count: k, encoding: encoding, type: type, name: name)
            return try plain.withUnsafeBytes { try decodePlain($0, count: k, type: type, name: name).values }
        default:
            throw unsupportedEncoding(encoding, name)
        }
    }

    private func gather(_ dict: DecodedValues, _ idx: [UInt32], name: String) throws -> DecodedValues {
        let n = dict.count
        for i in idx where Int(i) >= n { throw Self.corrupt("column '\(name)' refers past the end of its dictionary") }
        switch dict {
        case .ints(let d): return .ints(idx.map { d[Int($0)] })
        case .doubles(let d): return .doubles(idx.map { d[Int($0)] })
        case .bools(let d): return .bools(idx.map { d[Int($0)] })
        case .bytes(let d):
            var out = ByteArrays()
            var total = 0
            for i in idx { total += d.range(Int(i)).count }
            out.reserve(values: idx.count, bytes: total)
            d.bytes.withUnsafeBufferPointer { src in
                for i in idx { out.append(UnsafeBufferPointer(rebasing: src[d.range(Int(i))])) }
            }
            return .bytes(out)
        }
    }

    /// Decodes `count` PLAIN values of `type` from `buf`; returns them and the bytes used.
    func decodePlain(_ buf: UnsafeRawBufferPointer, count: Int, type: ParquetColumnType,
                     name: String) throws -> (values: DecodedValues, used: Int) {
        let truncated = Self.corrupt("column '\(name)' has fewer values than its page declares")
        guard count >= 0 else { throw truncated }
        switch type.physical {
        case PhysicalType.boolean:
            guard count <= buf.count * 8 else { throw truncated }
            var v = [Bool](repeating: false, count: count)
            for i in 0..<count { v[i] = buf[i >> 3] & (1 << UInt8(i & 7)) != 0 }
            return (.bools(v), (count + 7) / 8)
        case PhysicalType.int32:
            guard count <= buf.count / 4 else { throw truncated }
            var v = [Int64](repeating: 0, count: count)
            for i in 0..<count { v[i] = Int64(Int32(littleEndian: buf.loadUnaligned(fromByteOffset: i * 4, as: Int32.self))) }
            return (.ints(v), count * 4)
        case PhysicalType.int64:
            guard count <= buf.count / 8 else { throw truncated }
            var v = [Int64](repeating: 0, count: count)
            for i in 0..<count { v[i] = Int64(littleEndian: buf.loadUnaligned(fromByteOffset: i * 8, as: Int64.self)) }
            switch type.timeUnit {
            case 1:
                for i in 0..<count {
                    let (m, o) = v[i].multipliedReportingOverflow(by: 1000)
                    guard !o else { throw Self.corrupt("column '\(name)' has a timestamp out of range") }
                    v[i] = m
                }
            case 3:
                for i in 0..<count { v[i] = v[i] >= 0 ? v[i] / 1000 : -((-(v[i] + 1)) / 1000) - 1 }
            default: break
            }
            return (.ints(v), count * 8)
        case PhysicalType.int96:
            // Nanoseconds of the day (8 bytes LE), then the Julian day number (4 bytes LE).
            guard count <= buf.count / 12 else { throw truncated }
            var v = [Int64](repeating: 0, count: count)
            for i in 0..<count {
                let nanos = Int64(littleEndian: buf.loadUnaligned(fromByteOffset: i * 12, as: Int64.self))
                let julian = Int64(Int32(littleEndian: buf.loadUnaligned(fromByteOffset: i * 12 + 8, as: Int32.self)))
                let (dayMicros, o) = (julian - 2_440_588).multipliedReportingOverflow(by: Temporal.microsPerDay)
                guard !o, nanos >= 0, nanos < 86_400 * 1_000_000_000 else { throw Self.corrupt("column '\(name)' has an INT96 timestamp out of range") }
                v[i] = dayMicros + nanos / 1000
            }
            return (.ints(v), count * 12)
        case PhysicalType.float:
            guard count <= buf.count / 4 else { throw truncated }
            var v = [Double](repeating: 0, count: count)
            for i in 0..<count {
                v[i] = Double(Float(bitPattern: UInt32(littleEndian: buf.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self))))
            }
            return (.doubles(v), count * 4)
        case PhysicalType.double:
            guard count <= buf.count / 8 else { throw truncated }
            var v = [Double](repeating: 0, count: count)
            for i in 0..<count {
                v[i] = Double(bitPattern: UInt64(littleEndian: buf.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)))
            }
            return (.doubles(v), count * 8)
        case PhysicalType.byteArray where type.dataType == .string || type.dataType == .binary:
            guard count <= buf.count / 4 else { throw truncated }
            var out = ByteArrays()
            out.reserve(values: count, bytes: max(0, buf.count - 4 * count))
            var p = 0
            for _ in 0..<count {
                guard buf.count - p >= 4 else { throw truncated }
                let len = Int(UInt32(littleEndian: buf.loadUnaligned(fromByteOffset: p, as: UInt32.self)))
                p += 4
                guard len <= buf.count - p else { throw truncated }
                out.append(UnsafeRawBufferPointer(rebasing: buf[p..<(p + len)]))
                p += len
            }
            return (.bytes(out), p)
        case PhysicalType.byteArray, PhysicalType.fixedLenByteArray:
            // Decimals as big-endian two's complement.
            var v = [Int64]()
            v.reserveCapacity(min(count, buf.count))
            var p = 0
            for _ in 0..<count {
                var len = type.typeLength
                if type.physical == PhysicalType.byteArray {
                    guard buf.count - p >= 4 else { throw truncated }
                    len = Int(UInt32(littleEndian: buf.loadUnaligned(fromByteOffset: p, as: UInt32.self)))
                    p += 4
                }
                guard len <= buf.count - p else { throw truncated }
                v.append(try Self.bigEndianInt(UnsafeRawBufferPointer(rebasing: buf[p..<(p + len)]), name: name))
                p += len
            }
            return (.ints(v), p)
        default:
            throw Self.corrupt("column '\(name)' has physical type \(PhysicalType.name(type.physical)), which Strata cannot read")
        }
    }

    /// A big-endian two's-complement integer that must fit in Int64.
    static func bigEndianInt(_ b: UnsafeRawBufferPointer, name: String) throws -> Int64 {
        guard b.count > 0 else { return 0 }
        let negative = b[0] & 0x80 != 0
        var v: UInt64 = negative ? UInt64.max : 0
        for (i, byte) in b.enumerated() {
            if b.count - i > 8 {
                guard byte == (negative ? 0xFF : 0x00) else { throw corrupt("column '\(name)' has a decimal beyond 18 digits") }
                continue
            }
            v = (v << 8) | UInt64(byte)
        }
        let r = Int64(bitPattern: v)
        guard (r < 0) == negative else { throw corrupt("column '\(name)' has a decimal beyond 18 digits") }
        return r
    }
}

/// Collects decoded pages into one column, interleaving nulls.
struct ColumnAssembler {
    let type: DataType
    private var ints: [Int64] = []
    private var doubles: [Double] = []
    private var bools: [Bool] = []
    private var bytes = ByteArrays()
    private var validity: [Bool] = []
    private var hasNull = false
    private(set) var count = 0
    var byteCount: Int { bytes.bytes.count }

    init(type: DataType, capacity: Int) {
        self.type = type
        let c = min(capacity, 1 << 20)
        switch type {
        case .bool: bools.reserveCapacity(c)
        case .double: doubles.reserveCapacity(c)
        case .string, .binary: bytes.offsets.reserveCapacity(c + 1)
        default: ints.reserveCapacity(c)
        }
        validity.reserveCapacity(c)
    }

    /// Appends one page: `values` are the non-null values; `defs` (nil = all valid) marks rows.
    mutating func append(_ values: DecodedValues, defs: [UInt32]?) {
        let rows = defs?.count ?? values.count
        if let defs {
            var j = 0
            switch values {
            case .ints(let v): for d in defs { if d != 0 { ints.append(v[j]); j += 1 } else { ints.append(0) } }
            case .doubles(let v): for d in defs { if d != 0 { doubles.append(v[j]); j += 1 } else { doubles.append(0) } }
            case .bools(let v): for d in defs { if d != 0 { bools.append(v[j]); j += 1 } else { bools.append(false) } }
            case .bytes(let v):
                v.bytes.withUnsafeBufferPointer { src in
                    for d in defs {
                        if d != 0 { bytes.append(UnsafeBufferPointer(rebasing: src[v.range(j)])); j += 1 } else { bytes.appendEmpty() }
                    }
                }
            }
            for d in defs {
                validity.append(d != 0)
                if d == 0 { hasNull = true }
            }
        } else {
            switch values {
            case .ints(let v): ints.append(contentsOf: v)
            case .doubles(let v): doubles.append(contentsOf: v)
            case .bools(let v): bools.append(contentsOf: v)
            case .bytes(let v):
                let base = Int32(bytes.bytes.count)
                bytes.bytes.append(contentsOf: v.bytes)
                bytes.offsets.append(contentsOf: v.offsets.dropFirst().lazy.map { $0 + base })
            }
            validity.append(contentsOf: repeatElement(true, count: rows))
        }
        count += rows
    }

    func finish(optional: Bool) -> Column {
        let values: ColumnValues
        switch type {
        case .bool: values = .bool(bools)
        case .double: values = .double(doubles)
        case .string, .binary: values = .bytes(bytes)
        default: values = .int64(ints)
        }
        return Column(type: type, values: values, validity: hasNull ? validity : nil)
    }
}
