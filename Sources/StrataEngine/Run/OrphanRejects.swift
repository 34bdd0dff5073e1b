import Foundation
import StrataCommit
import StrataCore
import StrataFormats
import StrataGovernance

extension Runner {
    /// A pipeline's rejects are committed just before its main commit. When the main commit then
    /// never lands (a crash, a failed commit), those rejects belong to a run that committed
    /// nothing, and the rerun, reading the same input again, would add them a second time. So
    /// before a pipeline runs, rejects of its runs that have no commit in the main table are
    /// voided: the quarantine table is rewritten without them (`QUARANTINE (VOID)`, audited).
    /// Returns how many rows were voided.
    func voidOrphanRejects(_ p: PipelineSpec, runId: String, recorder: RunRecorder) throws -> Int {
        let q = QuarantineCollector.table(for: p.writes)
        guard lake.exists(q) else { return 0 }
        var committedRuns = Set<String>()
        if p.writes.isExternal {
            // A served table's commits are its publishes that landed: the live publish records
            // (those that never landed were voided when the run read the target's state).
            for r in try recorder.audit.livePublishRecords(resource: p.writes.description, pipeline: p.name) {
                if let run = r.event.runId { committedRuns.insert(run) }
            }
        } else if lake.exists(p.writes) {
            for c in try lake.history(p.writes) where c.fields["strataPipeline"]?.stringValue == p.name {
                if let r = c.fields["strataRunId"]?.stringValue { committedRuns.insert(r) }
            }
        }
        let log = DeltaLog(tablePath: lake.path(of: q))
        var orphanFiles = Set<String>()
        for v in try log.versions() {
            let actions = try log.actions(version: v)
            guard let info = actions.lazy.compactMap({ a -> DeltaCommitInfo? in if case .commitInfo(let c) = a { return c } else { return nil } }).first,
                  info.operation == "QUARANTINE", info.fields["strataPipeline"]?.stringValue == p.name,
                  let run = info.fields["strataRunId"]?.stringValue, !committedRuns.contains(run) else { continue }
            for case .add(let f) in actions { orphanFiles.insert(f.path) }
        }
        let snap = try lake.snapshot(q)
        let orphans = snap.files.filter { orphanFiles.contains($0.path) }
        guard !orphans.isEmpty else { return 0 }
        var o = TableWriteOptions()
        o.mode = .overwrite
        o.partitionBy = snap.metadata.partitionColumns
        let writer = try DeltaTableWriter(table: q, tablePath: lake.path(of: q), schema: snap.schema, options: o)
        do {
            let reader = try DeltaTableReader(tablePath: lake.path(of: q), onlyFiles: snap.files.filter { !orphanFiles.contains($0.path) })
            while let b = try reader.next() { try writer.write(b) }
            var info: [String: String] = ["strataVoidedRows": String(orphans.reduce(0) { $0 + ($1.numRecords ?? 0) })]
            if let record = try lake.governance(of: q).latest { info[GovernanceRecord.commitInfoKey] = try record.encoded() }
            let ctx = CommitContext(operation: "QUARANTINE (VOID)", pipeline: p.name, runId: runId, info: info,
                                    prepare: recorder.commitHook(pipeline: p.name, columns: { snap.schema.names }, masks: { [:] }))
            _ = try writer.commit(ctx, force: true)
        } catch {
            writer.abort()
            throw StrataError.wrap(error, .runFailed, "cannot void the rejects of an earlier run of \(p.name) that committed nothing")
        }
        return orphans.reduce(0) { $0 + ($1.numRecords ?? 0) }
    }
}
