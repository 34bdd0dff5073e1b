import StrataCore

/// The Parquet encodings other writers use beyond PLAIN and dictionaries (Spark and DuckDB with
/// format v2, pyarrow's `column_encoding`): DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY,
/// DELTA_BYTE_ARRAY and BYTE_STREAM_SPLIT.
///
/// Each decoder turns a page's values into the PLAIN layout of the same values, which
/// `ParquetChunkDecoder.decodePlain` then reads: one place converts units, decimals and strings,
/// whatever the encoding. Every length and count is checked against the page; bad input throws.
enum ParquetEncodings {
    static let deltaBinaryPacked: Int32 = 5
    static let deltaLengthByteArray: Int32 = 6
    static let deltaByteArray: Int32 = 7
    static let byteStreamSplit: Int32 = 9

    static func corrupt(_ name: String, _ what: String) -> StrataError {
        StrataError(.corruptData, "column '\(name)' has a \(what)")
    }

    /// `count` values of `type` encoded as `encoding` in `buf`, laid out as PLAIN.
    static func toPlain(_ buf: UnsafeRawBufferPointer, count: Int, encoding: Int32, type: ParquetColumnType,
                        name: String) throws -> [UInt8] {
        switch encoding {
        case deltaBinaryPacked:
            guard type.physical == PhysicalType.int32 || type.physical == PhysicalType.int64 else { break }
            var r = Reader(buf, name: name)
            let values = try r.deltaBinaryPacked(count: count, width32: type.physical == PhysicalType.int32)
            return plainInts(values, width: type.physical == PhysicalType.int32 ? 4 : 8)
        case deltaLengthByteArray:
            guard type.physical == PhysicalType.byteArray else { break }
            var r = Reader(buf, name: name)
            let lengths = try r.deltaBinaryPacked(count: count, width32: true)
            return try r.lengthPrefixed(lengths: lengths)
        case deltaByteArray:
            guard type.physical == PhysicalType.byteArray || type.physical == PhysicalType.fixedLenByteArray else { break }
            return try deltaStrings(buf, count: count, type: type, name: name)
        case byteStreamSplit:
            let width = type.plainWidth
            guard width > 0 else { break }
            return try unsplit(buf, count: count, width: width, name: name)
        default:
            break
        }
        throw StrataError(.corruptData, "column '\(name)' of type \(PhysicalType.name(type.physical)) uses encoding \(Self.name(encoding)), which does not apply to it")
    }

    static func name(_ e: Int32) -> String {
        let names: [Int32: String] = [0: "PLAIN", 2: "PLAIN_DICTIONARY", 3: "RLE", 4: "BIT_PACKED", 5: "DELTA_BINARY_PACKED",
                                      6: "DELTA_LENGTH_BYTE_ARRAY", 7: "DELTA_BYTE_ARRAY", 8: "RLE_DICTIONARY", 9: "BYTE_STREAM_SPLIT"]
        return names[e] ?? "\(e)"
    }

