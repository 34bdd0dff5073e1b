import StrataCore
import StrataFormats
import StrataCommit
@testable import StrataPlugins
import StrataTestSupport
import Testing

@Suite(.enabled(if: PythonOracle.available)) struct UnionTests {
    @Test func appendsOtherTableByName() throws {
        let dir = try TempDir()
        let archive = TableRef(layer: .silver, name: "archive")
        let schema = Schema([Field("category", .string), Field("id", .int64, nullable: false), Field("amount", .decimal(precision: 10, scale: 2))])
        let rows = Orders.batch([[.string("old"), .int(100), .decimal(100, scale: 2)], [.null, .int(101), .null]], schema: schema)
        let w = try DeltaTableWriter(table: archive, tablePath: dir.path + "/datalake/silver/archive", schema: schema, options: TableWriteOptions())
        try w.write(rows)
        _ = try w.commit(CommitContext(operation: "WRITE"))
        try expectSameAsDuckDB("type: union\ntables: [silver.archive]\n",
                               sql: "select * from orders union all by name select * from archive",
                               tables: ["archive": rows], context: TestContext.make(root: dir.path),
                               resolver: Tables(known: [archive: schema]))
        let t = try transform("type: union\ntables: [silver.archive]\n")
        let out = try t.outputSchema(input: Orders.schema, Tables(known: [archive: schema]))
        #expect(out.field(named: "user")?.nullable == true)
        #expect(out.field(named: "id")?.nullable == false)
    }

    @Test func incompatibleColumnsAreErrors() throws {
        let other = TableRef(layer: .silver, name: "x")
        let t = try transform("type: union\ntables: [silver.x]\n")
        let e = #expect(throws: StrataError.self) {
            try t.outputSchema(input: Orders.schema, Tables(known: [other: Schema([Field("id", .string)])]))
        }
        #expect(e?.message == "column 'id' is int64 in the stream but string in silver.x")
        let e2 = #expect(throws: StrataError.self) {
            try t.outputSchema(input: Orders.schema, Tables(known: [other: Schema([Field("extra", .string)])]))
        }
        #expect(e2?.message == "silver.x has a column 'extra' the stream does not")
    }
}
