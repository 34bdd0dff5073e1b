import StrataCore
import StrataFormats
import StrataPlugins
import StrataGovernance
import Foundation
import StrataCommit

/// Options of one `strata run`.
public struct RunOptions: Sendable {
    public var selectors: [String] = []
    public var fullRefresh = false
    /// Who runs it, for the audit log (`--actor`; else `STRATA_ACTOR`, else the OS user).
    public var actor: String?
    /// Called with progress snapshots about twice a second while a pipeline runs.
    public var progress: (@Sendable (ProgressSnapshot) -> Void)?
    /// Write into an existing folder that holds other files (see `LakeLock.checkDedicated`).
    public var force = false
    /// Called when the run must wait for another process holding the lake's lock.
    public var onWait: (@Sendable (String) -> Void)?
    /// `--engine`: where every selected pipeline computes (nil: each pipeline's `engine:`).
    public var engine: Engine?
    /// `--master`, `--spark-conf`: how the Spark engine reaches Spark.
    public var spark = SparkOptions()

    public init(selectors: [String] = [], fullRefresh: Bool = false) {
        self.selectors = selectors
        self.fullRefresh = fullRefresh
    }

    /// Where pipeline `p` computes: `--engine` over its `engine:` key, except that `--engine spark`
    /// leaves ingestion (file and database sources) to the native engine, since the Spark engine
    /// reads lake tables; a pipeline that names `engine: spark` itself always runs on Spark.
    public func engine(for p: PipelineSpec) -> Engine {
        guard let e = engine else { return p.engine }
        if e == .spark && p.engine != .spark && !(p.source is TableSource) { return .native }
        return e
    }
}

/// Where a running pipeline is.
public struct ProgressSnapshot: Sendable {
    public var pipeline: String
    public var index: Int
    public var total: Int
    public var rows: Int
    public var bytes: Int
    public var seconds: Double
}

/// Runs the selected pipelines of a project in plan order.
///
/// Each pipeline streams batches from its source through its transforms into its sink, then
/// commits atomically; quarantined rows commit to the quarantine table. A failed pipeline
/// commits nothing, and the pipelines downstream of it are skipped.
public struct Runner: Sendable {
    public let project: Project
    public let lake: Lake

    public init(project: Project) {
        self.project = project
        self.lake = Lake(root: project.lakeRoot)
    }

