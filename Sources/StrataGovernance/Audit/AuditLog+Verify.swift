public import StrataCore
import StrataFormats
import Foundation

/// A table commit's claim on the audit log: its Delta `commitInfo.strataAuditHash`.
public struct AuditAnchor: Sendable, Hashable {
    public var table: TableRef
    public var version: Int64
    /// The audit record hash the commit carries.
    public var hash: String
    /// SHA-256 (hex) of the commit's actions other than `commitInfo`, as read from its file.
    public var contentDigest: String?

    public init(table: TableRef, version: Int64, hash: String, contentDigest: String? = nil) {
        self.table = table
        self.version = version
        self.hash = hash
        self.contentDigest = contentDigest
    }
}

/// The first thing wrong with an audit log, located at a file, line and sequence number.
public struct AuditProblem: Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// The last line has no newline: a torn write or an edit.
        case tornLine
        /// A line is not a record (bad JSON, unknown or missing key, wrong type).
        case malformed
        /// A record parses but its bytes are not the canonical text (whitespace, escapes, key order).
        case notCanonical
        /// A record's content does not match its own hash.
        case hashMismatch
        /// A record's `prev` is not the previous record's hash.
        case chainBroken
        /// Sequence numbers jump: records between were deleted.
        case missingRecords
        /// Sequence numbers go back or repeat: lines were moved or copied.
        case reordered
        /// A record sits in the segment of another day.
        case misplaced
        /// Records after the last one were removed (HEAD or an anchor names a later record).
        case truncated
        /// HEAD names a hash the log does not have at that sequence number.
        case headMismatch
        /// HEAD is missing although the log has records.
        case headMissing
        /// A table commit anchors a hash the log does not have, or that belongs to another table or version.
        case anchorMismatch
        /// A commit's actions are not the ones its audit record sealed (an `add` removed or changed).
        case contentMismatch
        /// A commit record names a table version that does not exist (the commit file was deleted,
        /// or a run crashed at its commit and no later run voided the record yet).
        case commitMissing
        /// HEAD is not authenticated by the configured key (rewritten, or written without the key).
        case headUnauthenticated
        /// An HMAC record was found but no key is configured to check it.
        case keyRequired
        /// A plain SHA-256 record follows an HMAC record: the chain was rewritten without the key.
        case downgrade
    }

    public var kind: Kind
    /// The segment file name (`audit-2026-01-15.jsonl`), when the problem is at a line.
    public var file: String?
    /// 1-based line in `file`.
    public var line: Int?
    /// The sequence number of the first bad (or first missing) record.
    public var seq: Int64?
    public var message: String

    /// `audit-2026-01-15.jsonl:3: record 3: hash mismatch: …`
    public var description: String {
        var s = ""
        if let file { s += line.map { "\(file):\($0): " } ?? "\(file): " }
        if let seq { s += "record \(seq): " }
        return s + message
    }
}

/// What `AuditLog.verify` checked and the first problem it found.
public struct AuditVerifyReport: Sendable, Hashable {
    public var records = 0
    public var segments = 0
    public var anchorsChecked = 0
    public var headChecked = false
    public var lastSeq: Int64 = 0
    public var lastHash: String = AuditRecord.genesis
    public var keyed = false
    public var problem: AuditProblem?

    public var ok: Bool { problem == nil }
}

extension AuditLog {
    /// One line as read back.
    struct ReadLine {
        var file: String
        var line: Int
        var bytes: ArraySlice<UInt8>
        var complete: Bool
        var record: AuditRecord?
        var failure: String?
    }

    /// Reads and decodes every line of every segment, in order.
    func readAll() throws -> (lines: [ReadLine], segments: Int) {
        let names = try segments()
        var out: [ReadLine] = []
        for name in names {
            guard let bytes = try AppendOnlyFile.read(directory + "/" + name) else { continue }
            for l in AppendOnlyFile.lines(bytes) {
                var r = ReadLine(file: name, line: l.number, bytes: l.bytes, complete: l.complete)
                do {
                    r.record = try AuditRecord.decode(line: l.bytes)
                } catch let f as AuditRecord.DecodeFailure {
                    r.failure = f.message
                }
                out.append(r)
            }
        }
        return (out, names.count)
    }

