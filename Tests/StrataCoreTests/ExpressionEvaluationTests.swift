import Testing
@testable import StrataCore

/// Every operator and function over the shared 4-row table (with nulls, int64.max, non-ASCII
/// text, dates before 1970 and across leap days). "ERR" marks a collected row failure.
@Suite struct ExpressionEvaluationTests {
    static let cases: [(String, [String])] = [
        // arithmetic
        ("i + j", ["3", "NULL", "-4", "9223372036854775806"]),
        ("i + 1", ["2", "NULL", "-6", "ERR"]),
        ("i * j", ["2", "NULL", "-21", "-9223372036854775807"]),
        ("i * 2", ["2", "NULL", "-14", "ERR"]),
        ("i / j", ["0.5", "NULL", "-2.3333333333333335", "-9.223372036854776e+18"]),
        ("10 / j", ["5.0", "NULL", "3.3333333333333335", "-10.0"]),
        ("10 % j", ["0", "NULL", "1", "0"]),
        ("i % j", ["1", "NULL", "-1", "0"]),
        ("mod(-7, 3)", ["-1", "-1", "-1", "-1"]),
        ("m * 2", ["25.00", "-0.10", "NULL", "199999999.98"]),
        ("m + 1", ["13.50", "0.95", "NULL", "100000000.99"]),
        ("m - j", ["10.50", "-0.05", "NULL", "100000000.99"]),
        ("m / 4", ["3.125000", "-0.012500", "NULL", "24999999.997500"]),
        ("m / 3", ["4.166667", "-0.016667", "NULL", "33333333.330000"]),
        ("m / j", ["6.250000", "NULL", "NULL", "-99999999.990000"]),
        ("m % 3", ["0.50", "-0.05", "NULL", "0.99"]),
        ("m * d", ["18.75", "NULL", "NULL", "0.0"]),
        ("d * 2", ["3.0", "NULL", "-5.0", "0.0"]),
        ("d / 0", ["NULL", "NULL", "NULL", "NULL"]),
        ("d + i", ["2.5", "NULL", "-9.5", "9.223372036854776e+18"]),
        ("-i", ["-1", "NULL", "7", "-9223372036854775807"]),
        ("-m", ["-12.50", "0.05", "NULL", "-99999999.99"]),
        ("abs(i)", ["1", "NULL", "7", "9223372036854775807"]),
        ("abs(m)", ["12.50", "0.05", "NULL", "99999999.99"]),
        ("abs(d)", ["1.5", "NULL", "2.5", "0.0"]),
        // comparisons
        ("i < j", ["true", "NULL", "true", "false"]),
        ("m = 12.5", ["true", "false", "NULL", "false"]),
        ("m > i", ["true", "NULL", "NULL", "false"]),
        ("d >= m", ["false", "NULL", "NULL", "false"]),
        ("s = 'Hello'", ["true", "NULL", "false", "false"]),
        ("s <> t", ["true", "NULL", "NULL", "true"]),
        ("s < 'a'", ["true", "NULL", "true", "false"]),
        ("b = TRUE", ["true", "false", "NULL", "true"]),
        ("dt < '2000-01-01'", ["false", "NULL", "true", "true"]),
        ("ts >= dt", ["true", "NULL", "NULL", "true"]),
        ("i BETWEEN 0 AND 5", ["true", "NULL", "false", "false"]),
        ("i NOT BETWEEN 0 AND 5", ["false", "NULL", "true", "true"]),
        ("i IN (1, 9223372036854775807)", ["true", "NULL", "false", "true"]),
        ("i IN (1, NULL)", ["true", "NULL", "NULL", "NULL"]),
        ("i NOT IN (1, NULL)", ["false", "NULL", "NULL", "NULL"]),
        ("t IN ('l', 'x')", ["true", "true", "NULL", "false"]),
        ("m IN (12.5, -0.05)", ["true", "true", "NULL", "false"]),
        ("s IS NULL", ["false", "true", "false", "false"]),
        ("s IS NOT NULL", ["true", "false", "true", "true"]),
        // strings
        ("lower(s)", ["hello", "NULL", "  a b  ", "ünïcode"]),
        ("upper(s)", ["HELLO", "NULL", "  A B  ", "ÜNÏCODE"]),
        ("trim(s)", ["Hello", "NULL", "a b", "Ünïcode"]),
        ("ltrim(s)", ["Hello", "NULL", "a b  ", "Ünïcode"]),
        ("rtrim(s)", ["Hello", "NULL", "  a b", "Ünïcode"]),
        ("trim(s, 'Hoe ')", ["ll", "NULL", "a b", "Ünïcod"]),
        ("trim(s, 'Üe')", ["Hello", "NULL", "  a b  ", "nïcod"]),
        ("length(s)", ["5", "NULL", "7", "7"]),
        ("substr(s, 2, 3)", ["ell", "NULL", " a ", "nïc"]),
        ("substring(s, -3)", ["llo", "NULL", "b  ", "ode"]),
        ("substr(s, 0, 2)", ["H", "NULL", " ", "Ü"]),
        ("substr(s, 4, -1)", ["", "NULL", "", ""]),
        ("substr(s, 99)", ["", "NULL", "", ""]),
        ("substr(s, j)", ["ello", "NULL", "a b  ", "e"]),
        ("s || t", ["Hellol", "NULL", "NULL", "Ünïcodeï"]),
        ("'n=' || i", ["n=1", "NULL", "n=-7", "n=9223372036854775807"]),
        ("concat(s, '-', i)", ["Hello-1", "NULL", "  a b  --7", "Ünïcode-9223372036854775807"]),
        ("concat_ws('/', s, t, i)", ["Hello/l/1", "x", "  a b  /-7", "Ünïcode/ï/9223372036854775807"]),
        ("concat_ws(t, 'a', 'b')", ["alb", "axb", "NULL", "aïb"]),
        ("replace(s, 'l', 'L')", ["HeLLo", "NULL", "  a b  ", "Ünïcode"]),
        ("replace(s, '', 'x')", ["Hello", "NULL", "  a b  ", "Ünïcode"]),
        ("strpos(s, t)", ["3", "NULL", "NULL", "3"]),
        ("starts_with(s, 'He')", ["true", "NULL", "false", "false"]),
        ("ends_with(s, 'ode')", ["false", "NULL", "false", "true"]),
        ("contains(s, t)", ["true", "NULL", "NULL", "true"]),
        ("contains(s, '')", ["true", "NULL", "true", "true"]),
        ("split_part('a,b,c', ',', i)", ["a", "NULL", "", ""]),
        ("split_part('a,b,c', ',', -1)", ["c", "c", "c", "c"]),
        ("split_part(s, ' ', 3)", ["", "NULL", "a", ""]),
        ("lpad(s, 7, '*')", ["**Hello", "NULL", "  a b  ", "Ünïcode"]),
        ("lpad(s, 3)", ["Hel", "NULL", "  a", "Ünï"]),
        ("rpad(t, 3)", ["l  ", "x  ", "NULL", "ï  "]),
        ("rpad(t, 4, 'ab')", ["laba", "xaba", "NULL", "ïaba"]),
        ("left(s, 2)", ["He", "NULL", "  ", "Ün"]),
        ("right(s, 2)", ["lo", "NULL", "  ", "de"]),
        ("reverse(t || 'ab')", ["bal", "bax", "NULL", "baï"]),
        ("regexp_like(s, '^[A-Z]')", ["true", "NULL", "false", "false"]),
        ("regexp_like(s, 'ï')", ["false", "NULL", "false", "true"]),
        ("regexp_extract(s, '([a-z])([a-z])', 2)", ["l", "NULL", "", "o"]),
        ("regexp_extract(s, '[a-z]+')", ["ello", "NULL", "a", "n"]),
        ("regexp_replace(s, '[aeiou]', '_')", ["H_ll_", "NULL", "  _ b  ", "Ünïc_d_"]),
        ("regexp_replace(s, '(l+)', '<$1>')", ["He<ll>o", "NULL", "  a b  ", "Ünïcode"]),
        ("s LIKE '%l_'", ["true", "NULL", "false", "false"]),
        ("s LIKE '_n%'", ["false", "NULL", "false", "true"]),
        ("s ILIKE 'üN%'", ["false", "NULL", "false", "true"]),
        ("s NOT LIKE '%a%'", ["true", "NULL", "false", "true"]),
        ("\"page.url\" LIKE '/%'", ["true", "NULL", "true", "false"]),
        // nulls and choices
        ("coalesce(i, j, 0)", ["1", "0", "-7", "9223372036854775807"]),
        ("coalesce(m, i, 0)", ["12.50", "-0.05", "-7.00", "99999999.99"]),
        ("coalesce(s, t)", ["Hello", "x", "  a b  ", "Ünïcode"]),
        ("nvl(s, 'none')", ["Hello", "none", "  a b  ", "Ünïcode"]),
        ("ifnull(d, -1)", ["1.5", "-1.0", "-2.5", "0.0"]),
        ("nullif(j, 0)", ["2", "NULL", "3", "-1"]),
        ("nullif(t, 'x')", ["l", "NULL", "NULL", "ï"]),
        ("if(b, 'yes', 'no')", ["yes", "no", "no", "yes"]),
        ("if(i > 0, i, NULL)", ["1", "NULL", "NULL", "9223372036854775807"]),
        ("least(i, j)", ["1", "0", "-7", "-1"]),
        ("greatest(i, j, 2)", ["2", "2", "3", "9223372036854775807"]),
        ("greatest(m, d)", ["12.5", "-0.05", "-2.5", "99999999.99"]),
        ("least(s, t)", ["Hello", "x", "  a b  ", "Ünïcode"]),
        ("CASE WHEN i > 0 THEN 'pos' WHEN i < 0 THEN 'neg' END", ["pos", "NULL", "neg", "pos"]),
        ("CASE j WHEN 0 THEN 'zero' WHEN 2 THEN 'two' ELSE 'other' END", ["two", "zero", "other", "other"]),
        ("CASE WHEN b THEN m ELSE i END", ["12.50", "NULL", "-7.00", "99999999.99"]),
        // math
        ("round(d)", ["2.0", "NULL", "-3.0", "0.0"]),
        ("round(m, 1)", ["12.5", "-0.1", "NULL", "100000000.0"]),
        ("round(m)", ["13", "0", "NULL", "100000000"]),
        ("round(m, -1)", ["10", "0", "NULL", "100000000"]),
        ("round(i, -1)", ["0", "NULL", "-10", "ERR"]),
        ("round(2.345, 2)", ["2.35", "2.35", "2.35", "2.35"]),
        ("round(-2.5e0)", ["-3.0", "-3.0", "-3.0", "-3.0"]),
        ("floor(m)", ["12", "-1", "NULL", "99999999"]),
        ("ceil(m)", ["13", "0", "NULL", "100000000"]),
        ("floor(d)", ["1.0", "NULL", "-3.0", "0.0"]),
        ("ceiling(d)", ["2.0", "NULL", "-2.0", "0.0"]),
        ("floor(i)", ["1", "NULL", "-7", "9223372036854775807"]),
        ("sign(i)", ["1", "NULL", "-1", "1"]),
        ("sign(d)", ["1", "NULL", "-1", "0"]),
        ("sign(m)", ["1", "-1", "NULL", "1"]),
        ("sqrt(d)", ["1.224744871391589", "NULL", "NULL", "0.0"]),
        ("ln(d)", ["0.4054651081081644", "NULL", "NULL", "NULL"]),
        ("log10(j)", ["0.3010299956639812", "NULL", "0.47712125471966244", "NULL"]),
        ("exp(j)", ["7.38905609893065", "1.0", "20.085536923187668", "0.36787944117144233"]),
        ("power(j, 2)", ["4.0", "0.0", "9.0", "1.0"]),
        ("power(d, 0.5)", ["1.224744871391589", "NULL", "NULL", "0.0"]),
        // dates and times
        ("year(dt)", ["2024", "NULL", "1900", "1969"]),
        ("month(dt)", ["2", "NULL", "3", "12"]),
        ("day(dt)", ["29", "NULL", "1", "31"]),
        ("day_of_week(dt)", ["4", "NULL", "4", "3"]),
        ("day_of_year(dt)", ["60", "NULL", "60", "365"]),
        ("week(dt)", ["9", "NULL", "9", "1"]),
        ("quarter(dt)", ["1", "NULL", "1", "4"]),
        ("year(ts)", ["2024", "1969", "NULL", "2000"]),
        ("day_of_week(ts)", ["4", "3", "NULL", "6"]),
        ("hour(ts)", ["13", "23", "NULL", "0"]),
        ("minute(ts)", ["45", "59", "NULL", "0"]),
        ("second(ts)", ["30", "59", "NULL", "0"]),
        ("hour(dt)", ["0", "NULL", "0", "0"]),
        ("date(ts)", ["2024-02-29", "1969-12-31", "NULL", "2000-01-01"]),
        ("date('2024-02-29')", ["2024-02-29", "2024-02-29", "2024-02-29", "2024-02-29"]),
        ("date(t)", ["ERR", "ERR", "NULL", "ERR"]),
        ("date_trunc('month', ts)", ["2024-02-01T00:00:00Z", "1969-12-01T00:00:00Z", "NULL", "2000-01-01T00:00:00Z"]),
        ("date_trunc('hour', ts)", ["2024-02-29T13:00:00Z", "1969-12-31T23:00:00Z", "NULL", "2000-01-01T00:00:00Z"]),
        ("date_trunc('second', ts)", ["2024-02-29T13:45:30Z", "1969-12-31T23:59:59Z", "NULL", "2000-01-01T00:00:00Z"]),
        ("date_trunc('week', dt)", ["2024-02-26", "NULL", "1900-02-26", "1969-12-29"]),
        ("date_trunc('quarter', dt)", ["2024-01-01", "NULL", "1900-01-01", "1969-10-01"]),
        ("date_trunc('year', ts)", ["2024-01-01T00:00:00Z", "1969-01-01T00:00:00Z", "NULL", "2000-01-01T00:00:00Z"]),
        ("date_diff('day', dt, DATE '2024-03-01')", ["1", "NULL", "45291", "19784"]),
        ("date_diff('month', dt, DATE '2024-03-01')", ["1", "NULL", "1488", "651"]),
        ("date_diff('year', dt, ts)", ["0", "NULL", "NULL", "31"]),
        ("date_diff('hour', ts, TIMESTAMP '2024-03-01 00:00:00')", ["11", "474793", "NULL", "211824"]),
        ("date_diff('week', dt, DATE '2024-03-01')", ["0", "NULL", "6470", "2826"]),
        ("date_add(dt, 1, 'year')", ["2025-02-28", "NULL", "1901-03-01", "1970-12-31"]),
        ("date_add(dt, -1)", ["2024-02-28", "NULL", "1900-02-28", "1969-12-30"]),
        ("date_add(dt, -1, 'month')", ["2024-01-29", "NULL", "1900-02-01", "1969-11-30"]),
        ("date_add(dt, 2, 'week')", ["2024-03-14", "NULL", "1900-03-15", "1970-01-14"]),
        ("date_add(ts, 90, 'minute')", ["2024-02-29T15:15:30.250000Z", "1970-01-01T01:29:59Z", "NULL", "2000-01-01T01:30:00Z"]),
        ("date_add(ts, 1, 'month')", ["2024-03-29T13:45:30.250000Z", "1970-01-31T23:59:59Z", "NULL", "2000-02-01T00:00:00Z"]),
        ("date_add(dt, 12, 'hour')", ["2024-02-29T12:00:00Z", "NULL", "1900-03-01T12:00:00Z", "1969-12-31T12:00:00Z"]),
        ("dt + 1", ["2024-03-01", "NULL", "1900-03-02", "1970-01-01"]),
        ("dt - DATE '1970-01-01'", ["19782", "NULL", "-25508", "-1"]),
        ("strftime(ts, '%d/%m/%y %H:%M %p')", ["29/02/24 13:45 PM", "31/12/69 23:59 PM", "NULL", "01/01/00 00:00 AM"]),
        ("date_format(dt, '%Y %b %j')", ["2024 Feb 060", "NULL", "1900 Mar 060", "1969 Dec 365"]),
        ("strftime(ts, '%S.%f')", ["30.250000", "59.000000", "NULL", "00.000000"]),
        ("to_date('29/02/2024', '%d/%m/%Y')", ["2024-02-29", "2024-02-29", "2024-02-29", "2024-02-29"]),
        ("to_date('29/02/2023', '%d/%m/%Y')", ["NULL", "NULL", "NULL", "NULL"]),
        ("to_timestamp('Feb 3 2021 1:05:09.5 pm', '%b %d %Y %I:%M:%S.%f %p')",
         Array(repeating: "2021-02-03T13:05:09.500000Z", count: 4)),
        ("to_timestamp('2021-02-03T10:00:00+0100', '%Y-%m-%dT%H:%M:%S%z')", Array(repeating: "2021-02-03T09:00:00Z", count: 4)),
        ("to_timestamp('1960-001 00:00', '%Y-%j %H:%M')", Array(repeating: "1960-01-01T00:00:00Z", count: 4)),
        ("to_timestamp(t)", ["NULL", "NULL", "NULL", "NULL"]),
        ("to_date('2024-03-01')", Array(repeating: "2024-03-01", count: 4)),
        ("EXTRACT(quarter FROM dt)", ["1", "NULL", "1", "4"]),
    ]

