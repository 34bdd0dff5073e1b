#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataCore

/// Conversions from the bytes of one text field to typed values, shared by the CSV and JSONL readers.
///
/// Every function takes the field's bytes and returns nil when they do not form a value of the type;
/// none allocates. Integer and double parsers accept surrounding ASCII spaces.
package enum TextParsing {
    /// Appends the bytes that hex text spells (`\x00ff` as PostgreSQL writes bytea, or `00ff`,
    /// either case); false, appending nothing, when it is not an even run of hex digits.
    package static func appendHex(_ b: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        var start = 0
        if b.count >= 2 && b[0] == 92 && (b[1] == 120 || b[1] == 88) { start = 2 }
        guard (b.count - start) % 2 == 0 else { return false }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        let mark = out.count
        var i = start
        while i < b.count {
            guard let hi = nibble(b[i]), let lo = nibble(b[i + 1]) else {
                out.removeSubrange(mark...)
                return false
            }
            out.append(hi << 4 | lo)
            i += 2
        }
        return true
    }

    /// The field without leading and trailing ASCII spaces and tabs.
    @inline(__always)
    static func trimmed(_ b: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        guard let base = b.baseAddress, b.count > 0 else { return b }
        var s = 0, e = b.count
        while s < e, base[s] == 0x20 || base[s] == 0x09 { s += 1 }
        while e > s, base[e - 1] == 0x20 || base[e - 1] == 0x09 { e -= 1 }
        return UnsafeBufferPointer(start: base + s, count: e - s)
    }

    /// `[+-]digits`, overflow → nil.
    @inline(__always)
    static func parseInt64(_ field: UnsafeBufferPointer<UInt8>) -> Int64? {
        var b = field
        if let f = b.first, let l = b.last, f == 0x20 || l == 0x20 || f == 0x09 || l == 0x09 { b = trimmed(b) }
        guard let p = b.baseAddress, b.count > 0 else { return nil }
        let n = b.count
        var i = 0
        var neg = false
        if p[0] == UInt8(ascii: "-") { neg = true; i = 1 } else if p[0] == UInt8(ascii: "+") { i = 1 }
        guard i < n else { return nil }
        // Accumulate as a negative number so Int64.min parses.
        var v: Int64 = 0
        if n - i <= 18 {
            while i < n {
                let d = p[i] &- 48
                guard d < 10 else { return nil }
                v = v &* 10 &- Int64(d)
                i += 1
            }
        } else {
            while i < n {
                let d = p[i] &- 48
                guard d < 10 else { return nil }
                let (m, o1) = v.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.subtractingReportingOverflow(Int64(d))
                guard !o1, !o2 else { return nil }
                v = s
                i += 1
            }
        }
        if neg { return v }
        guard v != .min else { return nil }
        return -v
    }

    static let exactPowersOf10: [Double] = (0...22).map { i in (0..<i).reduce(1.0) { a, _ in a * 10 } }

    /// A decimal or scientific number (`-1.5`, `.5`, `3.`, `1e-7`), or `nan`/`inf`/`infinity` in any case.
    ///
    /// Simple decimals with at most 15 significant digits are converted exactly by one division
    /// (both operands are exact doubles, so the result is correctly rounded); the rest go to `strtod`.
    static func parseDouble(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
        var b = field
        if let f = b.first, let l = b.last, f == 0x20 || l == 0x20 || f == 0x09 || l == 0x09 { b = trimmed(b) }
        guard let p = b.baseAddress, b.count > 0 else { return nil }
        let n = b.count
        var i = 0
        var neg = false
        if p[0] == UInt8(ascii: "-") { neg = true; i = 1 } else if p[0] == UInt8(ascii: "+") { i = 1 }
        var mantissa: UInt64 = 0
        var digits = 0
        var fracDigits = 0
        var seenDot = false
        var simple = true
        var any = false
        while i < n {
            let c = p[i]
            let d = c &- 48
            if d < 10 {
                any = true
                if mantissa == 0 && d == 0 {
                    if seenDot { fracDigits += 1 }
                } else {
                    digits += 1
                    if digits > 15 { simple = false; break }
                    mantissa = mantissa * 10 + UInt64(d)
                    if seenDot { fracDigits += 1 }
                }
            } else if c == UInt8(ascii: "."), !seenDot {
                seenDot = true
            } else {
                simple = false
                break
            }
            i += 1
        }
        if simple {
            guard any else { return nil }
            if fracDigits <= 22 {
                let v = Double(mantissa) / exactPowersOf10[fracDigits]
                return neg ? -v : v
            }
        }
        return slowParseDouble(b)
    }

    /// The general path: validates the characters, then `strtod` on a NUL-terminated copy.
    static func slowParseDouble(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        let n = b.count
        guard n > 0 else { return nil }
        // Words first: strtod would also accept hex floats and "nan(...)", which we do not.
        if n <= 9 {
            var lower: UInt64 = 0
            var start = 0
            var neg = false
            if b[0] == UInt8(ascii: "-") || b[0] == UInt8(ascii: "+") { neg = b[0] == UInt8(ascii: "-"); start = 1 }
            for i in start..<n { lower = lower << 8 | UInt64(b[i] | 0x20) }
            switch lower {
            case 0x6E_61_6E: return .nan  // nan
            case 0x69_6E_66, 0x69_6E_66_69_6E_69_74_79: return neg ? -.infinity : .infinity  // inf, infinity
            default: break
            }
        }
        var sawDigit = false
        for c in b {
            switch c {
            case 48...57: sawDigit = true
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-"): break
            default: return nil
            }
        }
        guard sawDigit else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { tmp -> Double? in
            let t = tmp.baseAddress!
            for i in 0..<n { t[i] = CChar(bitPattern: b[i]) }
            t[n] = 0
            var endp: UnsafeMutablePointer<CChar>? = nil
            let v = strtod(t, &endp)
            guard let endp, endp - t == n else { return nil }
            return v
        }
    }

    /// `true/false/1/0/yes/no/t/f/y/n`, any case.
    static func parseBool(_ field: UnsafeBufferPointer<UInt8>) -> Bool? {
        let b = trimmed(field)
        guard b.count > 0, b.count <= 5 else { return nil }
        var w: UInt64 = 0
        for c in b { w = w << 8 | UInt64(c >= 65 && c <= 90 ? c | 0x20 : c) }
        switch w {
        case 0x74_72_75_65, 0x31, 0x79_65_73, 0x74, 0x79: return true  // true 1 yes t y
        case 0x66_61_6C_73_65, 0x30, 0x6E_6F, 0x66, 0x6E: return false  // false 0 no f n
        default: return nil
        }
    }

    /// Only `true`/`false` (any case): what schema inference calls boolean, so 0/1 stay integers.
    static func looksLikeBoolWord(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        let b = trimmed(field)
        guard b.count == 4 || b.count == 5 else { return false }
        var w: UInt64 = 0
        for c in b { w = w << 8 | UInt64(c >= 65 && c <= 90 ? c | 0x20 : c) }
        return w == 0x74_72_75_65 || w == 0x66_61_6C_73_65
    }

    /// Digits with an optional sign, dot and exponent only: the numbers inference calls double
    /// (so `nan`, `inf` and the like stay strings).
    static func looksLikeDecimalNumber(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        let b = trimmed(field)
        guard b.count > 0 else { return false }
        var sawDigit = false
        for c in b {
            switch c {
            case 48...57: sawDigit = true
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"), UInt8(ascii: "-"): break
            default: return false
            }
        }
        return sawDigit && parseDouble(b) != nil
    }

    /// True when the bytes are well-formed UTF-8 (no overlongs, no surrogates, ≤ U+10FFFF).
    @inline(__always)
    static func isValidUTF8(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let p = b.baseAddress else { return true }
        let n = b.count
        var i = 0
        // ASCII fast path, 8 bytes at a time.
        while i + 8 <= n {
            let w = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
            if w & 0x8080_8080_8080_8080 != 0 { break }
            i += 8
        }
        while i < n, p[i] < 0x80 { i += 1 }
        if i == n { return true }
        return validateUTF8Tail(p, i, n)
    }

    static func validateUTF8Tail(_ p: UnsafePointer<UInt8>, _ from: Int, _ n: Int) -> Bool {
        var i = from
        while i < n {
            let c = p[i]
            if c < 0x80 { i += 1; continue }
            @inline(__always) func cont(_ k: Int) -> Bool { i + k < n && p[i + k] & 0xC0 == 0x80 }
            if c >= 0xC2 && c <= 0xDF {
                guard cont(1) else { return false }
                i += 2
            } else if c >= 0xE0 && c <= 0xEF {
                guard cont(1), cont(2) else { return false }
                let c1 = p[i + 1]
                if c == 0xE0 && c1 < 0xA0 { return false }  // overlong
                if c == 0xED && c1 > 0x9F { return false }  // surrogates
                i += 3
            } else if c >= 0xF0 && c <= 0xF4 {
                guard cont(1), cont(2), cont(3) else { return false }
                let c1 = p[i + 1]
                if c == 0xF0 && c1 < 0x90 { return false }
                if c == 0xF4 && c1 > 0x8F { return false }
                i += 4
            } else {
                return false
            }
        }
        return true
    }
}
