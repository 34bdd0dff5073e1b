import Testing
@testable import StrataCore

@Suite struct ExpressionParserTests {
    func parse(_ s: String) throws(ExprError) -> Expr { try ExpressionParser.parse(s) }
    func col(_ n: String) -> Expr { Expr(.column(n)) }
    func int(_ v: Int64) -> Expr { Expr(.literal(.int(v))) }
    func bin(_ op: BinaryOperator, _ a: Expr, _ b: Expr) -> Expr { Expr(.binary(op, a, b)) }

    @Test func precedence() throws {
        #expect(try parse("a + b * c") == bin(.add, col("a"), bin(.multiply, col("b"), col("c"))))
        #expect(try parse("a - b - c") == bin(.subtract, bin(.subtract, col("a"), col("b")), col("c")))
        #expect(try parse("(a + b) * c") == bin(.multiply, bin(.add, col("a"), col("b")), col("c")))
        #expect(try parse("a OR b AND c") == bin(.or, col("a"), bin(.and, col("b"), col("c"))))
        #expect(try parse("NOT a = 1 AND b") == bin(.and, Expr(.not(bin(.equal, col("a"), int(1)))), col("b")))
        #expect(try parse("a || b = c") == bin(.equal, bin(.concat, col("a"), col("b")), col("c")))
        #expect(try parse("a + 1 || 'x'") == bin(.concat, bin(.add, col("a"), int(1)), Expr(.literal(.string("x")))))
        #expect(try parse("x BETWEEN 1 AND 2 AND y") ==
                bin(.and, Expr(.between(col("x"), low: int(1), high: int(2), negated: false)), col("y")))
        #expect(try parse("-a * b") == bin(.multiply, Expr(.negate(col("a"))), col("b")))
        #expect(try parse("a % 3 <> 0") == bin(.notEqual, bin(.modulo, col("a"), int(3)), int(0)))
        #expect(try parse("a != 1") == bin(.notEqual, col("a"), int(1)))
    }

    @Test func literals() throws {
        #expect(try parse("42").node == .literal(.int(42)))
        #expect(try parse("-9223372036854775808").node == .literal(.int(Int64.min)))
        #expect(try parse("12.50").node == .literal(.decimal(1250, scale: 2)))
        #expect(try parse(".5").node == .literal(.decimal(5, scale: 1)))
        #expect(try parse("1e3").node == .literal(.double(1000)))
        #expect(try parse("2.5E-1").node == .literal(.double(0.25)))
        #expect(try parse("1234567890123456789.5").node == .literal(.double(1234567890123456789.5)))
        #expect(try parse("'it''s'").node == .literal(.string("it's")))
        #expect(try parse("''").node == .literal(.string("")))
        #expect(try parse("TRUE").node == .literal(.bool(true)))
        #expect(try parse("false").node == .literal(.bool(false)))
        #expect(try parse("NULL").node == .literal(.null))
        #expect(try parse("DATE '2025-01-01'").node == .literal(.date(Temporal.parseDate("2025-01-01")!)))
        #expect(try parse("TIMESTAMP '2025-01-01 10:00:00+02:00'").node == .literal(.timestamp(Temporal.parseTimestamp("2025-01-01T08:00:00Z")!)))
    }

    /// `x::type`, the cast delta-rs writes into the CHECK constraints it stores.
    @Test func postfixCasts() throws {
        #expect(try parse("'0'::decimal(12, 2)").node == .cast(Expr(.literal(.string("0"))), .decimal(precision: 12, scale: 2), isTry: false))
        #expect(try parse("amount > '0'::decimal(12, 2)") ==
                bin(.greater, col("amount"), Expr(.cast(Expr(.literal(.string("0"))), .decimal(precision: 12, scale: 2), isTry: false))))
        #expect(try parse("-x::bigint").node == .negate(Expr(.cast(col("x"), .int64, isTry: false))), "binds tighter than unary minus")
        #expect(try parse("x::string::bigint").node == .cast(Expr(.cast(col("x"), .string, isTry: false)), .int64, isTry: false))
        #expect(throws: ExprError.self) { try parse("x::") }
        #expect(throws: ExprError.self) { try parse("x::nosuchtype") }
    }

    @Test func names() throws {
        #expect(try parse("page.url").node == .column("page.url"))
        #expect(try parse("\"weird name\"").node == .column("weird name"))
        #expect(try parse("`a.b`").node == .column("a.b"))
        #expect(try parse("\"say \"\"hi\"\"\"").node == .column("say \"hi\""))
        #expect(try parse("\"end\"").node == .column("end"))
        // `date` alone is a column; with a string it is a literal; with ( a function.
        #expect(try parse("date").node == .column("date"))
        #expect(try parse("date(ts)").node == .call("date", [col("ts")]))
        #expect(try parse("LOWER(x)").node == .call("lower", [col("x")]))
    }

    @Test func constructs() throws {
        #expect(try parse("x IS NULL").node == .isNull(col("x"), negated: false))
        #expect(try parse("x IS NOT NULL").node == .isNull(col("x"), negated: true))
        #expect(try parse("x NOT IN (1, 2)").node == .inList(col("x"), [int(1), int(2)], negated: true))
        #expect(try parse("x NOT BETWEEN 1 AND 2").node == .between(col("x"), low: int(1), high: int(2), negated: true))
        #expect(try parse("x LIKE 'a!%' ESCAPE '!'").node ==
                .like(col("x"), pattern: Expr(.literal(.string("a!%"))), escape: Expr(.literal(.string("!"))), negated: false, caseInsensitive: false))
        #expect(try parse("x NOT ILIKE 'a%'").node ==
                .like(col("x"), pattern: Expr(.literal(.string("a%"))), escape: nil, negated: true, caseInsensitive: true))
        #expect(try parse("CASE WHEN a THEN 1 ELSE 2 END").node ==
                .caseWhen(subject: nil, branches: [.init(when: col("a"), then: int(1))], otherwise: int(2)))
        #expect(try parse("CASE x WHEN 1 THEN 'a' WHEN 2 THEN 'b' END").node ==
                .caseWhen(subject: col("x"), branches: [.init(when: int(1), then: Expr(.literal(.string("a")))),
                                                        .init(when: int(2), then: Expr(.literal(.string("b"))))], otherwise: nil))
        #expect(try parse("CAST(x AS decimal(10, 2))").node == .cast(col("x"), .decimal(precision: 10, scale: 2), isTry: false))
        #expect(try parse("TRY_CAST(x AS BIGINT)").node == .cast(col("x"), .int64, isTry: true))
        #expect(try parse("CAST(x AS varchar(20))").node == .cast(col("x"), .string, isTry: false))
        #expect(try parse("EXTRACT(YEAR FROM ts)").node == .call("year", [col("ts")]))
        #expect(try parse("current_date").node == .call("current_date", []))
        #expect(try parse("now()").node == .call("now", []))
        #expect(try parse("coalesce(a, b, 0)").node == .call("coalesce", [col("a"), col("b"), int(0)]))
    }

    @Test func offsetsPointAtTheNode() throws {
        let e = try parse("amount + lower(name)")
        guard case .binary(_, let a, let b) = e.node else { Issue.record("not binary"); return }
        #expect(a.offset == 1)
        #expect(b.offset == 10)
        guard case .call(_, let args) = b.node else { Issue.record("not a call"); return }
        #expect(args[0].offset == 16)
    }

    func parseError(_ s: String) -> ExprError? {
        do {
            _ = try parse(s)
            return nil
        } catch {
            return error
        }
    }

    @Test func errorsCarryOffsets() throws {
        let unterminated = try #require(parseError("name = 'abc"))
        #expect(unterminated.offset == 8)
        #expect(unterminated.error.message == "unterminated string")
        #expect(unterminated.code == .invalidConfig)

        let fn = try #require(parseError("1 + lowr(name)"))
        #expect(fn.offset == 5)
        #expect(fn.error.message == "unknown function 'lowr'")
        #expect(fn.error.hint == "did you mean 'lower'?")

        let trailing = try #require(parseError("a b"))
        #expect(trailing.offset == 3)
        #expect(trailing.error.message == "expected end of expression, found 'b'")

        let missing = try #require(parseError("a + "))
        #expect(missing.offset == 5)
        #expect(missing.error.message == "expected a value, found end of expression")

        #expect(parseError("CASE WHEN a THEN 1")?.error.message == "expected WHEN, ELSE or END, found end of expression")
        #expect(parseError("x IN ()")?.offset == 7)
        #expect(parseError("CAST(x AS strng)")?.error.hint == "did you mean 'string'?")
        #expect(parseError("a | b")?.error.hint == "write || to concatenate strings")
        #expect(parseError("end + 1")?.error.hint == "a column named like a keyword must be quoted: \"end\"")
        #expect(parseError("DATE '2025-02-30'")?.offset == 6)
        #expect(parseError("99999999999999999999")?.error.message == "integer literal out of the int64 range")
        #expect(parseError("")?.error.message == "empty expression")
        #expect(parseError("x = \"unterminated")?.offset == 5)
        // Non-ASCII text before the error counts characters, not bytes.
        #expect(parseError("'ünï' = 'x")?.offset == 9)
    }

    @Test func errorLocationInTheFile() throws {
        let e = try #require(parseError("amount + "))
        let located = e.located(at: SourceLocation(file: "pipelines.yaml", line: 31, column: 9), in: "amount + ")
        #expect(located.location == SourceLocation(file: "pipelines.yaml", line: 31, column: 18))
        let multi = try #require(parseError("a +\n  'x"))
        let l2 = multi.located(at: SourceLocation(file: "p.yaml", line: 4, column: 11), in: "a +\n  'x")
        #expect(l2.location == SourceLocation(file: "p.yaml", line: 5, column: 3))
    }

    /// Every expression prints as SQL that parses back to the same tree, and printing is stable.
    static let roundTrip = [
        "a + b * c", "(a + b) * c", "a - (b - c)", "a - -5", "-(-a)", "-(5)", "- a", "NOT (a AND b)", "NOT a OR b",
        "(a OR b) AND c", "a = b = c", "a || b || c", "a || (b || c)", "(a = 1) IS NULL", "a IS NOT NULL AND b",
        "x NOT IN (1, 2 + 3, NULL)", "x BETWEEN a + 1 AND b * 2", "(x BETWEEN 1 AND 2) = TRUE", "x LIKE 'a%' ESCAPE '\\'",
        "x ILIKE '%Ü_'", "CASE WHEN a > 1 THEN 'x' WHEN a IS NULL THEN NULL ELSE 'it''s' END", "CASE a WHEN 1 THEN 2 END",
        "CAST(a AS decimal(10,2))", "TRY_CAST(s AS date)", "CAST(x AS boolean)", "date_trunc('month', ts)",
        "\"weird name\" + `page.url`", "\"end\"", "\"1abc\"", "\"current_date\"", "current_date", "CURRENT_TIMESTAMP", "now()",
        "12.50 * 2", "12.", "1e3", "1.5e-7", "-2.5e300", "0.000", "DATE '1969-12-31'", "TIMESTAMP '2024-02-29 13:45:30.25'",
        "TIMESTAMP '1900-01-01 00:00:00'", "EXTRACT(doy FROM ts)", "a % 3 / 2", "-9223372036854775808", "a * -1", "2 - -2",
        "concat_ws('-', a, b)", "if(a > 0, 'p', 'n')", "NOT NOT a", "-a.b", "x IN ((1), 2)", "(a)",
    ]

    @Test(arguments: roundTrip)
    func sqlRoundTrips(_ text: String) throws {
        let e = try parse(text)
        let printed = e.sql
        let again = try parse(printed)
        #expect(again == e, "\(text) printed as \(printed)")
        #expect(again.sql == printed)
    }

    @Test func printing() throws {
        #expect(try parse("a+b*c").sql == "a + b * c")
        #expect(try parse("(a+b)*c").sql == "(a + b) * c")
        #expect(try parse("not (a and b)").sql == "NOT (a AND b)")
        #expect(try parse("`page.url` = 'x'").sql == "`page.url` = 'x'")
        #expect(try parse("cast(a as int)").sql == "CAST(a AS BIGINT)")
        #expect(try parse("a - -5").sql == "a - -5")
        #expect(try parse("-(-a)").sql == "-(-a)")
        #expect(try parse("1e3").sql == "1000.0e0")
        #expect(try parse("'it''s'").sql == "'it''s'")
        #expect(try parse("extract(year from ts)").sql == "year(ts)")
        #expect(try parse("TIMESTAMP '2024-01-01T10:00:00Z'").sql == "TIMESTAMP '2024-01-01 10:00:00'")
    }

    @Test func referencedColumns() throws {
        #expect(try parse("CASE WHEN status = 'x' THEN amount END + \"page.url\"").referencedColumns == ["status", "amount", "page.url"])
    }
}
