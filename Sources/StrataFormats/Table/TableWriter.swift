public import StrataCore
import Foundation

/// How a commit treats the rows already in the table.
public enum WriteMode: String, Sendable, CaseIterable {
    /// Adds the new rows.
    case append
    /// Replaces every row of the table with the new rows, in one commit.
    case overwrite
}

/// Options of a table write.
public struct TableWriteOptions: Sendable {
    public var mode: WriteMode = .append
    public var partitionBy: [String] = []
    public var parquet = ParquetWriteOptions()
    /// A part file is closed and a new one started after this many rows.
    public var maxFileRows = 10_000_000
    /// Allow adding new nullable columns to an existing table's schema on append.
    public var evolveSchema = true
    /// A rewrite of the same rows (re-masking): adds and removes say `dataChange: false`, so
    /// incremental readers know no row is new.
    public var rewrite = false

    public init() {}
}

/// Extra facts a commit records in its Delta `commitInfo` and `txn` actions.
public struct CommitContext: Sendable {
    public var operation: String
    public var pipeline: String?
    public var runId: String?
    /// Idempotency: the Delta `txn` application id and version. A commit whose `appId` already has
    /// a version at or above `txnVersion` in the table is skipped (it was committed before).
    public var appId: String?
    public var txnVersion: Int64?
    /// Free-form fields added to `commitInfo` (strings).
    public var info: [String: String]
    /// Called with the commit's facts just before the log is written; its fields join `commitInfo`.
    public var prepare: CommitHook?

    public init(operation: String, pipeline: String? = nil, runId: String? = nil, appId: String? = nil,
                txnVersion: Int64? = nil, info: [String: String] = [:], prepare: CommitHook? = nil) {
        self.prepare = prepare
        self.operation = operation
        self.pipeline = pipeline
        self.runId = runId
        self.appId = appId
        self.txnVersion = txnVersion
        self.info = info
    }
}

/// Writes batches into a Delta table as Parquet part files and commits them atomically.
///
/// Part files are written under `<table>/_staging/` (ignored by every reader, as it starts with `_`)
/// and moved into place just before the commit; `abort` deletes them. Batches are conformed to the
/// table schema: missing nullable columns become null, new columns extend the schema (when allowed).
public final class DeltaTableWriter {
    public let table: TableRef
    public let tablePath: String
    public private(set) var schema: Schema
    private let options: TableWriteOptions
    private let log: DeltaLog
    private let existing: DeltaSnapshot?
    private let stagingDir: String
    private var open: [String: (writer: ParquetWriter, staged: String, relative: String, values: [String: String?], rows: Int)] = [:]
    private var finished: [(staged: String, relative: String, values: [String: String?], summary: ParquetFileSummary)] = []
    private var partIndex = 0
    /// Encode workers shared by all part files of this write.
    private lazy var pool: WorkerPool? = options.parquet.threads > 1 ? WorkerPool(threads: options.parquet.threads) : nil
    private let writeId = UUID().uuidString.lowercased()
    public private(set) var rows = 0

    public init(table: TableRef, tablePath: String, schema: Schema, options: TableWriteOptions) throws {
        self.table = table
        self.tablePath = tablePath
        self.options = options
        self.log = DeltaLog(tablePath: tablePath)
        self.existing = log.exists() ? try log.snapshot(at: nil) : nil
        for p in options.partitionBy where schema.index(of: p) == nil {
            throw StrataError(.schemaMismatch, "partition column '\(p)' is not a column of \(table)",
                              hint: Suggest.hint(for: p, in: schema.names))
        }
        if let existing, options.mode == .append {
            if existing.metadata.partitionColumns != options.partitionBy {
                throw StrataError(.schemaMismatch, "\(table) is partitioned by [\(existing.metadata.partitionColumns.joined(separator: ", "))], the write by [\(options.partitionBy.joined(separator: ", "))]",
                                  hint: "keep partition_by as it was, or rebuild with --full-refresh")
            }
            self.schema = try Self.merge(existing.schema, schema, table: table, evolve: options.evolveSchema)
        } else {
            self.schema = schema
        }
        self.stagingDir = tablePath + "/_staging/" + writeId
    }

