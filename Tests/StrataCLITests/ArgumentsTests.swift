import StrataCore
@testable import StrataCLI
import Testing

@Suite struct ArgumentsTests {
    @Test func parsesOptionsSwitchesAndPositionals() throws {
        let a = try Arguments(["bronze.users", "--limit", "5", "--format=csv", "--verbose"],
                              options: ["--limit", "--format"], switches: ["--verbose"])
        #expect(a.positionals == ["bronze.users"])
        #expect(try a.int("--limit") == 5)
        #expect(a.values["--format"] == "csv")
        #expect(a.has("--verbose"))
    }

    @Test func unknownOptionSuggests() {
        let e = #expect(throws: StrataError.self) { try Arguments(["--limt", "3"], options: ["--limit"], switches: []) }
        #expect(e?.description == "unknown option '--limt'; did you mean '--limit'?")
        #expect(e?.exitCode == 2)
    }

    @Test func missingValueAndBadNumber() throws {
        #expect(throws: StrataError.self) { try Arguments(["--limit"], options: ["--limit"], switches: []) }
        let a = try Arguments(["--limit", "ten"], options: ["--limit"], switches: [])
        #expect(throws: StrataError.self) { try a.int("--limit") }
    }

    @Test func globalOptionsAnywhere() throws {
        var g = GlobalOptions()
        let rest = try g.extract(from: ["run", "--json", "x", "--config", "other.yaml"])
        #expect(rest == ["run", "x"])
        #expect(g.json)
        #expect(g.config == "other.yaml")
    }

    @Test func unknownCommandExitsTwo() {
        #expect(StrataCLI.main(["strata", "rnu"]) == 2)
        #expect(StrataCLI.main(["strata", "help"]) == 0)
    }
}