    @Test(arguments: cases)
    func evaluates(_ c: (String, [String])) throws {
        #expect(try ExprFixture.eval(c.0) == c.1, "\(c.0)")
    }

    @Test(arguments: cases.map(\.0))
    func casesRoundTripThroughSQL(_ text: String) throws {
        let e = try ExpressionParser.parse(text)
        #expect(try ExpressionParser.parse(e.sql) == e)
        // The printed form evaluates to the same values.
        #expect(try ExprFixture.eval(e.sql) == ExprFixture.eval(text))
    }

    @Test func nowIsTheRunStartForEveryRow() throws {
        let start = Temporal.parseTimestamp("2025-06-30 23:30:00")!
        #expect(try ExprFixture.eval("now()", now: start) == Array(repeating: "2025-06-30T23:30:00Z", count: 4))
        #expect(try ExprFixture.eval("current_date", now: start) == Array(repeating: "2025-06-30", count: 4))
        #expect(try ExprFixture.eval("date_diff('day', dt, current_date) > 365", now: start) == ["true", "NULL", "true", "true"])
        let t = try ExpressionCompiler.compile("current_timestamp", schema: ExprFixture.schema)
        #expect(t.usesContext)
        #expect(throws: StrataError.self) { try t.evaluate(ExprFixture.batch) }
    }

