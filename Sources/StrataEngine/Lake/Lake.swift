public import StrataCore
public import StrataFormats
import StrataGovernance
import StrataPlugins
import Foundation
import StrataCommit

/// The lake folder: its tables, their logs, and the incremental state kept in them.
public struct Lake: Sendable {
    public let root: String

    public init(root: String) {
        self.root = root
    }

    public func path(of table: TableRef) -> String { root + "/" + table.relativePath }

    public func exists(_ table: TableRef) -> Bool { DeltaLog(tablePath: path(of: table)).exists() }

    /// Every Delta table under the layer folders, sorted.
    public func tables() -> [TableRef] {
        var out: [TableRef] = []
        let fm = FileManager.default
        for layer in Layer.allCases {
            guard let names = try? fm.contentsOfDirectory(atPath: root + "/" + layer.rawValue) else { continue }
            for n in names where TableRef.isValidName(n) {
                let t = TableRef(layer: layer, name: n)
                if exists(t) { out.append(t) }
            }
        }
        return out.sorted()
    }

    /// The table's commits, oldest first.
    public func history(_ table: TableRef) throws -> [DeltaCommitInfo] {
        try requireExists(table)
        return try DeltaLog(tablePath: path(of: table)).history()
    }

    public func snapshot(_ table: TableRef, version: Int64? = nil) throws -> DeltaSnapshot {
        try requireExists(table)
        return try DeltaLog(tablePath: path(of: table)).snapshot(at: version)
    }

    /// A reader over the table at `version` (latest when nil).
    public func reader(_ table: TableRef, version: Int64? = nil, columns: [String]? = nil) throws -> DeltaTableReader {
        try requireExists(table)
        if let version { try requireReadable(table, version: version) }
        return try DeltaTableReader(tablePath: path(of: table), version: version, columns: columns)
    }

    /// Time travel to a version whose files a policy change purged says so, instead of failing on a missing file.
    func requireReadable(_ table: TableRef, version: Int64) throws {
        let snap = try snapshot(table, version: version)
        let fm = FileManager.default
        guard snap.files.contains(where: { !fm.fileExists(atPath: path(of: table) + "/" + $0.path) }) else { return }
        if let purge = try history(table).last(where: { $0.version > version && Runner.purgeOperations.contains($0.operation) }) {
            throw StrataError(.notFound, "version \(version) of \(table) was purged by policy at version \(purge.version): a policy change re-masked the table and deleted the files that held values the policies now forbid",
                              hint: "read version \(purge.version) or later; `strata history \(table)` lists the versions")
        }
        throw StrataError(.corruptData, "version \(version) of \(table) references data files that are missing",
                          hint: "they were deleted outside strata (or by `strata vacuum`); read a later version")
    }

    func requireExists(_ table: TableRef) throws {
        guard exists(table) else {
            let known = tables().map(\.description)
            throw StrataError(.notFound, "table \(table) does not exist",
                              hint: Suggest.hint(for: table.description, in: known)
                                ?? (known.isEmpty ? "the lake is empty; run `strata run` first" : "tables: " + known.joined(separator: ", ")))
        }
    }

    /// The incremental state the pipeline recorded in its last commit to `table`.
    public func lastState(of table: TableRef, pipeline: String) throws -> [String: String] {
        guard exists(table) else { return [:] }
        let log = DeltaLog(tablePath: path(of: table))
        // The copy of the pipeline's latest txn: the state of its last commit, or one a merge
        // that changed no row advanced to since.
        let txn = try log.snapshot().txnVersions[StateKeys.appId(pipeline)]
        if let txn, let copy = StateCopy.load(tablePath: log.tablePath, pipeline: pipeline, txn: txn) { return copy }
        for c in try log.history() where c.fields["strataPipeline"]?.stringValue == pipeline {
            guard let text = c.fields[StateKeys.state]?.stringValue,
                  let obj = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: String] else { return [:] }
            return obj
        }
        // The pipeline committed (its txn marker survives in checkpoints) but the commit is no
        // longer in the log: another writer cleaned the log up. Reading from scratch would add
        // every row again, so the state comes from its copy, or the pipeline stops.
        if txn != nil {
            throw StrataError(.runFailed, "the incremental state of pipeline '\(pipeline)' was in a commit of \(table) that a log cleanup removed, and no copy of it matches",
                              hint: "rebuild with `strata run --full-refresh \(pipeline)`")
        }
        return [:]
    }

    /// Commits quarantined rows to `quarantine.<layer>_<name>` in one commit.
    /// `replace` (a full refresh) overwrites the pipeline's earlier rejects.
    func appendQuarantine(_ batch: Batch, for target: TableRef, pipeline: String, runId: String, replace: Bool,
                          record: GovernanceRecord, prepare: CommitHook?) throws -> CommitSummary {
        let q = QuarantineCollector.table(for: target)
        var options = TableWriteOptions()
        if replace { options.mode = .overwrite }
        let w = try DeltaTableWriter(table: q, tablePath: path(of: q), schema: batch.schema, options: options)
        try w.write(batch)
        return try w.commit(CommitContext(operation: replace ? "QUARANTINE (REPLACE)" : "QUARANTINE", pipeline: pipeline, runId: runId,
                                          info: ["strataTarget": target.description, GovernanceRecord.commitInfoKey: try record.encoded()],
                                          prepare: prepare))
    }
}