    /// The table schema after merging `incoming` into `current`: same-named columns must agree on
    /// type; new columns are appended as nullable.
    static func merge(_ current: Schema, _ incoming: Schema, table: TableRef, evolve: Bool) throws -> Schema {
        var out = current
        for f in incoming.fields {
            if let c = current.field(named: f.name) {
                guard c.type == f.type else {
                    throw StrataError(.schemaMismatch, "column '\(f.name)' of \(table) is \(c.type), the write has \(f.type)",
                                      hint: "cast it in the pipeline, or rebuild the table with --full-refresh")
                }
            } else {
                guard evolve else {
                    throw StrataError(.schemaMismatch, "column '\(f.name)' is not in \(table)", hint: "rebuild with --full-refresh")
                }
                out.append(Field(f.name, f.type, nullable: true))
            }
        }
        return out
    }

    /// Buffers a batch into part files (one per partition value set).
    public func write(_ batch: Batch) throws {
        guard batch.rowCount > 0 else { return }
        let b = try conform(batch)
        rows += b.rowCount
        if options.partitionBy.isEmpty {
            try append(b, key: "", values: [:])
            return
        }
        let pidx = options.partitionBy.map { schema.index(of: $0)! }
        var groups: [String: [Int]] = [:]
        var order: [String] = []
        var texts: [String: [String: String?]] = [:]
        for r in 0..<b.rowCount {
            var key = ""
            var vals: [String: String?] = [:]
            for (k, ci) in pidx.enumerated() {
                let v = b.columns[ci].value(r)
                let t: String? = DeltaPartitions.valueText(v)
                vals[options.partitionBy[k]] = t
                key += (t ?? "\u{0}") + "\u{1}"
            }
            if groups[key] == nil { order.append(key); texts[key] = vals }
            groups[key, default: []].append(r)
        }
        let stored = schema.fields.indices.filter { !options.partitionBy.contains(schema[$0].name) }
        for key in order {
            let part = b.take(groups[key]!).project(stored)
            try append(part, key: key, values: texts[key]!)
        }
    }

    private var storedSchema: Schema { Schema(schema.fields.filter { !options.partitionBy.contains($0.name) }) }

    private func append(_ b: Batch, key: String, values: [String: String?]) throws {
        if open[key] == nil {
            try FileManager.default.createDirectory(atPath: stagingDir, withIntermediateDirectories: true)
            let relative = DeltaPartitions.partFilePath(
                partitions: options.partitionBy.map { ($0, values[$0] ?? nil) }, index: partIndex, uuid: writeId,
                extension: options.parquet.compression == .gzip ? "gz.parquet" : "parquet")
            let staged = stagingDir + "/" + String(format: "%05d.parquet", partIndex)
            partIndex += 1
            let w = try ParquetWriter(path: staged, schema: storedSchema, options: options.parquet, pool: pool)
            open[key] = (w, staged, relative, values, 0)
        }
        try open[key]!.writer.write(b)
        open[key]!.rows += b.rowCount
        if open[key]!.rows >= options.maxFileRows {
            try close(key)
        }
    }

    private func close(_ key: String) throws {
        guard let o = open.removeValue(forKey: key) else { return }
        let summary = try o.writer.close()
        finished.append((o.staged, o.relative, o.values, summary))
    }

    private func conform(_ batch: Batch) throws -> Batch {
        if batch.schema == schema { return batch }
        var cols: [Column] = []
        for f in schema.fields {
            if let i = batch.schema.index(of: f.name) {
                let c = batch.columns[i]
                guard c.type == f.type else {
                    throw StrataError(.schemaMismatch, "column '\(f.name)' of \(table) is \(f.type), the batch has \(c.type)")
                }
                cols.append(c)
            } else {
                cols.append(.nulls(f.type, count: batch.rowCount))
            }
        }
        for f in batch.schema.fields where schema.index(of: f.name) == nil {
            throw StrataError(.schemaMismatch, "column '\(f.name)' is not in \(table)")
        }
        var out = Batch(schema: schema, columns: cols)
        out.origin = batch.origin
        return out
    }

