/// Dates and timestamps: civil calendar conversions, ISO 8601 parsing from bytes, formatting.
public enum Temporal {
    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// (year, month, day) of days since 1970-01-01.
    public static func civil(days z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    public static let microsPerDay: Int64 = 86_400_000_000

    static func daysInMonth(_ y: Int, _ m: Int) -> Int {
        switch m {
        case 2: return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    @inline(__always)
    static func digits(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, _ n: Int) -> Int? {
        guard at + n <= b.count else { return nil }
        var v = 0
        for i in at..<(at + n) {
            let c = b[i]
            guard c >= 48 && c <= 57 else { return nil }
            v = v * 10 + Int(c - 48)
        }
        return v
    }

    /// Parses `YYYY-MM-DD` (surrounding spaces allowed); nil when it is not a valid date.
    public static func parseDate(_ b: UnsafeBufferPointer<UInt8>) -> Int32? {
        var s = 0, e = b.count
        while s < e, b[s] == 0x20 { s += 1 }
        while e > s, b[e - 1] == 0x20 { e -= 1 }
        guard e - s == 10 else { return nil }
        let t = UnsafeBufferPointer(rebasing: b[s..<e])
        guard let y = digits(t, 0, 4), t[4] == 0x2D, let m = digits(t, 5, 2), t[7] == 0x2D, let d = digits(t, 8, 2),
              m >= 1, m <= 12, d >= 1, d <= daysInMonth(y, m) else { return nil }
        return Int32(days(year: y, month: m, day: d))
    }

    /// Parses ISO 8601 `YYYY-MM-DD[(T| )HH:MM[:SS[.ffffff]]][Z|±HH[:MM]]` to UTC microseconds.
    /// A bare date is midnight UTC; a time without zone is taken as UTC.
    public static func parseTimestamp(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var s = 0, e = b.count
        while s < e, b[s] == 0x20 { s += 1 }
        while e > s, b[e - 1] == 0x20 { e -= 1 }
        let t = UnsafeBufferPointer(rebasing: b[s..<e])
        guard t.count >= 10, let day = parseDate(UnsafeBufferPointer(rebasing: t[0..<10])) else { return nil }
        var micros = Int64(day) * microsPerDay
        if t.count == 10 { return micros }
        guard t[10] == UInt8(ascii: "T") || t[10] == 0x20 || t[10] == UInt8(ascii: "t"),
              let hh = digits(t, 11, 2), t.count >= 16, t[13] == 0x3A, let mi = digits(t, 14, 2),
              hh < 24, mi < 60 else { return nil }
        var i = 16
        var ss = 0
        var frac: Int64 = 0
        if i < t.count, t[i] == 0x3A {
            guard let v = digits(t, i + 1, 2), v < 61 else { return nil }
            ss = v
            i += 3
            if i < t.count, t[i] == UInt8(ascii: ".") || t[i] == UInt8(ascii: ",") {
                i += 1
                var n = 0
                while i < t.count, t[i] >= 48, t[i] <= 57 {
                    if n < 6 { frac = frac * 10 + Int64(t[i] - 48) }
                    n += 1
                    i += 1
                }
                guard n > 0 else { return nil }
                if n < 6 { frac *= Decimal64.powersOf10[6 - n] }
            }
        }
        micros += Int64(hh * 3600 + mi * 60 + ss) * 1_000_000 + frac
        if i == t.count { return micros }
        let c = t[i]
        if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") { return i + 1 == t.count ? micros : nil }
        guard c == UInt8(ascii: "+") || c == UInt8(ascii: "-"), let oh = digits(t, i + 1, 2) else { return nil }
        var om = 0
        var j = i + 3
        if j < t.count, t[j] == 0x3A { j += 1 }
        if j < t.count {
            guard let v = digits(t, j, 2) else { return nil }
            om = v
            j += 2
        }
        guard j == t.count else { return nil }
        let offset = Int64(oh * 3600 + om * 60) * 1_000_000
        return c == UInt8(ascii: "+") ? micros - offset : micros + offset
    }

    public static func parseDate(_ s: String) -> Int32? {
        var s = s
        return s.withUTF8 { parseDate($0) }
    }

    public static func parseTimestamp(_ s: String) -> Int64? {
        var s = s
        return s.withUTF8 { parseTimestamp($0) }
    }

    /// `v` in at least `n` digits, zero-padded.
    public static func pad(_ v: Int, _ n: Int) -> String {
        let s = String(v)
        return s.count >= n ? s : String(repeating: "0", count: n - s.count) + s
    }

    /// `2025-01-31`.
    public static func formatDate(days: Int32) -> String {
        let (y, m, d) = civil(days: Int(days))
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))"
    }

    /// `2025-01-31T12:00:00Z`, with `.ffffff` when there are fractional seconds.
    public static func formatTimestamp(micros: Int64) -> String {
        var days = micros / microsPerDay
        var rem = micros % microsPerDay
        if rem < 0 { rem += microsPerDay; days -= 1 }
        let secs = Int(rem / 1_000_000)
        let frac = Int(rem % 1_000_000)
        var s = formatDate(days: Int32(days)) + "T\(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):\(pad(secs % 60, 2))"
        if frac != 0 { s += "." + pad(frac, 6) }
        return s + "Z"
    }

    /// Shortest round-tripping text of a double; integers print without `.0` noise only when exact.
    public static func formatDouble(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
        return "\(d)"
    }

    /// Now as UTC microseconds since the epoch.
    public static func nowMicros() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000 + Int64(ts.tv_nsec) / 1000
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
