import StrataCore
@testable import StrataPlugins
import StrataTestSupport
import Testing

@Suite(.enabled(if: PythonOracle.available)) struct CastTests {
    @Test func matchesDuckDB() throws {
        try expectSameAsDuckDB("type: cast\ncolumns: {qty: double, amount: int64, day: string, price: \"decimal(8,3)\"}\n",
                               sql: "select id, \"user\", category, round(amount)::bigint, qty::double, price::decimal(8,3), ts, day::varchar from orders",
                               orderMatters: true)
    }

    @Test func onErrorModes() throws {
        let dir = try TempDir()
        let q = MemoryQuarantine()
        let ctx = TestContext.make(root: dir.path, quarantine: q)
        let null = try transform("type: cast\ncolumns: {category: int64}\non_error: null\n")
        let rows = try null.makeOperator(input: Orders.schema, ctx).push(Orders.batch()).flatMap { $0.rows() }
        #expect(rows.allSatisfy { $0[2] == .null })
        let quarantine = try transform("type: cast\ncolumns: {category: int64}\non_error: quarantine\n")
        _ = try quarantine.makeOperator(input: Orders.schema, ctx).push(Orders.batch())
        #expect(q.records.count == 7)
        #expect(q.records.first?.reason == "column 'category': cannot convert to int64")
        let fail = try transform("type: cast\ncolumns: {category: int64}\n")
        let e = #expect(throws: StrataError.self) { try fail.makeOperator(input: Orders.schema, ctx).push(Orders.batch()) }
        #expect(e?.hint == "set on_error: quarantine or null to keep going")
    }

    @Test func badTypeIsPositioned() throws {
        let e = #expect(throws: StrataError.self) { try transform("type: cast\ncolumns: {qty: integr}\n") }
        #expect(e?.hint == "did you mean 'int64'?" || e?.hint?.hasPrefix("types are") == true)
        #expect(e?.location?.line == 2)
    }
}
