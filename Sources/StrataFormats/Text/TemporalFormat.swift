import StrataCore

/// A strftime-style date or timestamp pattern, compiled once and matched against field bytes.
///
/// Directives: `%Y` (4-digit year), `%m`, `%d`, `%H`, `%M`, `%S` (1–2 digits), `%f` (1–9 fraction
/// digits, kept to microseconds), `%z` (`Z` or `±HH[:MM]`), `%T` (= `%H:%M:%S`), `%%`. Every other
/// byte must match itself. A pattern without `%z` reads times as UTC.
struct TemporalFormat: Sendable, Hashable {
    enum Part: Sendable, Hashable {
        case literal(UInt8)
        case year, month, day, hour, minute, second, fraction, zone
    }

    let parts: [Part]
    let text: String

    /// Compiles `pattern`; throws `invalidConfig` naming an unknown directive.
    init(_ pattern: String, option: String) throws {
        var parts: [Part] = []
        var it = Array(pattern.utf8).makeIterator()
        while let c = it.next() {
            guard c == UInt8(ascii: "%") else { parts.append(.literal(c)); continue }
            guard let d = it.next() else {
                throw StrataError(.invalidConfig, "\(option) '\(pattern)' ends with a lone '%'", hint: "write '%%' for a literal percent sign")
            }
            switch d {
            case UInt8(ascii: "Y"): parts.append(.year)
            case UInt8(ascii: "m"): parts.append(.month)
            case UInt8(ascii: "d"): parts.append(.day)
            case UInt8(ascii: "H"): parts.append(.hour)
            case UInt8(ascii: "M"): parts.append(.minute)
            case UInt8(ascii: "S"): parts.append(.second)
            case UInt8(ascii: "f"): parts.append(.fraction)
            case UInt8(ascii: "z"): parts.append(.zone)
            case UInt8(ascii: "T"): parts += [.hour, .literal(0x3A), .minute, .literal(0x3A), .second]
            case UInt8(ascii: "%"): parts.append(.literal(d))
            default:
                throw StrataError(.invalidConfig, "\(option) '\(pattern)' uses unknown directive '%\(Character(Unicode.Scalar(d)))'",
                                  hint: "supported: %Y %m %d %H %M %S %f %z %T %%")
            }
        }
        self.parts = parts
        self.text = pattern
    }

    /// UTC microseconds of the field, or nil when it does not match or is not a valid date/time.
    func parseMicros(_ field: UnsafeBufferPointer<UInt8>) -> Int64? {
        let b = TextParsing.trimmed(field)
        var i = 0
        let n = b.count
        var y = 1970, mo = 1, d = 1, h = 0, mi = 0, s = 0
        var frac: Int64 = 0
        var offset: Int64 = 0
        @inline(__always) func number(_ minDigits: Int, _ maxDigits: Int) -> Int? {
            var v = 0, k = 0
            while k < maxDigits, i < n, b[i] &- 48 < 10 { v = v * 10 + Int(b[i] - 48); i += 1; k += 1 }
            return k >= minDigits ? v : nil
        }
        for part in parts {
            switch part {
            case .literal(let c):
                guard i < n, b[i] == c else { return nil }
                i += 1
            case .year: guard let v = number(4, 4) else { return nil }; y = v
            case .month: guard let v = number(1, 2), v >= 1, v <= 12 else { return nil }; mo = v
            case .day: guard let v = number(1, 2), v >= 1 else { return nil }; d = v
            case .hour: guard let v = number(1, 2), v < 24 else { return nil }; h = v
            case .minute: guard let v = number(1, 2), v < 60 else { return nil }; mi = v
            case .second: guard let v = number(1, 2), v < 61 else { return nil }; s = v
            case .fraction:
                var k = 0
                frac = 0
                while i < n, b[i] &- 48 < 10 {
                    if k < 6 { frac = frac * 10 + Int64(b[i] - 48) }
                    k += 1
                    i += 1
                }
                guard k > 0 else { return nil }
                if k < 6 { frac *= Decimal64.powersOf10[6 - k] }
            case .zone:
                guard i < n else { return nil }
                if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") { i += 1; offset = 0; continue }
                let sign: Int64 = b[i] == UInt8(ascii: "+") ? 1 : (b[i] == UInt8(ascii: "-") ? -1 : 0)
                guard sign != 0 else { return nil }
                i += 1
                guard let oh = number(2, 2) else { return nil }
                var om = 0
                if i < n, b[i] == 0x3A { i += 1 }
                if i < n, b[i] &- 48 < 10 { guard let v = number(2, 2) else { return nil }; om = v }
                offset = sign * Int64(oh * 3600 + om * 60) * 1_000_000
            }
        }
        guard i == n, d <= TemporalFormat.daysInMonth(y, mo) else { return nil }
        let days = Int64(Temporal.days(year: y, month: mo, day: d))
        return days * Temporal.microsPerDay + Int64(h * 3600 + mi * 60 + s) * 1_000_000 + frac - offset
    }

    /// Days since the epoch of the field (its time of day, if any, must be midnight).
    func parseDays(_ field: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard let m = parseMicros(field) else { return nil }
        let (q, r) = m.quotientAndRemainder(dividingBy: Temporal.microsPerDay)
        guard r == 0 else { return nil }
        return Int32(truncatingIfNeeded: q)
    }

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
