import Testing
@testable import StrataCore

@Suite struct ExpressionCompilerTests {
    let schema = Schema([
        Field("amount", .decimal(precision: 10, scale: 2), nullable: false), Field("qty", .int64), Field("status", .string),
        Field("price", .double), Field("day", .date), Field("at", .timestamp, nullable: false), Field("ok", .bool),
    ])

    func type(_ text: String) throws -> DataType { try ExpressionCompiler.compile(text, schema: schema).type }

    func error(_ text: String) -> ExprError? { ExprFixture.compileError(text, schema) }

    @Test func unknownColumnSuggestsTheClosest() throws {
        let e = try #require(error("amout + 1"))
        #expect(e.offset == 1)
        #expect(e.code == .schemaMismatch)
        #expect(e.error.message == "'amout' is not a column of bronze.transactions")
        #expect(e.error.hint == "did you mean 'amount'?")
        let far = try #require(error("qty * zzzzzz"))
        #expect(far.offset == 7)
        #expect(far.error.hint == "columns are amount, qty, status, price, day, at, ok")
        // Located in the YAML file: scalar at 31:9, offset 7 → column 15.
        let located = far.located(at: SourceLocation(file: "pipelines.yaml", line: 31, column: 9), in: "qty * zzzzzz")
        #expect(located.description == "pipelines.yaml:31:15: 'zzzzzz' is not a column of bronze.transactions; columns are amount, qty, status, price, day, at, ok")
    }

    @Test func binaryColumnsAndCastsToBinaryAreRefusedWithWhy() throws {
        let withBytes = Schema(schema.fields + [Field("raw", .binary)])
        let e = try #require(ExprFixture.compileError("qty > 1 OR raw = 'x'", withBytes))
        #expect(e.code == .typeMismatch && e.offset == 12)
        #expect(e.error.message == "'raw' is a binary column: expressions cannot read binary values")
        // Whether a value is there is the one thing an expression may ask of it.
        let present = try ExpressionCompiler.compile("raw IS NOT NULL", schema: Schema([Field("raw", .binary)]))
        let batch = ExprFixture.make(Schema([Field("raw", .binary)]), [[.binary([0, 255])], [.null], [.binary([])]])
        let out = try present.evaluate(batch)
        #expect((0..<3).map { out.value($0) } == [.bool(true), .bool(false), .bool(true)])
        let cast = try #require(error("CAST(status AS BINARY)"))
        #expect(cast.error.message.contains("nothing casts to binary"))
        #expect(try type("CAST(qty AS STRING)") == .string, "other casts are unaffected")
    }

    @Test func typeErrorsSayWhatWasExpected() throws {
        let cases: [(String, String, Int, String?)] = [
            ("status + 1", "'+' expects numbers, got string and int64", 1, "use || to concatenate strings"),
            ("qty - status", "'-' expects numbers, got int64 and string", 7, "CAST(status AS DOUBLE)"),
            ("day + at", "'+' expects numbers, got date and timestamp", 1, "use date_add(x, n, 'unit') or date_diff('unit', a, b)"),
            ("status = 5", "'=' mixes string and int64", 10, "CAST(5 AS STRING)"),
            ("qty AND ok", "AND expects a boolean condition, got int64", 1, "compare it, e.g. qty > 0"),
            ("NOT status", "NOT expects a boolean condition, got string", 5, "compare it, e.g. status = 'yes'"),
            ("CASE WHEN qty THEN 1 END", "WHEN expects a boolean condition, got int64", 11, "compare it, e.g. qty > 0"),
            ("CASE WHEN ok THEN 1 ELSE 'x' END", "CASE branches mixes int64 and string", 26, "CAST('x' AS BIGINT)"),
            ("lower(qty)", "lower() expects a string as its argument, got int64", 7, "CAST(qty AS STRING)"),
            ("substr(status, 1.5)", "substr() expects an integer as argument 2, got decimal(2,1)", 16, nil),
            ("year(status)", "year() expects a date or timestamp as its argument, got string",
             6, "convert it first: CAST(status AS TIMESTAMP) or to_timestamp(x, format)"),
            ("date_trunc('mnth', at)", "date_trunc() has an unknown unit 'mnth'", 12, "did you mean 'month'?"),
            ("date_trunc(status, at)", "date_trunc() needs a string literal as argument 1", 12, nil),
            ("regexp_like(status, '(')", "regexp_like() has an invalid regular expression", 21, nil),
            ("regexp_extract(status, '(a)', 2)", "regexp_extract() group 2 does not exist; the pattern has 1 group", 31, nil),
            ("to_date(status, '%Q')", "to_date() format has an unknown specifier '%Q'", 17,
             "use %Y %m %d %H %I %p %M %S %f %y %b %B %j %z, or %% for a percent sign"),
            ("lower(status, 1)", "lower() takes 1 argument, got 2", 1, nil),
            ("coalesce()", "coalesce() takes at least 1 argument, got 0", 1, nil),
            ("day = 'yesterday'", "'yesterday' is not a valid date", 7, "write dates as 'YYYY-MM-DD'"),
            ("status LIKE 'a%' OR qty LIKE 'b'", "LIKE expects a string on its left, got int64", 21, "CAST(qty AS STRING) LIKE ..."),
            ("-status", "unary '-' expects a number, got string", 2, nil),
            ("round(price, qty)", "round() needs an integer literal as argument 2", 14, nil),
            ("qty IN (1, 'a')", "'a' is not a valid int64", 12, nil),
            ("coalesce(qty, 'a')", "coalesce() mixes int64 and string", 15, "CAST('a' AS BIGINT)"),
        ]
        for (text, message, offset, hint) in cases {
            let e = try #require(error(text), "\(text) compiled")
            #expect(e.error.message == message, "\(text)")
            #expect(e.offset == offset, "\(text)")
            #expect(e.error.hint == hint, "\(text)")
            #expect(e.code == .typeMismatch, "\(text)")
        }
        // Errors are about code, never data: a predicate that is not boolean.
        let p = try ExpressionParser.parse("qty + 1")
        #expect(throws: ExprError.self) { try ExpressionCompiler.compilePredicate(p, schema: schema) }
    }

