/// The user-facing description of one function, operator or piece of syntax of the expression language.
///
/// `FunctionDoc.all` is the single source of truth for `strata functions`, the generated reference
/// in `docs/expressions.md` (`FunctionDoc.markdown()`), and the tests: every function name in the
/// catalog is documented, and every `example` is parsed, compiled and evaluated by the test suite
/// and must print exactly `result` (see `FunctionDoc.render` for the result format).
public struct FunctionDoc: Sendable, Hashable {
    /// The reference's groups, in the order the reference prints them.
    public enum Group: String, Sendable, Hashable, CaseIterable {
        case strings, conditionals, math, dates, operators

        /// The group's heading in the reference.
        public var title: String {
            switch self {
            case .strings: return "Strings"
            case .conditionals: return "Nulls and conditionals"
            case .math: return "Math"
            case .dates: return "Dates and times"
            case .operators: return "Operators and syntax"
            }
        }
    }

    /// A callable function (its name is in the function catalog), or syntax (operators, CASE, literals).
    public enum Kind: String, Sendable, Hashable {
        case function, syntax
    }

    /// The main name, as written (`substr`, `CASE`, `||`).
    public var name: String
    /// Other names for the same thing (`substring`; `TRY_CAST` for `CAST`).
    public var aliases: [String]
    public var kind: Kind
    public var group: Group
    /// Arguments and result type: `substr(s string, start int64 [, length int64]) → string`.
    public var signature: String
    /// One line: what it computes.
    public var summary: String
    /// An expression that reads no column (unless the reference's example table provides it).
    public var example: String
    /// What `example` evaluates to, as `FunctionDoc.render` prints it: `'tra'`, `42`, `NULL`, `DATE '2024-03-01'`.
    public var result: String
    /// Edge cases, NULL handling and differences from DuckDB/Spark.
    public var notes: String?
    /// Further examples (edge cases), verified like `example`.
    public var moreExamples: [ExpressionExample]

    /// A function entry.
    init(_ name: String, aliases: [String] = [], _ group: Group, _ signature: String,
         _ summary: String, example: String, result: String, notes: String? = nil, more: [(String, String)] = []) {
        self.init(name, aliases: aliases, .function, group, signature, summary, example: example, result: result, notes: notes, more: more)
    }

    init(_ name: String, aliases: [String] = [], _ kind: Kind, _ group: Group, _ signature: String,
         _ summary: String, example: String, result: String, notes: String? = nil, more: [(String, String)] = []) {
        self.name = name
        self.aliases = aliases
        self.kind = kind
        self.group = group
        self.signature = signature
        self.summary = summary
        self.example = example
        self.result = result
        self.notes = notes
        self.moreExamples = more.map { ExpressionExample($0.0, $0.1) }
    }

    /// `example` and then `moreExamples`.
    public var examples: [ExpressionExample] { [ExpressionExample(example, result)] + moreExamples }

    /// The name and the aliases.
    public var names: [String] { [name] + aliases }

    /// The entry named `name` or having it as an alias (case-insensitive; spaces collapsed), or nil.
    public static func find(_ name: String) -> FunctionDoc? {
        let key = normalized(name)
        return all.first { $0.names.contains { normalized($0) == key } }
    }

    /// Every name and alias, for did-you-mean.
    public static var allNames: [String] { all.flatMap(\.names) }

    static func normalized(_ s: String) -> String {
        s.lowercased().split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }
}

extension FunctionDoc {
    /// Units `date_trunc`, `date_diff` and `date_add` accept (tests check this against the calendar).
    static let unitsNote = "Units: microsecond (us), millisecond (ms), second (s), minute (m), hour (h), day (d), "
        + "week (w), month, quarter, year (y); plurals (days, months, ...) are accepted; the unit must be a literal."

    /// strftime specifiers (tests check each against `DateFormat`).
    static let formatNote = "Specifiers: %Y year, %m month, %d day, %H hour (00-23), %I hour (01-12) with %p AM/PM, "
        + "%M minute, %S second, %f fraction (microseconds), %y two-digit year (00-68 → 20xx), %b Jan, %B January, "
        + "%j day of year, %z zone (Z, +HH, +HHMM, +HH:MM), %% a percent sign; anything else matches itself."

