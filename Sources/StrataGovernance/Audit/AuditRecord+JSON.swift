import StrataCore
import StrataFormats

/// The canonical text of a record: one JSON object, keys sorted by their UTF-8 bytes, no spaces,
/// strings escaped the one way `JSONValue` writes them. Optional fields are written as `null`, so
/// every record has the same keys (and HMAC records `key_id`, the id of their key, bound into the
/// hashed text), and hashing is defined on exact bytes.
extension AuditRecord {
    /// The keys of a record line, sorted.
    static let keys: [String] = [
        "action", "actor", "alg", "bytes", "columns", "config_digest", "details", "files", "hash", "masks",
        "pipeline", "policy_digest", "prev", "reason", "resource", "result", "role", "rows", "run_id", "seq",
        "table_version", "time",
    ].sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    /// `keys` and the keys only some records have (`key_id`), sorted.
    static let allKeys: [String] = (keys + ["key_id"]).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }

    /// The record as a JSON object with sorted keys; without `hash` when `includingHash` is false.
    func json(includingHash: Bool) -> JSONValue {
        func str(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func int(_ i: Int64?) -> JSONValue { i.map(JSONValue.int) ?? .null }
        func sortedMap(_ d: [String: String]) -> JSONValue {
            .object(d.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
                .map { JSONMember($0, .string(d[$0]!)) })
        }
        let e = event
        var members: [String: JSONValue] = [
            "action": .string(e.action.rawValue),
            "actor": .string(e.actor),
            "alg": .string(alg.rawValue),
            "bytes": int(e.bytes),
            "columns": .array(e.columns.map(JSONValue.string)),
            "config_digest": str(e.configDigest),
            "details": sortedMap(e.details),
            "files": int(e.files),
            "masks": sortedMap(e.masks),
            "pipeline": str(e.pipeline),
            "policy_digest": str(e.policyDigest),
            "prev": .string(prev),
            "reason": str(e.reason),
            "resource": .string(e.resource),
            "result": .string(e.result.rawValue),
            "role": str(e.role),
            "rows": int(e.rows),
            "run_id": str(e.runId),
            "seq": .int(seq),
            "table_version": int(e.tableVersion),
            "time": .string(UTCTime.micros(time)),
        ]
        if includingHash { members["hash"] = .string(hash) }
        if let keyId { members["key_id"] = .string(keyId) }
        return .object(AuditRecord.allKeys.compactMap { k in members[k].map { JSONMember(k, $0) } })
    }

    /// The bytes that are hashed: the canonical text without `hash`.
    var hashInput: [UInt8] {
        var out: [UInt8] = []
        json(includingHash: false).write(to: &out)
        return out
    }

    /// The line written to the log: the canonical text with `hash`, and a final `\n`.
    var line: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        json(includingHash: true).write(to: &out)
        out.append(0x0A)
        return out
    }

    /// The record's line as logged, without the newline.
    public var jsonLine: String { String(decoding: line.dropLast(), as: UTF8.self) }

    /// Computes the hash of this record's canonical text with `alg` (and `key` for HMAC).
    func computedHash(key: [UInt8]?) -> String? {
        switch alg {
        case .sha256: return Digest.hex(Digest.sha256(hashInput))
        case .hmacSHA256:
            guard let key else { return nil }
            return Digest.hex(Digest.hmacSHA256(key: key, hashInput))
        }
    }

    /// Why a line is not a well-formed record.
    struct DecodeFailure: Error {
        var message: String
    }

    /// Decodes a record line (without `\n`); throws `DecodeFailure` naming the key that is wrong,
    /// never a value.
    static func decode(line bytes: ArraySlice<UInt8>) throws -> AuditRecord {
        let value: JSONValue
        do {
            value = try Array(bytes).withUnsafeBufferPointer { try JSONValue.parse($0) }
        } catch {
            throw DecodeFailure(message: "the line is not valid JSON")
        }
        guard let members = value.members else { throw DecodeFailure(message: "the line is not a JSON object") }
        var dict: [String: JSONValue] = [:]
        for m in members {
            guard dict[m.key] == nil else { throw DecodeFailure(message: "key '\(m.key)' appears twice") }
            guard allKeys.contains(m.key) else { throw DecodeFailure(message: "unknown key '\(m.key)'") }
            dict[m.key] = m.value
        }
        if let missing = keys.first(where: { dict[$0] == nil }) {
            throw DecodeFailure(message: "key '\(missing)' is missing")
        }
        func string(_ k: String) throws -> String {
            guard let s = dict[k]?.stringValue else { throw DecodeFailure(message: "'\(k)' is not a string") }
            return s
        }
        func optString(_ k: String) throws -> String? {
            if dict[k]?.isNull == true { return nil }
            return try string(k)
        }
        func optInt(_ k: String) throws -> Int64? {
            guard let v = dict[k], !v.isNull else { return nil }
            guard case .int(let i) = v else { throw DecodeFailure(message: "'\(k)' is not an integer") }
            return i
        }
        func map(_ k: String) throws -> [String: String] {
            guard let m = dict[k]?.members else { throw DecodeFailure(message: "'\(k)' is not an object") }
            var out: [String: String] = [:]
            for x in m {
                guard let s = x.value.stringValue else { throw DecodeFailure(message: "'\(k).\(x.key)' is not a string") }
                out[x.key] = s
            }
            return out
        }
        guard let action = AuditAction(rawValue: try string("action")) else { throw DecodeFailure(message: "'action' is not a known action") }
        guard let result = AuditResult(rawValue: try string("result")) else { throw DecodeFailure(message: "'result' is not allowed/denied/failed") }
        guard let alg = AuditHashAlgorithm(rawValue: try string("alg")) else { throw DecodeFailure(message: "'alg' is not sha256 or hmac-sha256") }
        guard let seq = try optInt("seq") else { throw DecodeFailure(message: "'seq' is null") }
        guard let time = Temporal.parseTimestamp(try string("time")) else { throw DecodeFailure(message: "'time' is not a UTC timestamp") }
        guard let cols = dict["columns"]?.elements else { throw DecodeFailure(message: "'columns' is not an array") }
        let columns = try cols.map { c -> String in
            guard let s = c.stringValue else { throw DecodeFailure(message: "'columns' holds a non-string") }
            return s
        }
        let event = AuditEvent(actor: try string("actor"), action: action, resource: try string("resource"),
                               tableVersion: try optInt("table_version"), columns: columns, rows: try optInt("rows"),
                               files: try optInt("files"), bytes: try optInt("bytes"), pipeline: try optString("pipeline"),
                               runId: try optString("run_id"), configDigest: try optString("config_digest"),
                               policyDigest: try optString("policy_digest"), masks: try map("masks"), result: result,
                               reason: try optString("reason"), role: try optString("role"), details: try map("details"))
        let keyId = dict["key_id"] == nil ? nil : try string("key_id")
        if (keyId != nil) != (alg == .hmacSHA256) {
            throw DecodeFailure(message: alg == .hmacSHA256 ? "key 'key_id' is missing from a keyed record" : "'key_id' on an unkeyed record")
        }
        return AuditRecord(seq: seq, time: time, event: event, prev: try string("prev"), alg: alg, hash: try string("hash"), keyId: keyId)
    }
}