    @Test func threeValuedLogic() throws {
        let schema = Schema([Field("p", .bool), Field("q", .bool)])
        let vals: [Value] = [.bool(true), .bool(false), .null]
        var rows: [[Value]] = []
        for p in vals { for q in vals { rows.append([p, q]) } }
        let batch = ExprFixture.make(schema, rows)
        // Rows: (T,T) (T,F) (T,N) (F,T) (F,F) (F,N) (N,T) (N,F) (N,N)
        #expect(try ExprFixture.eval("p AND q", batch) == ["true", "false", "NULL", "false", "false", "false", "NULL", "false", "NULL"])
        #expect(try ExprFixture.eval("p OR q", batch) == ["true", "true", "true", "true", "false", "NULL", "true", "NULL", "NULL"])
        #expect(try ExprFixture.eval("NOT p", batch) == ["false", "false", "false", "true", "true", "true", "NULL", "NULL", "NULL"])
        #expect(try ExprFixture.eval("p = q", batch) == ["true", "false", "NULL", "false", "true", "NULL", "NULL", "NULL", "NULL"])
        #expect(try ExprFixture.eval("p AND NULL", batch) == ["NULL", "NULL", "NULL", "false", "false", "false", "NULL", "NULL", "NULL"])
        #expect(try ExprFixture.eval("p OR TRUE", batch) == Array(repeating: "true", count: 9))
        // WHERE semantics: NULL drops the row.
        let t = try ExpressionCompiler.compilePredicate(ExpressionParser.parse("p OR q"), schema: schema)
        #expect(try t.evaluatePredicate(batch) == [true, true, true, true, false, false, true, false, false])
    }

