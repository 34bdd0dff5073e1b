import Foundation
import StrataTestSupport
import Testing

/// The generated completions, run by the real shells: bash and zsh call the completion function
/// as they would on Tab; fish answers `complete -C`. TABLE completes to the lake's tables.
@Suite(.serialized)
struct CompletionEndToEndTests {
    static func shell(_ name: String) -> String? {
        ["/usr/bin/" + name, "/bin/" + name].first { FileManager.default.isExecutableFile(atPath: $0) }
    }
    static var required: Bool { ProcessInfo.processInfo.environment["STRATA_REQUIRE_ORACLES"] != nil }

    /// A project with two tables, and `strata` first on PATH.
    func project() throws -> (StrataProject, [String: String]) {
        let p = try StrataProject("completion")
        try p.write("pipelines.yaml", """
        version: 1
        policies: none
        pipelines:
          bronze_a:
            source: {type: csv, path: landing/a.csv}
            sink: {type: table, table: bronze.a}
          silver_a:
            source: {type: table, table: bronze.a}
            sink: {type: table, table: silver.a}
        """)
        try p.write("landing/a.csv", "id\n1\n")
        #expect(try p.strata("run").status == 0)
        let bin = (TestPaths.strataBinary as NSString).deletingLastPathComponent
        return (p, ["PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")])
    }

    /// Cases as (words on the line, the last one being completed) → expected candidates.
    static let cases: [([String], [String])] = [
        (["strata", "sh"], ["show"]),
        (["strata", "show", ""], ["bronze.a", "silver.a"]),
        (["strata", "show", "bronze.a", "--fo"], ["--format"]),
        (["strata", "show", "bronze.a", "--format", ""], ["table", "csv", "json"]),
        (["strata", "policy", ""], ["scan", "audit", "test"]),
        (["strata", "lineage", "export", "--format", ""], ["openlineage", "json", "dot", "mermaid", "html"]),
        (["strata", "--config", "pipelines.yaml", "history", "s"], ["silver.a"]),
        (["strata", "plugins", "describe", "cs"], ["csv"]),
        (["strata", "completion", ""], ["bash", "zsh", "fish"]),
    ]

    func bashLike(_ shellName: String, prelude: String) throws {
        guard let sh = Self.shell(shellName) else {
            #expect(!Self.required, "\(shellName) is missing (scripts/setup installs it)")
            return
        }
        let (p, env) = try project()
        let script = try p.strata("completion", shellName)
        #expect(script.status == 0)
        try p.write("completion.\(shellName)", script.stdout)
        var body = prelude + "source ./completion.\(shellName)\n"
        body += "t() { COMP_WORDS=(\"$@\"); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 )); COMPREPLY=(); _strata; echo \"${COMPREPLY[*]}\"; }\n"
        for (words, _) in Self.cases { body += "t " + words.map { "'\($0)'" }.joined(separator: " ") + "\n" }
        try p.write("try.\(shellName)", body)
        let r = try TestProcess.run(sh, ["try.\(shellName)"], cwd: p.root, env: env)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for (i, (words, expected)) in Self.cases.enumerated() {
            let prefix = words.last ?? ""
            // zsh filters candidates by the typed prefix itself (compadd), bash's compgen already did.
            let got = (i < lines.count ? lines[i] : "").split(separator: " ").map(String.init).filter { $0.hasPrefix(prefix) }
            #expect(got == expected, "\(shellName): \(words.joined(separator: " ")) → \(got)")
        }
    }

    @Test func bash() throws { try bashLike("bash", prelude: "") }

    @Test func zsh() throws { try bashLike("zsh", prelude: "setopt ksharrays\n") }

    @Test func fish() throws {
        guard let fish = Self.shell("fish") else {
            #expect(!Self.required, "fish is missing (scripts/setup installs it)")
            return
        }
        let (p, env) = try project()
        try p.write("completion.fish", try p.strata("completion", "fish").stdout)
        for (words, expected) in Self.cases {
            let line = words.joined(separator: " ")
            let r = try TestProcess.run(fish, ["-c", "source completion.fish; complete -C '\(line)'"], cwd: p.root, env: env)
            #expect(r.status == 0, "\(r.stderr)")
            let got = r.stdout.split(separator: "\n").map { String($0.split(separator: "\t").first ?? "") }
                .filter { !$0.hasPrefix("--") || (words.last ?? "").hasPrefix("-") }
            #expect(Set(got) == Set(expected), "fish: \(line) → \(got)")
        }
    }
}
