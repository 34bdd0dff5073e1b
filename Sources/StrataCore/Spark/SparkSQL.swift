import Foundation

/// Translates Strata expressions into Spark SQL with the same meaning, for the Spark engine.
///
/// Spark's SQL differs from Strata's in places (`substr` at 0, `regexp_extract`'s default group,
/// `day_of_week`, `date_diff`, string literal escapes, the LIKE escape, casts from text): each
/// translation here keeps Strata's semantics, and anything that cannot be kept exactly is refused
/// with an error naming the function or construct, never approximated. The job runs in
/// Spark's ANSI mode (an overflow or a bad cast fails, as it fails natively; division by zero is
/// made NULL explicitly) with a UTC session time zone.
public enum SparkSQL {
    /// The Spark SQL text of `e`, typed against `schema` (the columns the expression reads).
    public static func translate(_ e: Expr, schema: Schema) throws -> String {
        var t = Translator(schema: schema)
        return try t.sql(e)
    }

    /// A Spark SQL string literal (backslashes and quotes escaped, as Spark's parser unescapes them).
    public static func string(_ s: String) -> String { BackslashEscaping.quoted(s, quote: "'") }

    /// A Spark identifier, always back-quoted (`page.url` is one column, not a struct field).
    public static func identifier(_ name: String) -> String { "`" + name.replacing("`", with: "``") + "`" }

    /// The functions the Spark engine refuses (their formats or rules have no exact Spark equivalent).
    public static let refusedFunctions: Set<String> = ["to_date", "to_timestamp", "strftime", "date_format"]

    /// Spark's name of a Strata type.
    public static func type(_ t: DataType) -> String { t.sqlName }

    /// A Strata value as a Spark SQL literal of the same type.
    public static func literal(_ v: Value) -> String {
        switch v {
        case .null: return "NULL"
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .int(let i): return i == Int64.min ? "CAST('\(i)' AS BIGINT)" : "\(i)L"
        case let .decimal(u, s):
            let p = max(String(u.magnitude).count, s + 1)
            return "CAST('\(Decimal64.format(u, scale: s))' AS DECIMAL(\(min(38, p)),\(s)))"
        case .double(let d):
            if d.isNaN { return "CAST('NaN' AS DOUBLE)" }
            if d.isInfinite { return d > 0 ? "CAST('Infinity' AS DOUBLE)" : "CAST('-Infinity' AS DOUBLE)" }
            let t = "\(d)"
            return (t.contains("e") || t.contains(".") ? t : t + ".0") + "D"
        case .string(let s): return string(s)
        case .binary(let b): return "X'" + Value.hex(b).dropFirst(2) + "'"
        case .date(let d): return "DATE '" + Temporal.formatDate(days: d) + "'"
        case .timestamp(let t): return "TIMESTAMP '" + CastKernels.timestampText(t) + "'"
        }
    }

    static func unsupported(_ what: String, _ e: Expr, hint: String? = nil) -> StrataError {
        StrataError(.invalidConfig, "\(what) is not supported by the Spark engine (`\(e.sql)`)",
                    hint: hint ?? "run this pipeline with the native engine (`engine: native`), or rewrite the expression")
    }
}

private struct Translator {
    let schema: Schema

    func type(of e: Expr) throws -> DataType {
        do throws(ExprError) { return try ExpressionCompiler.compile(e, schema: schema).type } catch { throw error.error }
    }

    func literalValue(_ e: Expr) -> Value? {
        if case .literal(let v) = e.node { return v }
        if case .negate(let x) = e.node, case .literal(let v) = x.node {
            switch v {
            case .int(let i): return .int(-i)
            case .double(let d): return .double(-d)
            case let .decimal(u, s): return .decimal(-u, scale: s)
            default: return nil
            }
        }
        return nil
    }

    func stringLiteral(_ e: Expr, _ what: String, in call: Expr) throws -> String {
        guard case .string(let s)? = literalValue(e) else { throw SparkSQL.unsupported("\(what) that is not a literal", call) }
        return s
    }

