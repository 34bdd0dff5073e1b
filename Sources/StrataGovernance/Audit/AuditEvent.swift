public import StrataCore

/// What an audit record is about.
public enum AuditAction: String, Sendable, Hashable, CaseIterable {
    /// A table commit (bronze, silver, gold).
    case commit
    /// A commit of quarantined rows to a quarantine table.
    case quarantine
    /// A write refused by policy (nothing committed).
    case refuse
    /// A pipeline declassified a tagged column (the reason is required).
    case declassify
    /// A policy-governed read (`show`, `export`).
    case read
    /// A read denied by policy.
    case deny
    /// A reversible token or mask was undone for a reader (`unmask`).
    case unmask
    /// The config or policy digest differs from the last recorded one.
    case digestChange
    /// A pipeline run failed (the reason carries the error, never data values).
    case runFailed
    /// Files no longer in a table's latest version were deleted (`strata vacuum`).
    case vacuum
    /// A policy change re-masked a table's stored files (a rewrite commit) and purged the files
    /// that held what the policy now forbids.
    case remask
    /// Rows published to a table outside the lake (a database table a sink serves): recorded
    /// before the publish commits, voided by a `failed` record of the same run when it never landed.
    case publish
}

/// The outcome recorded for an event.
public enum AuditResult: String, Sendable, Hashable, CaseIterable {
    case allowed, denied, failed
}

/// One governance event to record, as the engine or CLI builds it. `AuditLog.append` adds the
/// sequence number, time, previous hash and own hash.
///
/// The contract: no field ever carries a raw data value or a key. `reason` and `details` are
/// messages about files, columns and policies, like `StrataError` messages.
public struct AuditEvent: Sendable, Hashable {
    /// Who: `--actor`, else `STRATA_ACTOR`, else the OS user (see `AuditActor.resolve`).
    public var actor: String
    public var action: AuditAction
    /// What: `layer.table` for table events, `config` / `policies` for digest changes.
    public var resource: String
    /// The table version committed (or that the refused write would have been).
    public var tableVersion: Int64?
    /// The columns written or read.
    public var columns: [String]
    public var rows: Int64?
    public var files: Int64?
    public var bytes: Int64?
    public var pipeline: String?
    public var runId: String?
    /// SHA-256 (hex) of the pipelines config the run used.
    public var configDigest: String?
    /// SHA-256 (hex) of the policies the run used.
    public var policyDigest: String?
    /// Column → mask method (`hash`, `redact`, `show_last_4`…) applied on this write or read.
    public var masks: [String: String]
    public var result: AuditResult
    public var reason: String?
    /// The reader's role for reads, denials and unmasks.
    public var role: String?
    /// Extra named facts (`previousDigest`, `command`, `error code`…), sorted by key when written.
    public var details: [String: String]

    public init(actor: String, action: AuditAction, resource: String, tableVersion: Int64? = nil,
                columns: [String] = [], rows: Int64? = nil, files: Int64? = nil, bytes: Int64? = nil,
                pipeline: String? = nil, runId: String? = nil, configDigest: String? = nil,
                policyDigest: String? = nil, masks: [String: String] = [:], result: AuditResult = .allowed,
                reason: String? = nil, role: String? = nil, details: [String: String] = [:]) {
        self.actor = actor
        self.action = action
        self.resource = resource
        self.tableVersion = tableVersion
        self.columns = columns
        self.rows = rows
        self.files = files
        self.bytes = bytes
        self.pipeline = pipeline
        self.runId = runId
        self.configDigest = configDigest
        self.policyDigest = policyDigest
        self.masks = masks
        self.result = result
        self.reason = reason
        self.role = role
        self.details = details
    }

    /// The table this event is about, when `resource` names one.
    public var table: TableRef? { try? TableRef(parsing: resource) } // nil: the resource is not a table (tokens, config)
}

/// How a record's hash is computed.
public enum AuditHashAlgorithm: String, Sendable, Hashable {
    /// SHA-256 of the record's canonical text (no key configured).
    case sha256
    /// HMAC-SHA-256 of the record's canonical text under `STRATA_AUDIT_KEY`.
    case hmacSHA256 = "hmac-sha256"
}

/// An event as written to the log: the event plus its place in the hash chain.
public struct AuditRecord: Sendable, Hashable {
    /// 1, 2, 3… across all segments, without gaps.
    public var seq: Int64
    /// UTC microseconds since the epoch.
    public var time: Int64
    public var event: AuditEvent
    /// The previous record's `hash` (64 zeros for the first record).
    public var prev: String
    public var alg: AuditHashAlgorithm
    /// Hex SHA-256 / HMAC-SHA-256 of the canonical record text without `hash`.
    public var hash: String
    /// The id of the key an HMAC record is keyed with (`AuditKey.id`); nil for SHA-256 records.
    public var keyId: String?

    public init(seq: Int64, time: Int64, event: AuditEvent, prev: String, alg: AuditHashAlgorithm, hash: String, keyId: String? = nil) {
        self.keyId = keyId
        self.seq = seq
        self.time = time
        self.event = event
        self.prev = prev
        self.alg = alg
        self.hash = hash
    }

    /// `time` as written in the log: `2026-01-15T10:00:00.123456Z`.
    public var timeText: String { UTCTime.micros(time) }

    /// The `prev` of the first record.
    public static let genesis = String(repeating: "0", count: 64)
}
