import StrataCore
import StrataConfig

/// `type: select`: keep the listed columns, in that order.
public struct Select: TransformConfig {
    public static let descriptor = PluginDescriptor(
        name: "select", kind: .transform,
        summary: "Keep only the listed columns, in the given order.",
        doc: "Every listed column must exist in the input; the output has exactly these columns.",
        keys: [ConfigKey("columns", "[string]", required: true, "The columns to keep, in output order.")],
        example: """
        transforms:
          - type: select
            columns: [user_id, country, signup_date]
        """,
        make: { m in .transform(try Select(m)) })

    let columns: [NamedColumn]

    init(_ m: ConfigMap) throws {
        columns = try m.columnList("columns") ?? []
        if columns.isEmpty { throw m.error("columns", .invalidConfig, "select needs at least one column") }
        var seen = Set<String>()
        for c in columns where !seen.insert(c.name).inserted {
            throw StrataError(.invalidConfig, "column '\(c.name)' is selected twice", location: c.location, path: c.path)
        }
    }

    func indices(_ input: Schema) throws -> [Int] { try columns.map { try $0.index(in: input) } }

    public func outputSchema(input: Schema, _ resolver: any SchemaResolver) throws -> Schema {
        Schema(try indices(input).map { input[$0] })
    }

    public func makeOperator(input: Schema, _ context: RunContext) throws -> any BatchOperator {
        let idx = try indices(input)
        return MapOperator(schema: Schema(idx.map { input[$0] })) { $0.project(idx) }
    }
}

extension Select: SparkCompilable {
    public func compileSpark(_ job: SparkJob, input: SparkFrame, _ resolver: any SchemaResolver) throws -> SparkFrame {
        job.comment("select: " + columns.map(\.name).joined(separator: ", "))
        return job.project(input, try outputSchema(input: input.schema, resolver))
    }
}
