import StrataCore
import StrataFormats
import StrataCommit
@testable import StrataPlugins
import StrataTestSupport
import Testing

/// Categories table: a duplicate key (two rows for games), a null key, and one unmatched key.
enum Categories {
    static let schema = Schema([Field("category", .string), Field("dept", .string), Field("margin", .double)])
    static let batch = Orders.batch([
        [.string("books"), .string("print"), .double(0.3)],
        [.string("games"), .string("digital"), .double(0.5)],
        [.string("games"), .string("boxed"), .double(0.2)],
        [.null, .string("none"), .double(0)],
        [.string("music"), .string("audio"), .double(0.4)],
    ], schema: schema)

    /// Writes the table as silver.categories in a temporary lake; returns the context and resolver.
    static func lake() throws -> (TempDir, RunContext, Tables) {
        let dir = try TempDir()
        let t = TableRef(layer: .silver, name: "categories")
        let w = try DeltaTableWriter(table: t, tablePath: dir.path + "/datalake/silver/categories", schema: schema, options: TableWriteOptions())
        try w.write(batch)
        _ = try w.commit(CommitContext(operation: "WRITE"))
        return (dir, TestContext.make(root: dir.path), Tables(known: [t: schema]))
    }
}

@Suite(.enabled(if: PythonOracle.available)) struct JoinTests {
    func check(_ yaml: String, _ sql: String) throws {
        let (dir, ctx, resolver) = try Categories.lake()
        _ = dir
        try expectSameAsDuckDB(yaml, sql: sql, tables: ["categories": Categories.batch], context: ctx, resolver: resolver)
    }

    @Test func inner() throws {
        try check("type: join\ntable: silver.categories\non: [category]\n",
                  "select o.*, c.dept, c.margin from orders o join categories c on o.category = c.category")
    }

    @Test func leftKeepsUnmatchedRows() throws {
        try check("type: join\ntable: silver.categories\non: [category]\nhow: left\ncolumns: [dept]\n",
                  "select o.*, c.dept from orders o left join categories c on o.category = c.category")
    }

    @Test func semiAndAnti() throws {
        try check("type: join\ntable: silver.categories\non: [category]\nhow: semi\n",
                  "select * from orders o where exists (select 1 from categories c where c.category = o.category)")
        try check("type: join\ntable: silver.categories\non: [category]\nhow: anti\n",
                  "select * from orders o where not exists (select 1 from categories c where c.category = o.category)")
    }

    @Test func differentKeyNamesAndPrefix() throws {
        let (dir, ctx, resolver) = try Categories.lake()
        _ = dir
        try expectSameAsDuckDB("type: join\ntable: silver.categories\non: {category: category}\nprefix: cat_\n",
                               sql: "select o.*, c.dept as cat_dept, c.margin as cat_margin from orders o join categories c on o.category = c.category",
                               tables: ["categories": Categories.batch], context: ctx, resolver: resolver)
    }

    @Test func nameClashAndKeyTypeMismatchAreErrors() throws {
        let (_, _, resolver) = try Categories.lake()
        let t = try transform("type: join\ntable: silver.categories\non: {category: category}\ncolumns: [category]\n")
        let e = #expect(throws: StrataError.self) { try t.outputSchema(input: Orders.schema, resolver) }
        #expect(e?.hint == "pick other table columns with `columns:`, or set `prefix:`")
        let t2 = try transform("type: join\ntable: silver.categories\non: {id: category}\n")
        let e2 = #expect(throws: StrataError.self) { try t2.outputSchema(input: Orders.schema, resolver) }
        #expect(e2?.message == "join key 'id' is int64 but silver.categories.category is string")
    }

    @Test func lineageNamesTheOtherTable() throws {
        let (_, _, resolver) = try Categories.lake()
        let t = try transform("type: join\ntable: silver.categories\non: [category]\n")
        let l = try t.columnLineage(input: Orders.schema, resolver)
        #expect(l.direct["dept"] == [.init(ColumnRef("dept", table: TableRef(layer: .silver, name: "categories")), .identity)])
        #expect(l.indirect.contains(.init(ColumnRef("category"), .join)))
        #expect(t.reads == [TableRef(layer: .silver, name: "categories")])
    }
}
