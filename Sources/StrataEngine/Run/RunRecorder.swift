import Foundation
import StrataCommit
import StrataCore
import StrataFormats
import StrataGovernance

/// The records every run leaves: audit records around every commit, refusal and failure, and
/// OpenLineage START / COMPLETE / FAIL events per pipeline. Typed events the engine emits; no
/// plugin builds them.
///
/// Commit protocol: the audit record of a commit is appended first, its hash goes into the commit's
/// `commitInfo` (`strataAuditHash`, the anchor `audit verify` checks), then the log is written; if
/// writing the log fails, a `failed` record for the same table and version follows.
final class RunRecorder: @unchecked Sendable {
    let project: Project
    let audit: AuditLog
    let lineage: LineageStore
    let actor: String
    let runId: String
    let configDigest: String
    let policyDigest: String
    private let lock = NSLock()
    private var warningList: [String] = []

    init(project: Project, actor: String?, runId: String, policyDigest: String) throws {
        self.project = project
        self.audit = AuditLog(lakeRoot: project.lakeRoot, key: try AuditKey.fromEnvironment())
        self.lineage = LineageStore(projectRoot: project.root, endpoint: project.lineageEndpoint)
        self.actor = AuditActor.resolve(flag: actor)
        self.runId = runId
        self.configDigest = Digest.hex(Digest.sha256(project.configText))
        self.policyDigest = policyDigest
    }

    /// Warnings for the run summary (an unreachable lineage endpoint, say).
    var warnings: [String] { lock.withLock { warningList } }

    private func warn(_ w: [String]) {
        guard !w.isEmpty else { return }
        lock.withLock { warningList += w }
    }

    func event(_ action: AuditAction, resource: String, pipeline: String? = nil, version: Int64? = nil,
               result: AuditResult = .allowed, reason: String? = nil) -> AuditEvent {
        AuditEvent(actor: actor, action: action, resource: resource, tableVersion: version, pipeline: pipeline, runId: runId,
                   configDigest: configDigest, policyDigest: policyDigest, result: result, reason: reason)
    }

    /// A record when the config or the policies changed since the last recorded run.
    func recordDigestChanges() throws {
        let last = try audit.lastDigests()
        var events: [AuditEvent] = []
        if let c = last.config, c != configDigest {
            var e = event(.digestChange, resource: "config")
            e.details = ["previousDigest": c, "file": project.configPath]
            events.append(e)
        }
        if let p = last.policy, p != policyDigest {
            var e = event(.digestChange, resource: "policies")
            e.details = ["previousDigest": p, "folder": project.policiesRoot]
            events.append(e)
        }
        _ = try audit.append(events)
    }

    /// Crash recovery, at run start under the lake lock: the commit records of commits that never
    /// landed (a run killed between its record and its Delta commit) get a `failed` record of their
    /// own run, so `audit reconcile` and `verify` agree again. Returns how many were voided.
    func voidCommitsThatNeverLanded(_ lake: Lake) throws -> Int {
        let orphans = try audit.orphanCommitRecords(commits: try lake.tableCommits(content: false))
        guard !orphans.isEmpty else { return 0 }
        _ = try audit.append(orphans.map { o in
            AuditEvent(actor: actor, action: o.event.action, resource: o.event.resource, tableVersion: o.event.tableVersion,
                       pipeline: o.event.pipeline, runId: o.event.runId, configDigest: configDigest, policyDigest: policyDigest,
                       result: .failed, reason: "the commit never landed: no version \(o.event.tableVersion ?? -1) of \(o.event.resource) exists (run \(o.event.runId ?? "?") was killed at its commit, or the commit file was deleted)",
                       details: ["voids": String(o.seq), "voided_by_run": runId])
        })
        return orphans.count
    }