    @Test func resultTypes() throws {
        #expect(try type("qty + 1") == .int64)
        #expect(try type("qty / 2") == .double)
        #expect(try type("qty % 2") == .int64)
        #expect(try type("amount + 1") == .decimal(precision: 11, scale: 2))
        #expect(try type("amount * 2") == .decimal(precision: 11, scale: 2))
        #expect(try type("amount * 1.5") == .decimal(precision: 12, scale: 3))
        #expect(try type("amount * amount") == .decimal(precision: 18, scale: 4))
        #expect(try type("amount * qty") == .decimal(precision: 18, scale: 2))
        #expect(try type("amount / qty") == .decimal(precision: 14, scale: 6))
        #expect(try type("amount / 4") == .decimal(precision: 14, scale: 6))
        #expect(try type("10 / 4.0") == .decimal(precision: 9, scale: 6))
        #expect(try type("qty / amount") == .double)
        #expect(try type("amount % 3") == .decimal(precision: 10, scale: 2))
        #expect(try type("amount + price") == .double)
        #expect(try type("CAST(amount AS DECIMAL(18,10)) * amount") == .decimal(precision: 18, scale: 12))
        #expect(try type("CAST(amount AS DECIMAL(18,10)) * CAST(amount AS DECIMAL(18,10))") == .double)
        #expect(try type("day + 1") == .date)
        #expect(try type("day - day") == .int64)
        #expect(try type("status || qty") == .string)
        #expect(try type("CASE WHEN ok THEN qty ELSE amount END") == .decimal(precision: 18, scale: 2))
        #expect(try type("CASE WHEN ok THEN qty ELSE price END") == .double)
        #expect(try type("coalesce(day, at)") == .timestamp)
        #expect(try type("if(ok, NULL, day)") == .date)
        #expect(try type("NULL") == .string)
        #expect(try type("round(amount, 1)") == .decimal(precision: 10, scale: 1))
        #expect(try type("floor(amount)") == .decimal(precision: 9, scale: 0))
        #expect(try type("date_trunc('day', at)") == .timestamp)
        #expect(try type("date_add(day, 1, 'hour')") == .timestamp)
        #expect(try type("at > day") == .bool)
    }

    @Test func nullability() throws {
        func nullable(_ t: String) throws -> Bool { try ExpressionCompiler.compile(t, schema: schema).nullable }
        #expect(try !nullable("amount + 1"))
        #expect(try nullable("qty + 1"))
        #expect(try nullable("amount / 2"))
        #expect(try !nullable("qty IS NULL"))
        #expect(try !nullable("coalesce(qty, 0)"))
        #expect(try nullable("coalesce(qty, price)"))
        #expect(try nullable("CASE WHEN ok THEN 1 END"))
        #expect(try !nullable("CASE WHEN ok THEN 1 ELSE 2 END"))
        #expect(try nullable("TRY_CAST(amount AS BIGINT)"))
        #expect(try !nullable("year(at)"))
        #expect(try nullable("to_date(status)"))
    }

    @Test func columnsRead() throws {
        let t = try ExpressionCompiler.compile("CASE WHEN status = 'x' THEN amount * qty END", schema: schema)
        #expect(t.columns == ["status", "amount", "qty"])
    }

    @Test func evaluationChecksTheBatchSchema() throws {
        let t = try ExpressionCompiler.compile("qty + 1", schema: schema)
        let other = ExprFixture.make(Schema([Field("qty", .string)]), [[.string("1")]])
        #expect(throws: StrataError.self) { try t.evaluate(other) }
        let missing = ExprFixture.make(Schema([Field("q", .int64)]), [[.int(1)]])
        do {
            _ = try t.evaluate(missing)
            Issue.record("expected an error")
        } catch let e as StrataError {
            #expect(e.code == .schemaMismatch)
        }
        // Columns are matched by name, so extra or reordered columns are fine.
        let reordered = ExprFixture.make(Schema([Field("x", .bool), Field("qty", .int64)]), [[.bool(true), .int(41)]])
        #expect(try t.evaluate(reordered).value(0) == .int(42))
    }

    @Test func stringLiteralsConvertOnceAgainstTypedColumns() throws {
        let batch = ExprFixture.make(schema, [[.decimal(1000, scale: 2), .int(3), .string("a"), .double(1), ExprFixture.date("2024-01-02"),
                                              ExprFixture.ts("2024-01-02 10:00:00"), .bool(true)]])
        let cases = ["day = '2024-01-02'", "at > '2024-01-02'", "at BETWEEN '2024-01-01' AND '2024-01-03 00:00'", "qty IN ('3', '4')",
                     "amount = '10.00'", "ok = 'true'", "day IN ('2024-01-01', '2024-01-02')"]
        for c in cases {
            let t = try ExpressionCompiler.compile(c, schema: schema)
            #expect(try t.evaluatePredicate(batch) == [true], "\(c)")
        }
    }
}
