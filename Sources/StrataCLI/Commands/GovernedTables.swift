import StrataCore
import StrataEngine
import StrataFormats
import StrataGovernance

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

    /// Scans `table`'s stored string columns with the policies' detector (nothing read when it
    /// does not exist): the sample decides medium-confidence kinds; with `wholeTable`, every later
    /// row is still checked for high-confidence spans.
    static func detect(_ table: TableRef, lake: Lake, policies: PolicySet, wholeTable: Bool) throws -> [Detection] {
        guard lake.exists(table) else { return [] }
        let reader = try lake.reader(table)
        var scanner = policies.scanner()
        scanner.fullScan = wholeTable
        while wholeTable || !scanner.isSaturated, let b = try reader.next() { scanner.add(b) }
        return scanner.detections().filter { !policies.detection.ignores(table, $0.column) }
    }

    /// What `policy audit` (and the docs site) decide from, per table: for one that exists, the
    /// commits' records (which hold what the detector found when the data was written) rather
    /// than a fresh sample, and the stored form reads deliver; else the gate's plan.
    static func auditInputs(_ project: Project, governance: Governance) throws -> [AuditTableInput] {
        let lake = Lake(root: project.lakeRoot)
        return try all(project).map { try auditInput($0, lake: lake, governance: governance) }
    }

    static func auditInput(_ t: (table: TableRef, schema: Schema, exists: Bool), lake: Lake, governance: Governance) throws -> AuditTableInput {
        var input = AuditTableInput(table: t.table, schema: t.schema, exists: t.exists)
        let g = t.exists ? try lake.governance(of: t.table) : nil
        // A sample only where no commit recorded what the detector found.
        if g?.latest == nil {
            input.detections = try detect(t.table, lake: lake, policies: governance.policies, wholeTable: false)
        }
        if let g {
            input.propagated = g.tags
            input.stored = StoredFormConformer.target(for: t.table, schema: t.schema, governance: g, policies: governance)
        }
        return input
    }
}
