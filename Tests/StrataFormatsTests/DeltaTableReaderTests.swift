import Foundation
import StrataCore
@testable import StrataFormats
import StrataCommit
import StrataTestSupport
import Testing

/// The table reader's background decoding and row-group slicing change batch sizes, never rows.
struct DeltaTableReaderTests {
    static let schema = Schema([Field("id", .int64, nullable: false), Field("name", .string), Field("score", .double)])

    static func batch(_ rows: Range<Int>) -> Batch {
        var ids = ColumnBuilder(type: .int64), names = ColumnBuilder(type: .string), scores = ColumnBuilder(type: .double)
        for i in rows {
            ids.append(Int64(i))
            if i % 7 == 0 { names.appendNull() } else { names.append("n\(i % 1000)") }
            scores.append(Double(i) / 3)
        }
        return Batch(schema: schema, columns: [ids.finish(), names.finish(), scores.finish()])
    }

    @Test func bigRowGroupsComeInSlicesWithEveryRowInOrder() throws {
        let dir = try TempDir()
        let path = dir.path + "/silver/things"
        var options = TableWriteOptions()
        options.parquet.rowGroupRows = 300_000
        let w = try DeltaTableWriter(table: TableRef(layer: .silver, name: "things"), tablePath: path, schema: Self.schema, options: options)
        let total = 700_001  // row groups of 300,000, 300,000 and 100,001 rows
        try w.write(Self.batch(0..<total))
        _ = try w.commit(CommitContext(operation: "WRITE"))

        let reader = try DeltaTableReader(tablePath: path)
        var parts: [Batch] = []
        while let b = try reader.next() { parts.append(b) }
        #expect(try reader.next() == nil)
        #expect(parts.allSatisfy { $0.rowCount <= 2 * Batch.preferredRows })
        #expect(parts.count > 3)
        #expect(parts.allSatisfy { $0.origin != nil })
        let all = Batch.concat(parts, schema: reader.schema)
        #expect(all.rowCount == total)
        #expect(all.columns == Self.batch(0..<total).columns)

        // Reading a subset of columns, in another order, gives those columns of the same rows.
        let some = try DeltaTableReader(tablePath: path, columns: ["score", "id"])
        var picked: [Batch] = []
        while let b = try some.next() { picked.append(b) }
        #expect(Batch.concat(picked, schema: some.schema).columns == [all.columns[2], all.columns[0]])
    }
}
