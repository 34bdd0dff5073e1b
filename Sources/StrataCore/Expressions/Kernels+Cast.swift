import Foundation

/// `CAST` / `TRY_CAST` between Strata types.
///
/// Numbers to int64 round half away from zero; to decimal round half away from zero at the scale
/// and fail beyond the precision. Strings parse after trimming spaces: int64 also accepts `1.5`
/// (rounded), bool accepts true/false/t/f/yes/no/y/n/1/0 (any case), date accepts a timestamp's
/// date part, timestamp accepts ISO 8601 with an optional zone. Timestamps print as
/// `YYYY-MM-DD HH:MM:SS[.fraction]` (UTC, as DuckDB and Spark print them). A value that does not
/// convert is a row failure for CAST and NULL for TRY_CAST.
enum CastKernels {
    /// Whether `CAST(from AS to)` is allowed at all.
    static func allowed(from: DataType, to: DataType) -> Bool {
        switch (from, to) {
        case (_, .string), (.string, _): return true
        case (.bool, .bool), (.bool, .int64), (.bool, .double), (.bool, .decimal): return true
        case (.int64, .bool), (.int64, .int64), (.int64, .double), (.int64, .decimal): return true
        case (.double, .bool), (.double, .int64), (.double, .double), (.double, .decimal): return true
        case (.decimal, .bool), (.decimal, .int64), (.decimal, .double), (.decimal, .decimal): return true
        case (.date, .date), (.date, .timestamp), (.timestamp, .date), (.timestamp, .timestamp): return true
        default: return false
        }
    }

    /// `2025-01-31 12:00:00`, with fractional seconds when there are any (`.25`, trailing zeros
    /// dropped, as DuckDB and Spark print them).
    static func timestampText(_ micros: Int64) -> String {
        var t = Temporal.formatTimestamp(micros: micros)
        t.removeLast()  // Z
        if t.contains(".") {
            while t.hasSuffix("0") { t.removeLast() }
        }
        return t.replacing("T", with: " ")
    }

    static func roundedToInt64(_ d: Double) -> Int64? {
        let r = d.rounded(.toNearestOrAwayFromZero)
        guard r.isFinite, r >= -9.223372036854775808e18, r < 9.223372036854775808e18 else { return nil }
        return Int64(r)
    }

    /// `v` (at scale `from`) at scale `to`, rounding half away from zero; nil on overflow or beyond `precision`.
    static func rescale(_ v: Int64, from: Int, to: Int, precision: Int) -> Int64? {
        var r = v
        if to > from {
            let (m, o) = v.multipliedReportingOverflow(by: Decimal64.powersOf10[to - from])
            if o { return nil }
            r = m
        } else if to < from {
            let p = Decimal64.powersOf10[from - to]
            r = v / p
            let rem = v % p
            if rem.magnitude * 2 >= p.magnitude { r += v < 0 ? -1 : 1 }
        }
        if precision < 19, r.magnitude >= UInt64(Decimal64.powersOf10[precision]) { return nil }
        return r
    }

    static func parseBool(_ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        var s = 0, e = b.count
        while s < e, b[s] == 0x20 { s += 1 }
        while e > s, b[e - 1] == 0x20 { e -= 1 }
        guard e - s <= 5 else { return nil }
        let w = String(decoding: b[s..<e], as: UTF8.self).lowercased()
        switch w {
        case "true", "t", "yes", "y", "1": return true
        case "false", "f", "no", "n", "0": return false
        default: return nil
        }
    }

