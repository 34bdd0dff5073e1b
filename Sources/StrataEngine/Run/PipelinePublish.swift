import Foundation
import StrataCommit
import StrataCore
import StrataFormats
import StrataGovernance

extension Runner {
    /// The commit of a pipeline whose sink serves a table outside the lake: like a lake commit,
    /// the audit record comes first (through the same hook, as a `publish` record) and its hash
    /// is stored with the rows and the incremental state, in the target's one transaction. If
    /// that transaction does not commit, nothing of the run is visible, and the next run voids
    /// the record and publishes again from the same state.
    ///
    /// The state records the policy digest the rows were masked under: when the policies change,
    /// the next run rebuilds the table.
    func publish(_ sink: any ExternalBatchSink, table: TableRef, pipeline: String, context: RunContext,
                 version: Int64, expected: Int64?, policyDigest: String, hook: @escaping CommitHook) throws -> CommitSummary {
        var state = context.fullRefresh ? [:] : context.previousState
        for (k, v) in context.recordedState { state[k] = v }
        state[StateKeys.policyDigest] = policyDigest
        let stateText = String(decoding: try JSONSerialization.data(withJSONObject: state, options: [.sortedKeys]), as: UTF8.self)
        var sealed = false
        let request = PublishRequest(pipeline: pipeline, version: version, state: stateText,
                                     unchanged: !context.fullRefresh && state == context.previousState, expected: expected)
        let outcome = try sink.publish(request) { seal in
            let anchor = try hook(PendingCommit(table: table, version: version, rows: seal.rows, files: 0, bytes: seal.bytes,
                                                operation: seal.operation, content: seal.contentDigest))
            guard let hash = anchor[AuditLog.commitInfoKey], !hash.isEmpty else {
                throw StrataError(.internalError, "the audit record of the publish to \(table) has no hash")
            }
            sealed = true
            return hash
        }
        if !outcome.published {
            return CommitSummary(table: table, version: nil, rows: 0, files: 0, bytes: 0, operation: outcome.operation)
        }
        // A sink that commits without its audit record is a bug the run reports, never a silent publish.
        guard sealed else { throw StrataError(.internalError, "the sink published to \(table) without its audit record") }
        return CommitSummary(table: table, version: version, rows: outcome.rows, files: 0, bytes: outcome.bytes, operation: outcome.operation)
    }
}
