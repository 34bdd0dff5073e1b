import Foundation
import StrataCore
import StrataFormats
import StrataGovernance
import StrataPlugins

/// How `strata run --engine spark` reaches Spark.
public struct SparkOptions: Sendable {
    /// `--master` (default `local[2]`... as many threads as this machine has cores: `local[*]`).
    public var master: String = "local[*]"
    /// `--spark-conf k=v`, passed to spark-submit after Strata's defaults (so they win).
    public var conf: [String] = []

    public init() {}
}

/// Runs one compiled pipeline on Spark and hands back what it wrote: the stored rows as batches,
/// its rejects (to the run's quarantine), its check results and warnings (to the run's report).
///
/// Strata hands the job the exact files to read (the source's incremental selection, the other
/// tables' snapshots); the job writes Parquet parts into a staging folder under the lake's
/// `_tmp/`, removed when the pipeline ends. The rows then go through the native sink and commit
/// path, so the Delta log, the audit record and lineage do not depend on which engine ran.
struct SparkStage {
    let project: Project
    let lake: Lake
    let options: SparkOptions
    let masker: Masker
    let governance: Governance

    /// The staging folder of one pipeline of one run.
    static func staging(lakeRoot: String, runId: String, pipeline: String) -> String { lakeRoot + "/_tmp/spark-\(runId)-\(pipeline)" }

