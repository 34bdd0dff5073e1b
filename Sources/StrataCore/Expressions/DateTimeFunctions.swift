/// Calendar arithmetic for the date functions (proleptic Gregorian, UTC, microseconds).
enum Calendar {
    static let microsPerHour: Int64 = 3_600_000_000
    static let microsPerMinute: Int64 = 60_000_000
    static let microsPerSecond: Int64 = 1_000_000

    /// Units accepted by date_trunc / date_diff / date_add, with their aliases.
    static let units: [String: Unit] = [
        "microsecond": .microsecond, "microseconds": .microsecond, "us": .microsecond,
        "millisecond": .millisecond, "milliseconds": .millisecond, "ms": .millisecond,
        "second": .second, "seconds": .second, "s": .second,
        "minute": .minute, "minutes": .minute, "m": .minute,
        "hour": .hour, "hours": .hour, "h": .hour,
        "day": .day, "days": .day, "d": .day,
        "week": .week, "weeks": .week, "w": .week,
        "month": .month, "months": .month,
        "quarter": .quarter, "quarters": .quarter,
        "year": .year, "years": .year, "y": .year,
    ]

    enum Unit: Sendable {
        case microsecond, millisecond, second, minute, hour, day, week, month, quarter, year

        /// Length in microseconds of fixed-length units.
        var micros: Int64? {
            switch self {
            case .microsecond: return 1
            case .millisecond: return 1000
            case .second: return Calendar.microsPerSecond
            case .minute: return Calendar.microsPerMinute
            case .hour: return Calendar.microsPerHour
            case .day: return Temporal.microsPerDay
            case .week: return 7 * Temporal.microsPerDay
            default: return nil
            }
        }

        var isSubDay: Bool {
            switch self {
            case .microsecond, .millisecond, .second, .minute, .hour: return true
            default: return false
            }
        }
    }

    @inline(__always)
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { CastKernels.floorDiv(a, b) }

    @inline(__always)
    static func floorMod(_ a: Int64, _ b: Int64) -> Int64 { a - floorDiv(a, b) * b }

    /// ISO day of week: Monday 1 ... Sunday 7.
    static func isoDayOfWeek(days d: Int64) -> Int64 { floorMod(d + 3, 7) + 1 }

    static func dayOfYear(days d: Int64) -> Int64 {
        let (y, _, _) = Temporal.civil(days: Int(d))
        return d - Int64(Temporal.days(year: y, month: 1, day: 1)) + 1
    }

    /// ISO 8601 week number (weeks start on Monday; week 1 holds the year's first Thursday).
    static func isoWeek(days d: Int64) -> Int64 {
        let thursday = d - (isoDayOfWeek(days: d) - 1) + 3
        return (dayOfYear(days: thursday) - 1) / 7 + 1
    }

    /// `days` moved by `months`, the day clamped to the target month's length (Jan 31 + 1 month = Feb 28/29).
    static func addMonths(days d: Int64, _ months: Int64) -> Int64? {
        let (y, m, day) = Temporal.civil(days: Int(d))
        let (total, o) = Int64(y * 12 + m - 1).addingReportingOverflow(months)
        guard !o, abs(total) < 12 * 1_000_000 else { return nil }
        let ny = Int(floorDiv(total, 12)), nm = Int(floorMod(total, 12)) + 1
        return Int64(Temporal.days(year: ny, month: nm, day: min(day, Temporal.daysInMonth(ny, nm))))
    }

    /// Truncates a timestamp (micros) to the start of its unit.
    static func truncate(micros t: Int64, _ unit: Unit) -> Int64 {
        switch unit {
        case .month, .quarter, .year:
            return truncate(days: floorDiv(t, Temporal.microsPerDay), unit) * Temporal.microsPerDay
        case .week:
            return truncate(days: floorDiv(t, Temporal.microsPerDay), .week) * Temporal.microsPerDay
        default:
            let u = unit.micros!
            return floorDiv(t, u) * u
        }
    }

    /// Truncates a date (days) to the start of its unit; units below a day leave it as it is.
    static func truncate(days d: Int64, _ unit: Unit) -> Int64 {
        switch unit {
        case .week: return d - (isoDayOfWeek(days: d) - 1)
        case .month, .quarter, .year:
            let (y, m, _) = Temporal.civil(days: Int(d))
            let month = unit == .month ? m : unit == .quarter ? (m - 1) / 3 * 3 + 1 : 1
            return Int64(Temporal.days(year: y, month: month, day: 1))
        default: return d
        }
    }

