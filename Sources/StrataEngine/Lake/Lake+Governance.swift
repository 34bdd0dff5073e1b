public import StrataCore
public import StrataFormats
public import StrataGovernance
import Foundation

/// A table's governance as its log records it: the typed record of every commit that carries
/// one, and which commit added each data file, so every file's stored form is known.
public struct TableGovernance: Sendable {
    public let table: TableRef
    /// The record of each version that has one.
    public let records: [Int64: GovernanceRecord]
    /// The version whose commit added each data file (every file ever added, by path).
    public let fileVersions: [String: Int64]
    /// The newest record: the table's current tags and stored forms; nil when no commit wrote one.
    public let latest: GovernanceRecord?

    /// What `file` stores masked, from the record of the commit that added it. A file whose
    /// commit carries no record (written by another tool) is taken as storing everything raw.
    public func storedMasks(file: String?) -> [String: MaskMethod] {
        guard let file, let v = fileVersions[file], let r = records[v] else { return [:] }
        return r.masks
    }

    /// The latest record's tags (empty without one).
    public var tags: [String: Set<Tag>] { latest?.tags ?? [:] }
    /// The latest record's stored masks (empty without one).
    public var masks: [String: MaskMethod] { latest?.masks ?? [:] }
}

extension Lake {
    /// Reads every commit of `table` once: its governance records (strictly: an unreadable record
    /// is an error, never a silent loss of tags) and the version that added each file.
    public func governance(of table: TableRef) throws -> TableGovernance {
        try requireExists(table)
        let log = DeltaLog(tablePath: path(of: table))
        var records: [Int64: GovernanceRecord] = [:]
        var files: [String: Int64] = [:]
        var latest: GovernanceRecord?
        for v in try log.versions() {
            for a in try log.actions(version: v) {
                switch a {
                case .add(let f):
                    files[f.path] = v
                case .commitInfo(let c):
                    if let text = c.fields[GovernanceRecord.commitInfoKey]?.stringValue {
                        let r = try GovernanceRecord.decode(text, context: "\(table) version \(v)")
                        records[v] = r
                        latest = r
                    }
                default:
                    break
                }
            }
        }
        return TableGovernance(table: table, records: records, fileVersions: files, latest: latest)
    }
}

/// Conforms batches read from a table to a target stored form, file by file: a column the target
/// stores masked with `m` is masked with `m` in every file that stores it any other way (raw,
/// because it was written before a policy or the detector classified it). Never unmasks.
public struct StoredFormConformer: Sendable {
    public let governance: TableGovernance
    /// The form readers are promised, per column.
    public let target: [String: MaskMethod]
    let masker: Masker

    public init(governance: TableGovernance, target: [String: MaskMethod], masker: Masker) {
        self.governance = governance
        self.target = target
        self.masker = masker
    }

    /// Each column's target form as the policies require it now: what the latest commit stored,
    /// strengthened by the layer gate where it now asks more (a column classified after it was
    /// written raw, a stronger method than the one stored, applied on top of it). A column the gate
    /// now refuses is nulled. `_raw` of a silver or gold pipeline's quarantine table is tokenized.
    public static func target(for table: TableRef, schema: Schema, governance g: TableGovernance,
                              policies: Governance) -> [String: MaskMethod] {
        let tags = policies.tags(table: table, schema: schema, propagated: g.tags)
        var target = g.masks
        // Columns computed from masked values are not masked again; every other column meets the gate.
        let plan = policies.planWrite(table: table, schema: schema, tags: tags, preMasked: g.latest?.derivedColumns ?? [])
        for d in plan.decisions {
            switch d.action {
            case .mask(let m, _):
                if let stored = target[d.column], stored == m || stored.strength >= m.strength { continue }
                target[d.column] = m
            case .refuse:
                target[d.column] = .null
            case .storeRaw, .preMasked:
                break
            }
        }
        if table.layer == .quarantine, !table.name.hasPrefix(Layer.bronze.rawValue + "_"), schema.index(of: "_raw") != nil {
            target["_raw"] = target["_raw"] ?? .tokenize
        }
        return target
    }

    /// Target columns whose mask changes the column's type: they cannot be re-masked in place
    /// (reads null them; the table needs a `--full-refresh`).
    public static func typeChanging(_ target: [String: MaskMethod], schema: Schema) -> Set<String> {
        Set(target.compactMap { c, m in
            guard let f = schema.field(named: c) else { return nil }
            return (try? m.outputType(for: f.type, column: c)) == f.type ? nil : c // not applicable counts as changing
        })
    }

    public func conform(_ batch: Batch) throws -> Batch {
        guard !target.isEmpty else { return batch }
        let stored = governance.storedMasks(file: batch.origin)
        var columns = batch.columns
        var changed = false
        for (i, f) in batch.schema.fields.enumerated() {
            guard let want = target[f.name], stored[f.name] != want else { continue }
            var masked = try masker.apply(want, to: batch.columns[i], name: f.name)
            if masked.type != f.type { masked = .nulls(f.type, count: batch.rowCount) } // keep the table's type; reveal nothing
            columns[i] = masked
            changed = true
        }
        guard changed else { return batch }
        var fields = batch.schema.fields
        for (i, f) in fields.enumerated() where target[f.name] == .null { fields[i] = Field(f.name, f.type, nullable: true) }
        var b = Batch(schema: Schema(fields), columns: columns)
        b.origin = batch.origin
        return b
    }
}