    @Test func likeEdgeCases() throws {
        let schema = Schema([Field("x", .string)])
        let texts = ["", "%", "a_b", "abc", "aXb", "ab", "a\\b", "ÄbÇ", "banana"]
        let batch = ExprFixture.make(schema, texts.map { [.string($0)] })
        func like(_ p: String) throws -> [String] {
            zip(texts, try ExprFixture.eval("x LIKE \(p)", batch)).filter { $0.1 == "true" }.map(\.0)
        }
        #expect(try like("''") == [""])
        #expect(try like("'%'") == texts)
        #expect(try like("'_'") == ["%"])
        #expect(try like("'a_b'") == ["a_b", "aXb", "a\\b"])
        #expect(try like("'a!_b' ESCAPE '!'") == ["a_b"])
        #expect(try like("'!%' ESCAPE '!'") == ["%"])
        #expect(try like("'a\\b'") == ["a\\b"])
        #expect(try like("'%b%'") == ["a_b", "abc", "aXb", "ab", "a\\b", "ÄbÇ", "banana"])
        #expect(try like("'_b_'") == ["abc", "ÄbÇ"])
        #expect(try like("'%an%an%'") == ["banana"])
        #expect(try like("'%a'") == ["banana"])
        #expect(try like("'a%%b'") == ["a_b", "aXb", "ab", "a\\b"])
        #expect(try ExprFixture.eval("x ILIKE 'äBç'", batch).filter { $0 == "true" }.count == 1)
        #expect(ExprFixture.compileError("s LIKE 'ab!' ESCAPE '!'")?.error.message == "the LIKE pattern ends with its escape character")
        #expect(ExprFixture.compileError("s LIKE t")?.error.message == "the LIKE pattern must be a string literal")
    }

