import Foundation
import Testing
import StrataTestSupport
@testable import StrataCore

/// The Spark engine's expression translation keeps Strata's meaning: every example of the
/// expression reference is evaluated by Spark itself and must equal Strata's documented result,
/// or be refused with an error naming what Spark cannot compute exactly.
@Suite struct SparkSQLTests {
    static func translate(_ text: String, _ schema: Schema = Schema([])) throws -> String {
        try SparkSQL.translate(try ExpressionParser.parse(text), schema: schema)
    }

    @Test func literalsAndNamesKeepTheirMeaning() throws {
        #expect(try Self.translate("'it''s a \\ path'") == "'it\\'s a \\\\ path'")
        #expect(try Self.translate("`page.url` IS NULL", Schema([Field("page.url", .string)])) == "(`page.url` IS NULL)")
        #expect(try Self.translate("42") == "42L")
        #expect(try Self.translate("substr(s, 0, 2)", Schema([Field("s", .string)])) == "substring(`s`, 1, 1)")
        // LIKE without ESCAPE: Spark's default escape (a backslash) is replaced by one the pattern does not use.
        #expect(try Self.translate("s LIKE 'a\\_%'", Schema([Field("s", .string)])) == "(`s` LIKE 'a\\\\_%' ESCAPE '!')")
    }

    @Test func whatSparkCannotComputeExactlyIsRefusedByName() throws {
        let s = Schema([Field("s", .string), Field("d", .decimal(precision: 10, scale: 2))])
        for (text, named) in [("to_date(s, '%Y-%m-%d')", "to_date()"), ("strftime(now(), '%Y')", "strftime()"),
                              ("CAST(s AS BIGINT)", "CAST from text"), ("CAST(1.5e0 AS STRING)", "CAST of a double to text")] {
            do {
                _ = try Self.translate(text, s)
                Issue.record("\(text) was translated")
            } catch let e as StrataError {
                #expect(e.code == .invalidConfig)
                #expect(e.message.contains(named), "\(text): \(e.message)")
            }
        }
    }

