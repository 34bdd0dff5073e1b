import Foundation
import StrataCore
import StrataFormats
import StrataCommit

extension Lake {
    /// What `vacuum` found (and removed, unless it was a dry run).
    public struct VacuumResult: Sendable {
        public var table: TableRef
        public var files: [String]
        public var bytes: Int
        /// The oldest version still readable afterwards (time travel before it fails).
        public var oldestReadableVersion: Int64
    }

    /// Deletes the Parquet files of `table` that no version from `latest - retainVersions` on
    /// references (left by overwrites, merges and compactions), and staging folders of crashed
    /// runs. With `retainHours`, files removed (or written and never committed) less than that
    /// long ago are kept too, as Delta's own vacuum does; both limits keep what either keeps.
    ///
    /// Delta readers never see such files; plain Parquet readers do, so vacuuming keeps the
    /// folder equal to the table. Time travel to older versions stops working. A table with a
    /// writer feature strata does not support is refused: its vacuum rules may differ.
    public func vacuum(_ table: TableRef, retainVersions: Int64 = 0, retainHours: Double? = nil, dryRun: Bool = false) throws -> VacuumResult {
        try requireExists(table)
        let log = DeltaLog(tablePath: path(of: table))
        guard let latest = try log.latestVersion() else { throw StrataError(.notFound, "\(table) has no versions") }
        let current = try log.snapshot()
        if let why = current.writeRefusal {
            throw StrataError(.unsupported, "strata will not vacuum \(table): \(why)", hint: "vacuum this table with Spark or delta-rs")
        }
        // Versions before a checkpoint whose commits were cleaned up cannot be read: start after them.
        var readableFrom: Int64 = 0
        if let first = try log.versions().first, first > 0 {
            readableFrom = try log.checkpoints().first(where: { $0.version >= first - 1 })?.version ?? latest
        }
        let oldest = max(readableFrom, latest - retainVersions)
        var referenced = Set<String>()
        for v in oldest...latest {
            // Fail closed: a version that cannot be read might reference any file, so nothing is deleted.
            for f in try (v == latest ? current : log.snapshot(at: v)).files { referenced.insert(f.path) }
        }
        let cutoff: Date? = retainHours.map { Date().addingTimeInterval(-$0 * 3600) }
        if let cutoff {
            let ms = Int64(cutoff.timeIntervalSince1970 * 1000)
            for r in current.tombstones where r.deletionTimestamp >= ms { referenced.insert(r.path) }
        }
        let root = path(of: table)
        var files: [String] = []
        var bytes = 0
        let fm = FileManager.default
        if let walker = fm.enumerator(atPath: root) {
            while let rel = walker.nextObject() as? String {
                // A commit's temporary file left by a crash between writing it and linking it in.
                // …and a checkpoint's, left by a crash while writing it.
                if (rel.hasPrefix("_delta_log/.strata-commit-") && rel.hasSuffix(".json.tmp")) || rel.hasPrefix("_delta_log/.tmp-") {
                    files.append(rel)
                    continue
                }
                if rel.hasPrefix("_delta_log") { continue }
                if rel.hasPrefix("_staging") {
                    files.append(rel)
                    walker.skipDescendants()
                    continue
                }
                guard rel.hasSuffix(".parquet"), !referenced.contains(rel) else { continue }
                if let cutoff, let m = (try? fm.attributesOfItem(atPath: root + "/" + rel))?[.modificationDate] as? Date, m > cutoff { continue } // unreadable date: the file is old enough
                files.append(rel)
                bytes += ((try? fm.attributesOfItem(atPath: root + "/" + rel)[.size]) as? Int) ?? 0
            }
        }
        if !dryRun {
            for f in files { try fm.removeItem(atPath: root + "/" + f) }
            // Partition folders emptied by the deletions.
            for f in files.reversed() {
                var dir = (f as NSString).deletingLastPathComponent
                while !dir.isEmpty, (try? fm.contentsOfDirectory(atPath: root + "/" + dir))?.isEmpty == true {
                    try? fm.removeItem(atPath: root + "/" + dir)
                    dir = (dir as NSString).deletingLastPathComponent
                }
            }
        }
        return VacuumResult(table: table, files: files.sorted(), bytes: bytes, oldestReadableVersion: oldest)
    }

    /// Table folders that a crashed first write left: staged part files (and possibly a temporary
    /// commit file) but no committed version. No reader sees them as a table.
    public func crashedFirstWrites() -> [TableRef] {
        let fm = FileManager.default
        var out: [TableRef] = []
        for layer in Layer.allCases {
            guard let names = try? fm.contentsOfDirectory(atPath: root + "/" + layer.rawValue) else { continue } // no layer folder yet
            for n in names.sorted() where TableRef.isValidName(n) {
                let t = TableRef(layer: layer, name: n)
                guard !exists(t), let entries = try? fm.contentsOfDirectory(atPath: path(of: t)) else { continue } // not a folder
                let log = (try? fm.contentsOfDirectory(atPath: path(of: t) + "/_delta_log")) ?? [] // no log folder: nothing in it
                if entries.allSatisfy({ $0 == "_staging" || $0 == "_delta_log" }), log.allSatisfy({ $0.hasSuffix(".tmp") }) {
                    out.append(t)
                }
            }
        }
        return out
    }

    /// Deletes a crashed first write's folder (see `crashedFirstWrites`).
    public func removeCrashedFirstWrite(_ table: TableRef, dryRun: Bool) throws -> VacuumResult {
        let fm = FileManager.default
        let files = ((fm.enumerator(atPath: path(of: table))?.allObjects as? [String]) ?? []).filter { $0.hasSuffix(".parquet") || $0.hasSuffix(".tmp") }
        let bytes = files.reduce(0) { $0 + ((((try? fm.attributesOfItem(atPath: path(of: table) + "/" + $1))?[.size]) as? Int) ?? 0) } // sizes are informational
        if !dryRun { try fm.removeItem(atPath: path(of: table)) }
        return VacuumResult(table: table, files: files.sorted(), bytes: bytes, oldestReadableVersion: 0)
    }
}

extension Lake {
    /// Writes a checkpoint of `table`'s latest version (see `DeltaLog.writeCheckpoint`).
    public func checkpoint(_ table: TableRef) throws -> DeltaCheckpoint {
        try requireExists(table)
        let snap = try snapshot(table)
        if let why = snap.writeRefusal {
            throw StrataError(.unsupported, "strata will not checkpoint \(table): \(why)")
        }
        return try DeltaLog(tablePath: path(of: table)).writeCheckpoint(version: snap.version)
    }
}
