public import StrataCore
public import StrataFormats
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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

/// A commit about to be made: what the engine's audit record describes before the log is written.
public struct PendingCommit: Sendable, Hashable {
    public var table: TableRef
    /// The version the commit will create (a blind append that loses a race may land later).
    public var version: Int64
    public var rows: Int
    public var files: Int
    public var bytes: Int
    public var operation: String
    /// The commit's actions other than `commitInfo`, exactly as the commit file will hold them
    /// (`DeltaLog.sealedContent`): the audit record seals their digest, so a removed or changed
    /// action is detected.
    public var content: [UInt8]

    public init(table: TableRef, version: Int64, rows: Int, files: Int, bytes: Int, operation: String, content: [UInt8] = []) {
        self.content = content
        self.table = table
        self.version = version
        self.rows = rows
        self.files = files
        self.bytes = bytes
        self.operation = operation
    }
}

/// Called just before a commit's log version is written; returns fields to add to its
/// `commitInfo` (the audit record's hash). Throwing aborts the commit.
public typealias CommitHook = @Sendable (PendingCommit) throws -> [String: String]

extension StagedWrite {
    /// Moves the part files into place and commits them in one new log version.
    ///
    /// Returns the version, or nil when nothing was committed: no rows and nothing else to record,
    /// or the `txn` shows this commit was made before.
    public func commit(_ ctx: CommitContext, force: Bool = false) throws -> CommitSummary {
        let log = DeltaLog(tablePath: tablePath)
        if let appId = ctx.appId, let v = ctx.txnVersion, let done = existing?.txnVersions[appId], done >= v {
            discard()
            return CommitSummary(table: table, version: nil, rows: 0, files: 0, bytes: 0, operation: ctx.operation)
        }
        let mustCommit = !files.isEmpty || force || (options.mode == .overwrite && existing != nil) || !options.replacing.isEmpty || existing == nil
        guard mustCommit else {
            discard()
            return CommitSummary(table: table, version: nil, rows: 0, files: 0, bytes: 0, operation: ctx.operation)
        }
        if let existing { try DeltaTableWriter.checkWritable(existing, table: table, options: options) }
        let now = Temporal.nowMicros() / 1000
        var actions: [DeltaAction] = []
        let schemaChanged = existing.map { $0.schema != schema || $0.metadata.partitionColumns != options.partitionBy } ?? true
        if existing == nil {
            actions.append(DeltaAction.strataProtocol)
        }
        if schemaChanged {
            // Another writer's table properties (constraints, append-only), description and
            // column metadata (invariants, comments) carry over: a schema change keeps them.
            let old = existing?.metadata
            actions.append(.metaData(DeltaMetadata(id: old?.id ?? UUID().uuidString.lowercased(),
                                                   name: old?.name ?? table.name, description: old?.description, schema: schema,
                                                   partitionColumns: options.partitionBy, configuration: old?.configuration ?? [:],
                                                   createdTime: old?.createdTime ?? now,
                                                   fieldMetadata: old?.fieldMetadata.filter { schema.index(of: $0.key) != nil } ?? [:])))
        }
        if let existing, options.mode == .overwrite || !options.replacing.isEmpty {
            let live = Set(existing.files.map(\.path))
            if let gone = options.replacing.first(where: { !live.contains($0) }) {
                throw StrataError(.conflict, "\(table): file \(gone) is no longer live; another writer changed the table", hint: "run again")
            }
            for f in existing.files where options.mode == .overwrite || options.replacing.contains(f.path) {
                actions.append(.remove(DeltaRemoveFile(removing: f, at: now, dataChange: !options.rewrite)))
            }
        }
        var bytes = 0
        CrashPoint.reach("before-parts-move")
        for f in files {
            let target = tablePath + "/" + f.relative
            try FileManager.default.createDirectory(atPath: (target as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if rename(f.staged, target) != 0 {
                throw StrataError(.io, "cannot move a part file into \(tablePath)", cause: String(cString: strerror(errno)))
            }
            bytes += f.summary.bytes
            let stats = DeltaFileStats(numRecords: f.summary.rows, schema: storedSchema, columnStats: f.summary.stats)
            actions.append(.add(DeltaAddFile(path: f.relative, partitionValues: f.partitionValues,
                                             size: f.summary.bytes, modificationTime: now, dataChange: !options.rewrite, stats: stats)))
        }
        CrashPoint.reach("after-parts-move")
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
            let pending = PendingCommit(table: table, version: (existing?.version ?? -1) + 1, rows: rows, files: files.count,
                                        bytes: bytes, operation: ctx.operation, content: DeltaLog.sealedContent(actions))
            do {
                for (k, v) in try prepare(pending) { info[k] = v }
            } catch {
                for f in files { unlink(tablePath + "/" + f.relative) }
                discard()
                throw error
            }
        }
        actions.append(.commitInfo(DeltaCommitInfo(timestamp: now, operation: ctx.operation,
                                                   operationParameters: ["mode": options.mode == .append ? "Append" : "Overwrite"],
                                                   isBlindAppend: options.mode == .append && options.replacing.isEmpty,
                                                   fields: info.mapValues { JSONValue.string($0) })))
        let version: Int64
        do {
            // An audited commit names its version in its audit record before the log is written, so
            // it never lands at another version: losing the race to another writer fails it (the
            // record is voided, nothing is committed, a rerun re-reads the table).
            version = try log.commit(actions, readVersion: existing?.version,
                                     isBlindAppend: options.mode == .append && options.replacing.isEmpty && !schemaChanged,
                                     maxRetries: ctx.prepare == nil ? 16 : 0)
        } catch {
            // The files are in place but unreferenced; remove them so no reader sees them.
            for f in files { unlink(tablePath + "/" + f.relative) }
            discard()
            throw error
        }
        discard()
        var summary = CommitSummary(table: table, version: version, rows: rows, files: files.count, bytes: bytes, operation: ctx.operation)
        let interval = DeltaLog.checkpointInterval(existing?.metadata ?? DeltaMetadata(id: "", schema: schema), fallback: options.checkpointInterval)
        if interval > 0, version > 0, version % Int64(interval) == 0 {
            // The commit has landed; a checkpoint only speeds up reading, so failing to write
            // one is a warning (the next one is due `interval` commits later).
            do {
                summary.checkpoint = try log.writeCheckpoint(version: version).version
            } catch {
                summary.warnings.append("\(table): could not write the checkpoint of version \(version) (\(error)); readers use the JSON commits")
            }
        }
        return summary
    }
}

extension DeltaTableWriter {
    /// Stages and commits in one step (the engine's own writes: quarantine, re-masking; tests).
    public func commit(_ ctx: CommitContext, force: Bool = false) throws -> CommitSummary {
        try stage().commit(ctx, force: force)
    }
}
