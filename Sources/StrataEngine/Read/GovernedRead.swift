public import StrataCore
public import StrataFormats
public import StrataGovernance

/// The one governed read path: `show --as`, `export --as`, `policy test` and `access explain`
/// all decide through it.
///
/// A role's view of a column is decided once per table (what `access explain` prints) and then
/// enforced file by file: each data file's stored form comes from the record of the commit that
/// added it, so a file written before a column was masked is masked on read like the rest, at
/// the current version and at every older one (time travel).
public struct GovernedRead {
    public let decision: AccessDecision
    let reader: DeltaTableReader
    let masker: Masker
    let conformer: StoredFormConformer

    /// The governance of the project (its `policies:` folder).
    public static func governance(_ project: Project) throws -> Governance {
        try project.loadGovernance()
    }

    /// What `role` may see of `table`: tags are what the table's latest commit recorded plus what
    /// the policies declare now; the stored form of each column is what the latest commit stored,
    /// strengthened to what the layer's policy requires now. Throws when the table's governance
    /// record cannot be read.
    public static func decide(_ table: TableRef, role: String, schema: Schema, project: Project,
                              governance: Governance) throws -> AccessDecision {
        let lake = Lake(root: project.lakeRoot)
        guard lake.exists(table) else {
            let tags = governance.tags(table: table, schema: schema)
            return governance.decide(role: role, table: table, schema: schema, tags: tags, stored: nil)
        }
        return decide(table, role: role, schema: schema, recorded: try lake.governance(of: table), governance: governance).decision
    }

    static func decide(_ table: TableRef, role: String, schema: Schema, recorded g: TableGovernance,
                       governance: Governance) -> (decision: AccessDecision, target: [String: MaskMethod]) {
        let tags = governance.tags(table: table, schema: schema, propagated: g.tags)
        let target = StoredFormConformer.target(for: table, schema: schema, governance: g, policies: governance)
        return (governance.decide(role: role, table: table, schema: schema, tags: tags, stored: target), target)
    }

    /// Opens `table` (at `version`, latest when nil) for `role`; throws `.accessDenied` when the
    /// role may not read it.
    public static func open(_ table: TableRef, role: String, version: Int64? = nil, project: Project,
                            governance: Governance) throws -> GovernedRead {
        let lake = Lake(root: project.lakeRoot)
        let latestSchema = try lake.snapshot(table).schema
        let g = try lake.governance(of: table)
        let (decision, target) = decide(table, role: role, schema: latestSchema, recorded: g, governance: governance)
        try decision.check()
        let reader = try lake.reader(table, version: version)
        let masker = Masker(keys: KeyStore(lakeRoot: project.lakeRoot), detector: governance.policies.detector)
        return GovernedRead(decision: decision, reader: reader, masker: masker,
                            conformer: StoredFormConformer(governance: g, target: target, masker: masker))
    }

    /// The snapshot being read.
    public var snapshot: DeltaSnapshot { reader.snapshot }

    /// The columns the role sees.
    public var schema: Schema { decision.visibleSchema }

    /// The next batch as the role sees it; nil at the end.
    public func next() throws -> Batch? {
        guard var b = try reader.next() else { return nil }
        b = try conformer.conform(b)
        return try decision.apply(to: b, masker: masker)
    }

    /// Every row the role sees, up to `limit` rows (concatenated).
    public func readAll(limit: Int = 1_000_000) throws -> Batch {
        var batches: [Batch] = []
        var n = 0
        while n < limit, let b = try next() {
            batches.append(b)
            n += b.rowCount
        }
        let all = Batch.concat(batches, schema: schema)
        return all.rowCount > limit ? all.slice(0..<limit) : all
    }
}
