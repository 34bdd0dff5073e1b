import StrataCore
import StrataFormats
import StrataGovernance

extension Lake {
    /// Every commit of every table, with the audit hash its `commitInfo` carries and the digest of
    /// its other actions as its file holds them: what `audit verify` and `reconcile` check.
    public func tableCommits() throws -> [TableCommit] {
        var out: [TableCommit] = []
        for t in tables() {
            let log = DeltaLog(tablePath: path(of: t))
            for c in try history(t) {
                let sealed = try log.sealedContent(version: c.version).map { Digest.hex(Digest.sha256($0)) }
                out.append(TableCommit(table: t, version: c.version, operation: c.operation,
                                       auditHash: c.fields[AuditLog.commitInfoKey]?.stringValue, contentDigest: sealed))
            }
        }
        return out
    }
}
