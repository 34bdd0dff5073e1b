import StrataCore

/// One action of a Delta commit: one line of `_delta_log/NNNNNNNNNNNNNNNNNNNN.json`.
public enum DeltaAction: Sendable, Hashable {
    /// The reader and writer protocol versions and table features the table needs (Strata writes 1 and 2).
    case `protocol`(DeltaProtocol)
    /// The table's id, schema, partition columns and configuration.
    case metaData(DeltaMetadata)
    /// A data file becomes part of the table.
    case add(DeltaAddFile)
    /// A data file stops being part of the table (its file stays on disk for time travel).
    case remove(DeltaRemoveFile)
    /// An application's idempotency marker: `appId` has committed its batch `version`.
    case txn(appId: String, version: Int64, lastUpdated: Int64?)
    /// Who did what and why (operation, pipeline, run id, row counts).
    case commitInfo(DeltaCommitInfo)

    /// The protocol Strata writes: reader 1, writer 2.
    public static let strataProtocol = DeltaAction.protocol(.strata)
}

/// A value read from another writer's log and carried along to be written back unchanged; not
/// part of the identity of what holds it (equality and hashing ignore it).
public struct Carried<T: Sendable>: Sendable, Hashable {
    public var value: T?
    public init(_ value: T? = nil) { self.value = value }
    public static func == (a: Carried, b: Carried) -> Bool { true }
    public func hash(into hasher: inout Hasher) {}
}

/// Table metadata: the `metaData` action.
public struct DeltaMetadata: Sendable, Hashable {
    /// A UUID naming the table, kept for its whole life.
    public var id: String
    public var name: String?
    public var description: String?
    public var schema: Schema
    /// Columns stored as `k=v/` folders (not inside the files), in folder order.
    public var partitionColumns: [String]
    public var configuration: [String: String]
    /// Milliseconds since the epoch.
    public var createdTime: Int64?
    /// Each column's `metadata` object in the schema, when not empty (invariants, generated
    /// columns, comments another writer set): kept as read and written back unchanged.
    public var fieldMetadata: [String: JSONValue] = [:]
    /// The `schemaString` as read: written back as is while the schema is unchanged, so types
    /// Strata widens on read (another writer's `integer`, `float`) stay what that writer declared.
    public var originalSchemaString = Carried<String>()

    public init(id: String, name: String? = nil, description: String? = nil, schema: Schema,
                partitionColumns: [String] = [], configuration: [String: String] = [:], createdTime: Int64? = nil,
                fieldMetadata: [String: JSONValue] = [:]) {
        self.fieldMetadata = fieldMetadata
        self.id = id
        self.name = name
        self.description = description
        self.schema = schema
        self.partitionColumns = partitionColumns
        self.configuration = configuration
        self.createdTime = createdTime
    }

    /// The schema of the Parquet files: the table schema without the partition columns.
    public var fileSchema: Schema {
        Schema(schema.fields.filter { !partitionColumns.contains($0.name) })
    }
}

/// A data file of the table: the `add` action.
public struct DeltaAddFile: Sendable, Hashable {
    /// The file's path relative to the table folder, as on disk (Hive-escaped folders, not URI-encoded).
    /// The log stores it URI-encoded (`DeltaPartitions.encodeLogPath`); reading decodes it.
    public var path: String
    /// The value text (`DeltaPartitions.valueText`) of every partition column; nil = null.
    public var partitionValues: [String: String?]
    /// The exact file size in bytes.
    public var size: Int
    /// Milliseconds since the epoch.
    public var modificationTime: Int64
    public var dataChange: Bool
    public var stats: DeltaFileStats?
    /// The rows of the file a later commit deleted (another writer's deletion vector); nil = none.
    public var deletionVector: DeltaDeletionVector?
    /// The stats text as read from a log, typed against the table schema once replay knows it.
    var rawStats: String?
    /// The stats text as read, written back unchanged into checkpoints (another writer's
    /// `tightBounds`, stats of columns Strata does not type).
    public var originalStats = Carried<String>()

    /// What identifies the live file: its path, and its deletion vector when it has one.
    public var fileKey: String { path + (deletionVector.map { "\u{0}" + $0.uniqueId } ?? "") }

    public init(path: String, partitionValues: [String: String?] = [:], size: Int, modificationTime: Int64,
                dataChange: Bool = true, stats: DeltaFileStats? = nil) {
        self.path = path
        self.partitionValues = partitionValues
        self.size = size
        self.modificationTime = modificationTime
        self.dataChange = dataChange
        self.stats = stats
    }

    /// The live row count: the stats' count less the rows a deletion vector removed.
    public var numRecords: Int? { stats.map { $0.numRecords - (deletionVector?.cardinality ?? 0) } }
}

/// A file leaving the table: the `remove` action.
public struct DeltaRemoveFile: Sendable, Hashable {
    /// Relative path as on disk, like `DeltaAddFile.path`.
    public var path: String
    /// Milliseconds since the epoch.
    public var deletionTimestamp: Int64
    public var dataChange: Bool
    public var partitionValues: [String: String?]?
    public var size: Int?
    /// The deletion vector of the file version removed (with the path, which one it is).
    public var deletionVector: DeltaDeletionVector?

    /// What identifies the file version removed (see `DeltaAddFile.fileKey`).
    public var fileKey: String { path + (deletionVector.map { "\u{0}" + $0.uniqueId } ?? "") }

    public init(path: String, deletionTimestamp: Int64, dataChange: Bool = true,
                partitionValues: [String: String?]? = nil, size: Int? = nil) {
        self.path = path
        self.deletionTimestamp = deletionTimestamp
        self.dataChange = dataChange
        self.partitionValues = partitionValues
        self.size = size
    }

    /// The `remove` for a live file, copying its partition values and size (extended file metadata).
    public init(removing file: DeltaAddFile, at deletionTimestamp: Int64, dataChange: Bool = true) {
        self.init(path: file.path, deletionTimestamp: deletionTimestamp, dataChange: dataChange,
                  partitionValues: file.partitionValues, size: file.size)
        deletionVector = file.deletionVector
    }
}

/// Provenance of a commit: the `commitInfo` action, and one entry of `DeltaLog.history()`.
public struct DeltaCommitInfo: Sendable, Hashable {
    /// The commit's version; set when read from the log, ignored when writing.
    public var version: Int64
    /// Milliseconds since the epoch.
    public var timestamp: Int64
    /// `WRITE`, `CREATE TABLE`, `MERGE`, `DELETE`…
    public var operation: String
    /// Operation parameters as text (`mode: Append`, `partitionBy: […]`).
    public var operationParameters: [String: String]
    public var isBlindAppend: Bool?
    /// Free-form fields: `pipeline`, `runId`, `rows`, `engineInfo`…
    public var fields: [String: JSONValue]

    public init(version: Int64 = -1, timestamp: Int64, operation: String, operationParameters: [String: String] = [:],
                isBlindAppend: Bool? = nil, fields: [String: JSONValue] = [:]) {
        self.version = version
        self.timestamp = timestamp
        self.operation = operation
        self.operationParameters = operationParameters
        self.isBlindAppend = isBlindAppend
        self.fields = fields
    }
}

extension DeltaCommitInfo {
    /// The `commitInfo` field of a rewrite of the same rows (Strata's re-masking): a JSON object
    /// mapping each file the commit adds to the file it replaces, so incremental readers know
    /// which rewritten files hold rows they already read.
    public static let rewritesKey = "strataRewrites"
}
