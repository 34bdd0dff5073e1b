import StrataCore
import StrataFormats
import StrataGovernance

extension Lake {
    /// Every commit of every table, with the audit hash its `commitInfo` carries and (with
    /// `content`) the digest of its other actions as its file holds them: what `audit verify` and
    /// `reconcile` check. Without `content` no commit file is read twice (a run's crash recovery
    /// needs only which versions exist).
    public func tableCommits(content: Bool = true) throws -> [TableCommit] {
        var out: [TableCommit] = []
        for t in tables() {
            let log = DeltaLog(tablePath: path(of: t))
            let commits = try history(t)
            // Versions before the oldest commit file that a checkpoint covers: they landed, and
            // another writer's log cleanup removed their files.
            if let oldest = commits.last?.version, oldest > 0, let cp = try log.latestCheckpoint(), cp.version >= oldest - 1 {
                for v in 0..<oldest {
                    var c = TableCommit(table: t, version: v, operation: "CLEANED UP")
                    c.historyCleanedUp = true
                    out.append(c)
                }
            }
            for c in commits {
                let sealed = content ? try log.sealedContent(version: c.version).map { Digest.hex(Digest.sha256($0)) } : nil
                out.append(TableCommit(table: t, version: c.version, operation: c.operation,
                                       auditHash: c.fields[AuditLog.commitInfoKey]?.stringValue, contentDigest: sealed))
            }
        }
        return out
    }
}