    func run(_ compiled: SparkCompiler.Compiled, _ p: PipelineSpec, _ context: RunContext, attempt: Int) throws -> (reader: any BatchReader, sparkVersion: String) {
        let dir = Self.staging(lakeRoot: project.lakeRoot, runId: context.runId, pipeline: p.name) + "/attempt-\(attempt)"
        let fm = FileManager.default
        try? fm.removeItem(atPath: dir) // an earlier attempt's folder, if any: the create below fails loudly
        // Private to the lake's owner: the job, its log and its parts (masked, or sealed) live here.
        do {
            for d in [project.lakeRoot + "/_tmp", (dir as NSString).deletingLastPathComponent, dir] {
                try fm.createDirectory(atPath: d, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: d)
            }
        } catch {
            throw StrataError(.io, "cannot create the Spark staging folder \(dir)", cause: "\(error)")
        }
        // The inputs: the source's own selection (incremental as natively), every other table whole.
        var inputs: [(String, [[String: Any]])] = []
        var rowsIn = 0
        for (i, t) in compiled.tables.enumerated() {
            let files: [DeltaAddFile]
            if i == 0, let source = p.source as? TableSource {
                files = try source.selection(context).files
                rowsIn = files.reduce(0) { $0 + ($1.stats?.numRecords ?? 0) }
            } else {
                files = try lake.snapshot(t.table).files
            }
            // Spark reads the files as stored: each must already hold every column in the form the
            // policies now require (natively, reads strengthen older files on the fly).
            let recorded = try lake.governance(of: t.table)
            let required = StoredFormConformer.target(for: t.table, schema: try lake.snapshot(t.table).schema, governance: recorded, policies: governance)
            for f in files {
                let stored = recorded.storedMasks(file: f.path)
                if let weak = required.keys.sorted().first(where: { stored[$0] != required[$0] }) {
                    throw StrataError(.invalidConfig, "\(t.table) stores column '\(weak)' of \(f.path) more weakly than the policies now require, and the Spark engine reads files as stored",
                                      hint: "run `strata run` natively once: it re-masks the table before any pipeline, and reads strengthen older files")
                }
            }
            if files.contains(where: { $0.deletionVector != nil }) {
                throw StrataError(.invalidConfig, "\(t.table) has files with deletion vectors, which the Spark engine does not read yet",
                                  hint: "run `strata optimize \(t.table)` to rewrite them, or run this pipeline natively")
            }
            let root = lake.path(of: t.table)
            let name = i > 0 && t.table == compiled.tables[0].table ? t.table.description + SparkJob.snapshotSuffix : t.table.description
            inputs.append((name, files.map { f in
                ["path": root + "/" + f.path, "partition": f.partitionValues.compactMapValues { $0 }] as [String: Any]
            }))
        }
        let now = SparkSQL.literal(.timestamp(context.startedAt)).dropFirst("TIMESTAMP '".count).dropLast()
        // A list, so each table's position (part of every row's read order) is the compiled one.
        let job: [String: Any] = [
            "inputs": inputs.map { ["table": $0.0, "files": $0.1] as [String: Any] },
            "output": dir + "/out", "rejects": dir + "/rejects", "report": dir + "/report.json", "now": String(now),
        ]
        let programPath = dir + "/\(p.name).py"
        let jobPath = dir + "/job.json"
        do {
            try Data(compiled.program.utf8).write(to: URL(fileURLWithPath: programPath))
            try JSONSerialization.data(withJSONObject: job, options: [.sortedKeys, .prettyPrinted]).write(to: URL(fileURLWithPath: jobPath))
        } catch {
            throw StrataError(.io, "cannot write the Spark job into \(dir)", cause: "\(error)")
        }
        // A key for this job only, never written down: what the job seals, only this process opens.
        let seal = try Digest.randomBytes(32)
        let opener = try AESGCMOpener(key: seal)
        try submit(programPath, jobPath, log: dir + "/spark.log", pipeline: p.name, needsKey: !compiled.masks.isEmpty, seal: seal)
        // What the job reported: checks, warnings, a failure.
        guard let data = fm.contents(atPath: dir + "/report.json"),
              let report = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw StrataError(.runFailed, "the Spark job of \(p.name) ended without its report", hint: "see \(dir)/spark.log")
        }
        if let error = report["error"] as? String { throw StrataError(.runFailed, error) }
        for c in report["checks"] as? [[String: Any]] ?? [] {
            context.report(CheckResult(name: c["name"] as? String ?? "", action: c["action"] as? String ?? "",
                                       checkedRows: c["checked"] as? Int ?? 0, failedRows: c["failed"] as? Int ?? 0,
                                       message: c["message"] as? String, kind: c["kind"] as? String, column: c["column"] as? String))
        }
        for w in report["warnings"] as? [String] ?? [] { context.warn(w) }
        context.addInput(rows: rowsIn, bytes: 0)
        // Rejected rows go to the run's quarantine, as the native checks send them.
        let origin = compiled.tables.first.map { "\($0.table)" } ?? p.name
        for part in try Self.parts(dir + "/rejects") {
            let r = try ParquetReader(path: part)
            while let b = try r.next() {
                guard let raw = b.column(named: "raw"), let reason = b.column(named: "reason") else { continue }
                for i in 0..<b.rowCount {
                    var text = ""
                    if case .binary(let sealed)? = Optional(raw.value(i)) {
                        guard let clear = sealed.withUnsafeBufferPointer({ opener.open($0) }) else {
                            throw StrataError(.runFailed, "a rejected row from the Spark job of \(p.name) does not open with the run's key")
                        }
                        text = String(decoding: clear, as: UTF8.self)
                    }
                    context.quarantine.quarantine(QuarantineRecord(sourceFile: origin, line: 0, reason: reason.value(i).description, raw: text))
                }
            }
        }
        // Spark marks a complete output with _SUCCESS: anything else is a failed job, never an empty table.
        guard fm.fileExists(atPath: dir + "/out/_SUCCESS") else {
            throw StrataError(.runFailed, "the Spark job of \(p.name) reported success but its output is incomplete; nothing was committed")
        }
        return (StoredPartsReader(parts: try Self.parts(dir + "/out"), schema: compiled.storedSchema, opener: opener),
                report["spark_version"] as? String ?? "unknown")
    }

    /// The Parquet parts of a folder Spark wrote, in name order (Spark's order of the sorted rows).
    static func parts(_ dir: String) throws -> [String] {
        guard FileManager.default.fileExists(atPath: dir) else { return [] } // no rejects written
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
        return names.filter { $0.hasSuffix(".parquet") && !$0.hasPrefix(".") && !$0.hasPrefix("_") }.sorted().map { dir + "/" + $0 }
    }

    /// spark-submit: `STRATA_SPARK_SUBMIT`, else `$SPARK_HOME/bin/spark-submit`, else on PATH.
    func submit(_ program: String, _ job: String, log: String, pipeline: String, needsKey: Bool, seal: [UInt8]) throws {
        let env = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let s = env["STRATA_SPARK_SUBMIT"], !s.isEmpty { candidates.append(s) }
        if let h = env["SPARK_HOME"], !h.isEmpty { candidates.append(h + "/bin/spark-submit") }
        for dir in (env["PATH"] ?? "").split(separator: ":") { candidates.append(dir + "/spark-submit") }
        guard let submit = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw StrataError(.notFound, "spark-submit was not found",
                              hint: "install Spark (or `pip install pyspark`, which ships spark-submit) and put it on PATH, or set STRATA_SPARK_SUBMIT or SPARK_HOME")
        }
        var childEnv = env
        // The key reaches the job through its environment, never its program or job file.
        if needsKey { childEnv["STRATA_MASK_KEY"] = Digest.hex(try masker.keys.key(.mask).bytes) }
        childEnv["STRATA_SEAL_KEY"] = Digest.hex(seal)
        // A pip-installed Spark runs its Python workers with the interpreter beside spark-submit.
        let python = (submit as NSString).deletingLastPathComponent + "/python"
        if childEnv["PYSPARK_PYTHON"] == nil, FileManager.default.isExecutableFile(atPath: python) { childEnv["PYSPARK_PYTHON"] = python }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: submit)
        var args = ["--master", options.master, "--name", "strata " + pipeline,
                    "--conf", "spark.sql.shuffle.partitions=8", "--conf", "spark.ui.showConsoleProgress=false"]
        for c in options.conf { args += ["--conf", c] }
        process.arguments = args + [program, job]
        process.environment = childEnv
        FileManager.default.createFile(atPath: log, contents: nil)
        let handle = FileHandle(forWritingAtPath: log)
        process.standardOutput = handle
        process.standardError = handle
        do { try process.run() } catch {
            throw StrataError(.runFailed, "cannot start \(submit)", cause: "\(error)")
        }
        process.waitUntilExit()
        try? handle?.close() // the log only
        if process.terminationStatus != 0 && !FileManager.default.fileExists(atPath: job.replacingOccurrences(of: "job.json", with: "report.json")) {
            // Spark's messages can quote values of the rows it failed on: the log stays in the lake
            // (private to its owner, removed by `strata vacuum`), never in this message.
            let kept = project.lakeRoot + "/_tmp/spark-logs/" + (log as NSString).deletingLastPathComponent.split(separator: "/").suffix(2).joined(separator: "-") + ".log"
            try? FileManager.default.createDirectory(atPath: (kept as NSString).deletingLastPathComponent, withIntermediateDirectories: true, // best effort: the error below is the point
                                                     attributes: [.posixPermissions: 0o700])
            try? FileManager.default.moveItem(atPath: log, toPath: kept) // best effort: the error below is the point
            throw StrataError(.runFailed, "the Spark job of \(pipeline) failed (spark-submit exited \(process.terminationStatus)); nothing was committed",
                              hint: "Spark's log is in \(kept) (it may quote row values; it never holds the mask key)")
        }
    }
}

