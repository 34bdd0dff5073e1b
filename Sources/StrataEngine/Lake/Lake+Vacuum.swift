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
                if rel.hasPrefix("_delta_log") { walker.skipDescendants(); continue }
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
}
