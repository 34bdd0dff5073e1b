import StrataCore

/// Encodes rows as PostgreSQL `COPY … FROM STDIN` text: columns separated by tabs, `\N` for
/// null, backslash escapes for backslash, tab, newline and carriage return; decimals at their
/// scale, dates `YYYY-MM-DD`, timestamps ISO 8601 in UTC, doubles round-tripping (`NaN`,
/// `Infinity`).
enum CopyTextWriter {
    /// Why a row cannot be served: the column and the reason (never the value).
    struct Refusal: Equatable {
        var column: String
        var why: String
    }

    /// The days PostgreSQL's date and timestamptz can hold (4714-11-24 BC is Julian day 0).
    static let firstDay = Int64(Temporal.days(year: -4713, month: 11, day: 24))
    static let lastDate = Int64(Temporal.days(year: 5_874_897, month: 12, day: 31))
    static let lastTimestampDay = Int64(Temporal.days(year: 294_276, month: 12, day: 31))

    /// Appends row `r` of `batch` to `out`; returns why a value cannot be carried (a NUL
    /// character in a string, a date or timestamp outside PostgreSQL's range), leaving `out` as it was.
    static func append(_ batch: Batch, row r: Int, to out: inout [UInt8]) -> Refusal? {
        let start = out.count
        for (c, column) in batch.columns.enumerated() {
            if c > 0 { out.append(9) }
            if column.isNull(r) {
                out.append(92); out.append(78) // \N
                continue
            }
            switch (column.values, column.type) {
            case (.bool(let v), _):
                out.append(v[r] ? 116 : 102)
            case (.double(let v), _):
                out.append(contentsOf: Temporal.formatDouble(v[r]).utf8)
            case (.int64(let v), .date):
                guard (firstDay...lastDate).contains(v[r]) else {
                    out.removeSubrange(start...)
                    return Refusal(column: batch.schema[c].name, why: "a date PostgreSQL cannot store (before 4714-11-24 BC or after 5874897-12-31)")
                }
                out.append(contentsOf: date(Int32(truncatingIfNeeded: v[r])).utf8)
            case (.int64(let v), .timestamp):
                let day = v[r] >= 0 ? v[r] / Temporal.microsPerDay : (v[r] + 1) / Temporal.microsPerDay - 1
                guard (firstDay...lastTimestampDay).contains(day) else {
                    out.removeSubrange(start...)
                    return Refusal(column: batch.schema[c].name, why: "a timestamp PostgreSQL cannot store (before 4714-11-24 BC or after 294276-12-31)")
                }
                out.append(contentsOf: timestamp(v[r]).utf8)
            case (.int64(let v), .decimal(_, let s)):
                out.append(contentsOf: Decimal64.format(v[r], scale: s).utf8)
            case (.int64(let v), _):
                appendInteger(v[r], to: &out)
            case (.bytes(let b), .binary):
                // bytea's hex form, its backslash escaped for COPY: `\\x00ff`.
                out.append(92); out.append(92); out.append(120)
                b.withValue(r) { v in
                    for byte in v { out.append(hexDigits[Int(byte >> 4)]); out.append(hexDigits[Int(byte & 15)]) }
                }
            case (.bytes(let b), _):
                let ok = b.withValue(r) { appendEscaped($0, to: &out) }
                if !ok {
                    out.removeSubrange(start...)
                    return Refusal(column: batch.schema[c].name, why: "a NUL character, which PostgreSQL text cannot store")
                }
            }
        }
        out.append(10)
        return nil
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// `2024-02-29`; a year before 1 the way PostgreSQL writes it (year 0 is `0001-… BC`).
    static func date(_ days: Int32) -> String {
        let (y, m, d) = Temporal.civil(days: Int(days))
        guard y <= 0 else { return Temporal.formatDate(days: days) }
        return Temporal.pad(1 - y, 4) + "-" + Temporal.pad(m, 2) + "-" + Temporal.pad(d, 2) + " BC"
    }

    /// ISO 8601 in UTC (`2024-02-29T23:59:59.123456Z`); before year 1 with PostgreSQL's ` BC`.
    static func timestamp(_ micros: Int64) -> String {
        var days = micros / Temporal.microsPerDay
        var rem = micros % Temporal.microsPerDay
        if rem < 0 { rem += Temporal.microsPerDay; days -= 1 }
        guard Temporal.civil(days: Int(days)).year <= 0 else { return Temporal.formatTimestamp(micros: micros) }
        let secs = Int(rem / 1_000_000), frac = Int(rem % 1_000_000)
        return date(Int32(days)).dropLast(3) + " " + Temporal.pad(secs / 3600, 2) + ":" + Temporal.pad(secs / 60 % 60, 2) + ":"
            + Temporal.pad(secs % 60, 2) + (frac == 0 ? "" : "." + Temporal.pad(frac, 6)) + "+00 BC"
    }


    static func appendInteger(_ v: Int64, to out: inout [UInt8]) {
        if v == 0 { out.append(48); return }
        var m = v.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var n = 0
        withUnsafeMutableBytes(of: &digits) { d in
            while m > 0 { d[n] = UInt8(48 + m % 10); m /= 10; n += 1 }
            if v < 0 { out.append(45) }
            for i in stride(from: n - 1, through: 0, by: -1) { out.append(d[i]) }
        }
    }

    /// Appends text with COPY's escapes; false when it holds a NUL (which PostgreSQL text cannot store).
    static func appendEscaped(_ b: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) -> Bool {
        for byte in b {
            switch byte {
            case 0: return false
            case 92: out.append(92); out.append(92)
            case 9: out.append(92); out.append(116)
            case 10: out.append(92); out.append(110)
            case 13: out.append(92); out.append(114)
            default: out.append(byte)
            }
        }
        return true
    }
}
