import Foundation
import StrataCore
import StrataFormats

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
    /// references (left by overwrites and merges), and staging folders of crashed runs.
    ///
    /// Delta readers never see such files; plain Parquet readers (`read_parquet('…/**/*.parquet')`)
    /// do, so vacuuming keeps the folder equal to the table. Time travel to older versions stops working.
    public func vacuum(_ table: TableRef, retainVersions: Int64 = 0, dryRun: Bool = false) throws -> VacuumResult {
        try requireExists(table)
        let log = DeltaLog(tablePath: path(of: table))
        guard let latest = try log.latestVersion() else { throw StrataError(.notFound, "\(table) has no versions") }
        let oldest = max(0, latest - retainVersions)
        var referenced = Set<String>()
        for v in oldest...latest {
            // Fail closed: a version that cannot be read might reference any file, so nothing is deleted.
            for f in try log.snapshot(at: v).files { referenced.insert(f.path) }
        }
        let root = path(of: table)
        var files: [String] = []
        var bytes = 0
        let fm = FileManager.default
        if let walker = fm.enumerator(atPath: root) {
            while let rel = walker.nextObject() as? String {
                // A commit's temporary file left by a crash between writing it and linking it in.
                if rel.hasPrefix("_delta_log/.strata-commit-") && rel.hasSuffix(".json.tmp") {
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