    mutating func sql(_ e: Expr) throws -> String {
        switch e.node {
        case .literal(let v): return SparkSQL.literal(v)
        case .column(let n): return SparkSQL.identifier(n)
        case .negate(let x): return "(- " + (try sql(x)) + ")"
        case .not(let x): return "(NOT " + (try sql(x)) + ")"
        case .binary(let op, let a, let b):
            if op.isArithmetic, try type(of: e) == .double {
                // Strata computes in double whenever the result is double (int64 / int64, a decimal
                // product or quotient too wide for 18 digits): so does the job, operands cast first.
                let x = "CAST(\(try sql(a)) AS DOUBLE)", y = "CAST(\(try sql(b)) AS DOUBLE)"
                switch op {
                case .divide: return "try_divide(\(x), \(y))"
                case .modulo: return "CASE WHEN \(y) = 0 THEN NULL ELSE \(x) % \(y) END"
                default: return "(\(x) \(op.rawValue) \(y))"
                }
            }
            if op == .add || op == .subtract {
                let ta = try type(of: a), tb = try type(of: b)
                // Date arithmetic: Spark's date_add/date_sub take an INT; date − date is days.
                switch (ta, tb, op) {
                case (.date, .int64, .add): return "date_add(\(try sql(a)), CAST(\(try sql(b)) AS INT))"
                case (.int64, .date, .add): return "date_add(\(try sql(b)), CAST(\(try sql(a)) AS INT))"
                case (.date, .int64, .subtract): return "date_sub(\(try sql(a)), CAST(\(try sql(b)) AS INT))"
                case (.date, .date, .subtract): return "CAST(datediff(\(try sql(a)), \(try sql(b))) AS BIGINT)"
                default: break
                }
            }
            switch op {
            case .divide, .modulo:
                let ta = try type(of: a), tb = try type(of: b)
                if op == .divide, case .decimal(let p, let sr) = try type(of: e) {
                    return try decimalDivide(a, ta, b, tb, precision: p, scale: sr)
                }
                // Modulo by zero is NULL (Spark's ANSI mode would fail the job).
                let x = try sql(a), y = try sql(b)
                if op == .divide { return "try_divide(\(x), \(y))" }
                return "CASE WHEN \(y) = 0 THEN NULL ELSE \(x) % \(y) END"
            case .concat:
                for x in [a, b] {
                    let t = try type(of: x)
                    guard t == .string || t == .int64 || t == .date || t == .bool else {
                        throw SparkSQL.unsupported("`||` with a \(t) operand (Spark writes it as text differently)", e, hint: "format it first, e.g. CAST(x AS STRING) of an int64")
                    }
                }
                return "concat(" + (try sql(a)) + ", " + (try sql(b)) + ")"
            default: break
            }
            let name = op == .notEqual ? "<>" : op.rawValue
            if op.isComparison {
                let (x, y) = try comparable(a, b)
                return "(" + x + " " + name + " " + y + ")"
            }
            return "(" + (try sql(a)) + " " + name + " " + (try sql(b)) + ")"
        case .isNull(let x, let negated):
            return "(" + (try sql(x)) + (negated ? " IS NOT NULL)" : " IS NULL)")
        case .inList(let x, let items, let negated):
            return "(" + (try sql(x)) + (negated ? " NOT IN (" : " IN (") + (try items.map { try comparable(x, $0).1 }).joined(separator: ", ") + "))"
        case .between(let x, let lo, let hi, let negated):
            return "(" + (try sql(x)) + (negated ? " NOT BETWEEN " : " BETWEEN ") + (try comparable(x, lo).1) + " AND " + (try comparable(x, hi).1) + ")"
        case .like(let x, let p, let esc, let negated, let ci):
            let pattern = try stringLiteral(p, "a LIKE pattern", in: e)
            var escape: String
            if let esc {
                escape = try stringLiteral(esc, "a LIKE escape", in: e)
                // Spark fails on an escape before an ordinary character, where Strata takes the character as it is.
                var chars = Array(pattern)
                var i = 0
                while i < chars.count {
                    if String(chars[i]) == escape {
                        guard i + 1 < chars.count, ["%", "_", Character(escape)].contains(chars[i + 1]) else {
                            throw SparkSQL.unsupported("a LIKE ESCAPE before a character other than %, _ or itself", e)
                        }
                        i += 1
                    }
                    i += 1
                }
                chars = []
            } else {
                // Strata's LIKE has no escape character; Spark's default is a backslash: name one the pattern does not use.
                guard let free = ["!", "#", "~", "^", "|"].first(where: { !pattern.contains($0) }) else {
                    throw SparkSQL.unsupported("a LIKE pattern using every candidate escape character", e)
                }
                escape = free
            }
            return "(" + (try sql(x)) + (negated ? " NOT" : "") + (ci ? " ILIKE " : " LIKE ") + SparkSQL.string(pattern) + " ESCAPE " + SparkSQL.string(escape) + ")"
        case .caseWhen(let subject, let branches, let otherwise):
            var s = "CASE"
            if let subject { s += " " + (try sql(subject)) }
            for b in branches { s += " WHEN " + (try sql(b.when)) + " THEN " + (try sql(b.then)) }
            if let otherwise { s += " ELSE " + (try sql(otherwise)) }
            return s + " END"
        case .cast(let x, let target, let isTry):
            let from = try type(of: x)
            if case .null? = literalValue(x) { return "CAST(NULL AS \(target.sqlName))" }
            if case .string? = literalValue(x) {
                // Text constants convert here, by Strata's own rules, into a typed literal.
                do {
                    let v = try ExpressionCompiler.compile(e, schema: Schema([])).evaluate(Batch(rowCount: 1)).value(0)
                    return v == .null ? "CAST(NULL AS \(target.sqlName))" : SparkSQL.literal(v)
                } catch {
                    if isTry { return "CAST(NULL AS \(target.sqlName))" }
                    throw SparkSQL.unsupported("a text constant that does not convert to \(target)", e)
                }
            }
            if from == .string && target != .string {
                throw SparkSQL.unsupported("CAST from text", e, hint: "Spark reads numbers and dates in text by other rules than Strata; cast in a native pipeline")
            }
            if from == .double && target == .string || from == .timestamp && target == .string {
                throw SparkSQL.unsupported("CAST of a \(from) to text", e)
            }
            let inner = try sql(x)
            let cast = isTry ? "try_cast(" : "CAST("
            // Numbers to int64 or to a smaller decimal scale round half away from zero natively,
            // where Spark truncates: round first (Spark's round is half up, away from zero).
            switch (from, target) {
            case (.double, .int64), (.decimal, .int64):
                return cast + "round(" + inner + ", 0) AS BIGINT)"
            case (.double, .decimal(let p, let sc)):
                // x · 10^s rounded, then scaled back exactly (Spark would go through the double's text).
                let f = SparkSQL.literal(.double(Double(Decimal64.powersOf10[sc])))
                let unscaled = cast + "round(" + inner + " * " + f + ", 0) AS DECIMAL(18,0))"
                return cast + unscaled + " / CAST('1" + String(repeating: "0", count: sc) + "' AS DECIMAL(\(sc + 1),0)) AS DECIMAL(\(p),\(sc)))"
            default:
                // ANSI mode: an overflow fails the job, as it fails the row natively; TRY_CAST gives NULL.
                return cast + inner + " AS " + target.sqlName + ")"
            }
        case .call(let name, let args):
            return try call(name, args, e)
        }
    }

