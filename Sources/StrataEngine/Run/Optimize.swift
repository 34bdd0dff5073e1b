import Foundation
import StrataCommit
import StrataCore
import StrataFormats
import StrataGovernance
import StrataPlugins

/// Options of `strata optimize`.
public struct OptimizeOptions: Sendable {
    /// Tables to compact (empty: every table of the lake).
    public var tables: [TableRef] = []
    /// Files are packed into files of about this size; files at or above it are left alone.
    public var targetBytes = 128 << 20
    /// Sort each rewritten file by the Z-order of these columns (all files of a partition are rewritten).
    public var zorderBy: [String] = []
    public var actor: String?
    public var dryRun = false

    public init() {}
}

/// What `optimize` did to one table.
public struct OptimizeResult: Sendable {
    public var table: TableRef
    /// The OPTIMIZE version, nil when nothing needed compacting (or a dry run).
    public var version: Int64?
    public var filesRemoved = 0
    public var filesAdded = 0
    public var bytesRemoved = 0
    public var bytesAdded = 0
    public var rows = 0
}

extension Runner {
    /// Compacts small files: per partition, live files under the target size are packed into
    /// bins of about that size, each bin rewritten as one file, in one `OPTIMIZE` commit whose
    /// adds and removes say `dataChange: false` (incremental readers read nothing again). Rows
    /// pass through the stored-form conformer on the way, so every new file stores each column
    /// in the form the policies require now and the commit's governance record says so; the
    /// commit is audited like any other and emits no lineage (no data changed).
    public func optimize(_ options: OptimizeOptions) throws -> [OptimizeResult] {
        let lock = try LakeLock(lakeRoot: project.lakeRoot, purpose: "strata optimize") { _ in }
        defer { withExtendedLifetime(lock) {} }
        let governance = try project.loadGovernance()
        let masker = Masker(keys: KeyStore(lakeRoot: project.lakeRoot), detector: governance.policies.detector)
        let recorder = try RunRecorder(project: project, actor: options.actor, runId: UUID().uuidString.lowercased(),
                                       policyDigest: governance.policies.digest)
        let tables = options.tables.isEmpty ? lake.tables() : options.tables
        return try tables.map { try optimize($0, options, governance: governance, masker: masker, recorder: recorder) }
    }

    func optimize(_ t: TableRef, _ options: OptimizeOptions, governance: Governance, masker: Masker,
                  recorder: RunRecorder) throws -> OptimizeResult {
        let snap = try lake.snapshot(t)
        var result = OptimizeResult(table: t)
        if let why = snap.writeRefusal {
            throw StrataError(.unsupported, "strata will not optimize \(t): \(why)", hint: "compact this table with Spark or delta-rs")
        }
        for c in options.zorderBy where snap.schema.index(of: c) == nil || snap.metadata.partitionColumns.contains(c) {
            throw StrataError(.usage, "--zorder-by: '\(c)' is not a data column of \(t)",
                              hint: Suggest.hint(for: c, in: snap.metadata.fileSchema.names))
        }
        let bins = Self.bins(snap.files, target: options.targetBytes, rewriteAll: !options.zorderBy.isEmpty)
        guard !bins.isEmpty else { return result }
        for b in bins {
            result.filesRemoved += b.count
            result.bytesRemoved += b.reduce(0) { $0 + $1.size }
        }
        if options.dryRun { return result }
        let g = try lake.governance(of: t)
        let all = StoredFormConformer.target(for: t, schema: snap.schema, governance: g, policies: governance)
        let target = all.filter { !StoredFormConformer.typeChanging(all, schema: snap.schema).contains($0.key) }
        let conformer = StoredFormConformer(governance: g, target: target, masker: masker)
        var o = TableWriteOptions()
        o.mode = .append
        o.rewrite = true
        o.partitionBy = snap.metadata.partitionColumns
        o.evolveSchema = false
        o.replacing = Set(bins.joined().map(\.path))
        o.maxFileRows = Int.max
        let tablePath = lake.path(of: t)
        let writer = try DeltaTableWriter(table: t, tablePath: tablePath, schema: snap.schema, options: o)
        let facts = CommitFacts()
        do {
            for bin in bins {
                let reader = try DeltaTableReader(tablePath: tablePath, version: snap.version, onlyFiles: bin)
                var batches: [Batch] = []
                while let b = try reader.next() {
                    let conformed = try conformer.conform(b)
                    result.rows += conformed.rowCount
                    if options.zorderBy.isEmpty { try writer.write(conformed) } else { batches.append(conformed) }
                }
                if !batches.isEmpty {
                    let all = Batch.concat(batches, schema: batches[0].schema)
                    try writer.write(all.take(ZOrder.permutation(all, columns: options.zorderBy)))
                }
                result.filesAdded += try writer.closeParts().count
            }
            let record = Self.remaskRecord(g.latest, table: t, schema: snap.schema, target: target, governance: governance)
            let ctx = CommitContext(operation: "OPTIMIZE", runId: recorder.runId,
                                    info: [GovernanceRecord.commitInfoKey: try record.encoded(),
                                           "strataCompactedFiles": String(result.filesRemoved),
                                           "strataZOrderBy": options.zorderBy.joined(separator: ",")],
                                    prepare: facts.hook(recorder.commitHook(pipeline: "optimize", columns: { snap.schema.names },
                                                                            masks: { target.mapValues(\.description) })))
            let summary = try writer.commit(ctx, force: true)
            result.version = summary.version
            result.bytesAdded = summary.bytes
        } catch {
            writer.abort()
            throw recorder.auditRewriteFailure(error, table: t, pipeline: "optimize", facts: facts,
                                               message: "optimizing \(t) failed; nothing was changed")
        }
        return result
    }

