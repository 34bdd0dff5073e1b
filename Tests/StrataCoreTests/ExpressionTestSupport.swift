@testable import StrataCore

/// Builds batches and evaluates expression text for the expression tests.
enum ExprFixture {
    /// The shared test table: every type, with nulls, extremes and non-ASCII text.
    static let schema = Schema([
        Field("i", .int64), Field("j", .int64, nullable: false), Field("d", .double),
        Field("m", .decimal(precision: 10, scale: 2)), Field("s", .string), Field("t", .string),
        Field("b", .bool), Field("dt", .date), Field("ts", .timestamp), Field("page.url", .string),
    ])

    static let rows: [[Value]] = [
        [.int(1), .int(2), .double(1.5), .decimal(1250, scale: 2), .string("Hello"), .string("l"), .bool(true),
         date("2024-02-29"), ts("2024-02-29 13:45:30.25"), .string("/home")],
        [.null, .int(0), .null, .decimal(-5, scale: 2), .null, .string("x"), .bool(false),
         .null, ts("1969-12-31 23:59:59"), .null],
        [.int(-7), .int(3), .double(-2.5), .null, .string("  a b  "), .null, .null,
         date("1900-03-01"), .null, .string("/a")],
        [.int(Int64.max), .int(-1), .double(0), .decimal(9_999_999_999, scale: 2), .string("Ünïcode"), .string("ï"), .bool(true),
         date("1969-12-31"), ts("2000-01-01 00:00:00"), .string("")],
    ]

    static let batch = make(schema, rows)

    static func date(_ s: String) -> Value { .date(Temporal.parseDate(s)!) }
    static func ts(_ s: String) -> Value { .timestamp(Temporal.parseTimestamp(s)!) }

    static func make(_ schema: Schema, _ rows: [[Value]]) -> Batch {
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: rows.count) }
        for r in rows {
            for (k, v) in r.enumerated() { builders[k].append(v) }
        }
        return Batch(schema: schema, columns: builders.map { $0.finish() })
    }

    /// Row values as text: the value's description, "NULL", or "ERR" for a collected row failure.
    static func eval(_ text: String, _ batch: Batch = batch, now: Int64 = 0) throws -> [String] {
        let t = try ExpressionCompiler.compile(text, schema: batch.schema, tableName: "test.table")
        var failures: [RowFailure] = []
        let c = try t.evaluate(batch, context: EvaluationContext(now: now), failures: &failures)
        let failed = Set(failures.map(\.row))
        return (0..<c.count).map { failed.contains($0) ? "ERR" : c.isNull($0) ? "NULL" : c.value($0).description }
    }

    /// The error of compiling `text` (parse or type check).
    static func compileError(_ text: String, _ schema: Schema = schema) -> ExprError? {
        do {
            _ = try ExpressionCompiler.compile(text, schema: schema, tableName: "bronze.transactions")
            return nil
        } catch {
            return error
        }
    }
}
