import Foundation
import StrataCommit
import StrataCore
import StrataFormats

/// Names of the commitInfo fields where Strata keeps a pipeline's incremental state.
public enum StateKeys {
    public static let state = "strataState"

    /// The Delta `txn` application id of a pipeline's commits.
    public static func appId(_ pipeline: String) -> String { "strata/" + pipeline }
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
        var summary = try stage.write.commit(ctx, force: stage.force || state != context.previousState)
        if let rows = stage.reportedRows { summary.rows = rows }
        return summary
    }
}
