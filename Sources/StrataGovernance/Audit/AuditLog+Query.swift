public import StrataCore

/// Which records `AuditLog.query` returns; nil fields match everything.
public struct AuditFilter: Sendable, Hashable {
    /// Records whose resource is this table.
    public var table: TableRef?
    /// Records at or after this time (UTC micros).
    public var since: Int64?
    public var action: AuditAction?
    public var result: AuditResult?
    /// At most this many, the newest ones (the result stays oldest first).
    public var limit: Int?

    public init(table: TableRef? = nil, since: Int64? = nil, action: AuditAction? = nil,
                result: AuditResult? = nil, limit: Int? = nil) {
        self.table = table
        self.since = since
        self.action = action
        self.result = result
        self.limit = limit
    }

    func matches(_ r: AuditRecord) -> Bool {
        if let table, r.event.resource != table.description { return false }
        if let since, r.time < since { return false }
        if let action, r.event.action != action { return false }
        if let result, r.event.result != result { return false }
        return true
    }
}

/// A table commit as the Delta logs show it, for reconciliation.
public struct TableCommit: Sendable, Hashable {
    public var table: TableRef
    public var version: Int64
    /// The Delta operation (`WRITE`, `QUARANTINE`…).
    public var operation: String
    /// `commitInfo.strataAuditHash`, when the commit carries one.
    public var auditHash: String?
    /// SHA-256 (hex) of the commit file's actions other than `commitInfo`, as read back.
    public var contentDigest: String?
    /// The version existed but its commit file is gone: another writer's log cleanup after a
    /// checkpoint. Its records count as landed; its content can no longer be checked.
    public var historyCleanedUp = false

    public init(table: TableRef, version: Int64, operation: String, auditHash: String? = nil, contentDigest: String? = nil) {
        self.contentDigest = contentDigest
        self.table = table
        self.version = version
        self.operation = operation
        self.auditHash = auditHash
    }
}

/// Differences between the lake's table commits and the audit log's commit records.
public struct AuditReconcileReport: Sendable, Hashable {
    /// Commits with no audit record.
    public var missingRecords: [TableCommit] = []
    /// Allowed commit/quarantine records with no such table version (and no later `failed`
    /// record of the same run voiding them).
    public var orphanRecords: [AuditRecord] = []
    /// Commits with more than one audit record.
    public var duplicateRecords: [TableCommit] = []
    /// Commits whose `strataAuditHash` is not the hash of the record for that version.
    public var anchorMismatches: [TableCommit] = []
    /// Commits whose actions (other than `commitInfo`) are not the ones their record sealed.
    public var contentMismatches: [TableCommit] = []
    /// Versions whose commit files a log cleanup removed (counted as landed, not checked).
    public var cleanedUpCommits = 0
    public var commitsChecked = 0
    public var recordsChecked = 0

    public var ok: Bool {
        missingRecords.isEmpty && orphanRecords.isEmpty && duplicateRecords.isEmpty && anchorMismatches.isEmpty && contentMismatches.isEmpty
    }
}

extension AuditLog {
    /// Every readable record, oldest first (lines that are not records are skipped: `verify` reports them).
    public func records() throws -> [AuditRecord] {
        try readAll().lines.compactMap(\.record)
    }

    /// The records matching `filter`, oldest first.
    public func query(_ filter: AuditFilter) throws -> [AuditRecord] {
        var out = try records().filter(filter.matches)
        if let limit = filter.limit, out.count > limit { out = Array(out.suffix(max(0, limit))) }
        return out
    }

    /// A table version a commit record is about.
    struct CommitKey: Hashable { var resource: String; var version: Int64 }

    /// The allowed commit/quarantine/remask records by table version, and the versions whose
    /// records a later `failed` record of the same run voids (the commit failed, or never landed).
    static func commitRecords(_ all: [AuditRecord]) -> (allowed: [CommitKey: [AuditRecord]], voided: Set<CommitKey>) {
        var allowed: [CommitKey: [AuditRecord]] = [:]
        var voided = Set<CommitKey>()
        for r in all where [.commit, .quarantine, .remask].contains(r.event.action) {
            guard let v = r.event.tableVersion else { continue }
            let k = CommitKey(resource: r.event.resource, version: v)
            switch r.event.result {
            case .allowed:
                allowed[k, default: []].append(r)
            case .failed, .denied:
                if allowed[k]?.contains(where: { $0.event.runId == r.event.runId }) == true { voided.insert(k) }
            }
        }
        return (allowed, voided)
    }

