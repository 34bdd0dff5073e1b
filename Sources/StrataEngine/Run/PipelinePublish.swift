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
    /// The state records the stored form the rows were published in (`storedForm`): when the
    /// policies or declassifications change it, the next run republishes the table whole.
    func publish(_ sink: any ExternalBatchSink, table: TableRef, pipeline: String, context: RunContext,
                 version: Int64, expected: Int64?, storedForm: String, hook: @escaping CommitHook) throws -> CommitSummary {
        var state = context.fullRefresh ? [:] : context.previousState
        for (k, v) in context.recordedState { state[k] = v }
        state[StateKeys.storedForm] = storedForm
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

    /// The digest of a table's stored form: each column's stored type and mask, in order.
    static func storedForm(_ schema: Schema, masks: [String: String]) -> String {
        Digest.hex(Digest.sha256(schema.fields.map { "\($0.name):\($0.type):\(masks[$0.name] ?? "raw")" }.joined(separator: ";")))
    }

    /// The refusal for a served table whose stored form changed when the run cannot republish it
    /// whole by itself (a merge fed by files or a database, whose earlier input may be gone).
    static func storedFormChanged(_ table: TableRef, pipeline: String) -> StrataError {
        StrataError(.runFailed, "the masks or types of \(table)'s columns changed since its last publish (a policy, declassification or detection change), and the rows served before keep the old form",
                    hint: "republish it whole with `strata run --full-refresh \(pipeline)` (it reads the whole input again)")
    }
}
