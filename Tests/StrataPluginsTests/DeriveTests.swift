import StrataCore
@testable import StrataPlugins
import StrataTestSupport
import Testing

@Suite(.enabled(if: PythonOracle.available)) struct DeriveTests {
    @Test func matchesDuckDB() throws {
        try expectSameAsDuckDB("""
        type: derive
        columns:
          order_day: date(ts)
          line_total: amount * qty
          who: upper(coalesce("user", 'anonymous'))
          big: CASE WHEN amount > 10 THEN 'big' ELSE 'small' END
          qty: qty + 1
        """, sql: """
        select id, "user", category, amount, qty + 1 as qty, price, ts, day, cast(ts as date), amount * (qty),
               upper(coalesce("user", 'anonymous')), CASE WHEN amount > 10 THEN 'big' ELSE 'small' END
        from orders
        """, orderMatters: true)
    }

    @Test func laterColumnsSeeEarlierOnes() throws {
        let t = try transform("type: derive\ncolumns:\n  a: qty * 2\n  b: a + 1\n")
        let s = try t.outputSchema(input: Orders.schema, Tables())
        #expect(s.names.suffix(2) == ["a", "b"])
        let l = try t.columnLineage(input: Orders.schema, Tables())
        #expect(l.direct["b"]?.map(\.input) == [ColumnRef("qty")])
        #expect(l.direct["b"]?.first?.kind == .transformation)
    }

    @Test func conditionalColumnsAreIndirect() throws {
        let t = try transform("type: derive\ncolumns:\n  big: CASE WHEN category = 'books' THEN amount END\n")
        let l = try t.columnLineage(input: Orders.schema, Tables())
        #expect(l.direct["big"]?.map(\.input) == [ColumnRef("amount")])
        #expect(l.indirect.contains(.init(ColumnRef("category"), .conditional)))
    }

    @Test func failedRowsFailOrQuarantine() throws {
        let dir = try TempDir()
        let q = MemoryQuarantine()
        let ctx = TestContext.make(root: dir.path, quarantine: q)
        let fail = try transform("type: derive\ncolumns:\n  n: CAST(category AS int64)\n")
        let op = try fail.makeOperator(input: Orders.schema, ctx)
        #expect(throws: StrataError.self) { try op.push(Orders.batch()) }
        let quarantine = try transform("type: derive\ncolumns:\n  n: CAST(category AS int64)\non_error: quarantine\n")
        let out = try quarantine.makeOperator(input: Orders.schema, ctx).push(Orders.batch())
        #expect(out.reduce(0) { $0 + $1.rowCount } == 1)  // only the null category converts
        #expect(q.records.count == 7)
        #expect(q.records.allSatisfy { $0.reason.hasPrefix("derive n:") && !$0.reason.contains("books") })
    }
}
