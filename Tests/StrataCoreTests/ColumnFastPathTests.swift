import StrataCore
import Testing

/// The one-pass and constant-column paths give exactly what the value-by-value paths give.
struct ColumnFastPathTests {
    static let samples: [(DataType, [Value])] = [
        (.int64, [.int(1), .null, .int(-3)]),
        (.string, [.string("a"), .string(""), .null, .string("ünï")]),
        (.double, [.double(1.5), .null]),
        (.bool, [.bool(true), .bool(false)]),
        (.date, [.date(19_000), .null]),
        (.decimal(precision: 12, scale: 2), [.decimal(12_345, scale: 2)]),
    ]

    static func built(_ type: DataType, _ values: [Value]) -> Column {
        var b = ColumnBuilder(type: type)
        for v in values { b.append(v) }
        return b.finish()
    }

    @Test func concatEqualsPairwiseAppending() {
        for (type, values) in Self.samples {
            let parts = [Self.built(type, values), Self.built(type, []), Self.built(type, values.filter { $0 != .null }), Self.built(type, values.reversed())]
            let pairwise = parts.dropFirst().reduce(parts[0]) { $0.appending($1) }
            #expect(Column.concat(parts) == pairwise)
            let batches = parts.map { Batch(schema: Schema([Field("c", type)]), columns: [$0]) }
            #expect(Batch.concat(batches, schema: batches[0].schema).columns[0] == pairwise)
        }
    }

    @Test func repeatingAndNullsEqualTheBuilder() {
        for (type, values) in Self.samples {
            for v in values + [.null] {
                for n in [0, 1, 5] {
                    var b = ColumnBuilder(type: type, capacity: n)
                    for _ in 0..<n { b.append(v) }
                    #expect(Column.repeating(v, type: type, count: n) == b.finish())
                }
            }
            for n in [0, 3] {
                var b = ColumnBuilder(type: type)
                for _ in 0..<n { b.appendNull() }
                #expect(Column.nulls(type, count: n) == b.finish())
            }
        }
    }
}
