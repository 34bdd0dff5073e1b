@testable import StrataCLI
import Foundation
import StrataTestSupport
import Testing

/// `strata CMD --help` and `strata help CMD` for every command, and the synopses are the README's.
@Suite struct CommandHelpTests {
    @Test func everyCommandHasHelpThatExitsZero() throws {
        #expect(Set(CommandHelp.synopses.keys) == Set(StrataCLI.commands.map(\.0)), "every listed command has a synopsis")
        for (command, _) in StrataCLI.commands {
            #expect(StrataCLI.main(["strata", command, "--help"]) == 0, "\(command) --help")
            #expect(StrataCLI.main(["strata", command, "-h"]) == 0, "\(command) -h")
            #expect(StrataCLI.main(["strata", "help", command]) == 0, "help \(command)")
            let text = try #require(CommandHelp.text(command))
            #expect(text.hasPrefix("usage: strata \(command)"), "\(text)")
        }
        #expect(StrataCLI.main(["strata", "help", "nosuch"]) == 2)
        // --help wins over anything else on the line: no config is read, nothing runs.
        #expect(StrataCLI.main(["strata", "--config", "/nonexistent/pipelines.yaml", "run", "--help"]) == 0)
    }

    @Test func synopsesAreTheReadmes() throws {
        let readme = try String(contentsOfFile: TestPaths.packageRoot + "/README.md", encoding: .utf8)
        for (command, lines) in CommandHelp.synopses {
            for line in lines {
                let cell = "`" + line.replacingOccurrences(of: "|", with: "\\|") + "`"
                #expect(readme.contains(cell), "README's command table lacks \(cell) (\(command))")
            }
        }
    }
}
