import Foundation
import StrataCore

/// The transaction log of one Delta table (`<table>/_delta_log/`): reading versions, snapshots
/// and history, and committing new versions atomically (see `DeltaLog+Commit.swift`).
///
/// Strata reads and writes protocol reader 1 / writer 2 tables from their JSON commits.
/// Parquet checkpoints are not read: a table whose early commits were cleaned up after a
/// checkpoint (another writer's table) fails with a clear error instead of a wrong answer.
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
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: logPath, isDirectory: &isDir), isDir.boolValue else { return [] }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: logPath)
        } catch {
            throw StrataError(.io, "cannot list \(logPath)", cause: "\(error)")
        }
        return names.compactMap(DeltaLog.version(ofFileName:)).sorted()
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

    /// Checks the versions run 0…latest without gaps; explains when the log starts at a checkpoint.
    func checkContiguous(_ versions: [Int64]) throws {
        guard let first = versions.first else { return }
        if first != 0 {
            let hasCheckpoint = FileManager.default.fileExists(atPath: logPath + "/_last_checkpoint")
            if hasCheckpoint {
                throw StrataError(.corruptData,
                                  "table \(tablePath) keeps its history before version \(first) only in a Parquet checkpoint, which strata does not read",
                                  hint: "unsupported: strata reads tables from their JSON commits; rewrite the table with strata or keep the JSON commits")
            }
            throw StrataError(.corruptData, "table \(tablePath) has no commit 0 (the log starts at version \(first))",
                              hint: "the _delta_log folder was truncated; restore the missing commits")
        }
        for (i, v) in versions.enumerated() where v != Int64(i) {
            throw StrataError(.corruptData, "table \(tablePath) is missing commit \(i) (next is \(v))",
                              hint: "the _delta_log folder was edited; restore the missing commit file")
        }
    }

    /// The table as of `version` (the latest when nil): metadata, live files and txn markers.
    ///
    /// Throws `.notFound` for a table with no commits, or for a version outside the available range.
    public func snapshot(at version: Int64? = nil) throws -> DeltaSnapshot {
        let all = try versions()
        guard let latest = all.last else {
            throw StrataError(.notFound, "\(tablePath) is not a Delta table (no commits in _delta_log)",
                              hint: "run the pipeline that writes it first")
        }
        try checkContiguous(all)
        let target = version ?? latest
        guard target >= 0, target <= latest else {
            throw StrataError(.notFound, "version \(target) of table \(tablePath) does not exist",
                              hint: "available versions are 0…\(latest)")
        }
        var replay = DeltaReplay()
        for v in 0...target {
            let c = try readCommit(v)
            try replay.apply(c, version: v, file: commitPath(v))
        }
        return try replay.finish(version: target, tablePath: tablePath)
    }

    /// Every commit's provenance, newest first.
    public func history() throws -> [DeltaCommitInfo] {
        let all = try versions()
        try checkContiguous(all)
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
    var minReader = 0
    var minWriter = 0
    var metadata: DeltaMetadata?
    var slots: [DeltaAddFile?] = []
    var slotOf: [String: Int] = [:]
    var txns: [String: Int64] = [:]
    var addedIn: [String: Int64] = [:]
    var timestamp: Int64 = 0

    mutating func apply(_ commit: DeltaLog.Commit, version: Int64, file: String) throws {
        timestamp = commit.modificationTime
        for a in commit.actions {
            switch a {
            case let .protocol(r, w):
                guard r <= 1 else {
                    throw StrataError(.corruptData,
                                      "table needs Delta reader version \(r) (set in \(file)); strata reads version 1",
                                      hint: "unsupported table features (column mapping, deletion vectors); read this table with Spark or delta-rs")
                }
                minReader = r
                minWriter = w
            case .metaData(let m):
                metadata = m
            case .add(let f):
                if let i = slotOf[f.path] { slots[i] = nil }
                slotOf[f.path] = slots.count
                slots.append(f)
                addedIn[f.path] = version
            case .remove(let r):
                if let i = slotOf.removeValue(forKey: r.path) { slots[i] = nil }
                addedIn[r.path] = nil
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
        let schema = metadata.schema
        let files: [DeltaAddFile] = slots.compactMap { slot in
            guard var f = slot else { return nil }
            if f.stats == nil, let raw = f.rawStats { f.stats = DeltaFileStats.parse(raw, schema: schema) }
            f.rawStats = nil
            return f
        }
        return DeltaSnapshot(version: version, timestamp: timestamp, metadata: metadata, minReaderVersion: minReader,
                             minWriterVersion: minWriter, files: files, txnVersions: txns, addedIn: addedIn)
    }
}

/// A table as of one version: what a reader needs to read it.
public struct DeltaSnapshot: Sendable, Hashable {
    public var version: Int64
    /// When the version was committed, milliseconds since the epoch.
    public var timestamp: Int64
    public var metadata: DeltaMetadata
    public var minReaderVersion: Int
    public var minWriterVersion: Int
    /// Live data files, in the order they were added.
    public var files: [DeltaAddFile]
    /// The last committed batch version per application id (Delta `txn`), for idempotent writes.
    public var txnVersions: [String: Int64]
    /// The version whose commit added each live file (by path): what governs the file's content.
    public var addedIn: [String: Int64] = [:]

    public var schema: Schema { metadata.schema }

    /// Total rows, when every file carries stats.
    public var numRecords: Int? {
        var n = 0
        for f in files {
            guard let r = f.stats?.numRecords else { return nil }
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
