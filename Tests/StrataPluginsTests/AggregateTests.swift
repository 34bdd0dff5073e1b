import StrataCore
@testable import StrataPlugins
import StrataTestSupport
import Testing

@Suite(.enabled(if: PythonOracle.available)) struct AggregateTests {
    @Test func groupedAggregatesMatchDuckDB() throws {
        try expectSameAsDuckDB("""
        type: aggregate
        group_by: [category, day]
        aggregates:
          n: count(*)
          n_qty: count(qty)
          users: count_distinct(user)
          revenue: sum(amount)
          units: sum(qty)
          avg_price: avg(price)
          avg_amount: avg(amount)
          first_ts: min(ts)
          last_ts: max(ts)
          top_user: max(user)
        """, sql: """
        select category, day, count(*), count(qty), count(distinct "user"), sum(amount)::decimal(18,2), sum(qty),
               avg(price), avg(amount)::double, min(ts), max(ts), max("user")
        from orders group by category, day
        """)
    }

    @Test func globalAggregateOfNothingIsOneRow() throws {
        let t = try transform("type: aggregate\naggregates:\n  n: count(*)\n  s: sum(amount)\n")
        let op = try t.makeOperator(input: Orders.schema, TestContext.make(root: "/tmp"))
        let out = try op.finish()
        #expect(out.flatMap { $0.rows() } == [[.int(0), .null]])
    }

    @Test func badSpecsArePositioned() throws {
        let e = #expect(throws: StrataError.self) { try transform("type: aggregate\naggregates:\n  s: summ(amount)\n") }
        #expect(e?.description == "pipelines.yaml:3:6: transform.aggregates.s: unknown aggregate function 'summ'; did you mean 'sum'?")
        let t = try transform("type: aggregate\naggregates:\n  s: sum(user)\n")
        let e2 = #expect(throws: StrataError.self) { try t.outputSchema(input: Orders.schema, Tables()) }
        #expect(e2?.code == .typeMismatch)
        #expect(e2?.location?.line == 3)
    }

    @Test func lineageMarksAggregationAndGroupBy() throws {
        let t = try transform("type: aggregate\ngroup_by: [category]\naggregates:\n  revenue: sum(amount)\n")
        let l = try t.columnLineage(input: Orders.schema, Tables())
        #expect(l.direct["revenue"]?.first?.kind == .aggregation)
        #expect(l.indirect == [.init(ColumnRef("category"), .groupBy)])
    }
}
