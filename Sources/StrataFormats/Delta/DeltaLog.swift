import Foundation
import StrataCore

/// The transaction log of one Delta table (`<table>/_delta_log/`): reading versions, snapshots
/// and history, and committing new versions atomically (see `DeltaLog+Commit.swift`).
///
/// A snapshot replays the newest complete Parquet checkpoint at or before the version asked for
/// (classic or multi-part, found by listing the log, `_last_checkpoint` being only a hint) and
/// the JSON commits after it; without one, every JSON commit from 0. Tables whose early commits
/// were cleaned up after a checkpoint read like any other (see `DeltaLog+Checkpoint.swift`).
public final class DeltaLog: Sendable {
    /// The table folder.
    public let tablePath: String

    public init(tablePath: String) {
        var p = tablePath
        while p.count > 1, p.hasSuffix("/") { p.removeLast() }
        self.tablePath = p
    }

    /// `<table>/_delta_log`.
    public var logPath: String { tablePath + "/_delta_log" }

    /// The commit file of a version: `<table>/_delta_log/00000000000000000007.json`.
    public func commitPath(_ version: Int64) -> String { logPath + "/" + DeltaLog.commitFileName(version) }

    /// A commit's actions other than `commitInfo`, as the commit file holds them (one JSON line
    /// each, in order): the content an audit record seals (the record's hash is in `commitInfo`,
    /// so `commitInfo` itself cannot be part of it).
    public static func sealedContent(_ actions: [DeltaAction]) -> [UInt8] {
        var text: [UInt8] = []
        for a in actions {
            if case .commitInfo = a { continue }
            a.json.write(to: &text)
            text.append(0x0A)
        }
        return text
    }

