import Foundation
import StrataCommit
import StrataCore
import StrataFormats

/// Names of the commitInfo fields where Strata keeps a pipeline's incremental state.
public enum StateKeys {
    public static let state = "strataState"
    /// In a served table's state: the digest of its stored form (each column's stored type and
    /// mask) when its rows were published.
    public static let storedForm = "strata:stored_form"

    /// The Delta `txn` application id of a pipeline's commits.
    public static func appId(_ pipeline: String) -> String { "strata/" + pipeline }
}

/// A copy of a pipeline's incremental state beside the table's log (`_strata_state/NAME.json`,
/// ignored by Delta readers and vacuum as `_` folders are), tagged with the `txn` version of the
/// pipeline's last commit. It counts only while that `txn` is the table's latest for the
/// pipeline: then it holds the commit's state, or a later one that a merge changing no row
/// advanced to without committing; it also serves when another writer's log cleanup removed
/// the commit itself.
enum StateCopy {
    static func path(tablePath: String, pipeline: String) -> String { tablePath + "/_strata_state/" + pipeline + ".json" }

    static func save(tablePath: String, pipeline: String, txn: Int64, state: [String: String]) throws {
        let file = path(tablePath: tablePath, pipeline: pipeline)
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let data = try JSONSerialization.data(withJSONObject: ["txn": txn, "state": state] as [String: Any], options: [.sortedKeys])
        try data.write(to: URL(fileURLWithPath: file), options: .atomic)
    }

    /// The saved state when it belongs to `txn`; nil when there is none or it is of another commit.
    static func load(tablePath: String, pipeline: String, txn: Int64) -> [String: String]? {
        guard let data = FileManager.default.contents(atPath: path(tablePath: tablePath, pipeline: pipeline)),
              let obj = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any], // unreadable: no copy
              (obj["txn"] as? NSNumber)?.int64Value == txn else { return nil }
        return obj["state"] as? [String: String]
    }
}

extension Runner {
    /// The commit of a pipeline's staged write, made by the engine alone: the incremental state
    /// (what the sources read), the governance record and the sink's facts go into `commitInfo`,
    /// the audit hook appends the commit's record and returns its hash, then the log version is
    /// created. Plugins cannot reach this path: they have no access to StrataCommit.
    ///
    /// The commit carries a Delta `txn` for the pipeline (`strata/NAME`) numbered one past the one
    /// the run saw when it started (`txnBase`): if another strata process committed this pipeline
    /// meanwhile (it read the same input), this commit is skipped instead of appending it twice.
    func commit(_ stage: SinkStage, pipeline: String, context: RunContext, governance: [String: String],
                txnBase: Int64?, hook: @escaping CommitHook) throws -> CommitSummary {
        var state = context.fullRefresh ? [:] : context.previousState
        for (k, v) in context.recordedState { state[k] = v }
        var info = stage.info
        for (k, v) in governance { info[k] = v }
        info[StateKeys.state] = String(decoding: try JSONSerialization.data(withJSONObject: state, options: [.sortedKeys]), as: UTF8.self)
        let ctx = CommitContext(operation: stage.operation, pipeline: pipeline, runId: context.runId,
                                appId: StateKeys.appId(pipeline), txnVersion: (txnBase ?? -1) + 1, info: info, prepare: hook)
        // A merge that changes no row commits no empty version: the state it advanced to (the
        // input versions it read) goes to the copy beside the log, under the pipeline's current
        // txn, which `Lake.lastState` prefers. A crash before the copy is written only means the
        // next run merges the same rows again, which changes nothing again.
        if stage.unchanged, !context.fullRefresh, let txn = txnBase, stage.write.files.isEmpty {
            if state != context.previousState {
                try StateCopy.save(tablePath: stage.write.tablePath, pipeline: pipeline, txn: txn, state: state)
            }
            stage.write.discard()
            return CommitSummary(table: stage.write.table, version: nil, rows: 0, files: 0, bytes: 0, operation: stage.operation)
        }
        var summary = try stage.write.commit(ctx, force: stage.force || state != context.previousState)
        if let rows = stage.reportedRows { summary.rows = rows }
        if summary.version != nil, let txn = ctx.txnVersion {
            // A copy beside the log, for when another writer's log cleanup removes this commit.
            do {
                try StateCopy.save(tablePath: stage.write.tablePath, pipeline: pipeline, txn: txn, state: state)
            } catch {
                context.warn("could not keep a copy of \(pipeline)'s incremental state (\(error)); the log still holds it")
            }
        }
        return summary
    }
}
