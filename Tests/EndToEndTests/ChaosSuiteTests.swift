import Foundation
import StrataTestSupport
import Testing

/// The chaos suite (`scripts/chaos.py`) at a small size, as part of the test command: kills at
/// crash points spread over a whole run, random kills of runs and full refreshes, two runs at
/// once and run + vacuum, each checked against a clean run by deltalake, `audit verify` and
/// `audit reconcile`. `scripts/chaos` runs it at any size.
@Suite(.serialized, .enabled(if: oraclesAvailable))
struct ChaosSuiteTests {
    @Test func everyTrialLeavesTheLakeOfACleanRun() throws {
        let python = try #require(PythonOracle.python, "the Python oracles are not installed: run ./scripts/setup")
        let r = try TestProcess.run(python, [TestPaths.packageRoot + "/scripts/chaos.py", "--binary", TestPaths.strataBinary,
                                             "--rounds", "6", "--points", "16", "--concurrent", "3", "--seed", "7", "--json"],
                                    cwd: TestPaths.packageRoot, env: [:])
        let last = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let summary = try #require(try JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any], "\(r.stdout)\n\(r.stderr)")
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(summary["ok"] as? Bool == true)
        #expect(summary["trials"] as? Int == 6 + 16 + 3)
        #expect(summary["passed"] as? Int == 6 + 16 + 3)
        #expect((summary["crash_points"] as? Int ?? 0) >= 76, "a clean demo run reaches every commit's crash points")
    }
}