    public func run(_ options: RunOptions) throws -> RunReport {
        // One run per lake at a time: the plan and every pipeline's incremental state are read under the lock.
        try LakeLock.checkDedicated(project.lakeRoot, force: options.force)
        let lock = try LakeLock(lakeRoot: project.lakeRoot, purpose: "strata run") { options.onWait?($0) }
        defer { withExtendedLifetime(lock) {} }
        let runId = UUID().uuidString.lowercased()
        let plan = try Plan(project: project, existingTables: Set(lake.tables()))
        let selected = try plan.select(options.selectors)
        let governance = try project.loadGovernance()
        let masker = Masker(keys: KeyStore(lakeRoot: project.lakeRoot), detector: governance.policies.detector)
        let recorder = try RunRecorder(project: project, actor: options.actor, runId: runId, policyDigest: governance.policies.digest)
        try recorder.recordDigestChanges()
        let neverLanded = try recorder.voidCommitsThatNeverLanded(lake)
        // Storage first, before the pipelines are even checked (a policy change can break a plan):
        // nothing the current policies forbid stays in any table.
        let remasked = try remask(governance: governance, masker: masker, recorder: recorder)
        // Configuration errors (unknown columns, type errors) and policy refusals stop the run
        // before any data is read; a refusal is still audited.
        var resolver: ProjectSchemaResolver
        do {
            resolver = try ProjectSchemaResolver.check(project: project, lake: lake)
        } catch let e as StrataError where e.code == .policyRefused {
            if let name = e.path?.split(separator: ".").dropFirst().first, let p = project.pipeline(named: String(name)) {
                try recorder.refused(table: p.writes, pipeline: p.name, error: e)
            }
            throw e
        }
        let started = Date()
        var results: [PipelineResult] = []
        var failed = Set<String>()
        recorder.run(.start)
        for (i, p) in selected.enumerated() {
            if let bad = (plan.upstream[p.name] ?? []).first(where: { failed.contains($0) }) {
                var r = PipelineResult(pipeline: p.name, table: p.writes, status: .skipped)
                r.error = StrataError(.runFailed, "skipped because upstream pipeline '\(bad)' did not succeed")
                recorder.skipped(p, because: r.error!.message)
                results.append(r)
                failed.insert(p.name)
                continue
            }
            let r = runPipeline(p, runId: runId, options: options, index: i, total: selected.count,
                                governance: governance, masker: masker, recorder: recorder, resolver: resolver)
            // Later pipelines plan against what this one actually stored (inferred schemas included).
            // A table strata cannot read (its pipeline failed on it) teaches the plan nothing.
            if lake.exists(p.writes), let s = try? lake.snapshot(p.writes) { resolver.learn(p.writes, s.schema) }  // unreadable: its pipeline already failed and said why
            if r.status == .failed || r.status == .refused || r.status == .skipped { failed.insert(p.name) }
            results.append(r)
        }
        let failures = results.filter { $0.status == .failed || $0.status == .refused }.map(\.pipeline)
        recorder.run(failures.isEmpty ? .complete : .fail,
                     error: failures.isEmpty ? nil : "pipelines that did not succeed: " + failures.joined(separator: ", "))
        var report = RunReport(runId: runId, results: results, seconds: Date().timeIntervalSince(started))
        report.remasked = remasked.done.map(\.doneSummary)
        report.notes += remasked.skipped
        let ingested = selected.filter { options.engine == .spark && options.engine(for: $0) == .native }.map(\.name)
        if !ingested.isEmpty {
            report.notes.append("ran natively (ingestion; the Spark engine reads lake tables): " + ingested.joined(separator: ", "))
        }
        for w in recorder.warnings where !report.warnings.contains(w) { report.warnings.append(w) }
        if let waiting = try? recorder.lineage.transport?.outbox.count(), waiting > 0 { // unreadable outbox: the warning above said enough
            report.notes.append("\(waiting) lineage event(s) wait in lineage/outbox/; `strata lineage replay` sends them")
        }
        if neverLanded > 0 {
            report.notes.append("voided \(neverLanded) audit record(s) of commits that never landed (an earlier run was killed at its commit); `strata audit show --result failed` lists them")
        }
        return report
    }

