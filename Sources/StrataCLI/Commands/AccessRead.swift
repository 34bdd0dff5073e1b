import StrataCore
import StrataEngine
import StrataFormats
import StrataGovernance

/// The governed read path the CLI shares: `show --as`, `export --as`, `policy test`.
///
/// Opens a table, decides what the role may see (denied → `.accessDenied`, exit 3) and masks,
/// filters and drops columns batch by batch.
struct AccessRead {
    let decision: AccessDecision
    let reader: DeltaTableReader
    let masker: Masker

    /// The governance of the project (its `policies:` folder).
    static func governance(_ project: Project) throws -> Governance {
        try Governance.load(directory: project.policiesRoot)
    }

    /// What `role` may see of `table` as stored: the tags and masks its last write recorded (the
    /// engine's governance record), plus what the policies declare now. `access explain` and every
    /// governed read use this one decision, so they cannot disagree.
    static func decide(_ table: TableRef, role: String, schema: Schema, project: Project, governance: Governance) -> AccessDecision {
        let lake = Lake(root: project.lakeRoot)
        let record = lake.governanceRecord(of: table)
        let tags = governance.tags(table: table, schema: schema, propagated: record.tags)
        let stored = lake.exists(table) ? record.masks : nil
        return governance.decide(role: role, table: table, schema: schema, tags: tags, stored: stored)
    }

    /// Opens `table` for `role`; throws `.accessDenied` when the role may not read it.
    static func open(_ table: TableRef, role: String, version: Int64? = nil, project: Project,
                     governance: Governance) throws -> AccessRead {
        let lake = Lake(root: project.lakeRoot)
        let reader = try lake.reader(table, version: version)
        let decision = decide(table, role: role, schema: reader.schema, project: project, governance: governance)
        try decision.check()
        return AccessRead(decision: decision, reader: reader, masker: Masker(keys: KeyStore(lakeRoot: project.lakeRoot)))
    }

    /// The columns the role sees.
    var schema: Schema { decision.visibleSchema }

    /// The next batch as the role sees it; nil at the end.
    func next() throws -> Batch? {
        guard let b = try reader.next() else { return nil }
        return try decision.apply(to: b, masker: masker)
    }

    /// Every row the role sees, up to `limit` rows (concatenated).
    func readAll(limit: Int = 1_000_000) throws -> Batch {
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

/// The tables governance commands look at: existing ones (stored schema) and those the
/// pipelines will write (planned schema).
enum GovernedTables {
    static func all(_ project: Project) -> [(table: TableRef, schema: Schema, exists: Bool)] {
        let lake = Lake(root: project.lakeRoot)
        let resolver = ProjectSchemaResolver(project: project, lake: lake)
        var refs = Set(lake.tables())
        for p in project.pipelines { refs.insert(p.writes) }
        return refs.sorted().compactMap { t in
            guard let s = resolver.schema(of: t) else { return nil }
            return (t, s, lake.exists(t))
        }
    }

    /// Samples `table`'s string columns with the policy's detector (nothing read when it does not exist).
    static func detect(_ table: TableRef, lake: Lake, policy: DetectionPolicy) throws -> [Detection] {
        guard lake.exists(table) else { return [] }
        let reader = try lake.reader(table)
        var scanner = policy.scanner()
        while !scanner.isSaturated, let b = try reader.next() { scanner.add(b) }
        return scanner.detections().filter { !policy.ignores(table, $0.column) }
    }
}
