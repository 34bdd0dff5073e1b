import StrataCore
import StrataEngine
import Foundation

/// `strata run [SELECTOR...] [--full-refresh]`: runs pipelines and prints a summary.
enum RunCommand {
    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "run")
        let project = try env.loadProject()
        var options = RunOptions(selectors: a.positionals, fullRefresh: a.has("--full-refresh"))
        options.actor = env.global.actor
        options.force = a.has("--force")
        if let e = a.values["--engine"] {
            guard let engine = Engine(rawValue: e) else {
                throw StrataError(.usage, "no engine '\(e)'", hint: Suggest.hint(for: e, in: Engine.allCases.map(\.rawValue)) ?? "engines: native, spark")
            }
            options.engine = engine
        }
        if let m = a.values["--master"] { options.spark.master = m }
        for c in a.repeated["--spark-conf"] ?? [] {
            guard c.contains("=") else { throw StrataError(.usage, "--spark-conf takes KEY=VALUE, got '\(c)'") }
            options.spark.conf.append(c)
        }
        options.onWait = { Output.err("note: " + $0) }
        let interactive = Output.stderrIsTerminal && !a.has("--quiet")
        if interactive {
            options.progress = { p in
                let rate = p.seconds > 0 ? Double(p.bytes) / p.seconds : 0
                let line = "[\(p.index + 1)/\(p.total)] \(p.pipeline): \(Output.number(p.rows)) rows"
                    + (p.bytes > 0 ? ", \(Output.bytes(p.bytes)) (\(Output.bytes(Int(rate)))/s)" : "")
                    + ", \(Output.seconds(p.seconds)) s"
                FileHandle.standardError.write(Data(("\r\u{1B}[K" + line).utf8))
            }
        }
        let report = try Runner(project: project).run(options)
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if env.global.json {
            Output.out(Output.json(json(report)))
        } else {
            let rows = report.results.map { r -> [String] in
                [r.pipeline, r.table.description, r.status.rawValue, Output.number(r.rowsIn), Output.number(r.rowsOut),
                 Output.number(r.quarantined), r.version.map(String.init) ?? "-", Output.seconds(r.seconds)]
            }
            Output.out(Output.table(["pipeline", "table", "status", "rows in", "rows out", "quarantined", "version", "seconds"],
                                    rows, rightAlign: [3, 4, 5, 6, 7]))
            let total = report.results.reduce(0) { $0 + $1.rowsOut }
            let q = report.results.reduce(0) { $0 + $1.quarantined }
            let checks = report.results.flatMap { r in r.checks.map { (r.pipeline, $0) } }
            if !checks.isEmpty {
                Output.out("")
                Output.out(Output.table(["pipeline", "check", "action", "rows", "failed", "result"], checks.map { p, c in
                    [p, c.name, c.action, Output.number(c.checkedRows), Output.number(c.failedRows), c.passed ? "pass" : "FAIL"]
                }, rightAlign: [3, 4]))
            }
            Output.out("run \(report.runId): \(report.results.count) pipeline(s), \(Output.number(total)) rows written, \(Output.number(q)) quarantined, \(Output.seconds(report.seconds)) s")
        }
        for line in report.remasked { Output.err("note: re-masked after a policy change: \(line)") }
        for line in report.notes { Output.err("note: \(line)") }
        for line in report.warnings { Output.err("warning: \(line)") }
        for r in report.results {
            for w in r.warnings { Output.err("warning: \(r.pipeline): \(w)") }
            if let e = r.error { Output.err("error: \(r.pipeline): \(e)") }
            if r.quarantined > 0 {
                Output.err("note: \(r.pipeline): \(r.quarantined) row(s) quarantined; see `strata show \(QuarantineCollector.table(for: r.table))`")
            }
        }
        return report.exitCode
    }

    static func json(_ report: RunReport) -> [String: Any] {
        [
            "run_id": report.runId,
            "succeeded": report.succeeded,
            "seconds": report.seconds,
            "remasked": report.remasked, "notes": report.notes, "warnings": report.warnings,
            "pipelines": report.results.map { r -> [String: Any] in
                var o: [String: Any] = [
                    "pipeline": r.pipeline, "table": r.table.description, "status": r.status.rawValue,
                    "rows_in": r.rowsIn, "rows_out": r.rowsOut, "quarantined": r.quarantined, "bytes_in": r.bytesIn,
                    "files": r.files, "seconds": r.seconds, "warnings": r.warnings, "engine": r.engine.rawValue,
                ]
                if let v = r.version { o["version"] = v }
                o["checks"] = r.checks.map { c -> [String: Any] in
                    var x: [String: Any] = ["name": c.name, "action": c.action, "checked_rows": c.checkedRows,
                                            "failed_rows": c.failedRows, "passed": c.passed]
                    if let m = c.message { x["message"] = m }
                    return x
                }
                if let e = r.error { o["error"] = e.description; o["error_code"] = e.code.rawValue }
                return o
            },
        ]
    }
}
