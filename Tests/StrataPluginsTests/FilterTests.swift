import StrataCore
@testable import StrataPlugins
import StrataTestSupport
import Testing

@Suite(.enabled(if: PythonOracle.available)) struct FilterTests {
    @Test func matchesDuckDB() throws {
        try expectSameAsDuckDB("type: filter\nwhere: category = 'books' AND (qty IS NULL OR qty >= 1) OR amount < 0\n",
                               sql: "select * from orders where category = 'books' AND (qty IS NULL OR qty >= 1) OR amount < 0", orderMatters: true)
        try expectSameAsDuckDB("type: filter\nwhere: >-\n  \"user\" LIKE 'a%' OR day BETWEEN DATE '2025-01-02' AND DATE '2025-01-02'\n",
                               sql: "select * from orders where \"user\" LIKE 'a%' OR day BETWEEN DATE '2025-01-02' AND DATE '2025-01-02'", orderMatters: true)
    }

    @Test func unknownColumnIsPositionedInsideTheExpression() throws {
        let t = try transform("type: filter\nwhere: amout > 0\n")
        let e = #expect(throws: StrataError.self) { try t.outputSchema(input: Orders.schema, Tables()) }
        #expect(e?.location?.description == "pipelines.yaml:2:8")
        #expect(e?.hint == "did you mean 'amount'?")
        let quoted = try transform("type: filter\nwhere: \"qty > 1 AND amout > 0\"\n")
        let e2 = #expect(throws: StrataError.self) { try quoted.outputSchema(input: Orders.schema, Tables()) }
        #expect(e2?.location?.description == "pipelines.yaml:2:21")
    }

    @Test func nonBooleanConditionIsATypeError() throws {
        let t = try transform("type: filter\nwhere: amount + 1\n")
        let e = #expect(throws: StrataError.self) { try t.outputSchema(input: Orders.schema, Tables()) }
        #expect(e?.code == .typeMismatch)
    }

    @Test func lineageMarksFilterColumns() throws {
        let t = try transform("type: filter\nwhere: qty > 1\n")
        #expect(try t.columnLineage(input: Orders.schema, Tables()).indirect == [.init(ColumnRef("qty"), .filter)])
    }
}