    /// Every function and piece of syntax, grouped and in reference order.
    public static let all: [FunctionDoc] = strings + conditionals + math + dates + operators

    static let strings: [FunctionDoc] = [
        FunctionDoc("lower", .strings, "lower(s string) → string",
                    "Lower-cases the text (all of Unicode, not only ASCII).",
                    example: "lower('Zürich AG')", result: "'zürich ag'"),
        FunctionDoc("upper", .strings, "upper(s string) → string",
                    "Upper-cases the text (all of Unicode, not only ASCII).",
                    example: "upper('zürich')", result: "'ZÜRICH'"),
        FunctionDoc("trim", .strings, "trim(s string [, characters string]) → string",
                    "Removes spaces, or any of the given characters, from both ends.",
                    example: "trim('  strata  ')", result: "'strata'",
                    notes: "`characters` must be a literal; each of its characters is removed, in any order.. Only spaces by default, not tabs or newlines.",
                    more: [("trim('-+x+-', '+-')", "'x'")]),
        FunctionDoc("ltrim", .strings, "ltrim(s string [, characters string]) → string",
                    "Removes spaces, or any of the given characters, from the start.",
                    example: "ltrim('xxstrataxx', 'x')", result: "'strataxx'"),
        FunctionDoc("rtrim", .strings, "rtrim(s string [, characters string]) → string",
                    "Removes spaces, or any of the given characters, from the end.",
                    example: "rtrim('strata!!', '!')", result: "'strata'"),
        FunctionDoc("length", aliases: ["char_length"], .strings, "length(s string) → int64",
                    "The number of characters (Unicode scalars, not bytes).",
                    example: "length('Zürich')", result: "6"),
        FunctionDoc("substr", aliases: ["substring"], .strings, "substr(s string, start int64 [, length int64]) → string",
                    "The characters from position `start` (1 is the first), `length` of them or up to the end.",
                    example: "substr('strata', 2, 3)", result: "'tra'",
                    notes: "A negative start counts from the end. Start 0 is the position before the first character, so `substr(s, 0, 2)` is one character (DuckDB and Postgres; Spark treats 0 as 1). Past the end gives ''.",
                    more: [("substr('strata', -3)", "'ata'"), ("substr('strata', 0, 2)", "'s'"), ("substr('strata', 9)", "''")]),
        FunctionDoc("concat", .strings, "concat(x any, ...) → string",
                    "Joins the arguments as text; non-strings are converted as by CAST(x AS STRING).",
                    example: "concat('order-', 42)", result: "'order-42'",
                    notes: "NULL if any argument is NULL (SQL and Spark; DuckDB skips NULLs): use concat_ws or coalesce to skip them.",
                    more: [("concat('a', NULL)", "NULL")]),
        FunctionDoc("concat_ws", .strings, "concat_ws(separator string, x any, ...) → string",
                    "Joins the arguments with a separator between them, skipping NULL arguments.",
                    example: "concat_ws('-', 'a', NULL, 'b')", result: "'a-b'",
                    notes: "NULL only when the separator is NULL.",
                    more: [("concat_ws(NULL, 'a', 'b')", "NULL")]),
        FunctionDoc("replace", .strings, "replace(s string, from string, to string) → string",
                    "Replaces every occurrence of `from` (exact, case-sensitive) with `to`.",
                    example: "replace('a-b-c', '-', '+')", result: "'a+b+c'",
                    notes: "An empty `from` leaves the text as it is.",
                    more: [("replace('ab', '', 'x')", "'ab'")]),
        FunctionDoc("reverse", .strings, "reverse(s string) → string",
                    "The characters in reverse order.",
                    example: "reverse('strata')", result: "'atarts'"),
        FunctionDoc("left", .strings, "left(s string, n int64) → string",
                    "The first n characters (all of them when n passes the end, none when n ≤ 0).",
                    example: "left('strata', 3)", result: "'str'"),
        FunctionDoc("right", .strings, "right(s string, n int64) → string",
                    "The last n characters (all of them when n passes the start, none when n ≤ 0).",
                    example: "right('strata', 3)", result: "'ata'"),
        FunctionDoc("strpos", .strings, "strpos(s string, sub string) → int64",
                    "The position (1-based, in characters) of the first occurrence of `sub`, 0 when there is none.",
                    example: "strpos('strata', 'ra')", result: "3",
                    notes: "An empty `sub` is found at 1.",
                    more: [("strpos('strata', 'x')", "0"), ("strpos('strata', '')", "1")]),
        FunctionDoc("regexp_like", .strings, "regexp_like(s string, pattern string) → bool",
                    "Whether the regular expression matches anywhere in the text (anchor it with ^ and $ to match the whole).",
                    example: "regexp_like('order-42', '[0-9]+$')", result: "TRUE",
                    notes: "Patterns are ICU regular expressions and must be literals; an invalid pattern is a config error."),
        FunctionDoc("regexp_extract", .strings, "regexp_extract(s string, pattern string [, group int64]) → string",
                    "The first match, or its capture group `group`; '' when nothing matches.",
                    example: "regexp_extract('order-42', '([a-z]+)-([0-9]+)', 2)", result: "'42'",
                    notes: "`group` defaults to 0, the whole match (DuckDB; Spark's default is 1). Pattern and group must be literals; a group the pattern does not have is a config error.",
                    more: [("regexp_extract('order-42', '[0-9]+')", "'42'"), ("regexp_extract('order', '[0-9]+')", "''")]),
        FunctionDoc("regexp_replace", .strings, "regexp_replace(s string, pattern string, replacement string) → string",
                    "Replaces every match; `$1` in the replacement stands for capture group 1.",
                    example: "regexp_replace('2025-01-31', '([0-9]+)-([0-9]+)-([0-9]+)', '$3.$2.$1')", result: "'31.01.2025'",
                    notes: "The pattern must be a literal."),
        FunctionDoc("split_part", .strings, "split_part(s string, delimiter string, n int64) → string",
                    "The n-th field of the text split at the delimiter (1-based; a negative n counts from the end).",
                    example: "split_part('a,b,c', ',', -1)", result: "'c'",
                    notes: "'' past the last field and for n = 0. An empty delimiter makes the whole text the only field.",
                    more: [("split_part('a,b,c', ',', 2)", "'b'"), ("split_part('a,b,c', ',', 5)", "''"), ("split_part('a,b', '', 1)", "'a,b'")]),
        FunctionDoc("starts_with", .strings, "starts_with(s string, prefix string) → bool",
                    "Whether the text starts with the prefix (case-sensitive).",
                    example: "starts_with('strata', 'str')", result: "TRUE"),
        FunctionDoc("ends_with", .strings, "ends_with(s string, suffix string) → bool",
                    "Whether the text ends with the suffix (case-sensitive).",
                    example: "ends_with('strata', 'ata')", result: "TRUE"),
        FunctionDoc("contains", .strings, "contains(s string, sub string) → bool",
                    "Whether the text contains `sub` (case-sensitive; an empty `sub` is always contained).",
                    example: "contains('strata', 'rat')", result: "TRUE",
                    more: [("contains('strata', '')", "TRUE")]),
        FunctionDoc("lpad", .strings, "lpad(s string, n int64 [, pad string]) → string",
                    "Pads the text on the left with spaces, or `pad` repeated, to n characters; longer text is cut to its first n.",
                    example: "lpad('42', 5, '0')", result: "'00042'",
                    more: [("lpad('strata', 3)", "'str'")]),
        FunctionDoc("rpad", .strings, "rpad(s string, n int64 [, pad string]) → string",
                    "Pads the text on the right with spaces, or `pad` repeated, to n characters; longer text is cut to its first n.",
                    example: "rpad('ab', 5, '.')", result: "'ab...'"),
    ]

