public import StrataCore
import StrataFormats
public import StrataGovernance
import Foundation
import StrataCommit

/// A table that stores a column more weakly than the policies now require: files written before
/// the column was classified (or before its layer's rule was tightened).
public struct RemaskNeed: Sendable {
    public let table: TableRef
    /// The columns some file stores more weakly than required.
    public let columns: [String]
    /// Live files to rewrite (a `REMASK` commit).
    public let liveFiles: Int
    /// Files only older versions reference; they are deleted ("purged by policy").
    public let supersededFiles: Int

    /// One line for `validate` and `plan`.
    public var summary: String {
        "\(table) stores \(columns.map { "'\($0)'" }.joined(separator: ", ")) more weakly than the policies now require "
            + "(\(liveFiles) live file\(liveFiles == 1 ? "" : "s"), \(supersededFiles) older); the next `strata run` re-masks and purges them"
    }

    /// One line for the run that did it.
    public var doneSummary: String {
        "\(table): \(columns.joined(separator: ", ")) (\(liveFiles) live file\(liveFiles == 1 ? "" : "s") rewritten, "
            + "\(supersededFiles) older purged)"
    }
}

extension Lake {
    /// For every table: the columns whose stored form, in some file ever added, is weaker than
    /// the policies require now. Reads only the logs.
    public func remaskNeeds(governance: Governance) throws -> [RemaskNeed] {
        try tables().compactMap { t in try remaskNeed(t, governance: governance)?.need }
    }

    func remaskNeed(_ t: TableRef, governance: Governance) throws
        -> (need: RemaskNeed, governance: TableGovernance, target: [String: MaskMethod], live: Set<String>, weak: [String])? {
        let g = try self.governance(of: t)
        let snap = try snapshot(t)
        let all = StoredFormConformer.target(for: t, schema: snap.schema, governance: g, policies: governance)
        // A mask that changes a column's type cannot be applied in place: reads null that column,
        // and the table needs a full refresh (reported, never nulled in storage).
        let changing = StoredFormConformer.typeChanging(all, schema: snap.schema)
        let target = all.filter { !changing.contains($0.key) }
        guard !target.isEmpty else { return nil }
        var columns = Set<String>()
        var weak: [String] = []
        for path in g.fileVersions.keys.sorted() {
            let stored = g.storedMasks(file: path)
            let short = target.filter { stored[$0.key] != $0.value }.map { $0.key }
            guard !short.isEmpty else { continue }
            columns.formUnion(short)
            weak.append(path)
        }
        guard !weak.isEmpty else { return nil }
        let live = Set(snap.files.map(\.path))
        let liveWeak = weak.filter { live.contains($0) }.count
        let present = weak.filter { !live.contains($0) && FileManager.default.fileExists(atPath: path(of: t) + "/" + $0) }.count
        guard liveWeak > 0 || present > 0 else { return nil }
        return (RemaskNeed(table: t, columns: columns.sorted(), liveFiles: liveWeak, supersededFiles: present), g, target, live, weak)
    }
}

extension Runner {
    /// Brings every table's storage up to the current policies before any pipeline runs: live
    /// files that store a column more weakly than required are rewritten masked in one `REMASK`
    /// commit (`dataChange: false`, so incremental readers see no new rows; audited as `remask`),
    /// then every file that held the weaker form is deleted. Older versions that referenced those
    /// files then read as "purged by policy".
    ///
    /// A table strata cannot read or write (another writer's table feature) is skipped with a
    /// note: reads of it are refused anyway, and the rest of the lake is brought up to policy.
    func remask(governance: Governance, masker: Masker, recorder: RunRecorder) throws -> (done: [RemaskNeed], skipped: [String]) {
        var done: [RemaskNeed] = []
        var skipped: [String] = []
        for t in lake.tables() {
            do {
                if let n = try remask(t, governance: governance, masker: masker, recorder: recorder) { done.append(n) }
            } catch let e as StrataError where e.code == .unsupported {
                skipped.append("\(t) was not checked for re-masking: \(e.message)")
            }
        }
        return (done, skipped)
    }

