/// Date and time functions (UTC; dates are days, timestamps microseconds).
///
/// - `date(x)`: the date of a timestamp, or a string parsed like `CAST(x AS DATE)` (fails the row).
/// - `year month day hour minute second quarter day_of_year`; `day_of_week` is ISO (Monday 1 …
///   Sunday 7; alias `isodow`); `week` is the ISO week (1-53). On a date, hour/minute/second are 0.
/// - `date_trunc(unit, x)`: x truncated to the start of its unit (week: Monday), same type as x
///   (DuckDB returns a timestamp for a date). Units: microsecond, millisecond, second, minute, hour,
///   day, week, month, quarter, year (plurals accepted).
/// - `date_diff(unit, a, b)` = b − a in units: calendar and sub-day units count boundaries crossed
///   (DuckDB), week counts whole weeks (days / 7 toward zero).
/// - `date_add(x, n [, unit])`: unit defaults to day; months clamp the day (Jan 31 + 1 month is the
///   last day of February). A date stays a date for day/week/month/quarter/year, else becomes a timestamp.
/// - `now()`, `current_timestamp`: the run's start time (same for every row); `current_date` its date.
/// - `to_date(s [, fmt])`, `to_timestamp(s [, fmt])`: parse with a strftime format (see `DateFormat`),
///   or ISO 8601 without one; NULL when the text does not match (CAST fails instead).
/// - `strftime(x, fmt)` (alias `date_format`): format a date or timestamp.
enum DateFunctions {
    static func bind(_ name: String, _ a: inout Args) throws(ExprError) -> TNode? {
        switch name {
        case "now", "current_timestamp":
            return TNode(.now, .timestamp, nullable: false, offset: a.site.offset, label: a.site.label)
        case "current_date":
            let now = TNode(.now, .timestamp, nullable: false, offset: a.site.offset)
            return TNode(.cast(to: .date, isTry: false), .date, nullable: false, args: [now], offset: a.site.offset, label: a.site.label)
        case "date":
            if Binder.isNullLiteral(a.nodes[0]) { return Binder.retyped(a.nodes[0], .date) }
            guard [.date, .timestamp, .string].contains(a.nodes[0].type) else {
                throw a.error(0, "date() expects a timestamp or a string, got \(a.nodes[0].type)")
            }
            return TNode(.cast(to: .date, isTry: false), .date, nullable: a.nodes[0].nullable, args: a.nodes,
                         offset: a.site.offset, label: a.site.label)
        case "year", "month", "day", "hour", "minute", "second", "day_of_week", "isodow", "day_of_year", "dayofyear",
             "week", "weekofyear", "quarter":
            try a.temporal(0)
            let isDate = a.nodes[0].type == .date
            let part = name
            return a.node(.int64) { args, _, _ in
                Rows.ints(args[0], .int64) { v in
                    let days = isDate ? v : Calendar.floorDiv(v, Temporal.microsPerDay)
                    let micros = isDate ? 0 : v - days * Temporal.microsPerDay
                    switch part {
                    case "year": return Int64(Temporal.civil(days: Int(days)).year)
                    case "month": return Int64(Temporal.civil(days: Int(days)).month)
                    case "day": return Int64(Temporal.civil(days: Int(days)).day)
                    case "quarter": return Int64((Temporal.civil(days: Int(days)).month - 1) / 3 + 1)
                    case "hour": return micros / Calendar.microsPerHour
                    case "minute": return micros / Calendar.microsPerMinute % 60
                    case "second": return micros / Calendar.microsPerSecond % 60
                    case "day_of_week", "isodow": return Calendar.isoDayOfWeek(days: days)
                    case "day_of_year", "dayofyear": return Calendar.dayOfYear(days: days)
                    default: return Calendar.isoWeek(days: days)
                    }
                }
            }
        case "date_trunc":
            try a.string(0)
            let unit = try self.unit(&a, 0)
            try a.temporal(1)
            let type = a.nodes[1].type
            return a.node(type) { args, _, _ in
                Rows.ints(args[1], type) { v in
                    type == .date ? Calendar.truncate(days: v, unit) : Calendar.truncate(micros: v, unit)
                }
            }
        case "date_diff", "datediff":
            try a.string(0)
            let unit = try self.unit(&a, 0)
            try a.temporal(1)
            try a.temporal(2)
            let da = a.nodes[1].type == .date, db = a.nodes[2].type == .date
            return a.node(.int64, nullable: a.nodes[1].nullable || a.nodes[2].nullable) { args, n, _ in
                let x = args[1].int64s, y = args[2].int64s
                var out = [Int64](repeating: 0, count: n)
                let validity = Validity.and(args[1].validity, args[2].validity)
                for i in 0..<n where validity?[i] ?? true {
                    // Dates beyond ±290,000 years would overflow micros; such dates are not representable here.
                    let p = da ? x[i].multipliedReportingOverflow(by: Temporal.microsPerDay).partialValue : x[i]
                    let q = db ? y[i].multipliedReportingOverflow(by: Temporal.microsPerDay).partialValue : y[i]
                    out[i] = Calendar.diff(unit, micros: p, q)
                }
                return Column(type: .int64, values: .int64(out), validity: validity)
            }
        case "date_add":
            try a.temporal(0)
            try a.integer(1)
            var unit = Calendar.Unit.day
            if a.count == 3 {
                try a.string(2)
                unit = try self.unit(&a, 2)
            }
            let from = a.nodes[0].type
            let type: DataType = from == .date && !unit.isSubDay ? .date : .timestamp
            let label = a.site.label
            let u = unit
            return a.node(type) { args, n, scope in
                let x = args[0].int64s, k = args[1].int64s
                var validity = Validity.and(args[0].validity, args[1].validity)
                var out = [Int64](repeating: 0, count: n)
                for i in 0..<n where validity?[i] ?? true {
                    if let r = add(x[i], from: from, k[i], u, to: type) {
                        out[i] = r
                    } else {
                        try scope.fail(i, .runFailed, "\(label): result is out of the \(type) range")
                        Validity.clear(&validity, i, count: n)
                    }
                }
                return Column(type: type, values: .int64(out), validity: validity)
            }
        case "to_date", "to_timestamp":
            try a.string(0)
            let type: DataType = name == "to_date" ? .date : .timestamp
            var format: DateFormat?
            if a.count == 2 {
                try a.string(1)
                format = try self.format(&a, 1)
            }
            let f = format
            return a.node(type, nullable: true) { args, n, _ in
                let s = args[0].strings
                var out = [Int64](repeating: 0, count: n)
                var validity = args[0].validity
                for i in 0..<n where validity?[i] ?? true {
                    let micros: Int64? = s.withValue(i) { b in
                        if let f { return f.parse(b) }
                        return Temporal.parseTimestamp(b)
                    }
                    if let micros {
                        out[i] = type == .date ? Calendar.floorDiv(micros, Temporal.microsPerDay) : micros
                    } else {
                        Validity.clear(&validity, i, count: n)
                    }
                }
                return Column(type: type, values: .int64(out), validity: validity)
            }
        case "strftime", "date_format":
            try a.temporal(0)
            try a.string(1)
            let f = try self.format(&a, 1)
            let isDate = a.nodes[0].type == .date
            return a.node(.string) { args, n, _ in
                let v = args[0].int64s
                var out = ByteArrays()
                for i in 0..<n {
                    if args[0].isNull(i) { out.appendEmpty(); continue }
                    out.append(f.format(micros: isDate ? v[i] * Temporal.microsPerDay : v[i]))
                }
                return Column(type: .string, values: .bytes(out), validity: args[0].validity)
            }
        default:
            return nil
        }
    }

