import StrataCore
import StrataFormats
import Foundation

/// The lake's tamper-evident audit log: `<lake>/_audit/audit-YYYY-MM-DD.jsonl`, one canonical
/// JSON record per line, one file per UTC day, chained by hashes.
///
/// Each record carries `prev` (the previous record's `hash`) and its own `hash`: SHA-256 of its
/// canonical text, or HMAC-SHA-256 when an `AuditKey` is configured. `_audit/HEAD` holds the last
/// sequence number and hash, replaced atomically after every append, so cutting records off
/// the end is detected even when no table commit anchors them.
///
/// Appends are serialized by an exclusive `flock` on `_audit/.lock` (across threads and
/// processes): read the tail, write all new lines with one `write(2)` on an `O_APPEND` file,
/// `fsync`, update `HEAD`. A torn or damaged tail makes `append` refuse (fail closed).
///
/// The engine's commit protocol: append the `.commit` record for the version about to be
/// committed, write its `hash` into the Delta `commitInfo` as `strataAuditHash`
/// (`AuditLog.commitInfoKey`), commit; if the commit then fails, append a `.commit` record with
/// result `.failed` for the same table, version and run id, which voids the first in `reconcile`.
public struct AuditLog: Sendable {
    /// The lake folder.
    public let lakeRoot: String
    let key: AuditKey?
    /// Clock (UTC micros); tests pin it to write several days' segments.
    let clock: @Sendable () -> Int64

    /// The log of the lake at `lakeRoot`, hashing with HMAC-SHA-256 when `key` is given.
    public init(lakeRoot: String, key: AuditKey? = nil) {
        self.init(lakeRoot: lakeRoot, key: key, clock: { Temporal.nowMicros() })
    }

    init(lakeRoot: String, key: AuditKey?, clock: @escaping @Sendable () -> Int64) {
        var p = lakeRoot
        while p.count > 1, p.hasSuffix("/") { p.removeLast() }
        self.lakeRoot = p
        self.key = key
        self.clock = clock
    }

    /// The Delta `commitInfo` field in which the engine anchors a commit's audit record hash.
    public static let commitInfoKey = "strataAuditHash"

    /// `<lake>/_audit`.
    public var directory: String { lakeRoot + "/_audit" }
    var lockPath: String { directory + "/.lock" }
    var headPath: String { directory + "/HEAD" }

    /// `audit-2026-01-15.jsonl`.
    static func segmentName(day: String) -> String { "audit-\(day).jsonl" }

