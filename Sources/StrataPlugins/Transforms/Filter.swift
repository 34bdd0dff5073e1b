import StrataCore
import StrataConfig

/// `type: filter`: keep the rows where a condition is true.
public struct Filter: TransformConfig {
    public static let descriptor = PluginDescriptor(
        name: "filter", kind: .transform,
        summary: "Keep the rows where a boolean expression is TRUE (SQL WHERE: NULL drops the row).",
        doc: "The condition is type-checked against the input before any row is read. Rows where it cannot be computed (an overflow, a failed CAST) fail the run unless `on_error` says otherwise.",
        keys: [
            ConfigKey("where", "expression", required: true, "The condition, e.g. `status = 'completed' AND amount > 0`."),
            ConfigKey("on_error", "fail | null | quarantine", default: "fail", "Rows where the condition cannot be computed: fail the run, drop them (null), or quarantine them."),
        ],
        example: """
        transforms:
          - type: filter
            where: status IN ('completed', 'refunded') AND amount > 0
        """,
        make: { m in .transform(try Filter(m)) })

    let condition: ExpressionSource
    let onError: OnError

    init(_ m: ConfigMap) throws {
        condition = try m.expression("where")!
        onError = try m.onError()
    }

    public func outputSchema(input: Schema, _ resolver: any SchemaResolver) throws -> Schema {
        _ = try condition.compilePredicate(input)
        return input
    }

    public func makeOperator(input: Schema, _ context: RunContext) throws -> any BatchOperator {
        let e = try condition.compilePredicate(input)
        let ctx = EvaluationContext(context)
        let onError = self.onError
        let sql = e.sql
        return MapOperator(schema: input) { b in
            var failures: [RowFailure] = []
            var keep = try e.evaluatePredicate(b, context: ctx, failures: &failures)
            if !failures.isEmpty {
                switch onError {
                case .fail:
                    throw StrataError(.runFailed, "filter \(sql): \(failures[0])", path: "filter.where")
                case .null:
                    break
                case .quarantine:
                    RowQuarantine.send(b, rows: failures.map(\.row), reasons: failures.map { "filter: \($0.message)" }, context: context)
                    for f in failures { keep[f.row] = false }
                }
            }
            var out = b.filter(keep)
            out.origin = b.origin
            return out
        }
    }

    public func columnLineage(input: Schema, _ resolver: any SchemaResolver) throws -> ColumnLineage {
        let e = try condition.compilePredicate(input)
        return .passThrough(input, indirect: e.columns.sorted().map { .init(ColumnRef($0), .filter) })
    }
}

extension Filter: SparkCompilable {
    public func compileSpark(_ job: SparkJob, input: SparkFrame, _ resolver: any SchemaResolver) throws -> SparkFrame {
        if let e = SparkRefusal.onError("filter", onError) { throw e }
        let sql = try condition.spark(input.schema, predicate: true)
        job.comment("filter: " + condition.text)
        // Only rows where the condition is TRUE pass (NULL drops the row).
        return job.frame("\(input.name).where(\(job.expr("coalesce(\(sql), FALSE)")))", schema: input.schema)
    }
}