    /// Checks the whole chain, then `HEAD`, then each anchor; reports the first problem.
    ///
    /// Per line, in log order: complete line, a record, canonical bytes, in its day's segment,
    /// sequence number = previous + 1 (else missing or reordered records), hash algorithm (an HMAC
    /// record needs the key; no SHA-256 record after an HMAC one when keyed), own hash, `prev` =
    /// previous hash. Then `HEAD` must name the last record (or an earlier one with the same hash,
    /// after a crash between the append and the HEAD update), and every anchor's hash must be a
    /// record of that table and version.
    ///
    /// With `tables` (every table's committed versions), a commit record naming a version no table
    /// holds, and that no failure record voids, is reported too (a deleted latest commit).
    public func verify(anchors: [AuditAnchor] = [], tables: [TableCommit]? = nil) throws -> AuditVerifyReport {
        var report = AuditVerifyReport()
        report.keyed = key != nil
        let lock: FileLock? = FileManager.default.fileExists(atPath: directory) ? try FileLock(path: lockPath) : nil
        defer { withExtendedLifetime(lock) {} }
        let (lines, segmentCount) = try readAll()
        report.segments = segmentCount
        let head = try? readHead() // nil: missing or damaged, told apart on the next line and reported
        let headDamaged = head == nil && (try? AppendOnlyFile.read(headPath)) != nil // an unreadable HEAD counts as damaged

        var prevHash = AuditRecord.genesis
        var lastSeq: Int64 = 0
        var seenHMAC = false
        var byHash: [String: AuditRecord] = [:]
        var hashAtSeq: [Int64: String] = [:]
        let allSeqs = Set(lines.compactMap { $0.record?.seq })

        func fail(_ kind: AuditProblem.Kind, _ l: ReadLine, seq: Int64?, _ message: String) -> AuditVerifyReport {
            var r = report
            r.problem = AuditProblem(kind: kind, file: l.file, line: l.line, seq: seq, message: message)
            return r
        }

        for l in lines {
            let expected = lastSeq + 1
            guard l.complete else {
                return fail(.tornLine, l, seq: expected, "the line has no final newline: a write was cut short or the file was edited")
            }
            guard let r = l.record else {
                return fail(.malformed, l, seq: expected, "not an audit record: \(l.failure ?? "unreadable")")
            }
            guard Array(r.line.dropLast()) == Array(l.bytes) else {
                return fail(.notCanonical, l, seq: r.seq, "the bytes are not the record's canonical text: the line was edited")
            }
            if r.seq != expected {
                if r.seq > expected && !allSeqs.contains(expected) {
                    let range = r.seq - 1 == expected ? "\(expected) is" : "\(expected)…\(r.seq - 1) are"
                    return fail(.missingRecords, l, seq: expected, "record \(range) missing before this line (found record \(r.seq)): records were deleted")
                }
                return fail(.reordered, l, seq: r.seq, "found record \(r.seq) where record \(expected) belongs: lines were moved or copied")
            }
            if "audit-\(UTCTime.day(r.time)).jsonl" != l.file {
                return fail(.misplaced, l, seq: r.seq, "the record's time \(UTCTime.micros(r.time)) belongs in audit-\(UTCTime.day(r.time)).jsonl")
            }
            switch r.alg {
            case .hmacSHA256:
                guard let key else {
                    return fail(.keyRequired, l, seq: r.seq, "the record is keyed (HMAC-SHA-256, key \(r.keyId ?? "?")) but \(AuditKey.environmentVariable) is not set")
                }
                guard r.keyId == key.id else {
                    return fail(.hashMismatch, l, seq: r.seq, "the record is keyed with key \(r.keyId ?? "?"), not with this \(AuditKey.environmentVariable) (\(key.id))")
                }
                seenHMAC = true
            case .sha256:
                if seenHMAC && key != nil {
                    return fail(.downgrade, l, seq: r.seq, "a plain SHA-256 record follows keyed records: the chain was rewritten without the key")
                }
            }
            guard r.computedHash(key: key?.bytes) == r.hash else {
                return fail(.hashMismatch, l, seq: r.seq,
                            r.alg == .hmacSHA256 ? "the record does not match its HMAC: it was changed, or the key is wrong"
                                                 : "the record does not match its hash: it was changed after it was written")
            }
            guard r.prev == prevHash else {
                return fail(.chainBroken, l, seq: r.seq, "'prev' is not the hash of the record before it: a record before it was changed, removed or replaced")
            }
            prevHash = r.hash
            lastSeq = r.seq
            byHash[r.hash] = r
            hashAtSeq[r.seq] = r.hash
            report.records += 1
        }
        report.lastSeq = lastSeq
        report.lastHash = prevHash

        // HEAD: truncation of the end of the log.
        let lastFile = lines.last?.file
        if let head {
            report.headChecked = true
            // HEAD says who sealed it: a keyed HEAD needs the key, and with a key HEAD must prove itself.
            if key == nil, head.mac != nil || head.alg == .hmacSHA256 {
                report.problem = AuditProblem(kind: .keyRequired, file: "HEAD", line: nil, seq: head.seq,
                                              message: "the log is keyed (HEAD is sealed with HMAC-SHA-256, key \(head.keyId ?? "?")) but \(AuditKey.environmentVariable) is not set: a keyed log never verifies unkeyed")
                return report
            }
            if let key, !head.isAuthentic(under: key) {
                let why = head.mac == nil ? "HEAD carries no seal: the log was rewritten without the key, or written before the key was set (one `strata run` with the key seals it)"
                    : head.keyId != key.id ? "HEAD is sealed by another key (\(head.keyId ?? "?"), this one is \(key.id))"
                    : "HEAD's seal does not match its content: HEAD was rewritten"
                report.problem = AuditProblem(kind: .headUnauthenticated, file: "HEAD", line: nil, seq: head.seq, message: why)
                return report
            }
            if head.seq > lastSeq {
                report.problem = AuditProblem(kind: .truncated, file: lastFile ?? head.segment, line: nil, seq: lastSeq + 1,
                                              message: "the log ends at record \(lastSeq) but HEAD names record \(head.seq): records \(lastSeq + 1)…\(head.seq) were removed")
                return report
            }
            if hashAtSeq[head.seq] != head.hash {
                report.problem = AuditProblem(kind: .headMismatch, file: "HEAD", line: nil, seq: head.seq,
                                              message: "HEAD's hash for record \(head.seq) is not the log's: the log or HEAD was rewritten")
                return report
            }
        } else if lastSeq > 0 {
            report.problem = AuditProblem(kind: .headMissing, file: "HEAD", line: nil, seq: nil,
                                          message: headDamaged ? "HEAD is damaged" : "HEAD is missing although the log has \(lastSeq) records: it was deleted")
            return report
        }

        // Anchors: table commits that name audit records.
        for a in anchors.sorted(by: { ($0.table, $0.version) < ($1.table, $1.version) }) {
            report.anchorsChecked += 1
            guard let r = byHash[a.hash] else {
                report.problem = AuditProblem(kind: .truncated, file: lastFile, line: nil, seq: lastSeq + 1,
                                              message: "\(a.table) version \(a.version) anchors an audit record that is not in the log (hash \(a.hash.prefix(12))…): records after \(lastSeq) were removed, or the chain was rewritten")
                return report
            }
            guard r.event.resource == a.table.description, r.event.tableVersion == a.version else {
                report.problem = AuditProblem(kind: .anchorMismatch, file: nil, line: nil, seq: r.seq,
                                              message: "\(a.table) version \(a.version) anchors record \(r.seq), which is about \(r.event.resource) version \(r.event.tableVersion.map(String.init) ?? "none")")
                return report
            }
            if let sealed = r.event.details[AuditLog.contentDigestKey], sealed != a.contentDigest {
                report.problem = AuditProblem(kind: .contentMismatch, file: nil, line: nil, seq: r.seq,
                                              message: "\(a.table) version \(a.version) does not hold the actions record \(r.seq) sealed: an action (a data file's add or remove, the schema) was removed or changed in its commit file")
                return report
            }
        }
        // Commit records whose version no table holds (and that no failure record voids).
        guard let tables else { return report }
        let (allowed, voided) = AuditLog.commitRecords(lines.compactMap(\.record))
        let anchored = Set(tables.map { CommitKey(resource: $0.table.description, version: $0.version) })
        if let orphan = allowed.filter({ !anchored.contains($0.key) && !voided.contains($0.key) }).flatMap(\.value).min(by: { $0.seq < $1.seq }) {
            report.problem = AuditProblem(kind: .commitMissing, file: nil, line: nil, seq: orphan.seq,
                                          message: "the record says \(orphan.event.resource) version \(orphan.event.tableVersion ?? -1) was committed, but the table has no such version: its commit file was deleted, or a run was killed at that commit (the next `strata run` voids records of commits that never landed, and says so)")
        }
        return report
    }
}