    func runPipeline(_ p: PipelineSpec, runId: String, options: RunOptions, index: Int, total: Int,
                     governance: Governance, masker: Masker, recorder: RunRecorder,
                     resolver: ProjectSchemaResolver) -> PipelineResult {
        let t0 = Date()
        var result = PipelineResult(pipeline: p.name, table: p.writes, status: .failed)
        result.engine = options.engine(for: p)
        let quarantine = QuarantineCollector()
        // The state of the last commit: unreadable state fails the pipeline (re-reading from scratch would duplicate rows).
        // A sink serving a table outside the lake keeps it in its target, with the rows.
        let external = p.sink as? any ExternalSinkConfig
        let previous: [String: String]
        var published: PublishedState?
        var publishVersion: Int64 = 0
        var voidedPublishes = 0
        // A served table whose stored form changed is republished whole: nothing re-masks a database table in place.
        var fullRefresh = options.fullRefresh
        var formWarning: String?
        do {
            if let external {
                let target = try external.lastPublish(pipeline: p.name, projectRoot: project.root)
                published = target.published
                let served = try recorder.servedPublishes(table: p.writes, pipeline: p.name, target: target)
                voidedPublishes = served.voided
                publishVersion = served.nextVersion
                if !fullRefresh, let stored = published?.state[StateKeys.storedForm],
                   let planned = resolver.outputs[p.name], let masks = resolver.governance[p.name]?.masks,
                   Runner.storedForm(planned, masks: masks.mapValues(\.description)) != stored {
                    // Safe to rebuild when every run replaces the table, or when it reads lake tables (kept whole).
                    guard external.replacesEveryRun || !p.source.reads.isEmpty else { throw Runner.storedFormChanged(p.writes, pipeline: p.name) }
                    fullRefresh = true
                    formWarning = "republished \(p.writes) whole: the masks or types of its columns changed since its last publish"
                }
                previous = fullRefresh ? [:] : published?.state ?? [:]
            } else {
                previous = options.fullRefresh ? [:] : try lake.lastState(of: p.writes, pipeline: p.name)
            }
        } catch {
            result.error = StrataError.wrap(error, .runFailed, "cannot read the incremental state of \(p.writes)")
            result.error = recorder.recordFailure { try recorder.failed(table: p.writes, pipeline: p.name, error: result.error!) } ?? result.error
            return result
        }
        // The pipeline's txn version when the run started: the commit's idempotency check.
        let txnBase = lake.exists(p.writes) ? (try? lake.snapshot(p.writes))?.txnVersions[StateKeys.appId(p.name)] : nil // unreadable: the read below fails the pipeline
        let facts = CommitFacts()
        let reads = TableReadGovernance(lake: lake, governance: governance, masker: masker, target: p.writes)
        let hook = facts.hook(recorder.commitHook(pipeline: p.name, columns: { facts.columns }, masks: { facts.masks }))
        let context = RunContext(projectRoot: project.root, lakeRoot: project.lakeRoot, runId: runId, pipeline: p.name,
                                 startedAt: Temporal.nowMicros(), fullRefresh: fullRefresh,
                                 quarantine: quarantine, previousState: previous, governTableRead: reads.governor)
        if let formWarning { context.warn(formWarning) }
        if voidedPublishes > 0 {
            context.warn("voided \(voidedPublishes) audit record(s) of publishes to \(p.writes) that never landed (an earlier run was killed before its transaction committed)")
        }
        var inputDatasets: [LineageDataset] = []
        let sourceDataset = p.source.lineageDataset?.name
            ?? p.source.datasetName.map { LineageNames.fileDataset($0.split(separator: ",").map(String.init), root: project.root) } ?? p.sourceType
        let sourceNamespace = p.source.lineageDataset?.namespace ?? LineageNames.fileNamespace
        var started = false
        let ticker = options.progress.map { report in
            ProgressTicker(interval: 0.5) {
                let input = context.input
                report(ProgressSnapshot(pipeline: p.name, index: index, total: total, rows: input.rows, bytes: input.bytes,
                                        seconds: Date().timeIntervalSince(t0)))
            }
        }
        defer { ticker?.stop() }
        // The Spark engine's staging folder (its job, program and Parquet parts) goes when the pipeline ends.
        defer {
            if options.engine(for: p) == .spark {
                try? FileManager.default.removeItem(atPath: SparkStage.staging(lakeRoot: project.lakeRoot, runId: runId, pipeline: p.name)) // a leftover is only disk: vacuum removes it
                _ = rmdir(project.lakeRoot + "/_tmp") // only when empty
            }
        }
        var sink: (any BatchSink)?
        var sparkVersion: String?
        do {
            // A pipeline that reads only tables, none of which changed since its last commit, has nothing to do.
            var versions: [String: String] = [:]
            for t in p.reads where lake.exists(t) { versions["input:\(t)"] = String(try lake.snapshot(t).version) }
            let written = external != nil ? published != nil : lake.exists(p.writes)
            if !fullRefresh, !p.source.reads.isEmpty,
               versions.count == p.reads.count, written, versions.allSatisfy({ previous[$0.key] == $0.value }) {
                // Lineage still hears of it: a run that read nothing new and left its table as it was.
                recorder.started(p)
                recorder.completed(p, inputs: p.reads.map { t in
                    var d = LineageDataset(name: recorder.dataset(t))
                    d.version = versions["input:\(t)"]
                    return d
                }, outputs: [{
                    var d = outputDataset(p)
                    d.version = external != nil ? published.map { String($0.version) }
                        : (try? lake.snapshot(p.writes)).map { String($0.version) } // unreadable: the event says no version
                    return d
                }()])
                result.status = .upToDate
                result.seconds = Date().timeIntervalSince(t0)
                return result
            }
            for (k, v) in versions { context.recordState(k, v) }
            let voided = try voidOrphanRejects(p, runId: runId, recorder: recorder)
            if voided > 0 { context.warn("voided \(voided) quarantined row(s) of an earlier run that committed nothing (it crashed or failed)") }
            recorder.started(p)
            started = true
            // The write restarts from its input when the detector finds, after the plan was
            // settled, a high-confidence span the plan does not cover (a card number in row
            // 9,000): rows already staged were stored under the weaker plan.
            var forced: [Detection] = []
            let warningMark = context.warnings.count
            var attempt = 0
            var reader: any BatchReader
            var lineage: ColumnLineage
            var governed: GovernedWrite
            var servedForm = ""
            while true {
            attempt += 1
            do {
            var schema: Schema
            var operators: [any BatchOperator] = []
            var compiled: SparkCompiler.Compiled?
            if options.engine(for: p) == .spark {
                // Spark computes the source, the transforms and the gate's masks; the rows come
                // back in their stored form and take the native sink and commit path from here.
                let c = try SparkCompiler(project: project, lake: lake, governance: governance).compile(p, forced: forced)
                compiled = c
                schema = try p.source.outputSchema(resolver) ?? .empty
                lineage = PipelineLineage.source(p, schema: schema)
                for t in p.transforms {
                    lineage = try t.columnLineage(input: schema, resolver).composed(after: lineage)
                    schema = try t.outputSchema(input: schema, resolver)
                }
                let out = try SparkStage(project: project, lake: lake, options: options.spark, masker: masker, governance: governance).run(c, p, context, attempt: attempt)
                reader = out.reader
                sparkVersion = out.sparkVersion
            } else {
                reader = try p.source.open(context)
                schema = reader.schema
                lineage = PipelineLineage.source(p, schema: schema)
                for t in p.transforms {
                    let op = try t.makeOperator(input: schema, context)
                    lineage = try t.columnLineage(input: schema, resolver).composed(after: lineage)
                    operators.append(op)
                    schema = op.schema
                }
            }
            // Governance: tags and the layer gate are decided before any row moves (a refusal exits 3
            // with nothing written); enforcing detection settles them on the first rows.
            let inputs = try PlannedGovernance().inputs(of: p, lake: lake, governance: governance)
            governed = try GovernedWrite(governance: governance, masker: masker, target: p.writes, schema: schema,
                                         lineage: lineage, inputTags: inputs.tags, inputMasked: inputs.masked,
                                         declassifications: p.declassifications, forced: forced)
            if compiled != nil {
                governed.storedInput = true
                if !forced.isEmpty { governed.decide(schema: schema) }
            }
            var held: [Batch] = []
            func open() throws -> any BatchSink {
                if let s = sink { return s }
                governed.decide(schema: compiled?.storedSchema ?? schema)
                try governed.plan.check()
                // The detector found, in Spark's output, what the compiled gate did not mask: compile again with it.
                if let compiled, governed.plan.masks != compiled.masks {
                    guard attempt < 3 else {
                        throw StrataError(.runFailed, "the detector kept finding personal data the compiled gate did not cover after \(attempt) attempts; nothing was committed",
                                          hint: "tag these columns in policies/ so the plan covers them from the first row")
                    }
                    throw LateDetection(findings: governed.lateFindings)
                }
                reads.setWriteMasks(governed.recordedMasks)
                facts.set(columns: governed.storedSchema.names, masks: governed.recordedMasks.mapValues(\.description))
                if let external {
                    // The final check, once detection has settled the masks: rows served in another
                    // form are never merged with these.
                    servedForm = Runner.storedForm(governed.storedSchema, masks: governed.recordedMasks.mapValues(\.description))
                    if let stored = published?.state[StateKeys.storedForm], stored != servedForm, !context.fullRefresh,
                       context.rebuild == nil, !external.replacesEveryRun {
                        throw Runner.storedFormChanged(p.writes, pipeline: p.name)
                    }
                }
                let s = try p.sink.open(input: governed.storedSchema, context)
                sink = s
                for b in held { try s.write(try governed.apply(b)) }
                held = []
                return s
            }
            func emit(_ batches: [Batch]) throws {
                for b in batches where b.rowCount > 0 {
                    if sink == nil && governed.needsSample {
                        governed.sample(b)
                        held.append(b)
                        if governed.needsSample { continue }
                        _ = try open()
                        continue
                    }
                    if governed.observe(b) {
                        let late = LateDetection(findings: governed.lateFindings)
                        guard attempt < 3 else {
                            throw StrataError(.runFailed, "the detector kept finding personal data the plan did not cover after \(attempt) attempts (\(late.summary)); nothing was committed",
                                              hint: "tag these columns in policies/ so the plan covers them from the first row")
                        }
                        throw late
                    }
                    try open().write(try governed.apply(b))
                }
            }
            func pushThrough(_ batches: [Batch], from start: Int) throws {
                var current = batches
                for k in start..<operators.count {
                    var next: [Batch] = []
                    for b in current { next += try operators[k].push(b) }
                    current = next
                }
                try emit(current)
            }
            while let batch = try reader.next() {
                try pushThrough([batch], from: 0)
            }
            for k in 0..<operators.count {
                try pushThrough(try operators[k].finish(), from: k + 1)
            }
            _ = try open()
            break
            } catch let late as LateDetection {
                sink?.abort()
                sink = nil
                forced = late.findings
                quarantine.reset()
                context.restart(warningMark: warningMark)
                context.warn("restarted the write: the detector found " + late.summary + " after the sampled rows; every row is now stored under the stronger plan")
            }
            }
            for w in governed.findingWarnings { context.warn(w) }
            let s = sink!
            inputDatasets = try p.reads.map { t in
                var d = LineageDataset(name: recorder.dataset(t), schema: try lake.snapshot(t).schema)
                d.version = versions["input:\(t)"]
                return d
            }
            if p.source.reads.isEmpty {
                var d = LineageDataset(name: sourceDataset, schema: reader.schema)
                d.namespace = sourceNamespace
                inputDatasets.insert(d, at: 0)
            }
            // The pipeline's expect checks, as data-quality assertions on what it read.
            if !inputDatasets.isEmpty {
                inputDatasets[0].assertions = context.checks.map { QualityAssertion(assertion: $0.kind ?? $0.name, success: $0.passed, column: $0.column) }
            }
            var outputs: [LineageDataset] = []
            // A full refresh replaces the pipeline's rejects (even with none this time) instead of adding a copy.
            let replaceRejects = fullRefresh || context.rebuild != nil
            if quarantine.count > 0 || (replaceRejects && lake.exists(QuarantineCollector.table(for: p.writes))) {
                let governedRows = try QuarantineCollector.governed(quarantine.batch(runId: runId, pipeline: p.name, at: context.startedAt),
                                                                    for: p.writes, masker: masker, policyDigest: governance.policies.digest)
                let q = try lake.appendQuarantine(governedRows.batch, for: p.writes, pipeline: p.name, runId: runId,
                                                  replace: replaceRejects, record: governedRows.record, prepare: hook)
                facts.committed()
                var rejects = LineageDataset(name: recorder.dataset(q.table), schema: QuarantineCollector.schema)
                rejects.version = q.version.map(String.init)
                if q.version != nil { rejects.statistics = OutputStatistics(rows: q.rows, bytes: q.bytes, files: q.files) }
                outputs.append(rejects)
                CrashPoint.reach("after-quarantine-commit")
            }
            let summary: CommitSummary
            if let served = s as? any ExternalBatchSink {
                summary = try publish(served, table: p.writes, pipeline: p.name, context: context, version: publishVersion,
                                      expected: published?.version, storedForm: servedForm, hook: hook)
            } else {
                summary = try commit(try s.stage(), pipeline: p.name, context: context, governance: try governed.annotations(),
                                     txnBase: txnBase, hook: hook)
            }
            facts.committed()
            for w in summary.warnings { context.warn(w) }
            sink = nil
            // This commit may store a column more strongly than earlier ones (the detector classified it
            // only now): the earlier files are re-masked at once, not at the next run.
            // Its failure (audited) does not undo the pipeline's commit: reads stay masked file by file,
            // and the next run re-masks.
            do {
                if !p.writes.isExternal, let n = try remask(p.writes, governance: governance, masker: masker, recorder: recorder) {
                    context.warn("re-masked after this commit: " + n.doneSummary)
                }
            } catch {
                context.warn("\(error); the next run re-masks \(p.writes)")
            }
            result.masks = governed.recordedMasks.mapValues(\.description)
            for d in governed.declassified {
                try recorder.declassified(table: p.writes, pipeline: p.name, column: d.column, tags: d.tags.map(\.name).sorted(), reason: d.reason)
            }
            let stored = lake.exists(p.writes) ? try lake.snapshot(p.writes).schema : governed.storedSchema
            let masks = facts.masks
            var output = outputDataset(p)
            output.fields = stored.fields.map { LineageField(name: $0.name, type: $0.type.description) }
            output.columnLineage = recorder.edges(lineage, sourceDataset: sourceDataset, sourceNamespace: sourceNamespace, masks: masks)
            output.version = summary.version.map(String.init) ?? (external != nil ? published.map { String($0.version) }
                : (try? lake.snapshot(p.writes)).map { String($0.version) }) // unreadable: no version
            if summary.version != nil { output.statistics = OutputStatistics(rows: summary.rows, bytes: summary.bytes, files: summary.files) }
            outputs.insert(output, at: 0)
            recorder.completed(p, inputs: inputDatasets, outputs: outputs, engine: sparkVersion.map { ("spark", $0) })
            result.status = summary.version == nil ? .upToDate : .committed
            result.version = summary.version
            result.rowsOut = summary.rows
            result.files = summary.files
        } catch {
            sink?.abort()
            // A publish in doubt may have landed: no record says it failed; the next run settles it.
            if error is PublishInDoubt { facts.committed() }
            let e = p.located((error as? PublishInDoubt)?.error ?? StrataError.wrap(error, .runFailed, "pipeline failed"))
            result.error = e
            result.status = (e.code == .policyRefused) ? .refused : .failed
            let auditFailure = recorder.recordFailure {
                if let pending = facts.pending {
                    try recorder.commitFailed(table: pending.table, version: pending.version, pipeline: p.name, error: e)
                }
                if e.code == .policyRefused {
                    try recorder.refused(table: p.writes, pipeline: p.name, error: e)
                } else {
                    try recorder.failed(table: p.writes, pipeline: p.name, error: e)
                }
            }
            if let auditFailure { result.error = auditFailure }
            if !started { recorder.started(p) }
            // A check that stopped the run did so before the inputs were described: the FAIL
            // event still carries the checks' results, on the pipeline's first input.
            if inputDatasets.isEmpty, !context.checks.isEmpty {
                var d = p.source.reads.isEmpty ? LineageDataset(name: sourceDataset, namespace: sourceNamespace)
                    : LineageDataset(name: recorder.dataset(p.source.reads[0]))
                d.assertions = context.checks.map { QualityAssertion(assertion: $0.kind ?? $0.name, success: $0.passed, column: $0.column) }
                inputDatasets = [d]
            }
            recorder.failedLineage(p, inputs: inputDatasets, error: e)
        }
        let input = context.input
        result.rowsIn = input.rows
        result.bytesIn = input.bytes
        result.quarantined = quarantine.count
        result.warnings = context.warnings
        result.checks = context.checks
        result.seconds = Date().timeIntervalSince(t0)
        return result
    }
}

