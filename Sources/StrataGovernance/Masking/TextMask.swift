/// Ranger-style character masking on UTF-8 bytes: upper-case letters → `X`, other letters → `x`,
/// decimal digits → `0`, everything else (spaces, punctuation, `@`, `+`) kept.
enum TextMask {
    /// Masks `src` into `out`, keeping the first `keepFirst` and last `keepLast` characters
    /// (Unicode scalars) clear. A value with no more characters than are kept is masked whole,
    /// so short values never show in clear.
    static func redact(_ src: UnsafeBufferPointer<UInt8>, keepFirst: Int, keepLast: Int, into out: inout [UInt8]) {
        var total = 0
        if keepFirst > 0 || keepLast > 0 {
            for b in src where b & 0xC0 != 0x80 { total += 1 }
        }
        let clear = total > keepFirst + keepLast
        var index = 0
        var i = 0
        let n = src.count
        while i < n {
            let b = src[i]
            let len = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 1
            let end = min(i + len, n)
            if clear && (index < keepFirst || index >= total - keepLast) {
                out.append(contentsOf: src[i..<end])
            } else if b < 0x80 {
                out.append(maskASCII(b))
            } else if let s = decode(src, i, end) {
                let p = s.properties
                if p.isUppercase { out.append(UInt8(ascii: "X")) }
                else if p.isAlphabetic { out.append(UInt8(ascii: "x")) }
                else if p.numericType == .decimal { out.append(UInt8(ascii: "0")) }
                else { out.append(contentsOf: src[i..<end]) }
            } else {
                out.append(UInt8(ascii: "x"))
            }
            index += 1
            i = end
        }
    }

    @inline(__always)
    static func maskASCII(_ b: UInt8) -> UInt8 {
        switch b {
        case 65...90: return UInt8(ascii: "X")
        case 97...122: return UInt8(ascii: "x")
        case 48...57: return UInt8(ascii: "0")
        default: return b
        }
    }

    private static func decode(_ src: UnsafeBufferPointer<UInt8>, _ i: Int, _ end: Int) -> Unicode.Scalar? {
        var v = UInt32(src[i]) & (end - i == 2 ? 0x1F : end - i == 3 ? 0x0F : 0x07)
        for j in (i + 1)..<end {
            guard src[j] & 0xC0 == 0x80 else { return nil }
            v = v << 6 | UInt32(src[j] & 0x3F)
        }
        return Unicode.Scalar(v)
    }
}