    static let conditionals: [FunctionDoc] = [
        FunctionDoc("coalesce", .conditionals, "coalesce(x T, ...) → T",
                    "The first argument that is not NULL (NULL when all are).",
                    example: "coalesce(NULL, 'b', 'c')", result: "'b'",
                    notes: "Later arguments are computed only for the rows still NULL, so a CAST there cannot fail a row it does not reach."),
        FunctionDoc("ifnull", aliases: ["nvl"], .conditionals, "ifnull(x T, y T) → T",
                    "x, or y when x is NULL (coalesce with two arguments).",
                    example: "ifnull(NULL, 0)", result: "0"),
        FunctionDoc("nullif", .conditionals, "nullif(x T, y T) → T",
                    "NULL when x equals y, else x: turns a placeholder into NULL.",
                    example: "nullif('n/a', 'n/a')", result: "NULL",
                    more: [("nullif('x', 'n/a')", "'x'")]),
        FunctionDoc("if", .conditionals, "if(condition bool, then T, else T) → T",
                    "`then` where the condition is TRUE, `else` where it is FALSE or NULL.",
                    example: "if(2 > 1, 'yes', 'no')", result: "'yes'",
                    notes: "Like CASE, each branch is computed only for the rows that take it.",
                    more: [("if(NULL, 'yes', 'no')", "'no'")]),
        FunctionDoc("least", .conditionals, "least(x T, ...) → T",
                    "The smallest argument, skipping NULLs (NULL only when all are).",
                    example: "least(3, NULL, 1)", result: "1"),
        FunctionDoc("greatest", .conditionals, "greatest(x T, ...) → T",
                    "The largest argument, skipping NULLs (NULL only when all are).",
                    example: "greatest(3, NULL, 1)", result: "3"),
    ]