extension Runner {
    /// The pipeline's output as a lineage dataset: its lake table, or the table its sink serves.
    func outputDataset(_ p: PipelineSpec) -> LineageDataset {
        guard let external = p.sink as? any ExternalSinkConfig else {
            return LineageDataset(name: LineageNames.datasetName(table: p.writes, lakeRoot: project.lakeRoot))
        }
        var d = LineageDataset(name: external.lineageDataset.name)
        d.namespace = external.lineageDataset.namespace
        return d
    }
}

/// A high-confidence finding after the write's plan was settled: the write restarts with it.
struct LateDetection: Error {
    var findings: [Detection]
    var summary: String {
        Set(findings.map { "\($0.kind) in '\($0.column)'" }).sorted().joined(separator: ", ")
    }
}

/// Calls a closure periodically on a background thread until stopped.
final class ProgressTicker: Sendable {
    private let state = TickerState()

    init(interval: TimeInterval, _ tick: @escaping @Sendable () -> Void) {
        let state = self.state
        Thread {
            while true {
                Thread.sleep(forTimeInterval: interval)
                if state.isStopped { return }
                tick()
            }
        }.start()
    }

    func stop() { state.stop() }
}

final class TickerState: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    var isStopped: Bool { lock.lock(); defer { lock.unlock() }; return stopped }
    func stop() { lock.lock(); stopped = true; lock.unlock() }
}

/// What the audit hook needs to know about a pipeline's commits, set once the gate has decided.
final class CommitFacts: @unchecked Sendable {
    private let lock = NSLock()
    private var cols: [String] = []
    private var maskMap: [String: String] = [:]
    private var inFlight: PendingCommit?

    var columns: [String] { lock.withLock { cols } }
    var masks: [String: String] { lock.withLock { maskMap } }
    /// The commit whose audit record was written but whose log write has not succeeded.
    var pending: PendingCommit? { lock.withLock { inFlight } }

    func set(columns: [String], masks: [String: String]) {
        lock.withLock {
            cols = columns
            maskMap = masks
        }
    }

    /// Wraps the recorder's hook to remember the commit in flight until the next one starts.
    func hook(_ inner: @escaping CommitHook) -> CommitHook {
        { [self] pending in
            let out = try inner(pending)
            lock.withLock { inFlight = pending }
            return out
        }
    }

    func committed() { lock.withLock { inFlight = nil } }
}