    /// The allowed commit records no table version holds and nothing voids: commits that never
    /// landed (a crash between the record and the commit) or were deleted afterwards.
    public func orphanCommitRecords(commits: [TableCommit]) throws -> [AuditRecord] {
        let (allowed, voided) = AuditLog.commitRecords(try records())
        let committed = Set(commits.map { CommitKey(resource: $0.table.description, version: $0.version) })
        return allowed.filter { !committed.contains($0.key) && !voided.contains($0.key) }.flatMap(\.value).sorted { $0.seq < $1.seq }
    }

    /// The allowed publish records of `pipeline` to the external table `resource` that no
    /// `failed` record of their own run voids, oldest first.
    /// `from` is the log's records when the caller has read them already.
    public func livePublishRecords(resource: String, pipeline: String, from read: [AuditRecord]? = nil) throws -> [AuditRecord] {
        let all = try (read ?? records()).filter { $0.event.action == .publish && $0.event.resource == resource && $0.event.pipeline == pipeline }
        let voided = Set(all.filter { $0.event.result != .allowed }.map { "\($0.event.tableVersion ?? -1)|\($0.event.runId ?? "")" })
        return all.filter { r in
            r.event.result == .allowed && r.event.tableVersion != nil && !voided.contains("\(r.event.tableVersion!)|\(r.event.runId ?? "")")
        }
    }

    /// The live publish records (`livePublishRecords`) the target does not hold: publishes whose
    /// transaction never committed (a crash between the record and the commit). The target holds
    /// version `landed` (nil: none) under the record `landedHash`.
    public func orphanPublishRecords(resource: String, pipeline: String, landed: Int64?, landedHash: String?,
                                     from read: [AuditRecord]? = nil) throws -> [AuditRecord] {
        try livePublishRecords(resource: resource, pipeline: pipeline, from: read).filter { r in
            let v = r.event.tableVersion!
            return v > (landed ?? -1) || (v == landed && r.hash != landedHash)
        }
    }

    /// Matches table commits with commit/quarantine records by table and version.
    public func reconcile(commits: [TableCommit]) throws -> AuditReconcileReport {
        var report = AuditReconcileReport()
        let (allowed, voided) = AuditLog.commitRecords(try records())
        report.recordsChecked = allowed.values.reduce(0) { $0 + $1.count }
        var committed = Set<CommitKey>()
        for c in commits.sorted(by: { ($0.table, $0.version) < ($1.table, $1.version) }) {
            report.commitsChecked += 1
            let k = CommitKey(resource: c.table.description, version: c.version)
            committed.insert(k)
            if c.historyCleanedUp { report.cleanedUpCommits += 1; continue }
            var recs = allowed[k] ?? []
            // A run that crashed after auditing a commit that never landed leaves a record for a
            // version a later run committed again: the commit's anchor says which record is its own.
            if recs.count > 1, let h = c.auditHash, recs.contains(where: { $0.hash == h }) {
                recs = recs.filter { $0.hash == h }
            }
            if recs.isEmpty {
                report.missingRecords.append(c)
            } else if recs.count > 1 {
                report.duplicateRecords.append(c)
            } else if let h = c.auditHash, h != recs[0].hash {
                report.anchorMismatches.append(c)
            } else if let sealed = recs[0].event.details[AuditLog.contentDigestKey], sealed != c.contentDigest {
                // The commit's actions are not the ones its record sealed: an `add` removed, a path changed.
                report.contentMismatches.append(c)
            }
        }
        for (k, recs) in allowed where !committed.contains(k) && !voided.contains(k) {
            report.orphanRecords += recs
        }
        report.orphanRecords.sort { $0.seq < $1.seq }
        return report
    }
}