    static let math: [FunctionDoc] = [
        FunctionDoc("abs", .math, "abs(x number) → same type",
                    "The absolute value.",
                    example: "abs(-7.5)", result: "7.5",
                    notes: "abs of the smallest int64 does not fit an int64: a row failure."),
        FunctionDoc("round", .math, "round(x number [, digits int64]) → same kind",
                    "Rounds half away from zero to `digits` decimal places (default 0; a negative `digits` rounds left of the point).",
                    example: "round(2.345, 2)", result: "2.35",
                    notes: "`digits` must be a literal from -18 to 18. A decimal(p,s) gives a decimal of scale min(digits, s), a double a double, an int64 an int64.",
                    more: [("round(-2.5)", "-3"), ("round(1250, -2)", "1300"), ("round(2.5e0)", "3.0")]),
        FunctionDoc("floor", .math, "floor(x number) → same kind",
                    "The largest whole number not above x.",
                    example: "floor(-2.5)", result: "-3",
                    notes: "A double stays a double; a decimal(p,s) becomes decimal(p−s+1, 0); an int64 is unchanged."),
        FunctionDoc("ceil", aliases: ["ceiling"], .math, "ceil(x number) → same kind",
                    "The smallest whole number not below x.",
                    example: "ceil(2.1)", result: "3",
                    notes: "A double stays a double; a decimal(p,s) becomes decimal(p−s+1, 0); an int64 is unchanged."),
        FunctionDoc("sign", .math, "sign(x number) → int64",
                    "-1, 0 or 1 by the sign of x (NULL for NaN).",
                    example: "sign(-3.5)", result: "-1"),
        FunctionDoc("sqrt", .math, "sqrt(x number) → double",
                    "The square root; NULL for a negative x.",
                    example: "sqrt(16)", result: "4.0",
                    more: [("sqrt(-1)", "NULL")]),
        FunctionDoc("power", aliases: ["pow"], .math, "power(x number, y number) → double",
                    "x raised to the power y; NULL when that is not a real number.",
                    example: "power(2, 10)", result: "1024.0",
                    more: [("power(-8, 0.5)", "NULL")]),
        FunctionDoc("ln", .math, "ln(x number) → double",
                    "The natural logarithm; NULL for x ≤ 0.",
                    example: "ln(1)", result: "0.0",
                    more: [("ln(0)", "NULL")]),
        FunctionDoc("log10", .math, "log10(x number) → double",
                    "The base-10 logarithm; NULL for x ≤ 0.",
                    example: "log10(1000)", result: "3.0"),
        FunctionDoc("exp", .math, "exp(x number) → double",
                    "e raised to the power x.",
                    example: "exp(1)", result: "2.718281828459045"),
        FunctionDoc("mod", .math, "mod(a number, b number) → number",
                    "The remainder of a / b, with the sign of a (the same as `a % b`); NULL when b is 0.",
                    example: "mod(-7, 3)", result: "-1",
                    more: [("mod(7, 0)", "NULL")]),
    ]

