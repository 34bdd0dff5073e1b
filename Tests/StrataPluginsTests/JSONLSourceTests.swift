import Foundation
import StrataConfig
import StrataCore
@testable import StrataPlugins
import StrataTestSupport
import Testing

@Suite struct JSONLSourceTests {
    @Test func laterFileFieldsBecomeNullableColumns() throws {
        let dir = try TempDir()
        try dir.write("ev/1.jsonl", "{\"id\": 1, \"page\": {\"url\": \"/a\"}}\n{\"id\": 2, \"page\": {\"url\": \"/b\"}}\n")
        try dir.write("ev/2.jsonl", "{\"id\": 3, \"page\": {\"url\": \"/c\", \"ref\": \"x\"}, \"utm\": \"spring\"}\n")
        let s = try source("type: jsonl\npath: ev/*.jsonl\n")
        let ctx = TestContext.make(root: dir.path)
        let batches = try PluginConformance.drain(s, context: ctx, resolver: Tables())
        let schema = try #require(batches.first?.schema)
        #expect(Set(schema.names) == ["id", "page.url", "page.ref", "utm"])
        #expect(schema.field(named: "utm")?.nullable == true)
        let rows = batches.flatMap { b in (0..<b.rowCount).map { r in b.column(named: "utm")!.value(r) } }
        #expect(rows == [.null, .null, .string("spring")])
    }

    @Test func notAnObjectIsQuarantined() throws {
        let dir = try TempDir()
        try dir.write("e.jsonl", "{\"id\": 1}\n[1,2]\nnot json\n{\"id\": 2}\n")
        let q = MemoryQuarantine()
        let s = try source("type: jsonl\npath: e.jsonl\n")
        let rows = try PluginConformance.drain(s, context: TestContext.make(root: dir.path, quarantine: q), resolver: Tables())
            .flatMap { $0.rows() }
        #expect(rows.count == 2)
        #expect(q.records.map(\.line) == [2, 3])
    }

    @Test func unknownKeyIsRejected() {
        let e = #expect(throws: StrataError.self) { try source("type: jsonl\npath: e.jsonl\nflaten: false\n") }
        #expect(e?.hint == "did you mean 'flatten'?")
    }
}
