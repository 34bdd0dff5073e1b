import Foundation
import StrataConfig
import StrataCore
@testable import StrataPlugins
import Testing

/// A plugin a custom build might add: emits N rows of one int column.
struct CountingSource: SourceConfig {
    static let descriptor = PluginDescriptor(
        name: "counter", kind: .source, summary: "Emit the numbers 1...n.", doc: "For tests.",
        keys: [ConfigKey("n", "int", required: true, "How many rows.")],
        example: "source:\n  type: counter\n  n: 3",
        make: { m in .source(CountingSource(n: try m.int("n", default: 0, range: 0...1_000_000))) })
    let n: Int
    var reads: [TableRef] { [] }
    func outputSchema(_ resolver: any SchemaResolver) throws -> Schema? { Schema([Field("i", .int64, nullable: false)]) }
    func open(_ context: RunContext) throws -> any BatchReader { fatalError("not used") }
}

@Suite struct PluginRegistryTests {
    @Test func builtinListIsSortedUniqueAndDocumented() throws {
        let registry = try PluginRegistry(BuiltinPlugins.all)
        let keys = BuiltinPlugins.all.map { "\($0.kind.rawValue)/\($0.name)" }
        #expect(keys == keys.sorted(), "BuiltinPlugins.all must stay sorted by kind, then name")
        for p in registry.plugins {
            #expect(!p.summary.isEmpty && !p.doc.isEmpty && !p.example.isEmpty, "\(p.name) lacks docs")
            for k in p.keys { #expect(!k.doc.isEmpty, "\(p.name).\(k.name) lacks a doc") }
            // The example must itself be a valid config of the plugin.
            let node = try #require(try YAML.parse(p.example, file: "example.yaml"))
            let value = try #require(node.mapping?.first?.value)
            let section = value.sequence?.first ?? value
            _ = try registry.build(section, kind: p.kind, path: p.kind.rawValue)
        }
    }

    @Test func everyBuiltinIsDocumentedInTheReadme() throws {
        let readme = try String(contentsOfFile: TestSupportPaths.root + "/README.md", encoding: .utf8)
        for p in BuiltinPlugins.all {
            let documented = readme.contains(p.markdownHeading)
            #expect(documented, "README lacks the reference for \(p.name)")
            for k in p.keys {
                let hasKey = readme.contains("`\(k.name)`")
                #expect(hasKey, "README lacks \(p.name).\(k.name)")
            }
        }
    }

    @Test func readmeReferenceIsExactlyTheGeneratedOne() throws {
        let readme = try String(contentsOfFile: TestSupportPaths.root + "/README.md", encoding: .utf8)
        let begin = try #require(readme.range(of: PluginDescriptor.referenceBegin), "README lacks the reference markers")
        let end = try #require(readme.range(of: PluginDescriptor.referenceEnd))
        let block = readme[begin.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        let generated = PluginRegistry.builtin().markdownReference.trimmingCharacters(in: .whitespacesAndNewlines)
        let same = block == generated
        #expect(same, "README's plugin reference is stale: run scripts/update-readme")
    }

    @Test func customBuildRegistersAnExtraPlugin() throws {
        let registry = try PluginRegistry(BuiltinPlugins.all + [CountingSource.descriptor])
        let node = try #require(try YAML.parse("type: counter\nn: 3\n", file: "p.yaml"))
        guard case .source(let s) = try registry.build(node, kind: .source, path: "source") else {
            Issue.record("expected a source")
            return
        }
        #expect(try s.outputSchema(NoTables())?.names == ["i"])
    }

    @Test func duplicateNamesAreRejected() {
        #expect(throws: StrataError.self) { try PluginRegistry(BuiltinPlugins.all + [CSVSource.descriptor]) }
    }

    @Test func unknownTypeListsKnownOnesWithSuggestion() throws {
        let registry = PluginRegistry.builtin()
        let node = try #require(try YAML.parse("type: jsonn\npath: x\n", file: "p.yaml"))
        let e = #expect(throws: StrataError.self) { try registry.build(node, kind: .source, path: "pipelines.a.source") }
        #expect(e?.code == .unknownPlugin)
        let sources = BuiltinPlugins.all.filter { $0.kind == .source }.map(\.name).joined(separator: ", ")
        #expect(sources.hasPrefix("csv, jsonl"))
        #expect(e?.description == "p.yaml:1:7: pipelines.a.source.type: unknown source type 'jsonn'; did you mean 'jsonl'? known sources: \(sources)")
    }

    @Test func sinkNamedAsSourceSaysWhatItIs() throws {
        let registry = try PluginRegistry(BuiltinPlugins.all + [CountingSource.descriptor])
        let node = try #require(try YAML.parse("type: counter\nn: 1\n", file: "p.yaml"))
        let e = #expect(throws: StrataError.self) { try registry.build(node, kind: .sink, path: "sink") }
        #expect(e?.message == "unknown sink type 'counter' (counter is a source)")
    }
}

struct NoTables: SchemaResolver {
    func schema(of table: TableRef) -> Schema? { nil }
}

enum TestSupportPaths {
    static var root: String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/")
    }
}
