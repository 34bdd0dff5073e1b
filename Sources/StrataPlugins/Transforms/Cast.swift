import StrataCore
import StrataConfig

/// `type: cast`: convert columns to other types.
public struct Cast: TransformConfig {
    public static let descriptor = PluginDescriptor(
        name: "cast", kind: .transform,
        summary: "Convert columns to other types: `columns: {amount: decimal(12,2)}`.",
        doc: """
        Uses the expression language's CAST: strings parse as numbers, dates (YYYY-MM-DD) and timestamps \
        (ISO 8601); numbers convert with SQL rounding; a value that does not fit fails. `on_error` decides \
        what a failed value does: fail the run, become null, or send its row to quarantine with the reason \
        (column and target type, never the value).
        """,
        keys: [
            ConfigKey("columns", "map column → type", required: true, "The columns to convert and their new types."),
            ConfigKey("on_error", "fail | null | quarantine", default: "fail", "What a value that does not convert does."),
        ],
        example: """
        transforms:
          - type: cast
            columns: {amount: "decimal(12,2)", quantity: int64}
            on_error: quarantine
        """,
        make: { m in .transform(try Cast(m)) })

    let columns: [(column: NamedColumn, type: DataType, text: String)]
    let onError: OnError

    init(_ m: ConfigMap) throws {
        columns = try (m.namedMap("columns") ?? []).map { e in
            guard let t = DataType(parsing: e.value) else {
                throw StrataError(.typeMismatch, "'\(e.value)' is not a type", location: e.location, path: e.path,
                                  hint: Suggest.hint(for: e.value, in: DataType.names) ?? "types are " + DataType.names.joined(separator: ", "))
            }
            return (NamedColumn(name: e.key, location: e.location, path: e.path), t, e.value)
        }
        if columns.isEmpty { throw m.error("columns", .invalidConfig, "cast needs at least one column") }
        onError = try m.onError()
    }

    func compiled(_ input: Schema) throws -> [(index: Int, expr: TypedExpr)] {
        try columns.map { c in
            let i = try c.column.index(in: input)
            let text = "CAST(\"\(c.column.name.replacingOccurrences(of: "\"", with: "\"\""))\" AS \(c.type.sqlName))"
            do throws(ExprError) {
                return (i, try ExpressionCompiler.compile(try ExpressionParser.parse(text), schema: input))
            } catch {
                throw StrataError(error.code, error.error.message, location: c.column.location, path: c.column.path, hint: error.error.hint)
            }
        }
    }

    public func outputSchema(input: Schema, _ resolver: any SchemaResolver) throws -> Schema {
        var s = input
        for (i, e) in try compiled(input) { s.append(Field(input[i].name, e.type, nullable: input[i].nullable || onError == .null)) }
        return s
    }

    public func makeOperator(input: Schema, _ context: RunContext) throws -> any BatchOperator {
        let steps = try compiled(input)
        let output = try outputSchema(input: input, EmptyResolver())
        let onError = self.onError
        return MapOperator(schema: output) { b in
            var cols = b.columns
            var reasons: [Int: String] = [:]
            for (i, e) in steps {
                var failures: [RowFailure] = []
                cols[i] = try e.evaluate(b, context: nil, failures: &failures)
                if !failures.isEmpty {
                    let reason = "column '\(input[i].name)': cannot convert to \(e.type)"
                    if onError == .fail {
                        throw StrataError(.runFailed, "cast \(reason) (\(failures.count) row(s), first at row \(failures[0].row + 1) of a batch from \(b.origin ?? "the input"))",
                                          path: "cast.columns.\(input[i].name)", hint: "set on_error: quarantine or null to keep going")
                    }
                    for f in failures where reasons[f.row] == nil { reasons[f.row] = reason }
                }
            }
            var out = Batch(schema: output, columns: cols)
            out.origin = b.origin
            if onError == .quarantine && !reasons.isEmpty {
                let rows = reasons.keys.sorted()
                RowQuarantine.send(b, rows: rows, reasons: rows.map { reasons[$0]! }, context: context)
                var keep = [Bool](repeating: true, count: out.rowCount)
                for r in rows { keep[r] = false }
                out = out.filter(keep)
                out.origin = b.origin
            }
            return out
        }
    }

    public func columnLineage(input: Schema, _ resolver: any SchemaResolver) throws -> ColumnLineage {
        var l = ColumnLineage.passThrough(input)
        for c in columns { l.direct[c.column.name] = [.init(ColumnRef(c.column.name), .transformation, description: "CAST AS \(c.type)")] }
        return l
    }
}

extension Cast: SparkCompilable {
    public func compileSpark(_ job: SparkJob, input: SparkFrame, _ resolver: any SchemaResolver) throws -> SparkFrame {
        if let e = SparkRefusal.onError("cast", onError) { throw e }
        var computed: [String: String] = [:]
        for (i, e) in try compiled(input.schema) {
            do { computed[input.schema[i].name] = try SparkSQL.translate(e.expr, schema: input.schema) } catch var err as StrataError {
                err.location = columns.first { $0.column.name == input.schema[i].name }?.column.location
                throw err
            }
        }
        job.comment("cast: " + columns.map { "\($0.column.name) → \($0.text)" }.joined(separator: ", "))
        return job.project(input, try outputSchema(input: input.schema, resolver), computed: computed)
    }
}