    /// Re-masks one table if it needs it (also right after a commit whose stored form is stronger
    /// than earlier commits', e.g. when the detector classified a column only now).
    func remask(_ t: TableRef, governance: Governance, masker: Masker, recorder: RunRecorder) throws -> RemaskNeed? {
        guard let n = try lake.remaskNeed(t, governance: governance) else { return nil }
        let tablePath = lake.path(of: t)
        let snap = try lake.snapshot(t)
        // Live files are rewritten through the conformer (REMASK); when only files of older versions
        // hold the weaker form, the commit changes no file and records the purge (PURGE). The commit
        // comes first, the deletions after: a crash in between leaves files the next run purges.
        var o = TableWriteOptions()
        o.mode = n.need.liveFiles > 0 ? .overwrite : .append
        o.rewrite = true
        o.partitionBy = snap.metadata.partitionColumns
        o.evolveSchema = false
        let writer = try DeltaTableWriter(table: t, tablePath: tablePath, schema: snap.schema, options: o)
        let operation = n.need.liveFiles > 0 ? "REMASK" : "PURGE"
        var rewrites: [String: String] = [:]
        let facts = CommitFacts()
        do {
            if n.need.liveFiles > 0 {
                // File by file, so each new file maps to the one it replaces: incremental readers
                // downstream skip what they read before and still read what they have not.
                let conformer = StoredFormConformer(governance: n.governance, target: n.target, masker: masker)
                for f in snap.files {
                    let reader = try DeltaTableReader(tablePath: tablePath, version: snap.version, onlyFiles: [f])
                    while let b = try reader.next() { try writer.write(try conformer.conform(b)) }
                    for path in try writer.closeParts() { rewrites[path] = f.path }
                }
            }
            let record = Self.remaskRecord(n.governance.latest, table: t, schema: snap.schema, target: n.target,
                                           governance: governance)
            let ctx = CommitContext(operation: operation, runId: recorder.runId,
                                    info: [GovernanceRecord.commitInfoKey: try record.encoded(),
                                           "strataRemasked": n.need.columns.joined(separator: ","),
                                           "strataPurgedFiles": String(n.weak.count),
                                           DeltaCommitInfo.rewritesKey: String(decoding: try JSONSerialization.data(withJSONObject: rewrites, options: [.sortedKeys]), as: UTF8.self)],
                                    prepare: facts.hook(recorder.commitHook(pipeline: "remask", columns: { snap.schema.names },
                                                                            masks: { n.target.mapValues(\.description) })))
            _ = try writer.commit(ctx, force: true)
        } catch {
            writer.abort()
            throw recorder.auditRewriteFailure(error, table: t, pipeline: "remask", facts: facts,
                                               message: "re-masking \(t) after a policy change failed; nothing was changed")
        }
        let liveAfter = Set(try lake.snapshot(t).files.map(\.path))
        for path in n.weak where !liveAfter.contains(path) {
            let full = tablePath + "/" + path
            guard FileManager.default.fileExists(atPath: full) else { continue }
            do {
                try FileManager.default.removeItem(atPath: full)
            } catch {
                throw StrataError(.io, "cannot purge \(t) file \(path), which holds values the policies now forbid", cause: "\(error)")
            }
        }
        return n.need
    }

    /// The operations of commits that purge files by policy.
    static let purgeOperations: Set<String> = ["REMASK", "PURGE"]

    /// The record of a remask commit: the latest record's tags plus what the policies declare now,
    /// every column stored in its target form.
    static func remaskRecord(_ latest: GovernanceRecord?, table: TableRef, schema: Schema, target: [String: MaskMethod],
                             governance: Governance) -> GovernanceRecord {
        let declared = governance.tags(table: table, schema: schema)
        var columns: [String: GovernanceRecord.ColumnEntry] = [:]
        for c in schema.names {
            var tags = latest?.columns[c]?.tags ?? []
            for t in (declared[c] ?? []).sorted() where !tags.contains(where: { $0.tag == t.name }) {
                tags.append(.init(tag: t.name, origin: .declared))
            }
            let derived = latest?.columns[c]?.stored == .derived
            columns[c] = .init(tags: tags, stored: target[c].map(GovernanceRecord.StoredForm.masked) ?? (derived ? .derived : .raw))
        }
        return GovernanceRecord(policyDigest: governance.policies.digest, columns: columns, declassified: latest?.declassified ?? [])
    }
}
