import Foundation
import StrataConfig
import StrataCore
@testable import StrataPlugins
import StrataTestSupport
import Testing

/// A small orders table with nulls, duplicates, unicode and two batches, for transform tests.
enum Orders {
    static let schema = Schema([
        Field("id", .int64, nullable: false),
        Field("user", .string),
        Field("category", .string),
        Field("amount", .decimal(precision: 10, scale: 2)),
        Field("qty", .int64),
        Field("price", .double),
        Field("ts", .timestamp),
        Field("day", .date),
    ])

    static let rows: [[Value]] = [
        [.int(1), .string("ann"), .string("books"), .decimal(1250, scale: 2), .int(1), .double(12.5), ts("2025-01-01T10:15:00Z"), date("2025-01-01")],
        [.int(2), .string("bob"), .string("games"), .decimal(999, scale: 2), .int(2), .double(4.995), ts("2025-01-01T10:45:00Z"), date("2025-01-01")],
        [.int(3), .string("ann"), .string("books"), .decimal(300, scale: 2), .null, .double(3), ts("2025-01-01T11:05:00Z"), date("2025-01-01")],
        [.int(4), .null, .string("games"), .null, .int(1), .null, ts("2025-01-02T00:00:00Z"), date("2025-01-02")],
        [.int(2), .string("bob"), .string("games"), .decimal(1099, scale: 2), .int(3), .double(3.66), ts("2025-01-02T09:00:00Z"), date("2025-01-02")],
        [.int(5), .string("zoë"), .null, .decimal(-500, scale: 2), .int(1), .double(-5), .null, .null],
        [.int(6), .string("cy"), .string("books"), .decimal(0, scale: 2), .int(0), .double(0), ts("2025-01-02T09:59:59Z"), date("2025-01-02")],
        [.int(1), .string("ann"), .string("books"), .decimal(1250, scale: 2), .int(1), .double(12.5), ts("2025-01-03T10:15:00Z"), date("2025-01-03")],
    ]

    static func ts(_ s: String) -> Value { .timestamp(Temporal.parseTimestamp(s)!) }
    static func date(_ s: String) -> Value { .date(Temporal.parseDate(s)!) }

    static func batch(_ rows: [[Value]] = rows, schema: Schema = schema) -> Batch {
        var builders = schema.fields.map { ColumnBuilder(type: $0.type) }
        for r in rows { for (i, v) in r.enumerated() { builders[i].append(v) } }
        return Batch(schema: schema, columns: builders.map { $0.finish() })
    }

    /// The table in two batches (rows 0..<3 and 3..<end).
    static var batches: [Batch] {
        let all = batch()
        return [all.slice(0..<3), all.slice(3..<all.rowCount)]
    }
}

func transform(_ yaml: String) throws -> any TransformConfig {
    guard case .transform(let t) = try build(yaml, kind: .transform) else { fatalError("not a transform") }
    return t
}

/// Runs a transform through the conformance kit and DuckDB's equivalent SQL over the same input
/// (`orders`, plus any other `tables`), and checks both give the same rows.
func expectSameAsDuckDB(_ yaml: String, sql: String, orderMatters: Bool = false, tables: [String: Batch] = [:],
                        context: RunContext? = nil, resolver: any SchemaResolver = Tables(),
                        sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
    let t = try transform(yaml)
    let dir = try TempDir()
    let ctx = context ?? TestContext.make(root: dir.path)
    let ours = DuckDBOracle.normalize(try PluginConformance.checkTransform(
        t, input: Orders.schema, batches: Orders.batches, context: ctx, resolver: resolver, orderMatters: orderMatters))
    var inputs = tables
    inputs["orders"] = Orders.batch()
    let theirs = try DuckDBOracle.query(sql, inputs: inputs)
    let a = orderMatters ? ours : ours.sorted { $0.lexicographicallyPrecedes($1) }
    let b = orderMatters ? theirs : theirs.sorted { $0.lexicographicallyPrecedes($1) }
    #expect(a == b, "strata: \(a)\nduckdb: \(b)", sourceLocation: sourceLocation)
}
