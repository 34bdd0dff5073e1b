import StrataCore
@testable import StrataPlugins
import StrataTestSupport
import Testing

@Suite(.enabled(if: PythonOracle.available)) struct SelectTests {
    @Test func matchesDuckDB() throws {
        try expectSameAsDuckDB("type: select\ncolumns: [category, id, ts]\n", sql: "select category, id, ts from orders", orderMatters: true)
    }

    @Test func unknownColumnIsPositioned() throws {
        let t = try transform("type: select\ncolumns: [id, catgory]\n")
        let e = #expect(throws: StrataError.self) { try t.outputSchema(input: Orders.schema, Tables()) }
        #expect(e?.description == "pipelines.yaml:2:15: transform.columns[1]: 'catgory' is not a column; did you mean 'category'?")
    }

    @Test func duplicateIsAnError() {
        #expect(throws: StrataError.self) { try transform("type: select\ncolumns: [id, id]\n") }
    }
}
