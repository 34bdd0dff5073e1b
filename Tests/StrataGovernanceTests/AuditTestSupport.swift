import Foundation

// Small helpers for the audit and lineage tests. (StrataGovernanceTests does not depend on
// StrataTestSupport, so these mirror the few pieces of it these tests need.)

/// A fresh temporary folder, removed on deinit unless `STRATA_KEEP_TEMP` is set.
final class GovTempDir: @unchecked Sendable {
    let path: String

    init(_ prefix: String = "strata-gov") throws {
        path = FileManager.default.temporaryDirectory.path + "/\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func file(_ name: String) -> String { path + "/" + name }

    deinit {
        if ProcessInfo.processInfo.environment["STRATA_KEEP_TEMP"] == nil {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}

/// Running helper processes (Python oracles, a local HTTP server, Chromium).
enum GovProcess {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static var oraclesRequired: Bool { ProcessInfo.processInfo.environment["STRATA_REQUIRE_ORACLES"] == "1" }

    /// `$STRATA_PYTHON`, else `<package>/.venv/bin/python`, else nil.
    static var python: String? {
        if let p = ProcessInfo.processInfo.environment["STRATA_PYTHON"], FileManager.default.isExecutableFile(atPath: p) { return p }
        let p = packageRoot + "/.venv/bin/python"
        return FileManager.default.isExecutableFile(atPath: p) ? p : nil
    }

    static var packageRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        return FileManager.default.currentDirectoryPath
    }

    /// The first of `names` found on PATH (or as an absolute path).
    static func which(_ names: [String]) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for n in names {
            if n.hasPrefix("/") { if FileManager.default.isExecutableFile(atPath: n) { return n }; continue }
            for dir in path.split(separator: ":") where FileManager.default.isExecutableFile(atPath: "\(dir)/\(n)") {
                return "\(dir)/\(n)"
            }
        }
        return nil
    }

    static func run(_ executable: String, _ args: [String], timeout: TimeInterval = 120) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        try p.run()
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let timer = DispatchWorkItem { if p.isRunning { p.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        timer.cancel()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    struct Failure: Error, CustomStringConvertible { var description: String }

    /// Runs a Python script; throws with stderr on a non-zero exit.
    @discardableResult
    static func python(_ script: String, _ args: [String] = []) throws -> String {
        guard let py = python else { throw Failure(description: "the Python oracles are not installed: run ./scripts/setup") }
        let r = try run(py, ["-c", script] + args)
        guard r.status == 0 else { throw Failure(description: "python exited \(r.status): \(r.stderr)") }
        return r.stdout
    }
}