    /// The sealed content of a committed version, read from its commit file; nil when the file is absent.
    public func sealedContent(version: Int64) throws -> [UInt8]? {
        let path = commitPath(version)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StrataError(.io, "cannot read \(path)")
        }
        let marker = Array("{\"commitInfo\"".utf8)
        var out: [UInt8] = []
        for line in [UInt8](data).split(separator: 0x0A, omittingEmptySubsequences: true) {
            if line.starts(with: marker) { continue }
            out += line
            out.append(0x0A)
        }
        return out
    }

    /// `00000000000000000007.json`.
    public static func commitFileName(_ version: Int64) -> String {
        let v = String(version)
        return String(repeating: "0", count: max(0, 20 - v.count)) + v + ".json"
    }

    /// The version of a commit file name, or nil when the name is not a commit (`.crc`, checkpoints, temp files).
    static func version(ofFileName name: String) -> Int64? {
        let u = Array(name.utf8)
        guard u.count == 25, name.hasSuffix(".json") else { return nil }
        for c in u[0..<20] where c < 48 || c > 57 { return nil }
        return Int64(String(decoding: u[0..<20], as: UTF8.self))
    }

    /// True when the table has at least one commit, or a log folder that cannot be listed (so that
    /// reading it reports the error instead of treating the table as new).
    public func exists() -> Bool {
        do { return try !versions().isEmpty } catch { return true }
    }

    /// Every committed version, ascending.
    public func versions() throws -> [Int64] {
        try logEntries().compactMap(DeltaLog.version(ofFileName:)).sorted()
    }

    /// The names in `_delta_log` (none when the folder does not exist); throws `.io` when it cannot be listed.
    func logEntries() throws -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: logPath, isDirectory: &isDir), isDir.boolValue else { return [] }
        do {
            return try FileManager.default.contentsOfDirectory(atPath: logPath)
        } catch {
            throw StrataError(.io, "cannot list \(logPath)", cause: "\(error)")
        }
    }

    /// The newest committed version, or nil when the table has no commits yet.
    public func latestVersion() throws -> Int64? { try versions().last }

    /// The actions of one commit, in file order; unknown action types are skipped.
    ///
    /// Throws `.notFound` when the version does not exist and `.corruptData` naming the file and
    /// line when a line is not valid JSON or misses a required field.
    public func actions(version: Int64) throws -> [DeltaAction] {
        try readCommit(version).actions
    }

    struct Commit {
        var actions: [DeltaAction]
        /// File modification time, milliseconds.
        var modificationTime: Int64
    }

    func readCommit(_ version: Int64) throws -> Commit {
        let path = commitPath(version)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StrataError(.notFound, "commit \(version) of table \(tablePath) does not exist", location: nil,
                              hint: "see `strata history` for the table's versions")
        }
        let mtime = ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date) // a fallback timestamp only
            .map { Int64($0.timeIntervalSince1970 * 1000) } ?? 0
        var out: [DeltaAction] = []
        try data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            var line = 0
            while start < bytes.count {
                line += 1
                var end = start
                while end < bytes.count, bytes[end] != 0x0A { end += 1 }
                var e = end
                if e > start, bytes[e - 1] == 0x0D { e -= 1 }
                let slice = UnsafeBufferPointer(rebasing: bytes[start..<e])
                start = end + 1
                if slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                let value: JSONValue
                do {
                    value = try JSONValue.parse(slice, file: path, line: line)
                } catch var e as StrataError {
                    e.code = .corruptData
                    e.message = "Delta log line is not valid JSON: " + e.message
                    e.hint = "the commit file was damaged or edited; restore it from a backup"
                    throw e
                }
                if let a = try DeltaAction.decode(value, file: path, line: line) { out.append(a) }
            }
        }
        return Commit(actions: out, modificationTime: mtime)
    }

    /// Checks the versions run 0…latest without gaps.
    func checkContiguous(_ versions: [Int64]) throws {
        guard let first = versions.first else { return }
        if first != 0 {
            throw StrataError(.corruptData, "table \(tablePath) has no commit 0 (the log starts at version \(first)) and no checkpoint covers the missing versions",
                              hint: "the _delta_log folder was truncated; restore the missing commits")
        }
        try checkContiguous(versions, from: 0)
    }

    /// Checks `versions` hold every version from `start` to their last one.
    func checkContiguous(_ versions: [Int64], from start: Int64) throws {
        var expected = start
        for v in versions where v >= start {
            guard v == expected else {
                throw StrataError(.corruptData, "table \(tablePath) is missing commit \(expected) (next is \(v))",
                                  hint: "the _delta_log folder was edited; restore the missing commit file")
            }
            expected += 1
        }
    }

    /// The table as of `version` (the latest when nil): metadata, live files and txn markers.
    ///
    /// Throws `.notFound` for a table with no commits, or for a version outside the available range.
    public func snapshot(at version: Int64? = nil) throws -> DeltaSnapshot {
        let all = try versions()
        let checkpoints = try self.checkpoints()
        guard let latest = [all.last, checkpoints.last?.version].compactMap({ $0 }).max() else {
            throw StrataError(.notFound, "\(tablePath) is not a Delta table (no commits in _delta_log)",
                              hint: "run the pipeline that writes it first")
        }
        let target = version ?? latest
        guard target >= 0, target <= latest else {
            throw StrataError(.notFound, "version \(target) of table \(tablePath) does not exist",
                              hint: "available versions are 0…\(latest)")
        }
        var replay = DeltaReplay()
        var next: Int64 = 0
        if let cp = checkpoints.last(where: { $0.version <= target }) {
            try replay.apply(try readCheckpoint(cp), version: cp.version, file: cp.parts[0], fromCheckpoint: true)
            next = cp.version + 1
        } else if all.first != 0 {
            if let oldest = checkpoints.first {
                throw StrataError(.notFound, "version \(target) of table \(tablePath) is no longer in its log: the commits before the checkpoint at version \(oldest.version) were cleaned up",
                                  hint: "read version \(oldest.version) or later")
            }
            try checkContiguous(all)
        }
        if next <= target {
            let needed = all.filter { $0 >= next && $0 <= target }
            try checkContiguous(needed, from: next)
            guard needed.last == target else {
                throw StrataError(.corruptData, "table \(tablePath) is missing commit \((needed.last ?? next - 1) + 1)",
                                  hint: "the _delta_log folder was edited; restore the missing commit file")
            }
            for v in next...target {
                try replay.apply(try readCommit(v), version: v, file: commitPath(v))
            }
        }
        return try replay.finish(version: target, tablePath: tablePath)
    }

    /// Every commit's provenance, newest first.
    ///
    /// After a checkpoint and a log cleanup, only the commits still in the log are listed.
    public func history() throws -> [DeltaCommitInfo] {
        let all = try versions()
        if all.first != 0, let cp = try checkpoints().first, let first = all.first, first <= cp.version + 1 {
            try checkContiguous(all, from: first)
        } else {
            try checkContiguous(all)
        }
        var out: [DeltaCommitInfo] = []
        for v in all.reversed() {
            let c = try readCommit(v)
            var info = DeltaCommitInfo(timestamp: c.modificationTime, operation: "UNKNOWN")
            for case .commitInfo(let ci) in c.actions {
                info = ci
                break
            }
            info.version = v
            out.append(info)
        }
        return out
    }
}

/// Applies commits in order to build a snapshot.
struct DeltaReplay {
    var tableProtocol = DeltaProtocol(minReader: 1, minWriter: 1)
    var metadata: DeltaMetadata?
    var slots: [DeltaAddFile?] = []
    var slotOf: [String: Int] = [:]
    /// The file key (path + deletion vector) of each live path.
    var slotKey: [String: String] = [:]
    /// Paths added by the commit being applied.
    var pendingInCommit: Set<String> = []
    /// Removed files not added again: what a checkpoint keeps so other writers' vacuums know
    /// which files left the table, and when.
    var tombstones: [String: DeltaRemoveFile] = [:]
    var txns: [String: Int64] = [:]
    var addedIn: [String: Int64] = [:]
    var timestamp: Int64 = 0

