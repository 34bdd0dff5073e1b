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

    /// The `details` field of a commit record holding the SHA-256 of the commit's sealed content
    /// (its actions other than `commitInfo`).
    public static let contentDigestKey = "content_sha256"

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
            // A keyed log takes keyed appends only, and only after HEAD proves itself.
            if head.mac != nil || head.alg == .hmacSHA256 {
                guard let key else {
                    throw StrataError(.corruptData, "the audit log is keyed (HMAC-SHA-256) but \(AuditKey.environmentVariable) is not set",
                                      hint: "set \(AuditKey.environmentVariable) to the lake's audit key; appending unkeyed records would break the chain")
                }
                guard head.isAuthentic(under: key) else {
                    throw StrataError(.corruptData, "\(headPath) does not verify under \(AuditKey.environmentVariable): it was rewritten, or the key is not this lake's",
                                      hint: "run `strata audit verify`; restore _audit/ from a backup")
                }
            }
            // A key on a log that was written without one: adopting the log is an explicit act
            // (`strata audit seal`), never a side effect of a run, so a log rewritten unkeyed by
            // someone without the key is not blessed by the next keyed run.
            if key != nil, head.mac == nil {
                throw StrataError(.corruptData, "the audit log was written without \(AuditKey.environmentVariable) (HEAD is not sealed), and a key is set now",
                                  hint: "check it with `strata audit verify` (without the key), then run `strata audit seal` with the key to adopt it")
            }
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
            var r = AuditRecord(seq: seq, time: now, event: e, prev: prev, alg: algorithm, hash: "", keyId: key?.id)
            r.hash = r.computedHash(key: key?.bytes)!
            prev = r.hash
            bytes += r.line
            records.append(r)
        }
        let segment = directory + "/" + AuditLog.segmentName(day: UTCTime.day(now))
        try AppendOnlyFile.append(bytes, to: segment)
        CrashPoint.reach("before-audit-head")
        let last = records[records.count - 1]
        try writeHead(AuditHead(seq: last.seq, hash: last.hash, segment: AuditLog.segmentName(day: UTCTime.day(now))))
        return records
    }

    /// Adopts a log written without a key under `key`: verifies it as it stands (unkeyed), then
    /// seals HEAD, so from now on it takes keyed records only and verifies only with the key.
    /// Returns the verification report (HEAD is sealed only when it is OK).
    public func seal(anchors: [AuditAnchor]) throws -> AuditVerifyReport {
        guard let key else {
            throw StrataError(.usage, "sealing needs \(AuditKey.environmentVariable)", hint: "set it to the key the lake's audit log will use from now on")
        }
        let unkeyed = AuditLog(lakeRoot: lakeRoot, key: nil, clock: clock)
        let report = try unkeyed.verify(anchors: anchors)
        guard report.ok else { return report }
        let lock = try FileLock(path: lockPath)
        defer { withExtendedLifetime(lock) {} }
        guard var head = try readHead() else {
            throw StrataError(.notFound, "the audit log is empty: nothing to seal", hint: "the first run with the key seals it")
        }
        if head.isAuthentic(under: key) { return report }
        head.alg = .sha256
        head.keyId = nil
        head.mac = nil
        try writeHead(head)
        return report
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

/// The content of `_audit/HEAD`: the last record's sequence number and hash, and its segment;
/// in a keyed log also the algorithm, the key's id and an HMAC over all of it, so HEAD cannot be
/// rewritten (to hide removed records) without the key.
struct AuditHead: Sendable, Hashable {
    var seq: Int64
    var hash: String
    var segment: String
    var alg: AuditHashAlgorithm = .sha256
    var keyId: String?
    var mac: String?

    /// The bytes the HMAC covers.
    var authenticated: [UInt8] { Array("strata audit head v1|\(seq)|\(hash)|\(segment)|\(alg.rawValue)|\(keyId ?? "")".utf8) }

    /// HEAD sealed with `key` (unchanged without one).
    func sealed(with key: AuditKey?) -> AuditHead {
        guard let key else { return self }
        var h = self
        h.alg = .hmacSHA256
        h.keyId = key.id
        h.mac = Digest.hex(Digest.hmacSHA256(key: key.bytes, h.authenticated))
        return h
    }

    /// True when HEAD carries a MAC that `key` verifies.
    func isAuthentic(under key: AuditKey) -> Bool {
        guard let mac, alg == .hmacSHA256, keyId == key.id else { return false }
        return mac == Digest.hex(Digest.hmacSHA256(key: key.bytes, authenticated))
    }

    var text: String {
        var s = "{\"hash\":\"\(hash)\",\"segment\":\"\(segment)\",\"seq\":\(seq)"
        if let keyId, let mac { s += ",\"alg\":\"\(alg.rawValue)\",\"key_id\":\"\(keyId)\",\"mac\":\"\(mac)\"" }
        return s + "}\n"
    }

    static func parse(_ bytes: [UInt8]) -> AuditHead? {
        var b = bytes
        while b.last == 0x0A { b.removeLast() }
        guard let v = try? b.withUnsafeBufferPointer({ try JSONValue.parse($0) }), // nil = damaged HEAD, which verify reports
              let seq = v["seq"]?.int64Value, let hash = v["hash"]?.stringValue,
              let segment = v["segment"]?.stringValue else { return nil }
        var h = AuditHead(seq: seq, hash: hash, segment: segment)
        if let a = v["alg"]?.stringValue {
            guard let alg = AuditHashAlgorithm(rawValue: a) else { return nil }
            h.alg = alg
        }
        h.keyId = v["key_id"]?.stringValue
        h.mac = v["mac"]?.stringValue
        return h
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
        try AppendOnlyFile.replace(headPath, with: Array(head.sealed(with: key).text.utf8))
    }
}