    @Test(.enabled(if: PythonOracle.available))
    func everyReferenceExampleGivesStrataResultInSpark() throws {
        var cases: [[String: String]] = []
        var refused: [String] = []
        for x in FunctionDoc.allExamples {
            let e = try ExpressionParser.parse(x.expression)
            let schema = e.referencedColumns.isEmpty ? Schema([]) : FunctionDoc.exampleTable.schema
            do {
                // As a derived column is computed: the translation cast to Strata's type of the expression.
                let type = try ExpressionCompiler.compile(e, schema: schema).type
                let sql = "CAST((\(try SparkSQL.translate(e, schema: schema))) AS \(type.sqlName))"
                let expected = try SparkSQL.translate(try ExpressionParser.parse(x.result), schema: Schema([]))
                cases.append(["expr": x.expression, "sql": sql, "expected": expected])
            } catch let err as StrataError {
                // A refusal names a function Spark does not compute exactly, or the construct.
                #expect(err.message.contains("not supported by the Spark engine"), "\(x.expression): \(err.message)")
                refused.append(x.expression)
            }
        }
        // The refused examples are those of the refused functions and of casts from text, nothing else.
        for r in refused {
            let names = Self.calls(try ExpressionParser.parse(r))
            #expect(names.contains { SparkSQL.refusedFunctions.contains($0) } || r.uppercased().contains("CAST("),
                    "\(r) is refused although no refused function is in it")
        }
        #expect(!cases.isEmpty)
        // Beyond the reference: random operands where rounding and boundaries are easy to get wrong.
        var rng = SystemRandomNumberGenerator()
        func decimal(_ scale: Int) -> String {
            let digits = Int.random(in: 1...(14 - scale), using: &rng)
            let whole = String(Int64.random(in: 0..<Int64(pow(10, Double(digits))), using: &rng))
            let frac = scale == 0 ? "" : "." + String((0..<scale).map { _ in Character(String(Int.random(in: 0...9, using: &rng))) })
            return (Bool.random(using: &rng) ? "-" : "") + whole + frac
        }
        func timestamp() -> String {
            let micros = Int64.random(in: -2_000_000_000_000_000...4_000_000_000_000_000, using: &rng)
            return SQLPrinter.literal(.timestamp(micros))
        }
        var generated: [String] = []
        for _ in 0..<60 { generated.append("\(decimal(Int.random(in: 0...8, using: &rng))) / \(decimal(Int.random(in: 0...3, using: &rng)))") }
        for _ in 0..<20 { generated.append("\(Int64.random(in: -1_000_000...1_000_000, using: &rng)) / \(decimal(Int.random(in: 1...3, using: &rng)))") }
        for _ in 0..<30 { generated.append("round(\(decimal(3))e0 * 1.0e0, \(Int.random(in: -2...3, using: &rng)))") }
        for _ in 0..<20 {
            let d = decimal(Int.random(in: 0...4, using: &rng))
            generated += ["CAST(\(d)e0 AS BIGINT)", "CAST(\(d) AS BIGINT)", "CAST(\(d)e0 AS DECIMAL(18,2))", "floor(\(d)e0)", "ceil(\(d)e0)",
                          "\(d) * \(decimal(Int.random(in: 0...4, using: &rng)))", "CAST(\(d) AS DECIMAL(18,1))"]
        }
        // Edges chosen by hand: binary halves, NaN, negative zero, literals converted for comparisons.
        generated += ["round(2.675e0, 2)", "round(-2.5e0)", "round(0.49999999999999994e0)", "floor(CAST('NaN' AS DOUBLE))", "ceil(-0.5e0)",
                      "sqrt(CAST('NaN' AS DOUBLE))", "ln(CAST('NaN' AS DOUBLE))", "power(-8, 0.5)", "power(CAST('NaN' AS DOUBLE), 2)",
                      "CAST(2.5e0 AS BIGINT)", "CAST(-2.5 AS BIGINT)", "CAST(1.005e0 AS DECIMAL(10,2))", "1.00000000 / 3", "123456.789012 / 0.000007",
                      "10 / 4", "7 / 0", "7 % 0", "2 = '2'", "DATE '2024-03-01' = '2024-03-01'", "1.01 = '1.005'", "TIMESTAMP '2024-03-01 10:00:00' > '2024-03-01'",
                      "3 IN ('3', '4')", "5 BETWEEN '1' AND '9'", "split_part(NULL, ',', 0)", "hour(CAST(NULL AS DATE))",
                      "regexp_like('José', '^\\w+$')", "regexp_like('ÄÖ', '(?i)^äö$')", "regexp_extract('a1b22', '[0-9]+')",
                      "rpad('ab', -3)", "lpad('ab', 5, 'xy')", "lpad('abcdef', 3)"]
        for unit in ["microsecond", "second", "minute", "hour", "day", "week", "month", "quarter", "year"] {
            for _ in 0..<6 { generated.append("date_diff('\(unit)', \(timestamp()), \(timestamp()))") }
            generated.append("date_trunc('\(unit)', \(timestamp()))")
        }
        for _ in 0..<20 {
            generated.append("substr('Zürich straße', \(Int.random(in: -16...16, using: &rng)), \(Int.random(in: 0...8, using: &rng)))")
        }
        for text in generated {
            guard let expected = try? FunctionDoc.evaluate(text) else { continue } // a row failure natively (overflow)
            let e = try ExpressionParser.parse(text)
            let type = try ExpressionCompiler.compile(e, schema: Schema([])).type
            let special: [String: Double] = ["nan": .nan, "inf": .infinity, "-inf": -.infinity, "-0.0": -0.0]
            cases.append(["expr": text, "sql": "CAST((\(try SparkSQL.translate(e, schema: Schema([])))) AS \(type.sqlName))",
                          "expected": try special[expected.lowercased()].map { SparkSQL.literal(.double($0)) }
                            ?? SparkSQL.translate(try ExpressionParser.parse(expected), schema: Schema([]))])
        }
        let table = FunctionDoc.exampleTable
        var rows: [String: String] = [:]
        for (i, f) in table.schema.fields.enumerated() {
            rows[f.name] = SparkSQL.literal(table.columns[i].value(0)) + " AS " + SparkSQL.identifier(f.name)
        }
        let payload = try JSONSerialization.data(withJSONObject: ["cases": cases, "columns": Array(rows.values),
                                                                 "now": "2025-01-31 12:00:00"])
        let dir = try TempDir("spark-sql")
        let payloadPath = try dir.write("cases.json", String(decoding: payload, as: UTF8.self))
        let out = try PythonOracle.json(#"""
        import json, sys
        from pyspark.sql import SparkSession
        job = json.load(open(sys.argv[1]))
        spark = (SparkSession.builder.master("local[1]").config("spark.sql.session.timeZone", "UTC")
                 .config("spark.sql.ansi.enabled", "true").config("spark.ui.enabled", "false").getOrCreate())
        spark.sparkContext.setLogLevel("ERROR")
        spark.sql("DECLARE OR REPLACE VARIABLE strata_now TIMESTAMP DEFAULT TIMESTAMP '" + job["now"] + "'")
        # The C library's exp/log/log10/pow, registered as the compiled program's prelude registers them.
        def _c_math(name, *args):
            import ctypes
            f = getattr(ctypes.CDLL("libm.so.6"), name)
            f.restype = ctypes.c_double
            f.argtypes = [ctypes.c_double] * len(args)
            return f(*args)
        spark.udf.register("c_math", lambda name, x: None if x is None else _c_math(name, x), "double")
        spark.udf.register("c_math2", lambda name, x, y: None if x is None or y is None else _c_math(name, x, y), "double")
        spark.sql("SELECT " + ", ".join(job["columns"])).createOrReplaceTempView("example")
        bad = []
        for c in job["cases"]:
            try:
                row = spark.sql("SELECT (%s) <=> (%s) AS same, CAST((%s) AS STRING) AS got FROM example" % (c["sql"], c["expected"], c["sql"])).collect()[0]
                if not row["same"]:
                    bad.append({"expr": c["expr"], "sql": c["sql"], "got": row["got"], "expected": c["expected"]})
            except Exception as e:
                bad.append({"expr": c["expr"], "sql": c["sql"], "error": str(e).splitlines()[0][:300]})
        print(json.dumps({"checked": len(job["cases"]), "bad": bad}))
        """#, [payloadPath]) as! [String: Any]
        #expect(out["checked"] as? Int == cases.count)
        let bad = out["bad"] as? [[String: Any]]
        #expect(bad != nil, "the oracle's answer has no list of disagreements: \(out)")
        for b in bad ?? [] {
            Issue.record("Spark disagrees on \(b["expr"] ?? "?"): \(b["sql"] ?? "?") gave \(b["got"] ?? b["error"] ?? "NULL"), expected \(b["expected"] ?? "")")
        }
    }

    static func calls(_ e: Expr) -> [String] {
        var out: [String] = []
        if case .call(let name, _) = e.node { out.append(name) }
        for c in e.children { out += calls(c) }
        return out
    }
}
