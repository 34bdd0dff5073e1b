import Foundation
import StrataConfig
import StrataCore
@testable import StrataPlugins
import StrataTestSupport
import Testing

@Suite struct CSVSourceTests {
    @Test func declaredSchemaIsTheOutputSchema() throws {
        let s = try source("""
        type: csv
        path: [a.csv, "b*.csv"]
        schema:
          id: int64 not null
          amount: decimal(12,2)
        """)
        let schema = try #require(try s.outputSchema(Tables()))
        #expect(schema == Schema([Field("id", .int64, nullable: false), Field("amount", .decimal(precision: 12, scale: 2))]))
        #expect((s as! CSVSource).input.paths == ["a.csv", "b*.csv"])
    }

    @Test func badTypeNamesItsPositionAndSuggests() throws {
        let e = #expect(throws: StrataError.self) {
            try source("type: csv\npath: a.csv\nschema:\n  id: in64\n")
        }
        #expect(e?.description == "pipelines.yaml:4:7: source.schema.id: 'in64' is not a type; did you mean 'int64'?")
    }

    @Test func delimiterMustBeOneByte() throws {
        let e = #expect(throws: StrataError.self) { try source("type: csv\npath: a.csv\ndelimiter: ';;'\n") }
        #expect(e?.path == "source.delimiter")
        let tab = try source("type: csv\npath: a.csv\ndelimiter: '\\t'\n") as! CSVSource
        #expect(tab.options.delimiter == 9)
    }

    @Test func headerlessFilesNeedASchema() {
        let e = #expect(throws: StrataError.self) { try source("type: csv\npath: a.csv\nheader: false\n") }
        #expect(e?.hint == "add `schema:` listing the columns in file order")
    }

    @Test func readsNewFilesOnlyAndRecordsThem() throws {
        let dir = try TempDir()
        try dir.write("in/a.csv", "id,name\n1,x\n2,y\n")
        try dir.write("in/b.csv", "id,name\n3,z\n")
        let s = try source("type: csv\npath: in/*.csv\n")
        let ctx = TestContext.make(root: dir.path)
        let batches = try PluginConformance.drain(s, context: ctx, resolver: Tables())
        #expect(batches.reduce(0) { $0 + $1.rowCount } == 3)
        #expect(batches.compactMap(\.origin) == ["in/a.csv", "in/b.csv"])
        let state = ctx.recordedState
        #expect(state.keys.sorted() == ["file:in/a.csv", "file:in/b.csv"])

        // Next run: a knows both files; only a new one is read.
        try dir.write("in/c.csv", "id,name\n4,w\n")
        let ctx2 = TestContext.make(root: dir.path, previousState: state)
        let again = try PluginConformance.drain(s, context: ctx2, resolver: Tables())
        #expect(again.flatMap { $0.rows() } == [[.int(4), .string("w")]])
        #expect(ctx2.recordedState.keys.sorted() == ["file:in/c.csv"])
    }

    @Test func patternMatchingNothingIsAnError() throws {
        let dir = try TempDir()
        let s = try source("type: csv\npath: nothing/*.csv\n")
        let e = #expect(throws: StrataError.self) { try s.open(TestContext.make(root: dir.path)) }
        #expect(e?.code == .notFound)
        #expect(e?.message == "no file matches 'nothing/*.csv'")
    }

    @Test func badRowsGoToQuarantineWithFileAndLine() throws {
        let dir = try TempDir()
        try dir.write("a.csv", "id,amount\n1,2.50\n2,abc\n3\n")
        let s = try source("type: csv\npath: a.csv\nschema:\n  id: int64\n  amount: decimal(5,2)\n")
        let q = MemoryQuarantine()
        let ctx = TestContext.make(root: dir.path, quarantine: q)
        let rows = try PluginConformance.drain(s, context: ctx, resolver: Tables()).flatMap { $0.rows() }
        #expect(rows == [[.int(1), .decimal(250, scale: 2)]])
        #expect(q.records.map(\.line) == [3, 4])
        #expect(q.records.allSatisfy { $0.sourceFile == "a.csv" })
        #expect(!q.records[0].reason.contains("abc"))
    }

    @Test func filesAlreadyIngestedAndMovedAwayAreNothingNewNotAnError() throws {
        let dir = try TempDir()
        let s = try source("type: csv\npath: landing/*.csv\n")
        // The previous run ingested landing/a.csv, since archived; a pattern nothing ever matched still fails.
        let ctx = TestContext.make(root: dir.path, previousState: ["file:landing/a.csv": "12:1.0"])
        try FileManager.default.createDirectory(atPath: dir.path + "/landing", withIntermediateDirectories: true)
        #expect(try PluginConformance.drain(s, context: ctx, resolver: Tables()).isEmpty)
        let other = TestContext.make(root: dir.path, previousState: ["file:elsewhere/a.csv": "12:1.0"])
        let e = #expect(throws: StrataError.self) { try s.open(other) }
        #expect(e?.message == "no file matches 'landing/*.csv'")
    }

    @Test func undeclaredHeaderColumnsAreAnErrorByDefault() throws {
        let dir = try TempDir()
        try dir.write("a.csv", "id,name,email\n1,x,p@example.com\n")
        let s = try source("type: csv\npath: a.csv\nschema:\n  id: int64\n  name: string\n")
        let e = #expect(throws: StrataError.self) { try PluginConformance.drain(s, context: TestContext.make(root: dir.path), resolver: Tables()) }
        #expect(e?.code == .schemaMismatch)
        #expect(e?.description == "a.csv:1: the header has a column the schema does not: 'email'; declare it in `schema:`, or set `extra_columns: drop` (ignore) or `keep` (add as columns)")
    }

    @Test func undeclaredHeaderColumnsDropOrKeep() throws {
        let dir = try TempDir()
        try dir.write("in/a.csv", "id,name,email\n1,x,p@example.com\n")
        try dir.write("in/b.csv", "id,name,score\n2,y,7\n")
        let dropped = try source("type: csv\npath: in/*.csv\nextra_columns: drop\nschema:\n  id: int64\n  name: string\n")
        let d = try PluginConformance.drain(dropped, context: TestContext.make(root: dir.path), resolver: Tables())
        #expect(d.flatMap { $0.rows() } == [[.int(1), .string("x")], [.int(2), .string("y")]])
        // keep: the declared columns, then the files' others (types inferred), null where a file lacks one.
        let kept = try source("type: csv\npath: in/*.csv\nextra_columns: keep\nschema:\n  id: int64\n  name: string\n")
        #expect(try kept.outputSchema(Tables()) == nil, "the schema is settled when the files are read")
        let k = try PluginConformance.drain(kept, context: TestContext.make(root: dir.path), resolver: Tables())
        #expect(k.first?.schema.names == ["id", "name", "email", "score"])
        #expect(k.first?.schema.field(named: "score")?.type == .int64)
        #expect(k.flatMap { $0.rows() } == [[.int(1), .string("x"), .string("p@example.com"), .null],
                                             [.int(2), .string("y"), .null, .int(7)]])
        // A declared column a file lacks is still an error with keep.
        try dir.write("in/c.csv", "id,score\n3,1\n")
        #expect(throws: StrataError.self) { try PluginConformance.drain(kept, context: TestContext.make(root: dir.path), resolver: Tables()) }
    }

    @Test func inferredSchemasFollowExtraColumnsToo() throws {
        let dir = try TempDir()
        try dir.write("in/a.csv", "id,name\n1,x\n")
        try dir.write("in/b.csv", "id,name,score\n2,y,7\n")
        let strict = try source("type: csv\npath: in/*.csv\n")
        let e = #expect(throws: StrataError.self) { try PluginConformance.drain(strict, context: TestContext.make(root: dir.path), resolver: Tables()) }
        #expect(e?.message == "column 'score' is not in the header of 'in/a.csv', the first file read")
        let kept = try source("type: csv\npath: in/*.csv\nextra_columns: keep\n")
        let k = try PluginConformance.drain(kept, context: TestContext.make(root: dir.path), resolver: Tables())
        #expect(k.flatMap { $0.rows() } == [[.int(1), .string("x"), .null], [.int(2), .string("y"), .int(7)]])
        let dropped = try source("type: csv\npath: in/*.csv\nextra_columns: drop\n")
        let d = try PluginConformance.drain(dropped, context: TestContext.make(root: dir.path), resolver: Tables())
        #expect(d.flatMap { $0.rows() } == [[.int(1), .string("x")], [.int(2), .string("y")]])
    }
}
