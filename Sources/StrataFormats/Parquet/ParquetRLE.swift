import StrataCore

/// The RLE / bit-packed hybrid encoding (definition levels, dictionary indices, RLE booleans).
enum RLEHybrid {
    /// The bit width needed for values `0..<count` (at least 1).
    static func bitWidth(forCount count: Int) -> Int {
        var w = 1
        while count > (1 << w) { w += 1 }
        return w
    }

    /// Appends one RLE run: `count` copies of `value`.
    @inline(__always)
    static func appendRun(_ value: UInt32, count: Int, bitWidth: Int, _ out: ScratchBuffer) {
        out.appendVarint(count << 1)
        var v = value
        for _ in 0..<((bitWidth + 7) / 8) {
            out.append(UInt8(truncatingIfNeeded: v))
            v >>= 8
        }
    }

    /// Appends one bit-packed run of `values` (padded with zeros to a multiple of 8).
    static func appendBitPacked(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int, _ out: ScratchBuffer) {
        let groups = (values.count + 7) / 8
        out.appendVarint(groups << 1 | 1)
        let o = out.appendUninitialized(groups * bitWidth).assumingMemoryBound(to: UInt8.self)
        var acc: UInt64 = 0
        var bits = 0
        var at = 0
        for v in values {
            acc |= UInt64(v) << UInt64(bits)
            bits += bitWidth
            while bits >= 8 {
                o[at] = UInt8(truncatingIfNeeded: acc)
                at += 1
                acc >>= 8
                bits -= 8
            }
        }
        // Zero padding up to the end of the last group of 8.
        if bits > 0 { o[at] = UInt8(truncatingIfNeeded: acc); at += 1 }
        while at < groups * bitWidth { o[at] = 0; at += 1 }
    }

    /// Appends the hybrid encoding of `values` (each `< 1 << bitWidth`): RLE runs for runs of
    /// 8 or more equal values, bit-packed runs otherwise. Deterministic.
    static func encode(_ values: UnsafeBufferPointer<UInt32>, bitWidth: Int, into out: ScratchBuffer) {
        let n = values.count
        var i = 0
        var packedStart = 0
        while i < n {
            let v = values[i]
            var j = i + 1
            while j < n && values[j] == v { j += 1 }
            if j - i >= 8 {
                // A bit-packed run must hold a multiple of 8 values: lend it the run's first ones.
                let pending = i - packedStart
                let rleStart = pending % 8 == 0 ? i : i + (8 - pending % 8)
                if j - rleStart >= 8 {
                    if rleStart > packedStart {
                        appendBitPacked(UnsafeBufferPointer(rebasing: values[packedStart..<rleStart]), bitWidth: bitWidth, out)
                    }
                    appendRun(v, count: j - rleStart, bitWidth: bitWidth, out)
                    packedStart = j
                }
            }
            i = j
        }
        if packedStart < n {
            appendBitPacked(UnsafeBufferPointer(rebasing: values[packedStart..<n]), bitWidth: bitWidth, out)
        }
    }

    /// Bytes convenience for tests.
    static func encode(_ values: [UInt32], bitWidth: Int) -> [UInt8] {
        let out = ScratchBuffer(capacity: 64)
        values.withUnsafeBufferPointer { encode($0, bitWidth: bitWidth, into: out) }
        return out.array
    }

    /// Decodes `count` values of `bitWidth` bits from `input`, appending them to `out`.
    /// Returns the bytes consumed. Throws `.corruptData` when the input ends early.
    @discardableResult
    static func decode(_ input: UnsafeRawBufferPointer, bitWidth: Int, count: Int, into out: inout [UInt32]) throws -> Int {
        guard bitWidth >= 0 && bitWidth <= 32 else { throw corrupt("bit width \(bitWidth) out of range") }
        var pos = 0
        var produced = 0
        let valueBytes = (bitWidth + 7) / 8
        let mask: UInt64 = bitWidth == 0 ? 0 : (UInt64(1) << UInt64(bitWidth)) - 1
        while produced < count {
            // Header varint.
            var header: UInt64 = 0
            var shift: UInt64 = 0
            while true {
                guard pos < input.count else { throw corrupt("RLE data ends early") }
                let b = input[pos]
                pos += 1
                guard shift < 63 else { throw corrupt("RLE header too long") }
                header |= UInt64(b & 0x7F) << shift
                if b & 0x80 == 0 { break }
                shift += 7
            }
            if header & 1 == 0 {
                let run = Int(clamping: header >> 1)
                guard pos + valueBytes <= input.count else { throw corrupt("RLE data ends early") }
                var v: UInt32 = 0
                for k in 0..<valueBytes { v |= UInt32(input[pos + k]) << UInt32(8 * k) }
                pos += valueBytes
                let take = min(run, count - produced)
                out.append(contentsOf: repeatElement(v, count: take))
                produced += take
            } else {
                let groups = Int(clamping: header >> 1)
                let wanted = groups > Int.max / 8 ? Int.max : groups * 8
                // Some writers truncate the final bit-packed run: decode what the bytes hold.
                let availableValues = bitWidth == 0 ? wanted : (input.count - pos) * 8 / bitWidth
                let take = min(wanted, count - produced, availableValues)
                guard take > 0 || wanted == 0 else { throw corrupt("RLE data ends early") }
                var acc: UInt64 = 0
                var bits = 0
                var p = pos
                out.reserveCapacity(out.count + take)
                for _ in 0..<take {
                    while bits < bitWidth {
                        acc |= UInt64(input[p]) << UInt64(bits)
                        p += 1
                        bits += 8
                    }
                    out.append(UInt32(truncatingIfNeeded: acc & mask))
                    acc >>= UInt64(bitWidth)
                    bits -= bitWidth
                }
                produced += take
                let runBytes = groups > (Int.max / 8) / max(bitWidth, 1) ? Int.max : groups * bitWidth
                pos = min(input.count, pos + runBytes)
            }
        }
        return pos
    }

    static func corrupt(_ what: String) -> StrataError { StrataError(.corruptData, what) }
}