    func unit(_ arg: Expr, in e: Expr) throws -> Calendar.Unit {
        guard case .string(let text)? = literalValue(arg), let u = Calendar.units[text.lowercased()] else {
            throw SparkSQL.unsupported("a unit that is not a literal", e)
        }
        return u
    }

    static func sparkUnit(_ u: Calendar.Unit) -> String {
        switch u {
        case .microsecond: return "MICROSECOND"
        case .millisecond: return "MILLISECOND"
        case .second: return "SECOND"
        case .minute: return "MINUTE"
        case .hour: return "HOUR"
        case .day: return "DAY"
        case .week: return "WEEK"
        case .month: return "MONTH"
        case .quarter: return "QUARTER"
        case .year: return "YEAR"
        }
    }

    /// The two sides of a comparison; a string literal against a typed side is converted to that
    /// type as Strata converts it (once, when the expression is compiled), not by Spark's coercion.
    mutating func comparable(_ a: Expr, _ b: Expr) throws -> (String, String) {
        func converted(_ lit: Expr, to other: Expr) throws -> String? {
            guard case .string? = literalValue(lit) else { return nil }
            let t = try type(of: other)
            guard t != .string, t != .binary else { return nil }
            let cast = Expr(.cast(lit, t, isTry: false))
            do {
                let typed = try ExpressionCompiler.compile(cast, schema: Schema([]))
                return SparkSQL.literal(try typed.evaluate(Batch(rowCount: 1)).value(0))
            } catch {
                throw SparkSQL.unsupported("a text literal that does not convert to \(t)", lit)
            }
        }
        if let x = try converted(a, to: b) { return (x, try sql(b)) }
        if let y = try converted(b, to: a) { return (try sql(a), y) }
        return (try sql(a), try sql(b))
    }