    /// `b − a` in `unit`: boundaries crossed for calendar units and sub-day units (DuckDB's
    /// date_diff), whole weeks (days / 7, toward zero) for weeks.
    static func diff(_ unit: Unit, micros a: Int64, _ b: Int64) -> Int64 {
        switch unit {
        case .week:
            return (floorDiv(b, Temporal.microsPerDay) - floorDiv(a, Temporal.microsPerDay)) / 7
        case .month, .quarter, .year:
            let (ya, ma, _) = Temporal.civil(days: Int(floorDiv(a, Temporal.microsPerDay)))
            let (yb, mb, _) = Temporal.civil(days: Int(floorDiv(b, Temporal.microsPerDay)))
            switch unit {
            case .month: return Int64((yb * 12 + mb) - (ya * 12 + ma))
            case .quarter: return Int64((yb * 4 + (mb - 1) / 3) - (ya * 4 + (ma - 1) / 3))
            default: return Int64(yb - ya)
            }
        default:
            let u = unit.micros!
            return floorDiv(b, u) - floorDiv(a, u)
        }
    }
}

/// strftime-style formats for `to_date`, `to_timestamp` and `strftime`.
///
/// `%Y` year (4 digits, more allowed when parsing), `%m` month, `%d` day, `%H` hour (00-23),
/// `%I` hour (01-12) with `%p` AM/PM, `%M` minute, `%S` second, `%f` fraction (up to 6 digits
/// parsed, microseconds printed), `%y` two-digit year (00-68 → 20xx, 69-99 → 19xx), `%b` month
/// abbreviation (Jan), `%B` month name (January), `%j` day of year, `%z` zone (`Z`, `+HH`,
/// `+HHMM`, `+HH:MM`), `%%` a percent sign; anything else matches itself. Parsing is strict: the
/// whole text (spaces trimmed) must match, or the result is NULL.
struct DateFormat: Sendable {
    enum Part: Sendable, Equatable {
        case literal(UInt8)
        case field(Character)
    }

    static let fields: Set<Character> = ["Y", "m", "d", "H", "I", "p", "M", "S", "f", "y", "b", "B", "j", "z"]
    static let monthNames = ["january", "february", "march", "april", "may", "june", "july", "august",
                             "september", "october", "november", "december"]

    let parts: [Part]

    /// Compiles `format`; throws the offending specifier when it is unknown.
    init(_ format: String) throws(FormatError) {
        var parts: [Part] = []
        var it = format.makeIterator()
        while let c = it.next() {
            if c == "%" {
                guard let f = it.next() else { throw FormatError(specifier: "%") }
                if f == "%" {
                    parts.append(.literal(UInt8(ascii: "%")))
                } else if Self.fields.contains(f) {
                    parts.append(.field(f))
                } else {
                    throw FormatError(specifier: "%" + String(f))
                }
            } else {
                parts.append(contentsOf: String(c).utf8.map(Part.literal))
            }
        }
        self.parts = parts
    }

    struct FormatError: Error { var specifier: String }