    /// Groups of files to rewrite together: per partition, files under `target` bytes in the
    /// order they were added, packed greedily up to `target`; a group of one file is left alone
    /// unless `rewriteAll` (Z-ordering rewrites every file of a partition, whatever its size).
    static func bins(_ files: [DeltaAddFile], target: Int, rewriteAll: Bool) -> [[DeltaAddFile]] {
        var byPartition: [[String: String?]: [DeltaAddFile]] = [:]
        var order: [[String: String?]] = []
        for f in files where rewriteAll || f.size < target {
            if byPartition[f.partitionValues] == nil { order.append(f.partitionValues) }
            byPartition[f.partitionValues, default: []].append(f)
        }
        var out: [[DeltaAddFile]] = []
        for key in order {
            var bin: [DeltaAddFile] = []
            var size = 0
            for f in byPartition[key]! {
                if !bin.isEmpty && size + f.size > target && !rewriteAll {
                    out.append(bin)
                    bin = []
                    size = 0
                }
                bin.append(f)
                size += f.size
            }
            if !bin.isEmpty { out.append(bin) }
        }
        return out.filter { $0.count > 1 || rewriteAll }
    }
}

/// Z-order (Morton order) of rows by several columns: each column's values are ranked, the ranks
/// scaled to 21 bits, and the bits of up to three columns interleaved into one key, so rows close
/// in every column land close in the file and per-file min/max statistics prune on each of them.
enum ZOrder {
    static func permutation(_ batch: Batch, columns: [String]) throws -> [Int] {
        let n = batch.rowCount
        let cols = Array(columns.prefix(3))
        let bits = 63 / max(cols.count, 1)
        var keys = [UInt64](repeating: 0, count: n)
        var ranks: [[UInt64]] = []
        for name in cols {
            guard let c = batch.column(named: name) else { throw StrataError(.usage, "--zorder-by: no column '\(name)'") }
            // Nulls first, then values in the column's order.
            func cmp(_ a: Int, _ b: Int) -> Int {
                switch (c.isNull(a), c.isNull(b)) {
                case (true, true): return 0
                case (true, false): return -1
                case (false, true): return 1
                default: return ValueOrder.compare(c, a, c, b)
                }
            }
            let order = (0..<n).sorted { cmp($0, $1) < 0 }
            var rank = [UInt64](repeating: 0, count: n)
            var distinct: UInt64 = 0
            for (i, r) in order.enumerated() {
                if i > 0 && cmp(order[i - 1], r) != 0 { distinct += 1 }
                rank[r] = distinct
            }
            let top = max(distinct, 1)
            let scale = Double((UInt64(1) << UInt64(bits)) - 1) / Double(top)
            ranks.append(rank.map { UInt64(Double($0) * scale) })
        }
        for r in 0..<n {
            var key: UInt64 = 0
            for b in stride(from: bits - 1, through: 0, by: -1) {
                for k in 0..<ranks.count { key = key << 1 | (ranks[k][r] >> UInt64(b) & 1) }
            }
            keys[r] = key
        }
        return (0..<n).sorted { keys[$0] != keys[$1] ? keys[$0] < keys[$1] : $0 < $1 }
    }
}