    /// Moves the part files into place and commits them in one new log version.
    ///
    /// Returns the version, or nil when nothing was committed: no rows and nothing else to record,
    /// or the `txn` shows this commit was made before.
    public func commit(_ ctx: CommitContext, force: Bool = false) throws -> CommitSummary {
        for key in Array(open.keys) { try close(key) }
        if let appId = ctx.appId, let v = ctx.txnVersion, let done = existing?.txnVersions[appId], done >= v {
            abort()
            return CommitSummary(table: table, version: nil, rows: 0, files: 0, bytes: 0, operation: ctx.operation)
        }
        let mustCommit = !finished.isEmpty || force || (options.mode == .overwrite && existing != nil) || existing == nil
        guard mustCommit else {
            abort()
            return CommitSummary(table: table, version: nil, rows: 0, files: 0, bytes: 0, operation: ctx.operation)
        }
        let now = Temporal.nowMicros() / 1000
        var actions: [DeltaAction] = []
        let schemaChanged = existing.map { $0.schema != schema || $0.metadata.partitionColumns != options.partitionBy } ?? true
        if existing == nil {
            actions.append(.protocol(minReader: 1, minWriter: 2))
        }
        if schemaChanged {
            actions.append(.metaData(DeltaMetadata(id: existing?.metadata.id ?? UUID().uuidString.lowercased(),
                                                   name: table.name, description: nil, schema: schema,
                                                   partitionColumns: options.partitionBy, configuration: [:],
                                                   createdTime: existing?.metadata.createdTime ?? now)))
        }
        if options.mode == .overwrite, let existing {
            for f in existing.files {
                actions.append(.remove(DeltaRemoveFile(path: f.path, deletionTimestamp: now, dataChange: !options.rewrite,
                                                       partitionValues: f.partitionValues, size: f.size)))
            }
        }
        var bytes = 0
        for f in finished {
            let target = tablePath + "/" + f.relative
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if rename(f.staged, target) != 0 {
                throw StrataError(.io, "cannot move a part file into \(tablePath)", cause: String(cString: strerror(errno)))
            }
            bytes += f.summary.bytes
            let stats = DeltaFileStats(numRecords: f.summary.rows, schema: storedSchema, columnStats: f.summary.stats)
            actions.append(.add(DeltaAddFile(path: f.relative, partitionValues: f.values,
                                             size: f.summary.bytes, modificationTime: now, dataChange: !options.rewrite, stats: stats)))
        }
        if let appId = ctx.appId, let v = ctx.txnVersion {
            actions.append(.txn(appId: appId, version: v, lastUpdated: now))
        }
        var info: [String: String] = ctx.info
        info["operation"] = ctx.operation
        if let p = ctx.pipeline { info["strataPipeline"] = p }
        if let r = ctx.runId { info["strataRunId"] = r }
        info["strataRows"] = String(rows)
        info["strataMode"] = options.mode.rawValue
        if let prepare = ctx.prepare {
            let pending = PendingCommit(table: table, version: (existing?.version ?? -1) + 1, rows: rows, files: finished.count,
                                        bytes: bytes, operation: ctx.operation)
            do {
                for (k, v) in try prepare(pending) { info[k] = v }
            } catch {
                for f in finished { unlink(tablePath + "/" + f.relative) }
                cleanupStaging()
                throw error
            }
        }
        actions.append(.commitInfo(DeltaCommitInfo(timestamp: now, operation: ctx.operation,
                                                   operationParameters: ["mode": options.mode == .append ? "Append" : "Overwrite"],
                                                   isBlindAppend: options.mode == .append,
                                                   fields: info.mapValues { JSONValue.string($0) })))
        let version: Int64
        do {
            version = try log.commit(actions, readVersion: existing?.version,
                                     isBlindAppend: options.mode == .append && !schemaChanged)
        } catch {
            // The files are in place but unreferenced; remove them so no reader sees them.
            for f in finished { unlink(tablePath + "/" + f.relative) }
            cleanupStaging()
            throw error
        }
        cleanupStaging()
        return CommitSummary(table: table, version: version, rows: rows, files: finished.count, bytes: bytes, operation: ctx.operation)
    }

    /// Deletes everything written; the table is unchanged.
    public func abort() {
        for (_, o) in open { _ = try? o.writer.close() }
        open.removeAll()
        cleanupStaging()
    }

    private func cleanupStaging() {
        try? FileManager.default.removeItem(atPath: stagingDir)
        let parent = tablePath + "/_staging"
        if (try? FileManager.default.contentsOfDirectory(atPath: parent))?.isEmpty == true {
            try? FileManager.default.removeItem(atPath: parent)
        }
    }
}