    static let dates: [FunctionDoc] = [
        FunctionDoc("date", .dates, "date(x date|timestamp|string) → date",
                    "The date of a timestamp (UTC), or text converted as by CAST(x AS DATE).",
                    example: "date(TIMESTAMP '2024-03-01 23:59:59')", result: "DATE '2024-03-01'",
                    notes: "Text that is not a date is a row failure; to_date or TRY_CAST give NULL instead."),
        FunctionDoc("year", .dates, "year(x date|timestamp) → int64",
                    "The year.",
                    example: "year(DATE '2024-03-01')", result: "2024"),
        FunctionDoc("quarter", .dates, "quarter(x date|timestamp) → int64",
                    "The quarter (1-4).",
                    example: "quarter(DATE '2024-08-15')", result: "3"),
        FunctionDoc("month", .dates, "month(x date|timestamp) → int64",
                    "The month (1-12).",
                    example: "month(DATE '2024-03-01')", result: "3"),
        FunctionDoc("week", aliases: ["weekofyear"], .dates, "week(x date|timestamp) → int64",
                    "The ISO 8601 week (1-53): weeks start on Monday, and week 1 holds the year's first Thursday.",
                    example: "week(DATE '2024-12-30')", result: "1",
                    notes: "Late December can be in week 1 of the next year, early January in week 52 or 53 of the last.",
                    more: [("week(DATE '2021-01-01')", "53")]),
        FunctionDoc("day", .dates, "day(x date|timestamp) → int64",
                    "The day of the month (1-31).",
                    example: "day(DATE '2024-03-01')", result: "1"),
        FunctionDoc("day_of_week", aliases: ["isodow"], .dates, "day_of_week(x date|timestamp) → int64",
                    "The ISO day of the week: Monday 1 ... Sunday 7.",
                    example: "day_of_week(DATE '2024-03-03')", result: "7",
                    notes: "DuckDB's dayofweek counts Sunday 0 and Spark's Sunday 1; this is their isodow."),
        FunctionDoc("day_of_year", aliases: ["dayofyear"], .dates, "day_of_year(x date|timestamp) → int64",
                    "The day of the year (1-366).",
                    example: "day_of_year(DATE '2024-03-01')", result: "61"),
        FunctionDoc("hour", .dates, "hour(x date|timestamp) → int64",
                    "The hour (0-23, UTC); 0 for a date.",
                    example: "hour(TIMESTAMP '2024-03-01 13:45:30')", result: "13",
                    more: [("hour(DATE '2024-03-01')", "0")]),
        FunctionDoc("minute", .dates, "minute(x date|timestamp) → int64",
                    "The minute (0-59); 0 for a date.",
                    example: "minute(TIMESTAMP '2024-03-01 13:45:30')", result: "45"),
        FunctionDoc("second", .dates, "second(x date|timestamp) → int64",
                    "The whole seconds (0-59); 0 for a date.",
                    example: "second(TIMESTAMP '2024-03-01 13:45:30.75')", result: "30"),
        FunctionDoc("EXTRACT", .syntax, .dates, "EXTRACT(part FROM x date|timestamp) → int64",
                    "A part of a date or timestamp by name: year, quarter, month, week, day, hour, minute, second, isodow, doy.",
                    example: "EXTRACT(quarter FROM DATE '2024-08-15')", result: "3",
                    notes: "Each part is the function of the same name (isodow is day_of_week, doy is day_of_year)."),
        FunctionDoc("date_trunc", .dates, "date_trunc(unit string, x date|timestamp) → same type",
                    "x truncated to the start of its unit (a week starts on Monday).",
                    example: "date_trunc('month', DATE '2024-03-15')", result: "DATE '2024-03-01'",
                    notes: unitsNote + " A date stays a date (DuckDB returns a timestamp)."),
        FunctionDoc("date_diff", aliases: ["datediff"], .dates, "date_diff(unit string, a date|timestamp, b date|timestamp) → int64",
                    "b − a in units: the number of unit boundaries crossed going from a to b.",
                    example: "date_diff('month', DATE '2024-01-31', DATE '2024-02-01')", result: "1",
                    notes: "Calendar and sub-day units count boundaries (as DuckDB), so one day apart can be a year. A week counts whole weeks (days / 7, toward zero). Spark's datediff(end, start) takes no unit and the other order. " + unitsNote,
                    more: [("date_diff('year', DATE '2024-12-31', DATE '2025-01-01')", "1"), ("date_diff('week', DATE '2024-03-01', DATE '2024-03-14')", "1"), ("date_diff('day', TIMESTAMP '2024-03-01 23:00:00', TIMESTAMP '2024-03-02 01:00:00')", "1")]),
        FunctionDoc("date_add", .dates, "date_add(x date|timestamp, n int64 [, unit string]) → date|timestamp",
                    "x moved by n units (default: days; n may be negative).",
                    example: "date_add(DATE '2024-01-31', 1, 'month')", result: "DATE '2024-02-29'",
                    notes: "Months, quarters and years keep the day, clamped to the month's length (Jan 31 + 1 month is the end of February). A date stays a date for day, week, month, quarter and year; smaller units give a timestamp. " + unitsNote,
                    more: [("date_add(DATE '2024-03-01', -1)", "DATE '2024-02-29'"), ("date_add(DATE '2024-03-01', 36, 'hours')", "TIMESTAMP '2024-03-02 12:00:00'")]),
        FunctionDoc("now", aliases: ["current_timestamp"], .dates, "now() → timestamp",
                    "The time the run started (UTC): the same for every row and batch of a run.",
                    example: "now()", result: "TIMESTAMP '2025-01-31 12:00:00'",
                    notes: "current_timestamp may be written without parentheses.",
                    more: [("current_timestamp", "TIMESTAMP '2025-01-31 12:00:00'")]),
        FunctionDoc("current_date", .dates, "current_date → date",
                    "The date (UTC) the run started.",
                    example: "current_date", result: "DATE '2025-01-31'",
                    notes: "Written without parentheses (current_date() works too).",
                    more: [("current_date()", "DATE '2025-01-31'")]),
        FunctionDoc("to_date", .dates, "to_date(s string [, format string]) → date",
                    "Parses text with a strftime format (ISO 8601 without one); NULL when the text does not match.",
                    example: "to_date('31/01/2025', '%d/%m/%Y')", result: "DATE '2025-01-31'",
                    notes: formatNote + " The whole text must match (surrounding spaces are ignored); the format must be a literal. CAST fails the row where to_date gives NULL.",
                    more: [("to_date('2025-01-31')", "DATE '2025-01-31'"), ("to_date('2025-13-01', '%Y-%m-%d')", "NULL")]),
        FunctionDoc("to_timestamp", .dates, "to_timestamp(s string [, format string]) → timestamp",
                    "Parses text with a strftime format (ISO 8601 without one) to UTC; NULL when the text does not match.",
                    example: "to_timestamp('31.01.2025 14:30 +01:00', '%d.%m.%Y %H:%M %z')", result: "TIMESTAMP '2025-01-31 13:30:00'",
                    notes: "Without %z the text is read as UTC. Same specifiers as to_date.",
                    more: [("to_timestamp('2025-01-31 14:30', '%Y-%m-%d %H:%M')", "TIMESTAMP '2025-01-31 14:30:00'")]),
        FunctionDoc("strftime", aliases: ["date_format"], .dates, "strftime(x date|timestamp, format string) → string",
                    "Formats a date or timestamp (UTC) with a strftime format.",
                    example: "strftime(TIMESTAMP '2025-01-31 14:05:00', '%d %b %Y %I:%M %p')", result: "'31 Jan 2025 02:05 PM'",
                    notes: "Same specifiers as to_date; %z prints +00:00. Spark's date_format takes Java patterns (yyyy-MM-dd), not strftime."),
    ]