    static func parseInt(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var s = 0, e = b.count
        while s < e, b[s] == 0x20 { s += 1 }
        while e > s, b[e - 1] == 0x20 { e -= 1 }
        guard s < e else { return nil }
        var neg = false
        var i = s
        if b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { neg = b[i] == UInt8(ascii: "-"); i += 1 }
        guard i < e else { return nil }
        var v: Int64 = 0
        var j = i
        while j < e, b[j] >= 48, b[j] <= 57 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = neg ? m.subtractingReportingOverflow(Int64(b[j] - 48)) : m.addingReportingOverflow(Int64(b[j] - 48))
            if o1 || o2 { return nil }
            v = a
            j += 1
        }
        if j == e { return v }
        // `1.5` rounds like a decimal.
        return Decimal64.parse(b, precision: 18, scale: 0)
    }

    static func parseDouble(_ b: UnsafeBufferPointer<UInt8>) -> Double? {
        var s = 0, e = b.count
        while s < e, b[s] == 0x20 { s += 1 }
        while e > s, b[e - 1] == 0x20 { e -= 1 }
        guard s < e, e - s < 64 else { return nil }
        let text = String(decoding: b[s..<e], as: UTF8.self)
        switch text.lowercased() {
        case "nan": return .nan
        case "inf", "infinity", "+inf", "+infinity": return .infinity
        case "-inf", "-infinity": return -.infinity
        default: break
        }
        // Digits, sign, dot and exponent only (Swift's parser would also take hex floats).
        for c in b[s..<e] where !((c >= 48 && c <= 57) || c == 0x2E || c == 0x2B || c == 0x2D || c == 0x65 || c == 0x45) { return nil }
        return Double(text)
    }

    static func parseDateLenient(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        if let d = Temporal.parseDate(b) { return Int64(d) }
        guard let ts = Temporal.parseTimestamp(b) else { return nil }
        return floorDiv(ts, Temporal.microsPerDay)
    }

    @inline(__always)
    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    static func format(_ c: Column, _ i: Int, _ type: DataType) -> String {
        switch (c.values, type) {
        case (.bool(let v), _): return v[i] ? "true" : "false"
        case (.double(let v), _): return Temporal.formatDouble(v[i])
        case (.bytes(let v), _): return v.string(i)
        case (.int64(let v), .date): return Temporal.formatDate(days: Int32(truncatingIfNeeded: v[i]))
        case (.int64(let v), .timestamp): return timestampText(v[i])
        case (.int64(let v), .decimal(_, let s)): return Decimal64.format(v[i], scale: s)
        case (.int64(let v), _): return String(v[i])
        }
    }

    static func cast(_ c: Column, to: DataType, isTry: Bool, label: String, scope: EvalScope) throws -> Column {
        let from = c.type
        if from == to { return c }
        let n = c.count
        var validity = c.validity
        func failed(_ i: Int) throws {
            if !isTry { try scope.fail(i, .parse, "\(label): value is not a valid \(to)") }
            Validity.clear(&validity, i, count: n)
        }
        func valid(_ i: Int) -> Bool { validity?[i] ?? true }

        if to == .string {
            if case .bytes = c.values { return Column(type: to, values: c.values, validity: validity) }
            var out = ByteArrays()
            out.reserve(values: n, bytes: n * 8)
            for i in 0..<n {
                if valid(i) { out.append(format(c, i, from)) } else { out.appendEmpty() }
            }
            return Column(type: .string, values: .bytes(out), validity: validity)
        }

        if case .bytes(let src) = c.values {
            // Parse text.
            switch to {
            case .bool:
                var out = [Bool](repeating: false, count: n)
                for i in 0..<n where valid(i) {
                    if let v = src.withValue(i, parseBool) { out[i] = v } else { try failed(i) }
                }
                return Column(type: to, values: .bool(out), validity: validity)
            case .double:
                var out = [Double](repeating: 0, count: n)
                for i in 0..<n where valid(i) {
                    if let v = src.withValue(i, parseDouble) { out[i] = v } else { try failed(i) }
                }
                return Column(type: to, values: .double(out), validity: validity)
            default:
                var out = [Int64](repeating: 0, count: n)
                for i in 0..<n where valid(i) {
                    let v: Int64? = src.withValue(i) { b in
                        switch to {
                        case .int64: return parseInt(b)
                        case let .decimal(p, s): return Decimal64.parse(b, precision: p, scale: s)
                        case .date: return parseDateLenient(b)
                        default: return Temporal.parseTimestamp(b)
                        }
                    }
                    if let v { out[i] = v } else { try failed(i) }
                }
                return Column(type: to, values: .int64(out), validity: validity)
            }
        }

        switch (c.values, to) {
        case (.bool(let v), .bool): return Column(type: to, values: .bool(v), validity: validity)
        case (.bool(let v), .double): return Column(type: to, values: .double(v.map { $0 ? 1 : 0 }), validity: validity)
        case (.bool(let v), .int64): return Column(type: to, values: .int64(v.map { $0 ? 1 : 0 }), validity: validity)
        case (.bool(let v), .decimal(let p, let s)):
            let one: Int64 = p > s ? Decimal64.powersOf10[s] : 0
            var out = [Int64](repeating: 0, count: n)
            for i in 0..<n where valid(i) && v[i] {
                if one == 0 { try failed(i) } else { out[i] = one }
            }
            return Column(type: to, values: .int64(out), validity: validity)
        case (.double(let v), .bool): return Column(type: to, values: .bool(v.map { $0 != 0 }), validity: validity)
        case (.double(let v), .int64):
            var out = [Int64](repeating: 0, count: n)
            for i in 0..<n where valid(i) {
                if let r = roundedToInt64(v[i]) { out[i] = r } else { try failed(i) }
            }
            return Column(type: to, values: .int64(out), validity: validity)
        case (.double(let v), .decimal(let p, let s)):
            var out = [Int64](repeating: 0, count: n)
            let f = Double(Decimal64.powersOf10[s])
            for i in 0..<n where valid(i) {
                if let r = roundedToInt64(v[i] * f), r.magnitude < UInt64(Decimal64.powersOf10[p]) { out[i] = r } else { try failed(i) }
            }
            return Column(type: to, values: .int64(out), validity: validity)
        case (.int64(let v), .bool): return Column(type: to, values: .bool(v.map { $0 != 0 }), validity: validity)
        case (.int64(let v), .double):
            let f = Double(Decimal64.powersOf10[Arithmetic.scale(from)])
            return Column(type: to, values: .double(f == 1 ? v.map { Double($0) } : v.map { Double($0) / f }), validity: validity)
        case (.int64(let v), _):
            var out = [Int64](repeating: 0, count: n)
            switch (from, to) {
            case (.date, .timestamp):
                for i in 0..<n where valid(i) {
                    let (m, o) = v[i].multipliedReportingOverflow(by: Temporal.microsPerDay)
                    if o { try failed(i) } else { out[i] = m }
                }
            case (.timestamp, .date):
                for i in 0..<n { out[i] = floorDiv(v[i], Temporal.microsPerDay) }
            default:
                // Between int64 and decimals.
                let fromScale = Arithmetic.scale(from)
                var toScale = 0, precision = 19
                if case .decimal(let p, let s) = to { toScale = s; precision = p }
                for i in 0..<n where valid(i) {
                    if let r = rescale(v[i], from: fromScale, to: toScale, precision: precision) { out[i] = r } else { try failed(i) }
                }
            }
            return Column(type: to, values: .int64(out), validity: validity)
        default:
            preconditionFailure("CAST from \(from) to \(to) should have been rejected at compile time")
        }
    }
}
