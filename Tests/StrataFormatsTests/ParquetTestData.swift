import StrataCore
@testable import StrataFormats

/// Batches with every Strata type, nulls, empty strings, unicode and extreme values.
enum ParquetTestData {
    static let schema = Schema([
        Field("id", .int64, nullable: false),
        Field("flag", .bool),
        Field("amount", .double),
        Field("name", .string),
        Field("day", .date),
        Field("ts", .timestamp),
        Field("price", .decimal(precision: 9, scale: 2)),
        Field("big", .decimal(precision: 18, scale: 4)),
        Field("nothing", .string),
    ])

    static let names = ["alpha", "", "Zürich", "日本語", "émoji 🎉", "b", "a\u{0}z"]

    /// Row `i` of the test table, deterministic.
    static func row(_ i: Int) -> [Value] {
        let null = i % 7 == 3
        return [
            .int(i == 1 ? Int64.min : (i == 2 ? Int64.max : Int64(i))),
            null ? .null : .bool(i % 3 == 0),
            null ? .null : .double(i == 5 ? -0.0 : (i == 6 ? 1e300 : Double(i) * 1.5 - 7)),
            null ? .null : .string(names[(i / 2) % names.count]),
            null ? .null : .date(Int32(i % 4000) - 1000),
            null ? .null : .timestamp(Int64(i) * 3_600_000_123 - 86_400_000_000),
            null ? .null : .decimal(Int64(i % 1000) * 123 - 50_000, scale: 2),
            null ? .null : .decimal(i == 4 ? 999_999_999_999_999_999 : Int64(i) * 10_001, scale: 4),
            .null,
        ]
    }

    static func batch(_ rows: Range<Int>, schema: Schema = schema) -> Batch {
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: rows.count) }
        for i in rows {
            let r = row(i)
            for c in builders.indices { builders[c].append(r[c]) }
        }
        return Batch(schema: schema, columns: builders.map { $0.finish() })
    }
}