    static let operators: [FunctionDoc] = [
        FunctionDoc("+", aliases: ["-", "*"], .syntax, .operators, "a number + b number → number",
                    "Addition, subtraction, multiplication; `*` and `/` bind tighter than `+` and `-`.",
                    example: "2 + 3 * 4", result: "14",
                    notes: "An int64 overflow or a decimal beyond 18 digits is a row failure, never a wrapped value. Unary minus negates."),
        FunctionDoc("/", .syntax, .operators, "a number / b number → double|decimal",
                    "Division: int64 / int64 is a double; NULL when b is 0.",
                    example: "7 / 2", result: "3.5",
                    more: [("7 / 0", "NULL"), ("7.0 / 2", "3.500000")]),
        FunctionDoc("%", .syntax, .operators, "a number % b number → number",
                    "The remainder, with the sign of a; NULL when b is 0 (the same as mod).",
                    example: "-7 % 3", result: "-1"),
        FunctionDoc("date ± n", .syntax, .operators, "date + int64 → date, date − int64 → date, date − date → int64",
                    "Days added to or subtracted from a date, or the days between two dates.",
                    example: "DATE '2024-03-01' - DATE '2024-02-01'", result: "29",
                    notes: "For timestamps and other units use date_add and date_diff.",
                    more: [("DATE '2024-03-01' - 1", "DATE '2024-02-29'")]),
        FunctionDoc("||", .syntax, .operators, "a any || b any → string",
                    "Concatenation; non-strings are converted to text; NULL if either side is NULL.",
                    example: "'order-' || 42", result: "'order-42'",
                    more: [("'a' || NULL", "NULL")]),
        FunctionDoc("=", aliases: ["<>", "!=", "<", "<=", ">", ">="], .syntax, .operators, "a T = b T → bool",
                    "Comparisons; NULL if either side is NULL (test for NULL with IS NULL).",
                    example: "DATE '2024-03-01' < TIMESTAMP '2024-03-01 00:00:01'", result: "TRUE",
                    notes: "Numbers compare with numbers (decimals exactly), strings by bytes (code point order, case-sensitive), bools with bools (FALSE < TRUE), dates with timestamps (a date is its midnight). A string literal next to a date, timestamp, number or bool is converted to that type once, when the expression is compiled.",
                    more: [("'a' < 'B'", "FALSE"), ("2 = 2.0", "TRUE"), ("NULL = NULL", "NULL")]),
        FunctionDoc("AND", .syntax, .operators, "a bool AND b bool → bool",
                    "Three-valued AND: FALSE if either side is FALSE, else NULL if either is NULL, else TRUE.",
                    example: "NULL AND FALSE", result: "FALSE"),
        FunctionDoc("OR", .syntax, .operators, "a bool OR b bool → bool",
                    "Three-valued OR: TRUE if either side is TRUE, else NULL if either is NULL, else FALSE.",
                    example: "NULL OR TRUE", result: "TRUE"),
        FunctionDoc("NOT", .syntax, .operators, "NOT a bool → bool",
                    "Negation; NOT NULL is NULL.",
                    example: "NOT (1 > 2)", result: "TRUE"),
        FunctionDoc("IS NULL", aliases: ["IS NOT NULL"], .syntax, .operators, "x IS [NOT] NULL → bool",
                    "Whether x is NULL (or not); never NULL itself.",
                    example: "NULL IS NULL", result: "TRUE"),
        FunctionDoc("IN", aliases: ["NOT IN"], .syntax, .operators, "x [NOT] IN (a, b, ...) → bool",
                    "TRUE if x equals an item; else NULL if x or an item is NULL; else FALSE.",
                    example: "'b' IN ('a', 'b')", result: "TRUE",
                    notes: "So `x NOT IN (..., NULL)` is never TRUE, as in SQL.",
                    more: [("1 NOT IN (2, NULL)", "NULL")]),
        FunctionDoc("BETWEEN", aliases: ["NOT BETWEEN"], .syntax, .operators, "x [NOT] BETWEEN low AND high → bool",
                    "low ≤ x AND x ≤ high: both ends included.",
                    example: "5 BETWEEN 1 AND 5", result: "TRUE"),
        FunctionDoc("LIKE", aliases: ["ILIKE", "NOT LIKE", "NOT ILIKE"], .syntax, .operators, "s [NOT] LIKE|ILIKE pattern [ESCAPE c] → bool",
                    "Whole-text pattern match: `%` is any run of characters, `_` exactly one; ILIKE ignores case.",
                    example: "'Strata' ILIKE 's%a'", result: "TRUE",
                    notes: "The pattern must be a literal. There is no escape character unless ESCAPE names one (Spark's default escape is a backslash).",
                    more: [("'50%' LIKE '50!%' ESCAPE '!'", "TRUE"), ("'strata' LIKE 'str'", "FALSE")]),
        FunctionDoc("CASE", .syntax, .operators, "CASE WHEN c THEN x [WHEN ...] [ELSE y] END; CASE v WHEN a THEN x ... END → T",
                    "The value of the first branch whose condition is TRUE (or whose value equals v); ELSE, or NULL without one.",
                    example: "CASE WHEN 2 > 1 THEN 'big' ELSE 'small' END", result: "'big'",
                    notes: "Each branch is computed only for the rows that reach it, so a CAST in a branch a row does not take cannot fail that row. The branches convert to one common type.",
                    more: [("CASE 2 WHEN 1 THEN 'one' WHEN 2 THEN 'two' END", "'two'"), ("CASE WHEN 1 > 2 THEN 'x' END", "NULL")]),
        FunctionDoc("CAST", aliases: ["TRY_CAST"], .syntax, .operators, "CAST(x AS type), TRY_CAST(x AS type) → type",
                    "Converts x to the type; a value that does not convert fails the row (CAST) or gives NULL (TRY_CAST).",
                    example: "CAST(' 12.345 ' AS DECIMAL(10,2))", result: "12.35",
                    notes: "Types: BOOLEAN, BIGINT (INT, INT64), DOUBLE, DECIMAL(p,s) (DECIMAL alone is DECIMAL(18,3)), STRING (VARCHAR, TEXT), DATE, TIMESTAMP. Text is trimmed of spaces; to a bool it may be true/false/t/f/yes/no/y/n/1/0. Numbers to int64 or decimal round half away from zero. Timestamps print as 'YYYY-MM-DD HH:MM:SS[.fraction]'. Numbers and dates do not convert into each other.",
                    more: [("TRY_CAST('12x' AS BIGINT)", "NULL"), ("CAST(2.5 AS BIGINT)", "3"), ("CAST('yes' AS BOOLEAN)", "TRUE"), ("CAST(TIMESTAMP '2025-01-31 12:00:00' AS STRING)", "'2025-01-31 12:00:00'"), ("CAST('1.5' AS DECIMAL)", "1.500")]),
        FunctionDoc("literals", .syntax, .operators, "42, 12.50, 1e3, 'text', TRUE, FALSE, NULL",
                    "42 is an int64; 12.50 a decimal (exact; a double past 18 digits); 1e3 a double; strings take single quotes ('it''s').",
                    example: "0.1 + 0.2", result: "0.3",
                    notes: "Decimal literals are exact, doubles are not. NULL takes the type its context needs.",
                    more: [("1e-1 + 2e-1", "0.30000000000000004"), ("'it''s'", "'it''s'")]),
        FunctionDoc("DATE '...'", .syntax, .operators, "DATE 'YYYY-MM-DD' → date",
                    "A date literal.",
                    example: "DATE '2024-02-29' + 1", result: "DATE '2024-03-01'"),
        FunctionDoc("TIMESTAMP '...'", .syntax, .operators, "TIMESTAMP 'YYYY-MM-DD HH:MM:SS[.ffffff][Z|±HH:MM]' → timestamp",
                    "A timestamp literal; a zone offset is converted to UTC (without one the text is UTC).",
                    example: "TIMESTAMP '2024-02-29 23:30:00+02:00'", result: "TIMESTAMP '2024-02-29 21:30:00'"),
        FunctionDoc("column names", .syntax, .operators, "amount, page.url, \"first name\"",
                    "Bare names are letters, digits and _ (dots included: page.url is one column); quote any other name, or a keyword, with \" or a backquote.",
                    example: "upper(\"first name\")", result: "'ADA'",
                    notes: "Names are case-sensitive; keywords and function names are not. A doubled quote stands for itself inside a quoted name.",
                    more: [("page.url", "'/home'")]),
    ]
}
