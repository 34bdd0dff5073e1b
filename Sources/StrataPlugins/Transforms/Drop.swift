import StrataCore
import StrataConfig

/// `type: drop`: remove the listed columns.
public struct Drop: TransformConfig {
    public static let descriptor = PluginDescriptor(
        name: "drop", kind: .transform,
        summary: "Remove the listed columns.",
        doc: "Every listed column must exist (a typo is an error, not a silent no-op); the others keep their order.",
        keys: [ConfigKey("columns", "[string]", required: true, "The columns to remove.")],
        example: """
        transforms:
          - type: drop
            columns: [_source_file, _run_id]
        """,
        make: { m in .transform(try Drop(m)) })

    let columns: [NamedColumn]

    init(_ m: ConfigMap) throws {
        columns = try m.columnList("columns") ?? []
    }

    func kept(_ input: Schema) throws -> [Int] {
        let gone = Set(try columns.map { try $0.index(in: input) })
        return input.fields.indices.filter { !gone.contains($0) }
    }

    public func outputSchema(input: Schema, _ resolver: any SchemaResolver) throws -> Schema {
        Schema(try kept(input).map { input[$0] })
    }

    public func makeOperator(input: Schema, _ context: RunContext) throws -> any BatchOperator {
        let idx = try kept(input)
        return MapOperator(schema: Schema(idx.map { input[$0] })) { $0.project(idx) }
    }
}

extension Drop: SparkCompilable {
    public func compileSpark(_ job: SparkJob, input: SparkFrame, _ resolver: any SchemaResolver) throws -> SparkFrame {
        job.comment("drop: " + columns.map(\.name).joined(separator: ", "))
        return job.project(input, try outputSchema(input: input.schema, resolver))
    }
}