    /// A regex pattern for Java's engine with the meaning it has in Strata's (ICU): Unicode
    /// classes and case-insensitivity (`(?U)`); constructs the two read differently are refused.
    func regex(_ arg: Expr, _ e: Expr) throws -> String {
        let p = try stringLiteral(arg, "a regex pattern", in: e)
        for construct in ["[:", "\\N{", "\\X", "(?w", "\\h", "\\H", "\\R", "\\v", "\\V"] where p.contains(construct) {
            throw SparkSQL.unsupported("the regex construct '\(construct)' (Java and ICU read it differently)", e)
        }
        return SparkSQL.string("(?U)" + p)
    }

    /// a / b exactly as Strata divides decimals: the quotient at the result scale, rounded half
    /// away from zero, by integer arithmetic on the unscaled values (Spark's own decimal division
    /// rounds at another scale first, which could round twice).
    mutating func decimalDivide(_ a: Expr, _ ta: DataType, _ b: Expr, _ tb: DataType, precision: Int, scale sr: Int) throws -> String {
        func scale(_ t: DataType) -> Int { if case .decimal(_, let s) = t { return s } else { return 0 } }
        func pow10(_ k: Int) -> String { "CAST('1" + String(repeating: "0", count: k) + "' AS DECIMAL(38,0))" }
        let sa = scale(ta), sb = scale(tb)
        let x = "CAST(\(try sql(a)) * \(pow10(sa)) AS DECIMAL(38,0))"
        let y = "CAST(\(try sql(b)) * \(pow10(sb)) AS DECIMAL(38,0))"
        let n = "(\(x) * \(pow10(sr - sa + sb)))"
        // Integer arithmetic throughout (Spark's sign() is a double): the rounded quotient fits 18
        // digits (else natively a failure, here an overflow), and dividing it by 10^s as a
        // DECIMAL(s+1,0) keeps every digit.
        let negative = "((\(n) < 0) <> (\(y) < 0))"
        let q = "(CASE WHEN \(negative) THEN -1 ELSE 1 END * ((2 * abs(\(n)) + abs(\(y))) DIV (2 * abs(\(y)))))"
        return "CASE WHEN \(y) = 0 THEN NULL ELSE CAST(CAST(\(q) AS DECIMAL(18,0)) / CAST('1" + String(repeating: "0", count: sr)
            + "' AS DECIMAL(\(sr + 1),0)) AS DECIMAL(\(precision),\(sr))) END"
    }

