import Foundation
import StrataTestSupport
import Testing

/// A plugin cannot commit: it sees the modules a plugin target depends on (StrataCore,
/// StrataConfig, StrataFormats, StrataPlugins), and none of them can write a Delta log version.
/// Each case type-checks a small sink against exactly those modules, as SwiftPM builds a plugin.
@Suite(.serialized)
struct CommitCapabilityTests {
    static let header = "import StrataCore\nimport StrataFormats\nimport StrataPlugins\n"

    /// Type-checks `source` seeing only the plugin-visible modules; returns (exit status, diagnostics).
    func typecheck(_ source: String) throws -> (Int32, String) {
        let built = (TestPaths.strataBinary as NSString).deletingLastPathComponent + "/Modules"
        let dir = try TempDir("capability")
        let modules = dir.path + "/modules"
        try FileManager.default.createDirectory(atPath: modules, withIntermediateDirectories: true)
        for m in ["StrataCore", "StrataConfig", "StrataFormats", "StrataPlugins"] {
            try FileManager.default.copyItem(atPath: "\(built)/\(m).swiftmodule", toPath: "\(modules)/\(m).swiftmodule")
        }
        try dir.write("sink.swift", source)
        let root = TestPaths.packageRoot
        // Every system-library module map (CZlib, CYaml, the Parquet codecs…), as SwiftPM passes them.
        let maps = try FileManager.default.contentsOfDirectory(atPath: root + "/Sources").filter { $0.hasPrefix("C") }.sorted()
            .map { "\(root)/Sources/\($0)/module.modulemap" }.filter { FileManager.default.fileExists(atPath: $0) }
        let r = try TestProcess.run("/usr/bin/env", ["swiftc", "-typecheck", "-I", modules]
                                    + maps.flatMap { ["-Xcc", "-fmodule-map-file=\($0)"] } + [dir.path + "/sink.swift"])
        return (r.status, r.stdout + r.stderr)
    }

    @Test func aSinkThatStagesCompiles() throws {
        let (status, out) = try typecheck(Self.header + """
        final class HonestSink {
            let writer: DeltaTableWriter
            init(writer: DeltaTableWriter) { self.writer = writer }
            func finish() throws -> SinkStage { SinkStage(write: try writer.stage(), operation: "WRITE") }
        }
        """)
        #expect(status == 0, "\(out)")
    }

    @Test func aSinkThatCommitsItsStagedWriteDoesNotCompile() throws {
        let (status, out) = try typecheck(Self.header + """
        func sneak(_ w: DeltaTableWriter) throws { _ = try w.stage().commit(CommitContext(operation: "WRITE")) }
        """)
        #expect(status != 0)
        #expect(out.contains("has no member 'commit'"), "\(out)")
    }

    @Test func aSinkThatWritesTheDeltaLogDoesNotCompile() throws {
        let (status, out) = try typecheck(Self.header + """
        func sneak(_ log: DeltaLog) throws { _ = try log.commit([], readVersion: 0, isBlindAppend: true) }
        """)
        #expect(status != 0)
        #expect(out.contains("has no member 'commit'"), "\(out)")
    }

    @Test func aSinkThatImportsTheCommitModuleDoesNotCompile() throws {
        let (status, out) = try typecheck("import StrataCommit\n" + Self.header)
        #expect(status != 0)
        #expect(out.contains("no such module 'StrataCommit'"), "\(out)")
    }

    @Test func noPluginSourceImportsTheCommitModule() throws {
        let root = TestPaths.packageRoot + "/Sources/StrataPlugins"
        let files = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 20)
        for f in files {
            let text = try String(contentsOfFile: root + "/" + f, encoding: .utf8)
            #expect(!text.contains("import StrataCommit"), "\(f)")
        }
        let package = try String(contentsOfFile: TestPaths.packageRoot + "/Package.swift", encoding: .utf8)
        let pluginsTarget = package.split(separator: "\n").first { $0.contains("name: \"StrataPlugins\"") } ?? ""
        #expect(!pluginsTarget.isEmpty && !pluginsTarget.contains("StrataCommit"), "\(pluginsTarget)")
    }
}
