import Foundation

/// Runs Python scripts with the test oracles (pyarrow, duckdb, deltalake) from `.venv`.
///
/// Tests use these only as independent readers of what Strata wrote. When the oracles are
/// missing, `available` is false; with `STRATA_REQUIRE_ORACLES=1` (set by `scripts/test`, so CI)
/// `run` throws instead of letting a test skip silently.
public enum PythonOracle {
    /// The interpreter: `$STRATA_PYTHON`, else `<package>/.venv/bin/python`.
    public static var python: String? {
        if let p = ProcessInfo.processInfo.environment["STRATA_PYTHON"], FileManager.default.isExecutableFile(atPath: p) { return p }
        let p = TestPaths.packageRoot + "/.venv/bin/python"
        return FileManager.default.isExecutableFile(atPath: p) ? p : nil
    }

    public static var required: Bool { ProcessInfo.processInfo.environment["STRATA_REQUIRE_ORACLES"] == "1" }

    /// True when tests can call the oracles (or must, because they are required).
    public static var available: Bool { python != nil || required }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `script` with `args`; returns stdout; throws with stderr when it exits non-zero.
    @discardableResult
    public static func run(_ script: String, _ args: [String] = []) throws -> String {
        guard let python else {
            throw Failure(description: "the Python oracles are not installed: run ./scripts/setup")
        }
        // deltalake's native runtime sometimes aborts at interpreter exit after the script has
        // finished; exiting at once after flushing keeps the answer and the exit status honest.
        let guarded = script + "\nimport sys as _strata_sys, os as _strata_os\n_strata_sys.stdout.flush()\n_strata_os._exit(0)\n"
        let r = try TestProcess.run(python, ["-c", guarded] + args)
        guard r.status == 0 else {
            throw Failure(description: "python exited \(r.status): \(r.stderr)")
        }
        return r.stdout
    }

    /// Runs `script` and decodes its stdout as JSON.
    public static func json(_ script: String, _ args: [String] = []) throws -> Any {
        let out = try run(script, args)
        return try JSONSerialization.jsonObject(with: Data(out.utf8), options: [.fragmentsAllowed])
    }
}

/// Paths tests need.
public enum TestPaths {
    /// The package root (the folder with Package.swift), found from this source file.
    public static var packageRoot: String {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        return FileManager.default.currentDirectoryPath
    }

    /// The built `strata` binary (debug unless `STRATA_BIN` says otherwise).
    public static var strataBinary: String {
        if let p = ProcessInfo.processInfo.environment["STRATA_BIN"] { return p }
        for c in [".build/debug/strata", ".build/release/strata"] {
            let p = packageRoot + "/" + c
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return packageRoot + "/.build/debug/strata"
    }
}

/// A fresh temporary folder, removed when the value is deinitialized.
public final class TempDir: @unchecked Sendable {
    public let path: String

    public init(_ prefix: String = "strata-test") throws {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/\(prefix)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes `text` to `name` (creating folders) and returns the full path.
    @discardableResult
    public func write(_ name: String, _ text: String) throws -> String {
        let p = file(name)
        try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    deinit {
        if ProcessInfo.processInfo.environment["STRATA_KEEP_TEMP"] == nil {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}

/// Runs a process to completion, capturing its output.
public enum TestProcess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public static func run(_ executable: String, _ args: [String], cwd: String? = nil,
                           env: [String: String] = [:], stdin: String? = nil) throws -> Result {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        let outPipe = Pipe(), errPipe = Pipe()
        p.standardOutput = outPipe
        p.standardError = errPipe
        let inPipe = Pipe()
        p.standardInput = inPipe
        try p.run()
        if let stdin { inPipe.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? inPipe.fileHandleForWriting.close()
        // Read both pipes concurrently so a full stderr cannot block the child.
        nonisolated(unsafe) var errData = Data()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            errData = errPipe.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let outData = outPipe.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        p.waitUntilExit()
        return Result(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }
}
