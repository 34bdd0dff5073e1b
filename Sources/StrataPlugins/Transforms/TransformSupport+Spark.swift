public import StrataCore

// What the transforms share when they compile for the Spark engine (`strata compile --target spark`).
// Every frame carries a hidden `__seq` column: the row's position in Strata's own read order
// (table, file, row), so order-sensitive steps (dedupe, first/last) pick the rows Strata picks.

extension ExpressionSource {
    /// The expression as Spark SQL, type-checked against `schema`; errors point into the config.
    func spark(_ schema: Schema, predicate: Bool = false) throws -> String {
        let typed = predicate ? try compilePredicate(schema) : try compile(schema)
        do {
            return try SparkSQL.translate(typed.expr, schema: schema)
        } catch var e as StrataError {
            e.location = e.location ?? location
            e.path = e.path ?? path
            throw e
        }
    }
}

extension SparkJob {
    /// `input` projected to `schema`'s columns (each `F.col` of itself, or the given Spark SQL cast
    /// to its Strata type), keeping the read-order column.
    public func project(_ input: SparkFrame, _ schema: Schema, computed: [String: String] = [:], renamed: [String: String] = [:]) -> SparkFrame {
        var cols: [String] = []
        for f in schema.fields {
            if let sql = computed[f.name] {
                cols.append("\(expr("CAST(\(sql) AS \(f.type.sqlName))")).alias(\(python(f.name)))")
            } else if let old = renamed[f.name] {
                cols.append("\(col(old)).alias(\(python(f.name)))")
            } else {
                cols.append(col(f.name))
            }
        }
        cols.append("F.col(\"__seq\")")
        return frame("\(input.name).select(\(cols.joined(separator: ", ")))", schema: schema)
    }
}

/// Refusals that name what the Spark engine does not compile.
enum SparkRefusal {
    static func onError(_ transform: String, _ onError: OnError) -> StrataError? {
        guard onError != .fail else { return nil }
        return StrataError(.invalidConfig, "\(transform) with on_error: \(onError.rawValue) is not supported by the Spark engine",
                           hint: "Spark fails the job on a row it cannot compute; use on_error: fail, or run this pipeline with the native engine")
    }
}