/// Reads the Parquet parts a Spark job wrote, as batches of the table's stored schema, followed
/// by the sealed raw values of the masked columns, opened (`__raw_NAME`, for the PII detector;
/// `GovernedWrite` drops them before anything is stored).
final class StoredPartsReader: BatchReader {
    let schema: Schema
    private var parts: [String]
    private var current: ParquetReader?
    private let opener: AESGCMOpener

    init(parts: [String], schema: Schema, opener: AESGCMOpener) {
        self.parts = parts.reversed()
        self.schema = schema
        self.opener = opener
    }

    func next() throws -> Batch? {
        while true {
            if let r = current, let b = try r.next() {
                // Spark writes every column nullable; the stored schema keeps Strata's fields.
                var fields = schema.fields
                var cols: [Column] = []
                for f in schema.fields {
                    guard var c = b.column(named: f.name) else {
                        throw StrataError(.schemaMismatch, "the Spark job's output has no column '\(f.name)'")
                    }
                    if c.type == .binary && f.type == .string { c = Column(type: .string, values: c.values, validity: c.validity) }
                    guard c.type == f.type else {
                        throw StrataError(.schemaMismatch, "column '\(f.name)' is \(c.type) in the Spark job's output but \(f.type) in the table")
                    }
                    cols.append(c)
                }
                for (i, f) in b.schema.fields.enumerated() where f.name.hasPrefix(GovernedWrite.rawPrefix) {
                    let raw = b.columns[i]
                    var builder = ColumnBuilder(type: .string)
                    for row in 0..<b.rowCount {
                        guard case .binary(let sealed) = raw.value(row) else { builder.appendNull(); continue }
                        guard let clear = sealed.withUnsafeBufferPointer({ opener.open($0) }) else {
                            throw StrataError(.runFailed, "a value of the Spark job's output does not open with the run's key")
                        }
                        builder.append(.string(String(decoding: clear, as: UTF8.self)))
                    }
                    fields.append(Field(f.name, .string))
                    cols.append(builder.finish())
                }
                return Batch(schema: Schema(fields), columns: cols)
            }
            current = nil
            guard let p = parts.popLast() else { return nil }
            let names = try ParquetReader.readSchema(path: p).names
            current = try ParquetReader(path: p, columns: schema.names + names.filter { $0.hasPrefix(GovernedWrite.rawPrefix) })
        }
    }
}