    /// The segment files, oldest first (names sort by day).
    public func segments() throws -> [String] {
        guard FileManager.default.fileExists(atPath: directory) else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw StrataError(.io, "cannot list \(directory)", cause: "\(error)")
        }
        return names.filter { $0.hasPrefix("audit-") && $0.hasSuffix(".jsonl") }.sorted()
    }

    /// The hash algorithm new records use.
    public var algorithm: AuditHashAlgorithm { key == nil ? .sha256 : .hmacSHA256 }

    /// Appends `events` in order as one atomic batch and returns their records (with `seq`, `time`
    /// and hashes), so the caller can anchor a commit on `hash`.
    ///
    /// Throws `.corruptData` when the log's tail is torn, unreadable or behind `HEAD` (truncated):
    /// nothing is appended to a log that no longer verifies at its end.
    @discardableResult
    public func append(_ events: [AuditEvent]) throws -> [AuditRecord] {
        guard !events.isEmpty else { return [] }
        try AppendOnlyFile.ensureDirectory(directory)
        let lock = try FileLock(path: lockPath)
        defer { withExtendedLifetime(lock) {} }
        let tail = try readTail()
        let head = try readHead()
        if let head {
            guard let tail, tail.seq >= head.seq else {
                throw StrataError(.corruptData,
                                  "the audit log ends before record \(head.seq) that \(headPath) names: records were removed",
                                  hint: "run `strata audit verify`; restore _audit/ from a backup")
            }
            if tail.seq == head.seq && tail.hash != head.hash {
                throw StrataError(.corruptData, "the audit log's last record \(tail.seq) does not match \(headPath)",
                                  hint: "run `strata audit verify`; restore _audit/ from a backup")
            }
        }
        var seq = tail?.seq ?? 0
        var prev = tail?.hash ?? AuditRecord.genesis
        // Time never goes backwards within the chain, so segments stay in day order.
        let now = max(clock(), tail?.time ?? Int64.min)
        var records: [AuditRecord] = []
        var bytes: [UInt8] = []
        for e in events {
            seq += 1
            var r = AuditRecord(seq: seq, time: now, event: e, prev: prev, alg: algorithm, hash: "")
            r.hash = r.computedHash(key: key?.bytes)!
            prev = r.hash
            bytes += r.line
            records.append(r)
        }
        let segment = directory + "/" + AuditLog.segmentName(day: UTCTime.day(now))
        try AppendOnlyFile.append(bytes, to: segment)
        let last = records[records.count - 1]
        try writeHead(AuditHead(seq: last.seq, hash: last.hash, segment: AuditLog.segmentName(day: UTCTime.day(now))))
        return records
    }

    /// The last record of the log (from the newest non-empty segment), or nil for an empty log.
    /// Throws `.corruptData` when the last line is torn or not a record.
    func readTail() throws -> AuditRecord? {
        for name in try segments().reversed() {
            let path = directory + "/" + name
            guard let (line, complete) = try AppendOnlyFile.lastLine(path) else { continue }
            guard complete else {
                throw StrataError(.corruptData, "the audit log \(path) ends in a partial line",
                                  hint: "a write was interrupted or the file was edited; run `strata audit verify`")
            }
            do {
                return try AuditRecord.decode(line: line[...])
            } catch let f as AuditRecord.DecodeFailure {
                throw StrataError(.corruptData, "the last line of \(path) is not an audit record: \(f.message)",
                                  hint: "run `strata audit verify`")
            }
        }
        return nil
    }

    /// The newest record's `config_digest` and `policy_digest` (scanning back to the last record that
    /// has them), so the engine can audit a digest change between runs.
    public func lastDigests() throws -> (config: String?, policy: String?) {
        var config: String?, policy: String?
        for name in try segments().reversed() {
            guard let bytes = try AppendOnlyFile.read(directory + "/" + name) else { continue }
            for l in AppendOnlyFile.lines(bytes).reversed() where l.complete {
                guard let r = try? AuditRecord.decode(line: l.bytes) else { continue } // digests only: a damaged line is what `audit verify` reports
                if config == nil { config = r.event.configDigest }
                if policy == nil { policy = r.event.policyDigest }
                if config != nil && policy != nil { return (config, policy) }
            }
        }
        return (config, policy)
    }
}

/// The content of `_audit/HEAD`: the last record's sequence number and hash, and its segment.
struct AuditHead: Sendable, Hashable {
    var seq: Int64
    var hash: String
    var segment: String

    var text: String { "{\"hash\":\"\(hash)\",\"segment\":\"\(segment)\",\"seq\":\(seq)}\n" }

    static func parse(_ bytes: [UInt8]) -> AuditHead? {
        var b = bytes
        while b.last == 0x0A { b.removeLast() }
        guard let v = try? b.withUnsafeBufferPointer({ try JSONValue.parse($0) }), // nil = damaged HEAD, which verify reports
              let seq = v["seq"]?.int64Value, let hash = v["hash"]?.stringValue,
              let segment = v["segment"]?.stringValue else { return nil }
        return AuditHead(seq: seq, hash: hash, segment: segment)
    }
}

extension AuditLog {
    func readHead() throws -> AuditHead? {
        guard let bytes = try AppendOnlyFile.read(headPath) else { return nil }
        guard let h = AuditHead.parse(bytes) else {
            throw StrataError(.corruptData, "\(headPath) is damaged", hint: "run `strata audit verify`")
        }
        return h
    }

    func writeHead(_ head: AuditHead) throws {
        try AppendOnlyFile.replace(headPath, with: Array(head.text.utf8))
    }
}