    /// Crash recovery for a pipeline that publishes outside the lake, before it runs: its publish
    /// records that the target does not hold (the run was killed between the record and the
    /// target's commit) get a `failed` record of their own run. Returns how many were voided and
    /// the number of the next publish (past every number the log has used).
    ///
    /// The target is the only witness of what landed: a target without the pipeline's state (its
    /// first publish was killed, or its state table was dropped) voids every live record. The
    /// rows stay right either way: with no state the sources read their whole input again, and a
    /// merge of rows already there changes nothing.
    func servedPublishes(table: TableRef, pipeline: String, target: PublishTarget) throws -> (voided: Int, nextVersion: Int64) {
        // The log is read once: the numbers it has used, and the records the target does not hold.
        let all = try audit.records()
        let used = all.filter { $0.event.action == .publish && $0.event.resource == table.description && $0.event.pipeline == pipeline }
        let next = max(used.compactMap(\.event.tableVersion).max() ?? -1, target.published?.version ?? -1) + 1
        let orphans = try audit.orphanPublishRecords(resource: table.description, pipeline: pipeline,
                                                     landed: target.published?.version, landedHash: target.published?.auditHash, from: used)
        guard !orphans.isEmpty else { return (0, next) }
        _ = try audit.append(orphans.map { o in
            AuditEvent(actor: actor, action: .publish, resource: o.event.resource, tableVersion: o.event.tableVersion,
                       pipeline: o.event.pipeline, runId: o.event.runId, configDigest: configDigest, policyDigest: policyDigest,
                       result: .failed, reason: "the publish never landed: \(o.event.resource) does not hold publish \(o.event.tableVersion ?? -1) (run \(o.event.runId ?? "?") was killed before its transaction committed, or the target lost its state: the database was restored to before it, or its _strata_state row was removed)",
                       details: ["voids": String(o.seq), "voided_by_run": runId])
        })
        return (orphans.count, next)
    }

    /// The hook every commit of a pipeline goes through.
    func commitHook(pipeline: String, columns: @escaping @Sendable () -> [String], masks: @escaping @Sendable () -> [String: String]) -> CommitHook {
        { [self] pending in
            let action: AuditAction = pending.table.isExternal ? .publish
                : Runner.purgeOperations.contains(pending.operation) ? .remask : pending.table.layer == .quarantine ? .quarantine : .commit
            var e = event(action, resource: pending.table.description,
                          pipeline: pipeline, version: pending.version)
            e.rows = Int64(pending.rows)
            e.files = Int64(pending.files)
            e.bytes = Int64(pending.bytes)
            // A publish's content is already the SHA-256 of the rows it sent.
            let digest = pending.table.isExternal ? Digest.hex(pending.content) : Digest.hex(Digest.sha256(pending.content))
            e.details = ["operation": pending.operation, AuditLog.contentDigestKey: digest]
            if pending.table.layer != .quarantine {
                e.columns = columns()
                e.masks = masks()
            }
            let records = try audit.append([e])
            CrashPoint.reach("after-commit-record") // killed between a commit's audit record and its Delta commit
            return [AuditLog.commitInfoKey: records.last?.hash ?? ""]
        }
    }

    /// The error to throw after an engine rewrite (re-masking, optimize) of `table` failed, once
    /// the failure is audited like a pipeline's: a commit record already written is cancelled.
    func auditRewriteFailure(_ error: any Error, table: TableRef, pipeline: String, facts: CommitFacts, message: String) -> any Error {
        let e = StrataError.wrap(error, .runFailed, message)
        if let auditError = recordFailure({
            if let pending = facts.pending {
                try commitFailed(table: pending.table, version: pending.version, pipeline: pipeline, error: e)
            }
            try failed(table: table, pipeline: pipeline, error: e)
        }) { return auditError }
        return e
    }

    /// After a failed commit attempt: the record that cancels its `commit` record.
    func commitFailed(table: TableRef, version: Int64, pipeline: String, error: StrataError) throws {
        _ = try audit.append([event(table.isExternal ? .publish : .commit, resource: table.description, pipeline: pipeline, version: version,
                                     result: .failed, reason: error.description)])
    }

    func refused(table: TableRef, pipeline: String, error: StrataError) throws {
        _ = try audit.append([event(.refuse, resource: table.description, pipeline: pipeline, result: .denied, reason: error.description)])
    }

    func failed(table: TableRef, pipeline: String, error: StrataError) throws {
        _ = try audit.append([event(.runFailed, resource: table.description, pipeline: pipeline, result: .failed, reason: error.description)])
    }

    /// Runs `write` (audit records of a failure); when they cannot be written, returns the error the
    /// pipeline then reports instead (the run fails either way, and says the audit trail is incomplete).
    func recordFailure(_ write: () throws -> Void) -> StrataError? {
        do {
            try write()
            return nil
        } catch {
            return StrataError.wrap(error, .io, "the pipeline failed and its audit record could not be written")
        }
    }

    func declassified(table: TableRef, pipeline: String, column: String, tags: [String], reason: String) throws {
        var e = event(.declassify, resource: table.description, pipeline: pipeline, reason: reason)
        e.columns = [column]
        e.details = ["tags": tags.joined(separator: ",")]
        _ = try audit.append([e])
    }

