/// A single typed value, for row-at-a-time paths (display, statistics, tests, literals).
public enum Value: Sendable, Hashable, CustomStringConvertible {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    /// Raw bytes (a binary column's value).
    case binary([UInt8])
    /// Days since 1970-01-01.
    case date(Int32)
    /// Microseconds since 1970-01-01T00:00:00Z.
    case timestamp(Int64)
    /// An unscaled integer and its scale: `decimal(1234, scale: 2)` is 12.34.
    case decimal(Int64, scale: Int)

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// Bytes as text the way PostgreSQL writes bytea: `\x` and two lower-case hex digits per byte.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = [92, 120]
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }

    /// The text form used by `strata show` and CSV export; null is the empty string.
    public var description: String {
        switch self {
        case .null: return ""
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return Temporal.formatDouble(d)
        case .string(let s): return s
        case .binary(let b): return Value.hex(b)
        case .date(let d): return Temporal.formatDate(days: d)
        case .timestamp(let t): return Temporal.formatTimestamp(micros: t)
        case let .decimal(v, s): return Decimal64.format(v, scale: s)
        }
    }
}

/// Fixed-point decimals stored as an unscaled Int64.
public enum Decimal64 {
    public static let powersOf10: [Int64] = (0...18).map { i in (0..<i).reduce(Int64(1)) { a, _ in a * 10 } }

    /// `12.34` for (1234, 2).
    public static func format(_ v: Int64, scale: Int) -> String {
        if scale == 0 { return String(v) }
        let neg = v < 0
        let mag = v.magnitude
        let p = UInt64(powersOf10[scale])
        var frac = String(mag % p)
        while frac.count < scale { frac = "0" + frac }
        return (neg ? "-" : "") + String(mag / p) + "." + frac
    }

    /// Parses `-12.3` at `scale`, rounding half away from zero past the scale; nil if not a number
    /// or if it does not fit `precision` digits.
    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>, precision: Int, scale: Int) -> Int64? {
        var i = 0
        let n = bytes.count
        while i < n, bytes[i] == 0x20 { i += 1 }
        var end = n
        while end > i, bytes[end - 1] == 0x20 { end -= 1 }
        guard i < end else { return nil }
        var neg = false
        if bytes[i] == UInt8(ascii: "-") { neg = true; i += 1 } else if bytes[i] == UInt8(ascii: "+") { i += 1 }
        var intPart: Int64 = 0
        var fracPart: Int64 = 0
        var fracDigits = 0
        var digits = 0
        var seenDot = false
        var roundUp = false
        var any = false
        while i < end {
            let c = bytes[i]
            if c == UInt8(ascii: ".") {
                if seenDot { return nil }
                seenDot = true
            } else if c >= 48 && c <= 57 {
                any = true
                let d = Int64(c - 48)
                if !seenDot {
                    if intPart > 0 || d > 0 { digits += 1 }
                    if digits > 18 { return nil }
                    intPart = intPart * 10 + d
                } else if fracDigits < scale {
                    fracPart = fracPart * 10 + d
                    fracDigits += 1
                } else if fracDigits == scale {
                    roundUp = d >= 5
                    fracDigits += 1
                }
            } else {
                return nil
            }
            i += 1
        }
        guard any else { return nil }
        if digits > precision - scale { return nil }
        let used = min(fracDigits, scale)
        var v = intPart * powersOf10[scale] + fracPart * powersOf10[scale - used]
        if roundUp { v += 1 }
        if v >= powersOf10[precision] { return nil }
        return neg ? -v : v
    }
}