    private static func unit(_ a: inout Args, _ i: Int) throws(ExprError) -> Calendar.Unit {
        let text = try a.constString(i)
        guard let u = Calendar.units[text.lowercased()] else {
            throw a.error(i, "\(a.name)() has an unknown unit '\(text)'",
                          hint: Suggest.hint(for: text.lowercased(), in: Calendar.units.keys.sorted())
                              ?? "units are microsecond, millisecond, second, minute, hour, day, week, month, quarter, year")
        }
        return u
    }

    private static func format(_ a: inout Args, _ i: Int) throws(ExprError) -> DateFormat {
        do {
            return try DateFormat(try a.constString(i))
        } catch let e as DateFormat.FormatError {
            throw a.error(i, "\(a.name)() format has an unknown specifier '\(e.specifier)'",
                          hint: "use %Y %m %d %H %I %p %M %S %f %y %b %B %j %z, or %% for a percent sign")
        } catch let e as ExprError {
            throw e
        } catch {
            throw a.error(i, "\(error)")
        }
    }

    /// `x` (days or micros) plus `k` units, as `to`; nil on overflow.
    static func add(_ x: Int64, from: DataType, _ k: Int64, _ unit: Calendar.Unit, to: DataType) -> Int64? {
        switch unit {
        case .month, .quarter, .year:
            let (m, o): (Int64, Bool) = unit == .month ? (k, false)
                : unit == .quarter ? k.multipliedReportingOverflow(by: 3) : k.multipliedReportingOverflow(by: 12)
            if o { return nil }
            if from == .date {
                return Calendar.addMonths(days: x, m)
            }
            let days = Calendar.floorDiv(x, Temporal.microsPerDay)
            guard let nd = Calendar.addMonths(days: days, m) else { return nil }
            let (r, o2) = nd.multipliedReportingOverflow(by: Temporal.microsPerDay)
            return o2 ? nil : r + (x - days * Temporal.microsPerDay)
        default:
            if to == .date {
                let (d, o) = k.multipliedReportingOverflow(by: unit == .week ? 7 : 1)
                if o { return nil }
                let (r, o2) = x.addingReportingOverflow(d)
                return o2 || abs(r) > Int64(Int32.max) ? nil : r
            }
            var base = x
            if from == .date {
                let (b, o) = x.multipliedReportingOverflow(by: Temporal.microsPerDay)
                if o { return nil }
                base = b
            }
            let (d, o) = k.multipliedReportingOverflow(by: unit.micros!)
            if o { return nil }
            let (r, o2) = base.addingReportingOverflow(d)
            return o2 ? nil : r
        }
    }
}
