import StrataCore
@testable import StrataPlugins
import StrataTestSupport
import Testing

@Suite(.enabled(if: PythonOracle.available)) struct RenameTests {
    @Test func matchesDuckDB() throws {
        try expectSameAsDuckDB("type: rename\ncolumns: {user: customer, ts: ordered_at}\n",
                               sql: "select id, \"user\" as customer, category, amount, qty, price, ts as ordered_at, day from orders", orderMatters: true)
        let t = try transform("type: rename\ncolumns: {user: customer}\n")
        #expect(try t.outputSchema(input: Orders.schema, Tables()).names.contains("customer"))
    }

    @Test func lineageFollowsTheOldName() throws {
        let t = try transform("type: rename\ncolumns: {user: customer}\n")
        let l = try t.columnLineage(input: Orders.schema, Tables())
        #expect(l.direct["customer"] == [.init(ColumnRef("user"), .identity)])
    }

    @Test func collisionIsAnError() throws {
        let t = try transform("type: rename\ncolumns: {user: category}\n")
        let e = #expect(throws: StrataError.self) { try t.outputSchema(input: Orders.schema, Tables()) }
        #expect(e?.message == "renaming to 'category' makes two columns of that name")
    }
}