    private static func plainInts(_ values: [Int64], width: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: values.count * width)
        out.withUnsafeMutableBytes { o in
            if width == 4 {
                for (i, v) in values.enumerated() { o.storeBytes(of: Int32(truncatingIfNeeded: v).littleEndian, toByteOffset: i * 4, as: Int32.self) }
            } else {
                for (i, v) in values.enumerated() { o.storeBytes(of: v.littleEndian, toByteOffset: i * 8, as: Int64.self) }
            }
        }
        return out
    }

    /// BYTE_STREAM_SPLIT: byte `j` of value `i` sits at `j * count + i`.
    private static func unsplit(_ buf: UnsafeRawBufferPointer, count: Int, width: Int, name: String) throws -> [UInt8] {
        guard count >= 0, count <= buf.count / width else { throw corrupt(name, "BYTE_STREAM_SPLIT page shorter than its values") }
        var out = [UInt8](repeating: 0, count: count * width)
        out.withUnsafeMutableBytes { o in
            for j in 0..<width {
                let stream = j * count
                for i in 0..<count { o[i * width + j] = buf[stream + i] }
            }
        }
        return out
    }

    /// DELTA_BYTE_ARRAY: prefix lengths, then the suffixes as DELTA_LENGTH_BYTE_ARRAY; each value
    /// is the previous value's first `prefix` bytes followed by its suffix.
    private static func deltaStrings(_ buf: UnsafeRawBufferPointer, count: Int, type: ParquetColumnType,
                                     name: String) throws -> [UInt8] {
        var r = Reader(buf, name: name)
        let prefixes = try r.deltaBinaryPacked(count: count, width32: true)
        let suffixLengths = try r.deltaBinaryPacked(count: count, width32: true)
        let fixed = type.physical == PhysicalType.fixedLenByteArray
        var out: [UInt8] = []
        out.reserveCapacity(min(buf.count * 2, 1 << 26))
        var previous: [UInt8] = []
        for i in 0..<count {
            let p = Int(prefixes[i]), s = Int(suffixLengths[i])
            guard p >= 0, p <= previous.count, s >= 0 else { throw corrupt(name, "DELTA_BYTE_ARRAY prefix longer than the value before it") }
            let suffix = try r.take(s)
            var value = Array(previous[0..<p])
            value.append(contentsOf: suffix)
            if fixed {
                guard value.count == type.typeLength else { throw corrupt(name, "DELTA_BYTE_ARRAY value of the wrong fixed length") }
            } else {
                var len = UInt32(value.count).littleEndian
                withUnsafeBytes(of: &len) { out.append(contentsOf: $0) }
            }
            guard out.count <= Int(Int32.max) - value.count else { throw corrupt(name, "page of more than 2 GiB") }
            out.append(contentsOf: value)
            previous = value
        }
        return out
    }

    /// A cursor over a page's bytes.
    struct Reader {
        let buf: UnsafeRawBufferPointer
        let name: String
        var at = 0

        init(_ buf: UnsafeRawBufferPointer, name: String) {
            self.buf = buf
            self.name = name
        }

        mutating func byte() throws -> UInt8 {
            guard at < buf.count else { throw corrupt(name, "truncated DELTA page") }
            defer { at += 1 }
            return buf[at]
        }

        mutating func uvarint() throws -> UInt64 {
            var v: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                let b = try byte()
                guard shift < 64 else { throw corrupt(name, "varint longer than 64 bits") }
                v |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { return v }
                shift += 7
            }
        }

        mutating func zigzag() throws -> Int64 {
            let u = try uvarint()
            return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
        }

        mutating func take(_ n: Int) throws -> UnsafeRawBufferPointer {
            guard n >= 0, n <= buf.count - at else { throw corrupt(name, "value past the end of its page") }
            defer { at += n }
            return UnsafeRawBufferPointer(rebasing: buf[at..<(at + n)])
        }

        /// DELTA_BINARY_PACKED: a header (block size, miniblocks per block, value count, first
        /// value), then blocks of (min delta, one bit width per miniblock, bit-packed miniblocks).
        /// Arithmetic wraps, in 32 bits for INT32 columns, as writers compute it.
        mutating func deltaBinaryPacked(count: Int, width32: Bool) throws -> [Int64] {
            let blockSize = try uvarint(), miniblocks = try uvarint(), total = try uvarint()
            var value = try zigzag()
            guard blockSize > 0, blockSize % 128 == 0, blockSize <= 1 << 20, miniblocks > 0, blockSize % miniblocks == 0,
                  (blockSize / miniblocks) % 32 == 0 else {
                throw corrupt(name, "DELTA_BINARY_PACKED header with an invalid block layout")
            }
            guard total == UInt64(count) else { throw corrupt(name, "DELTA_BINARY_PACKED page holding \(total) values, not \(count)") }
            let perMini = Int(blockSize / miniblocks)
            var out: [Int64] = []
            out.reserveCapacity(min(count, 1 << 20))
            if count == 0 { return out }
            func wrap(_ v: Int64) -> Int64 { width32 ? Int64(Int32(truncatingIfNeeded: v)) : v }
            value = wrap(value)
            out.append(value)
            var widths = [Int](repeating: 0, count: Int(miniblocks))
            while out.count < count {
                let minDelta = try zigzag()
                for m in 0..<widths.count {
                    widths[m] = Int(try byte())
                    guard widths[m] <= 64 else { throw corrupt(name, "DELTA_BINARY_PACKED miniblock wider than 64 bits") }
                }
                for w in widths where out.count < count {
                    let bytes = try take(perMini * w / 8)
                    var acc: UInt64 = 0, bits = 0, pos = 0
                    for _ in 0..<perMini where out.count < count {
                        var delta: UInt64 = 0
                        if w > 0 {
                            // Gather w bits, least significant first, across byte boundaries.
                            var got = 0
                            while got < w {
                                if bits == 0 { acc = UInt64(bytes[pos]); pos += 1; bits = 8 }
                                let n = min(w - got, bits)
                                delta |= (acc & ((1 << UInt64(n)) - 1)) << UInt64(got)
                                acc >>= UInt64(n)
                                bits -= n
                                got += n
                            }
                        }
                        value = wrap(value &+ minDelta &+ Int64(bitPattern: delta))
                        out.append(value)
                    }
                }
            }
            return out
        }

        /// The remaining bytes cut into values of `lengths`, laid out as PLAIN byte arrays.
        mutating func lengthPrefixed(lengths: [Int64]) throws -> [UInt8] {
            var total = 0
            for l in lengths {
                guard l >= 0, l <= Int64(buf.count - at) else { throw corrupt(name, "DELTA_LENGTH_BYTE_ARRAY length past the page") }
                total += Int(l)
                guard total <= buf.count - at else { throw corrupt(name, "DELTA_LENGTH_BYTE_ARRAY lengths past the page") }
            }
            var out: [UInt8] = []
            out.reserveCapacity(total + 4 * lengths.count)
            for l in lengths {
                var len = UInt32(l).littleEndian
                withUnsafeBytes(of: &len) { out.append(contentsOf: $0) }
                out.append(contentsOf: try take(Int(l)))
            }
            return out
        }
    }
}
