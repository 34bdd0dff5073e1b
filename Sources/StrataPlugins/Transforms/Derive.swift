import StrataCore
import StrataConfig

/// `type: derive`: add or replace columns computed from expressions.
public struct Derive: TransformConfig {
    public static let descriptor = PluginDescriptor(
        name: "derive", kind: .transform,
        summary: "Add or replace columns computed by expressions: `columns: {name: expression}`.",
        doc: """
        Expressions are evaluated in order, so a later one may use a column an earlier one made. \
        A new name is added at the end; an existing name is replaced in place. Each output column's \
        lineage (and so its governance tags) comes from the columns its expression reads.
        """,
        keys: [
            ConfigKey("columns", "map name → expression", required: true, "The columns to compute."),
            ConfigKey("on_error", "fail | null | quarantine", default: "fail", "Rows where an expression cannot be computed: fail the run, set null, or quarantine the row."),
        ],
        example: """
        transforms:
          - type: derive
            columns:
              order_date: date(created_at)
              net_amount: amount - coalesce(discount, 0)
              email_domain: split_part(email, '@', 2)
        """,
        make: { m in .transform(try Derive(m)) })

    let columns: [(name: String, expr: ExpressionSource)]
    let onError: OnError

    init(_ m: ConfigMap) throws {
        columns = try m.expressionMap("columns") ?? []
        if columns.isEmpty { throw m.error("columns", .invalidConfig, "derive needs at least one column") }
        onError = try m.onError()
    }

    /// Compiles each expression against the schema produced so far.
    func compiled(_ input: Schema) throws -> (steps: [(Field, TypedExpr)], output: Schema) {
        var schema = input
        var steps: [(Field, TypedExpr)] = []
        for c in columns {
            let e = try c.expr.compile(schema)
            let f = Field(c.name, e.type, nullable: e.nullable || onError == .null)
            steps.append((f, e))
            schema.append(f)
        }
        return (steps, schema)
    }

    public func outputSchema(input: Schema, _ resolver: any SchemaResolver) throws -> Schema {
        try compiled(input).output
    }

    public func makeOperator(input: Schema, _ context: RunContext) throws -> any BatchOperator {
        let (steps, output) = try compiled(input)
        let ctx = EvaluationContext(context)
        let onError = self.onError
        return MapOperator(schema: output) { b in
            var batch = b
            var bad = Set<Int>()
            var reasons: [Int: String] = [:]
            for (field, e) in steps {
                var failures: [RowFailure] = []
                let col = try e.evaluate(batch, context: ctx, failures: &failures)
                if let f = failures.first, onError == .fail {
                    throw StrataError(.runFailed, "derive \(field.name) = \(e.sql): \(f)", path: "derive.columns.\(field.name)")
                }
                for f in failures where reasons[f.row] == nil {
                    bad.insert(f.row)
                    reasons[f.row] = "derive \(field.name): \(f.message)"
                }
                batch.set(field, col)
            }
            batch = Batch(schema: output, columns: output.fields.map { batch.column(named: $0.name)! })
            batch.origin = b.origin
            if onError == .quarantine && !bad.isEmpty {
                let rows = bad.sorted()
                RowQuarantine.send(b, rows: rows, reasons: rows.map { reasons[$0]! }, context: context)
                var keep = [Bool](repeating: true, count: batch.rowCount)
                for r in rows { keep[r] = false }
                let origin = batch.origin
                batch = batch.filter(keep)
                batch.origin = origin
            }
            return batch
        }
    }

    public func columnLineage(input: Schema, _ resolver: any SchemaResolver) throws -> ColumnLineage {
        let (steps, output) = try compiled(input)
        // Each step reads the schema made so far: compose step by step.
        var lineage = ColumnLineage.passThrough(input)
        for (field, e) in steps {
            let (direct, indirect) = ExpressionSource.lineage(e)
            var step = ColumnLineage.passThrough(lineage.direct.keys.sorted().reduce(into: Schema([])) { s, n in s.append(Field(n, .string)) })
            step.direct[field.name] = direct
            step.indirect = indirect
            lineage = step.composed(after: lineage)
        }
        lineage.direct = lineage.direct.filter { output.index(of: $0.key) != nil }
        return lineage
    }
}

extension Derive: SparkCompilable {
    public func compileSpark(_ job: SparkJob, input: SparkFrame, _ resolver: any SchemaResolver) throws -> SparkFrame {
        if let e = SparkRefusal.onError("derive", onError) { throw e }
        var schema = input.schema
        var current = input
        // Each column sees the ones derived before it, as natively.
        for c in columns {
            let typed = try c.expr.compile(schema)
            let sql = try c.expr.spark(schema)
            job.comment("derive \(c.name) = " + c.expr.text.split(separator: "\n").map { String($0).trimming(" ") }.joined(separator: " "))
            schema.append(Field(c.name, typed.type, nullable: typed.nullable))
            current = job.frame("\(current.name).withColumn(\(job.python(c.name)), \(job.expr("CAST(\(sql) AS \(typed.type.sqlName))")))", schema: schema)
        }
        return job.project(current, try outputSchema(input: input.schema, resolver))
    }
}