    mutating func call(_ name: String, _ args: [Expr], _ e: Expr) throws -> String {
        func a(_ i: Int) throws -> String { try sql(args[i]) }
        func all() throws -> String { try args.map { try sql($0) }.joined(separator: ", ") }
        switch name {
        case "exp":
            // Java's exp, log and pow can differ from the C library's in the last digit: the job
            // calls the same C library functions Strata calls (`libm`, through the program's `c_math`).
            return "c_math('exp', CAST(\(try a(0)) AS DOUBLE))"
        case "lower", "upper", "reverse", "coalesce", "nullif", "abs", "quarter":
            return name + "(" + (try all()) + ")"
        case "nvl", "ifnull": return "coalesce(" + (try all()) + ")"
        case "length", "char_length": return "CAST(char_length(" + (try a(0)) + ") AS BIGINT)"
        case "concat":
            for x in args {
                let t = try type(of: x)
                guard t == .string || t == .int64 || t == .date || t == .bool else {
                    throw SparkSQL.unsupported("concat of a \(t) argument (Spark writes it as text differently)", e)
                }
            }
            return "concat(" + (try all()) + ")"
        case "concat_ws":
            for x in args.dropFirst() where try type(of: x) != .string {
                throw SparkSQL.unsupported("concat_ws over a non-text argument", e)
            }
            return "concat_ws(" + (try all()) + ")"
        case "trim", "ltrim", "rtrim":
            let side = name == "trim" ? "BOTH" : name == "ltrim" ? "LEADING" : "TRAILING"
            if args.count == 1 { return "trim(\(side) ' ' FROM " + (try a(0)) + ")" }
            let chars = try stringLiteral(args[1], "trim characters", in: e)
            return "trim(\(side) " + SparkSQL.string(chars) + " FROM " + (try a(0)) + ")"
        case "substr", "substring":
            guard case .int(let start)? = literalValue(args[1]) else { throw SparkSQL.unsupported("substr with a start that is not a literal", e) }
            if args.count == 3 {
                guard case .int(let len)? = literalValue(args[2]), len >= 0 else { throw SparkSQL.unsupported("substr with a length that is not a literal ≥ 0", e) }
                if start == 0 { return "substring(" + (try a(0)) + ", 1, \(max(0, len - 1)))" }
                if start < 0 {
                    // Counting from the end; a start before the first character shortens the result (as DuckDB).
                    let s = try a(0)
                    return "CASE WHEN char_length(\(s)) + \(start) >= 0 THEN substring(\(s), \(start), \(len)) "
                        + "ELSE substring(\(s), 1, greatest(0, char_length(\(s)) + \(start) + \(len))) END"
                }
                return "substring(" + (try a(0)) + ", \(start), \(len))"
            }
            if start == 0 { return "substring(" + (try a(0)) + ", 1)" }
            if start < 0 { let s = try a(0); return "CASE WHEN char_length(\(s)) + \(start) >= 0 THEN substring(\(s), \(start)) ELSE \(s) END" }
            return "substring(" + (try a(0)) + ", \(start))"
        case "replace":
            return "replace(" + (try all()) + ")"
        case "left", "right":
            guard case .int(let n)? = literalValue(args[1]), n >= 0 else { throw SparkSQL.unsupported("\(name) with a count that is not a literal ≥ 0", e) }
            return name + "(" + (try a(0)) + ", \(n))"
        case "strpos": return "CAST(instr(" + (try a(0)) + ", " + (try a(1)) + ") AS BIGINT)"
        case "starts_with": return "startswith(" + (try all()) + ")"
        case "ends_with": return "endswith(" + (try all()) + ")"
        case "contains": return "contains(" + (try all()) + ")"
        case "regexp_like":
            return "regexp_like(" + (try a(0)) + ", " + (try regex(args[1], e)) + ")"
        case "regexp_extract":
            var group: Int64 = 0
            if args.count == 3 { guard case .int(let g)? = literalValue(args[2]) else { throw SparkSQL.unsupported("a group that is not a literal", e) }; group = g }
            // '' where nothing matches, in both.
            return "regexp_extract(" + (try a(0)) + ", " + (try regex(args[1], e)) + ", \(group))"
        case "regexp_replace":
            return "regexp_replace(" + (try a(0)) + ", " + (try regex(args[1], e)) + ", "
                + SparkSQL.string(try stringLiteral(args[2], "a replacement", in: e)) + ")"
        case "split_part":
            // Part 0 is '' (Spark fails on it).
            let x = try a(0), d = try a(1), n = try a(2)
            return "CASE WHEN \(x) IS NULL OR \(d) IS NULL OR \(n) IS NULL THEN NULL WHEN \(n) = 0 THEN '' ELSE split_part(\(x), \(d), CAST(\(n) AS INT)) END"
        case "lpad", "rpad":
            // The width is clamped to 0…1,000,000 characters, as natively.
            let width = "CAST(greatest(least(\(try a(1)), 1000000), 0) AS INT)"
            return name + "(" + (try a(0)) + ", " + width + (args.count == 3 ? ", " + (try a(2)) : "") + ")"
        case "if": return "if(" + (try all()) + ")"
        case "least", "greatest": return name + "(" + (try all()) + ")"
        case "round":
            var digits: Int64 = 0
            if args.count == 2 { guard case .int(let d)? = literalValue(args[1]) else { throw SparkSQL.unsupported("round digits that are not a literal", e) }; digits = d }
            let t = try type(of: e)
            if t == .double {
                // As natively: (x · 10^d) rounded half away from zero, then ÷ 10^d, in doubles.
                let f = SparkSQL.literal(.double(pow(10.0, Double(digits))))
                return "(round(" + (try a(0)) + " * \(f), 0) / \(f))"
            }
            return "CAST(round(" + (try a(0)) + ", \(digits)) AS \(t.sqlName))"
        case "floor", "ceil", "ceiling":
            let t = try type(of: e)
            let f = name == "floor" ? "floor" : "ceil"
            let x = try a(0)
            if t == .double {
                // Spark's floor/ceil of a double is a BIGINT: keep NaN, infinities, huge values and -0.0 as doubles do.
                let zero = f == "ceil" ? "WHEN \(x) < 0 AND \(x) > -1 THEN -0.0D " : ""
                return "CASE WHEN isnan(\(x)) OR abs(\(x)) >= 4.503599627370496E15D OR CAST(\(x) AS STRING) = '-0.0' THEN \(x) "
                    + zero + "ELSE CAST(\(f)(\(x)) AS DOUBLE) END"
            }
            return "CAST(\(f)(\(x)) AS \(t.sqlName))"
        case "sign":
            let x = try a(0)
            return "CASE WHEN isnan(CAST(\(x) AS DOUBLE)) THEN NULL ELSE CAST(signum(\(x)) AS BIGINT) END"
        // NaN is outside every domain natively (Spark orders NaN above every number).
        case "sqrt": let x = try a(0); return "CASE WHEN NOT isnan(CAST(\(x) AS DOUBLE)) AND \(x) >= 0 THEN sqrt(\(x)) END"
        case "ln", "log10":
            let x = try a(0)
            return "CASE WHEN NOT isnan(CAST(\(x) AS DOUBLE)) AND \(x) > 0 THEN c_math('\(name == "ln" ? "log" : "log10")', CAST(\(x) AS DOUBLE)) END"
        case "power", "pow":
            let x = "CAST(\(try a(0)) AS DOUBLE)", y = "CAST(\(try a(1)) AS DOUBLE)"
            let r = "c_math2('pow', \(x), \(y))"
            return "CASE WHEN isnan(\(r)) AND NOT isnan(\(x)) AND NOT isnan(\(y)) THEN NULL ELSE \(r) END"
        case "mod": let x = try a(0), y = try a(1); return "CASE WHEN \(y) = 0 THEN NULL ELSE \(x) % \(y) END"
        case "date":
            if try type(of: args[0]) == .string { throw SparkSQL.unsupported("date() of text", e) }
            return "CAST(" + (try a(0)) + " AS DATE)"
        case "year", "month", "day", "hour", "minute", "second", "day_of_year", "dayofyear":
            let f = ["day": "dayofmonth", "day_of_year": "dayofyear"][name] ?? name
            let x = try a(0)
            if try type(of: args[0]) == .date, ["hour", "minute", "second"].contains(name) { return "CASE WHEN \(x) IS NOT NULL THEN 0L END" }
            return "CAST(\(f)(\(x)) AS BIGINT)"
        case "day_of_week", "isodow": return "CAST(weekday(" + (try a(0)) + ") + 1 AS BIGINT)"
        case "week", "weekofyear": return "CAST(weekofyear(" + (try a(0)) + ") AS BIGINT)"
        case "date_trunc":
            let unit = try self.unit(args[0], in: e)
            let name = Self.sparkUnit(unit)
            let x = try a(1)
            return try type(of: args[1]) == .date ? "CAST(date_trunc('\(name)', \(x)) AS DATE)" : "date_trunc('\(name)', \(x))"
        case "date_diff", "datediff":
            let unit = try self.unit(args[0], in: e)
            let x = try a(1), y = try a(2)
            func days(_ s: String) -> String { "unix_date(CAST(\(s) AS DATE))" }
            switch unit {
            case .year: return "CAST(year(\(y)) - year(\(x)) AS BIGINT)"
            case .quarter: return "CAST((year(\(y)) * 4 + quarter(\(y))) - (year(\(x)) * 4 + quarter(\(x))) AS BIGINT)"
            case .month: return "CAST((year(\(y)) * 12 + month(\(y))) - (year(\(x)) * 12 + month(\(x))) AS BIGINT)"
            case .week: return "CAST((\(days(y)) - \(days(x))) DIV 7 AS BIGINT)"
            case .day: return "CAST(\(days(y)) - \(days(x)) AS BIGINT)"
            default:
                // Unit boundaries crossed: floor division of the microseconds since the epoch.
                let u = unit.micros!
                func floorDiv(_ s: String) -> String {
                    let m = "unix_micros(CAST(\(s) AS TIMESTAMP))"
                    return "(CASE WHEN \(m) >= 0 THEN \(m) DIV \(u) ELSE -((\(u - 1) - \(m)) DIV \(u)) END)"
                }
                return "(\(floorDiv(y)) - \(floorDiv(x)))"
            }
        case "date_add":
            let unit = args.count == 3 ? try self.unit(args[2], in: e) : .day
            let from = try type(of: args[0])
            let x = try a(0), n = try a(1)
            if from == .date && !unit.isSubDay {
                switch unit {
                case .day: return "date_add(\(x), CAST(\(n) AS INT))"
                case .week: return "date_add(\(x), CAST(\(n) * 7 AS INT))"
                case .month: return "add_months(\(x), CAST(\(n) AS INT))"
                case .quarter: return "add_months(\(x), CAST(\(n) * 3 AS INT))"
                default: return "add_months(\(x), CAST(\(n) * 12 AS INT))"
                }
            }
            return "timestampadd(\(Self.sparkUnit(unit)), \(n), CAST(\(x) AS TIMESTAMP))"
        case "now", "current_timestamp":
            // The run's clock, handed to the job (every row of one run sees the same instant, as natively).
            return "system.session.strata_now"
        case "current_date":
            return "CAST(system.session.strata_now AS DATE)"
        default:
            // to_date, to_timestamp, strftime and date_format: strftime formats have no exact Java-pattern equivalent.
            throw StrataError(.invalidConfig, "function \(name)() is not supported by the Spark engine (`\(e.sql)`)",
                              hint: "run this pipeline with the native engine (`engine: native`); `strata functions` lists what each engine computes")
        }
    }
}

