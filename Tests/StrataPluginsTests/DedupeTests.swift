import StrataCore
@testable import StrataPlugins
import StrataTestSupport
import Testing

@Suite(.enabled(if: PythonOracle.available)) struct DedupeTests {
    @Test func firstInInputOrderStreams() throws {
        try expectSameAsDuckDB("type: dedupe\nkeys: [id]\n",
                               sql: "select * exclude (rn, rowid) from (select *, row_number() over (partition by id order by rowid) rn from (select *, row_number() over () as rowid from orders)) where rn = 1",
                               orderMatters: false)
    }

    @Test func lastByOrderColumn() throws {
        try expectSameAsDuckDB("type: dedupe\nkeys: [user]\norder_by: ts\nkeep: last\n",
                               sql: "select * exclude (rn, r) from (select *, row_number() over (partition by \"user\" order by ts desc nulls last, r desc) rn from (select *, row_number() over () r from orders)) where rn = 1")
    }

    @Test func firstByOrderColumnOverCompositeKey() throws {
        try expectSameAsDuckDB("type: dedupe\nkeys: [category, day]\norder_by: amount\nkeep: first\n",
                               sql: "select * exclude (rn, r) from (select *, row_number() over (partition by category, day order by amount asc nulls last, r asc) rn from (select *, row_number() over () r from orders)) where rn = 1")
    }

    @Test func memoryStaysBoundedByKeys() throws {
        // 200k rows over 10 keys: the holding operator compacts, so what it holds stays near the key count.
        let schema = Schema([Field("k", .int64), Field("v", .int64)])
        let op = HoldingDedupe(schema: schema, keys: [0], order: 1, keepLast: true)
        for b in 0..<4 {
            let n = 50_000
            let batch = Batch(schema: schema, columns: [
                Column(type: .int64, values: .int64((0..<n).map { Int64($0 % 10) })),
                Column(type: .int64, values: .int64((0..<n).map { Int64(b * n + $0) })),
            ])
            _ = try op.push(batch)
            #expect(op.heldRows <= 4 * Batch.preferredRows + n)
        }
        let out = try op.finish()
        #expect(out.first?.rowCount == 10)
        #expect(out.first?.rows().map { $0[1] }.contains(.int(199_999)) == true)
    }
}
