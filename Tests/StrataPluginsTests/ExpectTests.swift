import StrataCore
import StrataFormats
@testable import StrataPlugins
import StrataTestSupport
import Testing

@Suite(.enabled(if: PythonOracle.available)) struct ExpectTests {
    @Test func dropAndQuarantineMatchDuckDB() throws {
        let (dir, ctx, resolver) = try Categories.lake()
        _ = dir
        try expectSameAsDuckDB("""
        type: expect
        checks:
          - {check: not_null, column: user, action: drop}
          - {check: accepted_values, column: category, values: [books, games], action: drop}
          - {check: range, column: amount, min: 0, max: 12, action: quarantine}
          - {check: regex, column: user, pattern: '^[a-z]+$', action: drop}
          - {check: unique, column: id, action: drop}
          - {check: relationships, column: category, to: silver.categories, field: category, action: drop}
          - {check: row_count, min: 1, action: warn}
        """, sql: """
        select * exclude (r) from (
          select *, row_number() over () r from orders
          where "user" is not null and (category is null or category in ('books','games'))
            and (amount is null or (amount >= 0 and amount <= 12)) and ("user" is null or regexp_matches("user", '^[a-z]+$'))
            and (category is null or category in (select category from categories))
        ) o where r = (select min(r2) from (select id as id2, row_number() over () r2 from orders
          where "user" is not null and (category is null or category in ('books','games'))
            and (amount is null or (amount >= 0 and amount <= 12)) and ("user" is null or regexp_matches("user", '^[a-z]+$'))
            and (category is null or category in (select category from categories))) where id2 = o.id)
        """, tables: ["categories": Categories.batch], context: ctx, resolver: resolver)
    }

    @Test func resultsAreReportedAndFailStops() throws {
        let dir = try TempDir()
        let ctx = TestContext.make(root: dir.path)
        let t = try transform("""
        type: expect
        checks:
          - {check: not_null, column: qty, action: warn}
          - {check: unique, column: id, action: warn}
          - {check: row_count, max: 3, action: warn}
        """)
        let op = try t.makeOperator(input: Orders.schema, ctx)
        for b in Orders.batches { _ = try op.push(b) }
        _ = try op.finish()
        #expect(ctx.checks.map { "\($0.name)=\($0.failedRows)" } == ["not_null(qty)=1", "unique(id)=2", "row_count=8"])
        #expect(ctx.warnings.count == 3)
        let failing = try transform("type: expect\nchecks:\n  - {check: not_null, column: qty}\n")
        let e = #expect(throws: StrataError.self) { try failing.makeOperator(input: Orders.schema, ctx).push(Orders.batch()) }
        #expect(e?.code == .runFailed)
        #expect(e?.message.hasPrefix("check not_null(qty) failed for 1 row(s)") == true)
    }

    @Test func configErrors() throws {
        let e = #expect(throws: StrataError.self) { try transform("type: expect\nchecks:\n  - {check: not_nul, column: x}\n") }
        #expect(e?.hint?.contains("not_null") == true)
        let e2 = #expect(throws: StrataError.self) { try transform("type: expect\nchecks:\n  - {check: row_count, min: 1, action: drop}\n") }
        #expect(e2?.message == "row_count checks the whole run; its action is fail or warn")
        let t = try transform("type: expect\nchecks:\n  - {check: not_null, column: emial}\n")
        let e3 = #expect(throws: StrataError.self) { try t.outputSchema(input: Orders.schema, Tables()) }
        #expect(e3?.location?.description == "pipelines.yaml:3:31")
    }
}
