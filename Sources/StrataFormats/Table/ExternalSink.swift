public import StrataCore

/// The config half of a sink that serves a table outside the lake (a database table).
///
/// Its rows are governed like a lake table's: the engine masks every batch for `target.layer`
/// before `write`, audits the publish before it becomes visible, and emits its lineage. The sink
/// keeps the pipeline's incremental state in the target database, in the same transaction as the
/// rows, so a publish lands exactly once: a crash before its commit leaves the target and the
/// state as they were, and the next run publishes again from the same state.
public protocol ExternalSinkConfig: SinkConfig {
    /// The target as a lineage dataset (`postgres://HOST:PORT`, `DB.SCHEMA.TABLE`).
    var lineageDataset: (namespace: String, name: String) { get }
    /// What the last publish of `pipeline` stored beside its rows, and whether the target exists.
    func lastPublish(pipeline: String, projectRoot: String) throws -> PublishTarget
    /// Every run replaces all the rows (an overwrite): nothing served before survives a run.
    var replacesEveryRun: Bool { get }
    /// Refuses a source the sink cannot serve correctly (an incremental one when every run
    /// replaces the rows), at load time.
    func check(source: any SourceConfig) throws
}

/// The target as a run finds it.
public struct PublishTarget: Sendable, Hashable {
    /// The pipeline's last publish; nil when the target holds none.
    public var published: PublishedState?
    /// The target table exists.
    public var exists: Bool

    public init(published: PublishedState?, exists: Bool) {
        self.published = published
        self.exists = exists
    }
}

/// What a publish stored beside its rows.
public struct PublishedState: Sendable, Hashable {
    /// The publish's number (0, 1, 2, …): the table version its audit record names.
    public var version: Int64
    /// The pipeline's incremental state (what its sources had read).
    public var state: [String: String]
    /// The hash of the publish's audit record.
    public var auditHash: String

    public init(version: Int64, state: [String: String], auditHash: String) {
        self.version = version
        self.state = state
        self.auditHash = auditHash
    }
}

/// What the engine asks of a publish.
public struct PublishRequest: Sendable {
    public var pipeline: String
    public var version: Int64
    /// The incremental state to store with the rows, as JSON text.
    public var state: String
    /// The state is the one the target holds already: a publish that would add no row (a merge
    /// of nothing) is then skipped instead of committed empty.
    public var unchanged: Bool
    /// The version the target holds now (nil: none); the publish commits only over it, so two
    /// processes publishing the same pipeline cannot both land.
    public var expected: Int64?

    public init(pipeline: String, version: Int64, state: String, unchanged: Bool = false, expected: Int64? = nil) {
        self.pipeline = pipeline
        self.version = version
        self.state = state
        self.unchanged = unchanged
        self.expected = expected
    }
}

/// What a publish is about to make visible, for its audit record.
public struct PublishSeal: Sendable {
    public var rows: Int
    public var bytes: Int
    public var operation: String
    /// SHA-256 of the rows as sent to the target.
    public var contentDigest: [UInt8]

    public init(rows: Int, bytes: Int, operation: String, contentDigest: [UInt8]) {
        self.rows = rows
        self.bytes = bytes
        self.operation = operation
        self.contentDigest = contentDigest
    }
}

/// A publish whose commit was sent but whose outcome is unknown (the connection broke): the
/// engine records no failure, and the next run settles it by the state the target holds.
public struct PublishInDoubt: Error {
    public var error: StrataError

    public init(_ error: StrataError) { self.error = error }
}

/// What a publish did.
public struct PublishOutcome: Sendable {
    /// The rows written (a merge counts the inserted and changed ones).
    public var rows: Int
    public var bytes: Int
    public var operation: String
    /// False when nothing was committed (`PublishRequest.unchanged` and no row to add).
    public var published: Bool

    public init(rows: Int, bytes: Int, operation: String, published: Bool = true) {
        self.rows = rows
        self.bytes = bytes
        self.operation = operation
        self.published = published
    }
}

/// The runtime half of an external sink: it takes the governed batches into an open transaction
/// of the target, then `publish` seals and commits them.
public protocol ExternalBatchSink: BatchSink {
    /// Makes everything written visible in one transaction that also stores `request`'s state:
    /// `seal` (the engine's audit record) is called once the rows are in and before the commit,
    /// and returns the record's hash, which the sink stores with the state.
    func publish(_ request: PublishRequest, seal: (PublishSeal) throws -> String) throws -> PublishOutcome
}

extension ExternalBatchSink {
    /// An external sink stages nothing in the lake.
    public func stage() throws -> SinkStage {
        throw StrataError(.internalError, "an external sink publishes; it has no lake commit to stage")
    }
}