    @Test func castMatrix() throws {
        let cases: [(String, [String])] = [
            ("CAST(i AS STRING)", ["1", "NULL", "-7", "9223372036854775807"]),
            ("CAST(d AS STRING)", ["1.5", "NULL", "-2.5", "0.0"]),
            ("CAST(m AS STRING)", ["12.50", "-0.05", "NULL", "99999999.99"]),
            ("CAST(b AS STRING)", ["true", "false", "NULL", "true"]),
            ("CAST(dt AS STRING)", ["2024-02-29", "NULL", "1900-03-01", "1969-12-31"]),
            ("CAST(ts AS STRING)", ["2024-02-29 13:45:30.25", "1969-12-31 23:59:59", "NULL", "2000-01-01 00:00:00"]),
            ("CAST(m AS BIGINT)", ["13", "0", "NULL", "100000000"]),
            ("CAST(d AS BIGINT)", ["2", "NULL", "-3", "0"]),
            ("CAST(i AS DOUBLE)", ["1.0", "NULL", "-7.0", "9.223372036854776e+18"]),
            ("CAST(m AS DOUBLE)", ["12.5", "-0.05", "NULL", "99999999.99"]),
            ("CAST(i AS DECIMAL(5,1))", ["1.0", "NULL", "-7.0", "ERR"]),
            ("TRY_CAST(i AS DECIMAL(5,1))", ["1.0", "NULL", "-7.0", "NULL"]),
            ("CAST(m AS DECIMAL(10,1))", ["12.5", "-0.1", "NULL", "100000000.0"]),
            ("CAST(m AS DECIMAL(9,1))", ["12.5", "-0.1", "NULL", "ERR"]),
            ("CAST(m AS DECIMAL(12,4))", ["12.5000", "-0.0500", "NULL", "99999999.9900"]),
            ("CAST(d AS DECIMAL(4,2))", ["1.50", "NULL", "-2.50", "0.00"]),
            ("CAST(j AS BOOLEAN)", ["true", "false", "true", "true"]),
            ("CAST(b AS BIGINT)", ["1", "0", "NULL", "1"]),
            ("CAST(b AS DECIMAL(3,1))", ["1.0", "0.0", "NULL", "1.0"]),
            ("CAST(dt AS TIMESTAMP)", ["2024-02-29T00:00:00Z", "NULL", "1900-03-01T00:00:00Z", "1969-12-31T00:00:00Z"]),
            ("CAST(ts AS DATE)", ["2024-02-29", "1969-12-31", "NULL", "2000-01-01"]),
            ("CAST(t AS BIGINT)", ["ERR", "ERR", "NULL", "ERR"]),
            ("TRY_CAST(t AS BIGINT)", ["NULL", "NULL", "NULL", "NULL"]),
            ("TRY_CAST(s AS DATE)", ["NULL", "NULL", "NULL", "NULL"]),
            ("CAST(CAST(i AS STRING) AS BIGINT)", ["1", "NULL", "-7", "9223372036854775807"]),
            ("CAST(CAST(m AS STRING) AS DECIMAL(10,2)) = m", ["true", "true", "NULL", "true"]),
            ("CAST(CAST(ts AS STRING) AS TIMESTAMP) = ts", ["true", "true", "NULL", "true"]),
            ("CAST(CAST(d AS STRING) AS DOUBLE) = d", ["true", "NULL", "true", "true"]),
        ]
        for (text, want) in cases {
            #expect(try ExprFixture.eval(text) == want, "\(text)")
        }
        // String parsing.
        let schema = Schema([Field("x", .string)])
        let inputs = [" 42 ", "-9223372036854775808", "9223372036854775808", "1.5", "-2.5", "1e3", "abc", "", "0x10", "+7"]
        let batch = ExprFixture.make(schema, inputs.map { [.string($0)] })
        #expect(try ExprFixture.eval("TRY_CAST(x AS BIGINT)", batch) ==
                ["42", "-9223372036854775808", "NULL", "2", "-3", "NULL", "NULL", "NULL", "NULL", "7"])
        #expect(try ExprFixture.eval("TRY_CAST(x AS DOUBLE)", batch) ==
                ["42.0", "-9.223372036854776e+18", "9.223372036854776e+18", "1.5", "-2.5", "1000.0", "NULL", "NULL", "NULL", "7.0"])
        #expect(try ExprFixture.eval("TRY_CAST(x AS DECIMAL(4,1))", batch) ==
                ["42.0", "NULL", "NULL", "1.5", "-2.5", "NULL", "NULL", "NULL", "NULL", "7.0"])
        let words = ["true", "F", "yes", "N", "1", "0", "maybe", " TRUE "]
        let wb = ExprFixture.make(schema, words.map { [.string($0)] })
        #expect(try ExprFixture.eval("TRY_CAST(x AS BOOLEAN)", wb) == ["true", "false", "true", "false", "true", "false", "NULL", "true"])
        let dates = ["2024-02-29", "2023-02-29", "2024-02-29 10:00:00", "2024-02-29T23:00:00-02:00", "29.02.2024"]
        let db = ExprFixture.make(schema, dates.map { [.string($0)] })
        #expect(try ExprFixture.eval("TRY_CAST(x AS DATE)", db) == ["2024-02-29", "NULL", "2024-02-29", "2024-03-01", "NULL"])
        #expect(try ExprFixture.eval("TRY_CAST(x AS TIMESTAMP)", db) ==
                ["2024-02-29T00:00:00Z", "NULL", "2024-02-29T10:00:00Z", "2024-03-01T01:00:00Z", "NULL"])
        // Disallowed casts are compile errors.
        #expect(ExprFixture.compileError("CAST(i AS DATE)")?.error.message == "cannot CAST int64 to date")
        #expect(ExprFixture.compileError("CAST(dt AS BIGINT)")?.code == .typeMismatch)
    }

    @Test func castFailuresThrowOrAreCollected() throws {
        let t = try ExpressionCompiler.compile("CAST(t AS BIGINT) + 1", schema: ExprFixture.schema)
        do {
            _ = try t.evaluate(ExprFixture.batch)
            Issue.record("expected a row failure")
        } catch let e as StrataError {
            #expect(e.code == .parse)
            #expect(e.message == "CAST(t AS BIGINT): value is not a valid int64, in row 1 of the batch")
        }
        var failures: [RowFailure] = []
        let c = try t.evaluate(ExprFixture.batch, failures: &failures)
        #expect(failures.map(\.row) == [0, 1, 3])
        #expect(failures.allSatisfy { $0.message == "CAST(t AS BIGINT): value is not a valid int64" })
        #expect(c.nullCount == 4)
        // Messages never carry the value.
        #expect(!failures.contains { $0.message.contains("ï") })
    }

    @Test func caseEvaluatesBranchesOnlyForTheirRows() throws {
        // The CAST would fail on 'Hello' etc., but only rows whose text is numeric reach it.
        let schema = Schema([Field("x", .string)])
        let batch = ExprFixture.make(schema, [[.string("12")], [.string("n/a")], [.null], [.string("-3")]])
        #expect(try ExprFixture.eval("CASE WHEN regexp_like(x, '^-?[0-9]+$') THEN CAST(x AS BIGINT) * 2 ELSE -1 END", batch) ==
                ["24", "-1", "-1", "-6"])
        #expect(try ExprFixture.eval("if(x = 'n/a', 0, CAST(x AS BIGINT))", batch) == ["12", "0", "NULL", "-3"])
        #expect(try ExprFixture.eval("coalesce(TRY_CAST(x AS BIGINT), CAST(x AS BIGINT))", batch) == ["12", "ERR", "NULL", "-3"])
        // A failure inside a branch reports the batch row, not the branch's row.
        var failures: [RowFailure] = []
        let t = try ExpressionCompiler.compile("CASE WHEN x <> '12' THEN CAST(x AS BIGINT) END", schema: schema)
        _ = try t.evaluate(batch, failures: &failures)
        #expect(failures.map(\.row) == [1])
    }

    @Test func overflowIsAnErrorNotATrap() throws {
        let schema = Schema([Field("x", .int64), Field("y", .decimal(precision: 18, scale: 0))])
        let batch = ExprFixture.make(schema, [[.int(Int64.max), .decimal(999_999_999_999_999_999, scale: 0)],
                                              [.int(Int64.min), .decimal(-999_999_999_999_999_999, scale: 0)]])
        #expect(try ExprFixture.eval("x + 1", batch) == ["ERR", "-9223372036854775807"])
        #expect(try ExprFixture.eval("x - 1", batch) == ["9223372036854775806", "ERR"])
        #expect(try ExprFixture.eval("x * x", batch) == ["ERR", "ERR"])
        #expect(try ExprFixture.eval("-x", batch) == ["-9223372036854775807", "ERR"])
        #expect(try ExprFixture.eval("abs(x)", batch) == ["9223372036854775807", "ERR"])
        #expect(try ExprFixture.eval("x % -1", batch) == ["0", "ERR"])
        #expect(try ExprFixture.eval("y + 1", batch) == ["ERR", "-999999999999999998"])
        #expect(try ExprFixture.eval("y * 10", batch) == ["ERR", "ERR"])
        // No room for 19 integer digits plus a scale: the quotient is a double, so it cannot overflow.
        #expect(try ExprFixture.eval("y / 0.5", batch) == ["2e+18", "-2e+18"])
        #expect(try ExprFixture.eval("date_add(DATE '2024-01-01', x)", batch) == ["ERR", "ERR"])
        let t = try ExpressionCompiler.compile("x + 1", schema: schema)
        #expect(throws: StrataError.self) { try t.evaluate(batch) }
        // A constant overflow is caught at compile time.
        #expect(ExprFixture.compileError("9223372036854775807 + 1")?.error.message == "9223372036854775807 + 1: result does not fit int64")
    }

    @Test func divisionByZeroIsNull() throws {
        #expect(try ExprFixture.eval("i / 0") == ["NULL", "NULL", "NULL", "NULL"])
        #expect(try ExprFixture.eval("i % 0") == ["NULL", "NULL", "NULL", "NULL"])
        #expect(try ExprFixture.eval("m / 0") == ["NULL", "NULL", "NULL", "NULL"])
        #expect(try ExprFixture.eval("m % 0.00") == ["NULL", "NULL", "NULL", "NULL"])
        #expect(try ExprFixture.eval("d / 0.0") == ["NULL", "NULL", "NULL", "NULL"])
        let t = try ExpressionCompiler.compile("j / j", schema: ExprFixture.schema)
        #expect(t.nullable)
    }

    @Test func datesAcrossLeapYearsAndNegativeEpochs() throws {
        let schema = Schema([Field("x", .date)])
        let days = ["1600-02-29", "1700-02-28", "1900-02-28", "1969-12-31", "1970-01-01", "2000-02-29", "2100-03-01", "0001-01-01"]
        let batch = ExprFixture.make(schema, days.map { [ExprFixture.date($0)] })
        #expect(try ExprFixture.eval("date_add(x, 1)", batch) ==
                ["1600-03-01", "1700-03-01", "1900-03-01", "1970-01-01", "1970-01-02", "2000-03-01", "2100-03-02", "0001-01-02"])
        #expect(try ExprFixture.eval("date_add(x, 1, 'year')", batch) ==
                ["1601-02-28", "1701-02-28", "1901-02-28", "1970-12-31", "1971-01-01", "2001-02-28", "2101-03-01", "0002-01-01"])
        #expect(try ExprFixture.eval("day_of_year(date_add(x, 1, 'day'))", batch) == ["61", "60", "60", "1", "2", "61", "61", "2"])
        #expect(try ExprFixture.eval("day_of_week(x)", batch) == ["2", "7", "3", "3", "4", "2", "1", "1"])
        #expect(try ExprFixture.eval("week(x)", batch) == ["9", "8", "9", "1", "1", "9", "9", "1"])
        #expect(try ExprFixture.eval("date_diff('day', DATE '1970-01-01', x)", batch) ==
                ["-135081", "-98557", "-25509", "-1", "0", "11016", "47541", "-719162"])
        #expect(try ExprFixture.eval("date_trunc('month', x)", batch) ==
                ["1600-02-01", "1700-02-01", "1900-02-01", "1969-12-01", "1970-01-01", "2000-02-01", "2100-03-01", "0001-01-01"])
        let ts = Schema([Field("x", .timestamp)])
        let tb = ExprFixture.make(ts, [[ExprFixture.ts("1969-12-31 23:59:59.999999")], [ExprFixture.ts("1900-01-01 00:00:00.000001")]])
        #expect(try ExprFixture.eval("date_trunc('day', x)", tb) == ["1969-12-31T00:00:00Z", "1900-01-01T00:00:00Z"])
        #expect(try ExprFixture.eval("second(x)", tb) == ["59", "0"])
        #expect(try ExprFixture.eval("date_diff('second', x, TIMESTAMP '1970-01-01 00:00:00')", tb) == ["1", "2208988800"])
    }

    @Test func constantsFold() throws {
        let t = try ExpressionCompiler.compile("upper('a' || 'b') || CAST(1 + 2 AS STRING)", schema: ExprFixture.schema)
        #expect(t.constantValue == .string("AB3"))
        #expect(t.columns.isEmpty)
        #expect(try ExpressionCompiler.compile("i + (2 * 3)", schema: ExprFixture.schema).constantValue == nil)
        #expect(ExprFixture.compileError("CAST('x' AS BIGINT) = i")?.error.message == "CAST('x' AS BIGINT): value is not a valid int64")
        #expect(ExprFixture.compileError("CAST('x' AS BIGINT) = i")?.offset == 1)
    }
}
