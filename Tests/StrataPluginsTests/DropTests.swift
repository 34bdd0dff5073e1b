import StrataCore
@testable import StrataPlugins
import StrataTestSupport
import Testing

@Suite(.enabled(if: PythonOracle.available)) struct DropTests {
    @Test func matchesDuckDB() throws {
        try expectSameAsDuckDB("type: drop\ncolumns: [price, ts]\n", sql: "select * exclude (price, ts) from orders", orderMatters: true)
    }

    @Test func typoIsAnErrorNotANoOp() throws {
        let t = try transform("type: drop\ncolumns: [prise]\n")
        let e = #expect(throws: StrataError.self) { try t.outputSchema(input: Orders.schema, Tables()) }
        #expect(e?.hint == "did you mean 'price'?")
    }
}
