import Foundation
import StrataTestSupport
import Testing

/// Runs the real `strata` binary in a temporary project folder.
final class StrataProject {
    let dir: TempDir
    var root: String { dir.path }

    init(_ name: String = "e2e") throws {
        dir = try TempDir(name)
    }

    /// Runs `strata ARGS` in the project folder.
    @discardableResult
    func strata(_ args: String..., env: [String: String] = [:]) throws -> TestProcess.Result {
        try TestProcess.run(TestPaths.strataBinary, args, cwd: root, env: env)
    }

    func strata(args: [String], env: [String: String] = [:]) throws -> TestProcess.Result {
        try TestProcess.run(TestPaths.strataBinary, args, cwd: root, env: env)
    }

    func write(_ name: String, _ text: String) throws { try dir.write(name, text) }

    /// Copies the repository's committed demo landing zone into this project.
    func copyDemoLanding() throws {
        let src = TestPaths.packageRoot + "/datalake/landing"
        try FileManager.default.createDirectory(atPath: root + "/datalake", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: src, toPath: root + "/datalake/landing")
    }

    /// Runs a Python oracle script with the project folder as its first argument.
    func python(_ script: String, _ args: [String] = []) throws -> String {
        try PythonOracle.run(script, [root] + args)
    }

    func pythonJSON(_ script: String, _ args: [String] = []) throws -> Any {
        try PythonOracle.json(script, [root] + args)
    }
}

/// Skips (locally) or fails (CI) when the oracles are missing.
var oraclesAvailable: Bool { PythonOracle.available }