    /// Applies one commit, or a checkpoint (whose `remove` tombstones are not live files).
    mutating func apply(_ commit: DeltaLog.Commit, version: Int64, file: String, fromCheckpoint: Bool = false) throws {
        timestamp = commit.modificationTime
        pendingInCommit = []
        for a in commit.actions {
            if fromCheckpoint, case .remove(let r) = a { tombstones[r.path] = r; continue }
            if case .add(let f) = a { pendingInCommit.insert(f.path); tombstones[f.path] = nil }
            switch a {
            case .protocol(let p):
                tableProtocol = p
            case .metaData(let m):
                metadata = m
            case .add(let f):
                // A file is keyed by its path and deletion vector: a commit that deletes rows
                // with a vector removes (path, old vector) and adds (path, new vector).
                if let i = slotOf[f.path] { slots[i] = nil }
                slotOf[f.path] = slots.count
                slots.append(f)
                slotKey[f.path] = f.fileKey
                addedIn[f.path] = version
            case .remove(let r):
                // A remove names the file version it removes; one naming another version of
                // the path (added again in the same commit with a new vector) leaves it.
                if let key = slotKey[r.path], key != r.fileKey, pendingInCommit.contains(r.path) { continue }
                if let i = slotOf.removeValue(forKey: r.path) { slots[i] = nil }
                slotKey[r.path] = nil
                addedIn[r.path] = nil
                tombstones[r.path] = r
            case let .txn(appId, v, _):
                txns[appId] = v
            case .commitInfo(let c):
                if c.timestamp > 0 { timestamp = c.timestamp }
            }
        }
    }

    func finish(version: Int64, tablePath: String) throws -> DeltaSnapshot {
        guard let metadata else {
            throw StrataError(.corruptData, "table \(tablePath) has no metaData action up to version \(version)",
                              hint: "the first commit must define the table's schema")
        }
        if let why = tableProtocol.readRefusal(metadata) {
            throw StrataError(.unsupported, "strata cannot read table \(tablePath): \(why)",
                              hint: "read this table with Spark or delta-rs; the rest of the lake is unaffected")
        }
        let schema = metadata.schema
        let files: [DeltaAddFile] = slots.compactMap { slot in
            guard var f = slot else { return nil }
            if f.stats == nil, let raw = f.rawStats { f.stats = DeltaFileStats.parse(raw, schema: schema) }
            f.rawStats = nil
            return f
        }
        return DeltaSnapshot(version: version, timestamp: timestamp, metadata: metadata, tableProtocol: tableProtocol,
                             files: files, txnVersions: txns, addedIn: addedIn,
                             tombstones: tombstones.values.sorted { $0.path < $1.path })
    }
}

/// A table as of one version: what a reader needs to read it.
public struct DeltaSnapshot: Sendable, Hashable {
    public var version: Int64
    /// When the version was committed, milliseconds since the epoch.
    public var timestamp: Int64
    public var metadata: DeltaMetadata
    /// The table's protocol and features.
    public var tableProtocol: DeltaProtocol
    public var minReaderVersion: Int { tableProtocol.minReader }
    public var minWriterVersion: Int { tableProtocol.minWriter }

    /// Why Strata must not write this table (a writer feature it does not support), or nil.
    public var writeRefusal: String? { tableProtocol.writeRefusal(metadata) }
    /// Live data files, in the order they were added.
    public var files: [DeltaAddFile]
    /// The last committed batch version per application id (Delta `txn`), for idempotent writes.
    public var txnVersions: [String: Int64]
    /// The version whose commit added each live file (by path): what governs the file's content.
    /// For files listed in a checkpoint, the checkpoint's version (they were added at or before it).
    public var addedIn: [String: Int64] = [:]
    /// Files removed and not added again (`remove` actions), by path.
    public var tombstones: [DeltaRemoveFile] = []

    public var schema: Schema { metadata.schema }

    /// Total rows, when every file carries stats.
    public var numRecords: Int? {
        var n = 0
        for f in files {
            guard let r = f.numRecords else { return nil }
            n += r
        }
        return n
    }

    /// Total bytes of the live files.
    public var sizeInBytes: Int { files.reduce(0) { $0 + $1.size } }
}

extension DeltaSnapshot {
    /// True when application `appId` already committed batch `version` (or a later one):
    /// the idempotency check a writer makes before committing that batch again.
    public func hasCommitted(appId: String, version: Int64) -> Bool {
        guard let v = txnVersions[appId] else { return false }
        return v >= version
    }
}
