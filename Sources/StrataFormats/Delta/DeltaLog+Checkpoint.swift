import Foundation
import StrataCore

/// One checkpoint of a table: the version it sums up and its Parquet part files, in order.
public struct DeltaCheckpoint: Sendable, Hashable {
    public var version: Int64
    public var parts: [String]

    public init(version: Int64, parts: [String]) {
        self.version = version
        self.parts = parts
    }
}

extension DeltaLog {
    /// The complete checkpoints in the log, oldest first: classic
    /// (`<v>.checkpoint.parquet`) and multi-part (`<v>.checkpoint.<i>.<n>.parquet`, all `n`
    /// parts present). Incomplete multi-part sets (a writer died while writing them) and
    /// other checkpoint kinds are left out.
    public func checkpoints() throws -> [DeltaCheckpoint] {
        let names = try logEntries()
        var classic: [Int64: String] = [:]
        var multi: [Int64: [Int: [Int: String]]] = [:]  // version → total → part → name
        for name in names where name.contains(".checkpoint.") && name.hasSuffix(".parquet") {
            let parts = name.split(separator: ".")
            guard parts.count >= 3, parts[0].count == 20, let v = Int64(parts[0]), parts[1] == "checkpoint" else { continue }
            if parts.count == 3 {
                classic[v] = name
            } else if parts.count == 5, parts[2].count == 10, parts[3].count == 10, let i = Int(parts[2]), let n = Int(parts[3]), i >= 1, i <= n {
                multi[v, default: [:]][n, default: [:]][i] = name
            }
        }
        var out: [DeltaCheckpoint] = []
        for v in Set(classic.keys).union(multi.keys).sorted() {
            if let c = classic[v] {
                out.append(DeltaCheckpoint(version: v, parts: [logPath + "/" + c]))
            } else if let sets = multi[v], let (n, parts) = sets.first(where: { $0.value.count == $0.key }) {
                out.append(DeltaCheckpoint(version: v, parts: (1...n).map { logPath + "/" + parts[$0]! }))
            }
        }
        return out
    }

    /// The newest complete checkpoint, if any.
    public func latestCheckpoint() throws -> DeltaCheckpoint? { try checkpoints().last }

    /// A checkpoint's actions (protocol, metadata, live files, txn markers and tombstones), as
    /// one commit: what replay starts from.
    func readCheckpoint(_ cp: DeltaCheckpoint) throws -> Commit {
        var actions: [DeltaAction] = []
        var mtime: Int64 = 0
        for path in cp.parts {
            do {
                let reader = try ParquetNestedReader(path: path)
                let rows = try reader.rows(fields: ["protocol", "metaData", "add", "remove", "txn"],
                                           skip: ["add.stats_parsed", "add.partitionValues_parsed", "add.tags", "remove.tags",
                                                  "remove.stats_parsed", "remove.partitionValues_parsed"])
                for (i, row) in rows.enumerated() {
                    for key in ["protocol", "metaData", "txn", "add", "remove"] {
                        guard let body = row[key] else { continue }
                        if let a = try DeltaAction.decode(.object([JSONMember(key, body)]), file: path, line: i + 1) { actions.append(a) }
                    }
                }
            } catch var e as StrataError where e.code == .parse {
                // Text inside the checkpoint (a schema, a stats string) that does not parse: the file is damaged.
                e.code = .corruptData
                if !e.message.contains(path) { e.message = "checkpoint \(path): " + e.message }
                throw e
            }
            let date = (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date // a fallback timestamp only
            mtime = max(mtime, date.map { Int64($0.timeIntervalSince1970 * 1000) } ?? 0)
        }
        return Commit(actions: actions, modificationTime: mtime)
    }
}
