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

    /// Samples `table`'s string columns with the policy's detector (nothing read when it does not exist).
    static func detect(_ table: TableRef, lake: Lake, policy: DetectionPolicy) throws -> [Detection] {
        guard lake.exists(table) else { return [] }
        let reader = try lake.reader(table)
        var scanner = policy.scanner()
        while !scanner.isSaturated, let b = try reader.next() { scanner.add(b) }
        return scanner.detections().filter { !policy.ignores(table, $0.column) }
    }
}