    /// Parses `b` to UTC microseconds, or nil when it does not match.
    func parse(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var s = 0, e = b.count
        while s < e, b[s] == 0x20 { s += 1 }
        while e > s, b[e - 1] == 0x20 { e -= 1 }
        var i = s
        var year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0, micros: Int64 = 0
        var doy: Int?
        var pm: Bool?
        var offset: Int64 = 0
        func number(_ maxDigits: Int) -> Int? {
            var v = 0, n = 0
            while i < e, n < maxDigits, b[i] >= 48, b[i] <= 57 {
                v = v * 10 + Int(b[i] - 48)
                i += 1
                n += 1
            }
            return n == 0 ? nil : v
        }
        for p in parts {
            switch p {
            case .literal(let c):
                guard i < e, b[i] == c else { return nil }
                i += 1
            case .field(let f):
                switch f {
                case "Y":
                    var neg = false
                    if i < e, b[i] == UInt8(ascii: "-") { neg = true; i += 1 }
                    guard let v = number(6) else { return nil }
                    year = neg ? -v : v
                case "y":
                    guard let v = number(2) else { return nil }
                    year = v < 69 ? 2000 + v : 1900 + v
                case "m": guard let v = number(2), v >= 1, v <= 12 else { return nil }; month = v
                case "d": guard let v = number(2), v >= 1, v <= 31 else { return nil }; day = v
                case "H": guard let v = number(2), v <= 23 else { return nil }; hour = v
                case "I": guard let v = number(2), v >= 1, v <= 12 else { return nil }; hour = v
                case "M": guard let v = number(2), v <= 59 else { return nil }; minute = v
                case "S": guard let v = number(2), v <= 60 else { return nil }; second = v
                case "j": guard let v = number(3), v >= 1, v <= 366 else { return nil }; doy = v
                case "f":
                    var v: Int64 = 0, n = 0
                    while i < e, b[i] >= 48, b[i] <= 57 {
                        if n < 6 { v = v * 10 + Int64(b[i] - 48) }
                        n += 1
                        i += 1
                    }
                    guard n > 0 else { return nil }
                    micros = v * Decimal64.powersOf10[6 - min(n, 6)]
                case "p":
                    guard i + 2 <= e else { return nil }
                    let w = (b[i] | 0x20, b[i + 1] | 0x20)
                    guard w.1 == UInt8(ascii: "m"), w.0 == UInt8(ascii: "a") || w.0 == UInt8(ascii: "p") else { return nil }
                    pm = w.0 == UInt8(ascii: "p")
                    i += 2
                case "b", "B":
                    var found = false
                    for (k, name) in Self.monthNames.enumerated() {
                        let candidates = f == "b" ? [String(name.prefix(3))] : [name]
                        for cand in candidates {
                            let cb = Array(cand.utf8)
                            if i + cb.count <= e, (0..<cb.count).allSatisfy({ b[i + $0] | 0x20 == cb[$0] }) {
                                month = k + 1
                                i += cb.count
                                found = true
                                break
                            }
                        }
                        if found { break }
                    }
                    guard found else { return nil }
                default: // z
                    guard i < e else { return nil }
                    if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") { i += 1; continue }
                    guard b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") else { return nil }
                    let neg = b[i] == UInt8(ascii: "-")
                    i += 1
                    guard let hh = number(2) else { return nil }
                    var mm = 0
                    if i < e, b[i] == UInt8(ascii: ":") { i += 1 }
                    if i < e, b[i] >= 48, b[i] <= 57 { guard let v = number(2) else { return nil }; mm = v }
                    offset = Int64(hh * 3600 + mm * 60) * Calendar.microsPerSecond * (neg ? -1 : 1)
                }
            }
        }
        guard i == e else { return nil }
        if let pm {
            hour = hour % 12 + (pm ? 12 : 0)
        }
        var days: Int64
        if let doy {
            days = Int64(Temporal.days(year: year, month: 1, day: 1)) + Int64(doy - 1)
            guard Temporal.civil(days: Int(days)).year == year else { return nil }
        } else {
            guard day <= Temporal.daysInMonth(year, month) else { return nil }
            days = Int64(Temporal.days(year: year, month: month, day: day))
        }
        days *= Temporal.microsPerDay
        return days + Int64(hour * 3600 + minute * 60 + second) * Calendar.microsPerSecond + micros - offset
    }

    static func titled(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }

    /// Formats UTC microseconds.
    func format(micros t: Int64) -> String {
        let days = Calendar.floorDiv(t, Temporal.microsPerDay)
        let rem = t - days * Temporal.microsPerDay
        let (y, m, d) = Temporal.civil(days: Int(days))
        let secs = Int(rem / Calendar.microsPerSecond)
        var out = ""
        for p in parts {
            switch p {
            case .literal(let c): out.unicodeScalars.append(Unicode.Scalar(c))
            case .field(let f):
                switch f {
                case "Y": out += Temporal.pad(y, 4)
                case "y": out += Temporal.pad(((y % 100) + 100) % 100, 2)
                case "m": out += Temporal.pad(m, 2)
                case "d": out += Temporal.pad(d, 2)
                case "H": out += Temporal.pad(secs / 3600, 2)
                case "I": out += Temporal.pad((secs / 3600 + 11) % 12 + 1, 2)
                case "p": out += secs / 3600 < 12 ? "AM" : "PM"
                case "M": out += Temporal.pad(secs / 60 % 60, 2)
                case "S": out += Temporal.pad(secs % 60, 2)
                case "f": out += Temporal.pad(Int(rem % Calendar.microsPerSecond), 6)
                case "j": out += Temporal.pad(Int(Calendar.dayOfYear(days: days)), 3)
                case "b": out += Self.titled(String(Self.monthNames[m - 1].prefix(3)))
                case "B": out += Self.titled(Self.monthNames[m - 1])
                default: out += "+00:00"
                }
            }
        }
        return out
    }
}
