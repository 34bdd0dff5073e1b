import Testing
@testable import StrataCore

/// Hostile expressions get a clear error instead of overflowing the stack in the recursive
/// checker, evaluator, lineage or SQL printer.
@Suite struct ExpressionLimitsTests {
    func error(_ text: String) -> ExprError? {
        do throws(ExprError) { _ = try ExpressionParser.parse(text); return nil } catch { return error }
    }

    @Test func deepAndLongExpressionsAreRefusedWithAClearError() {
        let n = ExpressionParser.maxDepth
        let hostile = [
            String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000),
            Array(repeating: "1", count: 3000).joined(separator: " + "),
            Array(repeating: "a", count: 3000).joined(separator: " || "),
            Array(repeating: "x > 1", count: 3000).joined(separator: " AND "),
            String(repeating: "NOT ", count: 3000) + "TRUE",
            String(repeating: "- ", count: 3000) + "a",
            String(repeating: "abs(", count: 3000) + "1" + String(repeating: ")", count: 3000),
            // Chains nested inside chains must not multiply the allowed depth.
            String(repeating: "1 + (", count: n) + "1" + String(repeating: ")", count: n),
        ]
        for text in hostile {
            let e = error(text)
            #expect(e?.error.code == .invalidConfig, "\(text.prefix(40))")
            #expect(e?.error.message.contains("more than \(n) levels deep") == true, "\(String(describing: e))")
        }
        let long = error("'" + String(repeating: "x", count: ExpressionParser.maxLength) + "'")
        #expect(long?.error.message.contains("the limit is \(ExpressionParser.maxLength)") == true)
    }

    @Test func expressionsWithinTheLimitsParseAndEvaluate() throws {
        let sum = Array(repeating: "1", count: 200).joined(separator: " + ")
        #expect(try ExprFixture.eval(sum) == Array(repeating: "200", count: ExprFixture.batch.rowCount))
        let nested = String(repeating: "(", count: 200) + "2" + String(repeating: ")", count: 200)
        #expect(try ExprFixture.eval(nested + " * 3") == Array(repeating: "6", count: ExprFixture.batch.rowCount))
    }
}
