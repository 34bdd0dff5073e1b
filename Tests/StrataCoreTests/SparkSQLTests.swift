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
                let sql = try SparkSQL.translate(e, schema: schema)
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
        for _ in 0..<60 { generated.append("\(decimal(Int.random(in: 0...4, using: &rng))) / \(decimal(Int.random(in: 0...3, using: &rng)))") }
        for _ in 0..<30 { generated.append("round(\(decimal(3))e0 * 1.0e0, \(Int.random(in: -2...3, using: &rng)))") }
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
            cases.append(["expr": text, "sql": try SparkSQL.translate(e, schema: Schema([])),
                          "expected": try SparkSQL.translate(try ExpressionParser.parse(expected), schema: Schema([]))])
        }
        let table = FunctionDoc.exampleTable
        var rows: [String: String] = [:]
        for (i, f) in table.schema.fields.enumerated() {
            rows[f.name] = SparkSQL.literal(table.columns[i].value(0)) + " AS " + SparkSQL.identifier(f.name)
        }
        let payload = try JSONSerialization.data(withJSONObject: ["cases": cases, "columns": Array(rows.values),
                                                                 "now": "2025-01-31 12:00:00"])
        let out = try PythonOracle.json(#"""
        import json, sys
        from pyspark.sql import SparkSession
        job = json.loads(sys.argv[1])
        spark = (SparkSession.builder.master("local[1]").config("spark.sql.session.timeZone", "UTC")
                 .config("spark.sql.ansi.enabled", "true").config("spark.ui.enabled", "false").getOrCreate())
        spark.sparkContext.setLogLevel("ERROR")
        spark.sql("DECLARE OR REPLACE VARIABLE strata_now TIMESTAMP DEFAULT TIMESTAMP '" + job["now"] + "'")
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
        """#, [String(decoding: payload, as: UTF8.self)]) as! [String: Any]
        #expect(out["checked"] as? Int == cases.count)
        for b in out["bad"] as? [[String: String]] ?? [] {
            Issue.record("Spark disagrees on \(b["expr"]!): \(b["sql"]!) gave \(b["got"] ?? b["error"] ?? "?"), expected \(b["expected"] ?? "")")
        }
    }

    static func calls(_ e: Expr) -> [String] {
        var out: [String] = []
        if case .call(let name, _) = e.node { out.append(name) }
        for c in e.children { out += calls(c) }
        return out
    }
}