    // MARK: lineage

    func jobRunId(_ pipeline: String) -> String { LineageNames.jobRunId(runId: runId, pipeline: pipeline) }

    func dataset(_ table: TableRef) -> String {
        LineageNames.datasetName(table: table, lakeRoot: project.lakeRoot)
    }

    func emit(_ e: OpenLineageRunEvent, parent: Bool = true) {
        var e = e
        if parent { e.parentRunId = runId }
        do { warn(try lineage.emit(e)) } catch { warn(["lineage events could not be written: \(error)"]) }
    }

    /// The `strata run` itself, the parent run of its pipelines' runs (job `strata_run`, type DAG).
    func run(_ type: LineageEventType, error: String? = nil) {
        var e = OpenLineageRunEvent(eventType: type, eventTime: Temporal.nowMicros(), runId: runId, jobName: "strata_run",
                                    jobDescription: "strata run of \(project.configPath)", errorMessage: error)
        e.jobType = "DAG"
        emit(e, parent: false)
    }

    /// A pipeline that did not run because an upstream one failed: START, then ABORT saying why.
    func skipped(_ p: PipelineSpec, because reason: String) {
        started(p)
        emit(OpenLineageRunEvent(eventType: .abort, eventTime: Temporal.nowMicros(), runId: jobRunId(p.name), jobName: p.name,
                                 jobDescription: p.description, errorMessage: reason))
    }

    func started(_ p: PipelineSpec) {
        emit(OpenLineageRunEvent(eventType: .start, eventTime: Temporal.nowMicros(), runId: jobRunId(p.name), jobName: p.name,
                                 jobDescription: p.description))
    }

    /// `engine`: the engine that computed the pipeline when it was not Strata (`spark`, version).
    func completed(_ p: PipelineSpec, inputs: [LineageDataset], outputs: [LineageDataset], engine: (name: String, version: String)? = nil) {
        var e = OpenLineageRunEvent(eventType: .complete, eventTime: Temporal.nowMicros(), runId: jobRunId(p.name), jobName: p.name,
                                    inputs: inputs, outputs: outputs, jobDescription: p.description)
        if let engine { (e.engineName, e.engineVersion) = engine }
        emit(e)
    }

    func failedLineage(_ p: PipelineSpec, inputs: [LineageDataset], error: StrataError) {
        emit(OpenLineageRunEvent(eventType: .fail, eventTime: Temporal.nowMicros(), runId: jobRunId(p.name), jobName: p.name,
                                 inputs: inputs, jobDescription: p.description, errorMessage: error.description))
    }

    /// The columnLineage edges of a pipeline's output, in terms of its input datasets.
    func edges(_ lineage: ColumnLineage, sourceDataset: String, sourceNamespace: String = LineageNames.fileNamespace,
               masks: [String: String]) -> [ColumnLineageEdge] {
        func name(_ ref: ColumnRef) -> String { ref.table.map(dataset) ?? sourceDataset }
        func namespace(_ ref: ColumnRef) -> String { ref.table == nil ? sourceNamespace : LineageNames.fileNamespace }
        var out: [ColumnLineageEdge] = []
        for (column, edges) in lineage.direct.sorted(by: { $0.key < $1.key }) {
            for e in edges {
                let subtype: ColumnTransformationSubtype = switch e.kind {
                case .identity: masks[column] == nil ? .identity : .transformation
                case .transformation: .transformation
                case .aggregation: .aggregation
                }
                let description = masks[column].map { m in "masked: \(m)" + (e.description.map { "; \($0)" } ?? "") } ?? e.description
                out.append(ColumnLineageEdge(outputColumn: column, inputDataset: name(e.input), inputColumn: e.input.column,
                                             subtype: subtype, description: description, masking: masks[column] != nil,
                                             inputNamespace: namespace(e.input)))
            }
        }
        for i in lineage.indirect {
            let subtype: ColumnTransformationSubtype = switch i.kind {
            case .join: .join
            case .groupBy: .groupBy
            case .filter: .filter
            case .sort: .sort
            case .window: .window
            case .conditional: .conditional
            }
            out.append(ColumnLineageEdge(outputColumn: nil, inputDataset: name(i.input), inputColumn: i.input.column,
                                         subtype: subtype, description: nil, masking: false, inputNamespace: namespace(i.input)))
        }
        return out
    }
}
