import StrataCore
import StrataConfig

/// `type: rename`: give columns new names.
public struct Rename: TransformConfig {
    public static let descriptor = PluginDescriptor(
        name: "rename", kind: .transform,
        summary: "Rename columns: `columns: {old_name: new_name}`.",
        doc: "Columns keep their position, type and governance tags (a renamed PII column is still PII).",
        keys: [ConfigKey("columns", "map old → new", required: true, "Old names to new names.")],
        example: """
        transforms:
          - type: rename
            columns: {full_name: name, ip_address: ip}
        """,
        make: { m in .transform(try Rename(m)) })

    let renames: [(old: NamedColumn, new: String)]

    init(_ m: ConfigMap) throws {
        renames = try (m.namedMap("columns") ?? []).map { e in
            (NamedColumn(name: e.key, location: e.location, path: e.path), e.value)
        }
        if renames.isEmpty { throw m.error("columns", .invalidConfig, "rename needs at least one column") }
    }

    public func outputSchema(input: Schema, _ resolver: any SchemaResolver) throws -> Schema {
        var fields = input.fields
        for r in renames {
            let i = try r.old.index(in: input)
            fields[i].name = r.new
        }
        var seen = Set<String>()
        for f in fields where !seen.insert(f.name).inserted {
            let r = renames.first { $0.new == f.name }!
            throw StrataError(.schemaMismatch, "renaming to '\(f.name)' makes two columns of that name",
                              location: r.old.location, path: r.old.path, hint: "drop or rename the other '\(f.name)' first")
        }
        return Schema(fields)
    }

    public func makeOperator(input: Schema, _ context: RunContext) throws -> any BatchOperator {
        let out = try outputSchema(input: input, EmptyResolver())
        return MapOperator(schema: out) { b in
            var r = Batch(schema: out, columns: b.columns)
            r.origin = b.origin
            return r
        }
    }

    public func columnLineage(input: Schema, _ resolver: any SchemaResolver) throws -> ColumnLineage {
        let out = try outputSchema(input: input, resolver)
        var d: [String: [ColumnLineage.Edge]] = [:]
        for (i, f) in out.fields.enumerated() { d[f.name] = [.init(ColumnRef(input[i].name), .identity)] }
        return ColumnLineage(direct: d)
    }
}

/// A resolver that knows no tables (for transforms whose schema needs none).
struct EmptyResolver: SchemaResolver {
    func schema(of table: TableRef) -> Schema? { nil }
}

extension Rename: SparkCompilable {
    public func compileSpark(_ job: SparkJob, input: SparkFrame, _ resolver: any SchemaResolver) throws -> SparkFrame {
        job.comment("rename: " + renames.map { "\($0.old.name) → \($0.new)" }.joined(separator: ", "))
        var renamed: [String: String] = [:]
        for r in renames { renamed[r.new] = r.old.name }
        return job.project(input, try outputSchema(input: input.schema, resolver), renamed: renamed)
    }
}
