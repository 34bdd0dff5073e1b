import Foundation
import Testing
import StrataCore
import StrataTestSupport
@testable import StrataFormats
import StrataCommit

/// A table's CHECK constraints and column invariants, as another writer set them: enforced on
/// every write, kept when Strata changes the schema, refused when Strata cannot evaluate them.
@Suite struct DeltaConstraintsTests {
    static let schema = Schema([Field("id", .int64, nullable: false), Field("amount", .int64)])
    static let table = TableRef(layer: .silver, name: "t")

    static func batch(_ rows: [(Int64, Int64?)]) -> Batch {
        var id = ColumnBuilder(type: .int64, capacity: rows.count), amount = ColumnBuilder(type: .int64, capacity: rows.count)
        for (i, a) in rows { id.append(.int(i)); amount.append(a.map { .int($0) } ?? .null) }
        return Batch(schema: schema, columns: [id.finish(), amount.finish()])
    }

    /// A table whose metadata carries an invariant on `id` and a CHECK constraint on `amount`.
    static func table(_ dir: TempDir, check: String = "amount >= 0") throws -> DeltaLog {
        let log = DeltaLog(tablePath: dir.path)
        let invariant = JSONValue.object([JSONMember("delta.invariants", .string(#"{"expression":{"expression":"id < 100"}}"#)),
                                          JSONMember("comment", .string("kept"))])
        _ = try log.commit([.protocol(DeltaProtocol(minReader: 1, minWriter: 3)),
                            .metaData(DeltaMetadata(id: "t", schema: schema, configuration: ["delta.constraints.nonneg": check],
                                                    fieldMetadata: ["id": invariant]))],
                           readVersion: nil, isBlindAppend: false)
        return log
    }

    @Test func violatingRowsAreRefusedOrHandedBack() throws {
        let dir = try TempDir("delta-constraints")
        let log = try Self.table(dir)
        let w = try DeltaTableWriter(table: Self.table, tablePath: dir.path, schema: Self.schema, options: TableWriteOptions())
        #expect(w.constraints.checks.map(\.label).sorted() == ["CHECK constraint 'nonneg'", "invariant on column 'id'"])
        let e = #expect(throws: StrataError.self) { try w.write(Self.batch([(1, 5), (2, -1)])) }
        #expect(e?.code == .conflict && e?.message.contains("row 2") == true && e?.message.contains("nonneg") == true)
        var rejected: [Int] = []
        var reasons: [String] = []
        try w.write(Self.batch([(1, 5), (2, -1), (150, 3), (3, nil), (4, 0)])) { _, v in
            rejected += v.map(\.row)
            reasons += v.map(\.check.label)
        }
        #expect(rejected == [1, 2, 3], "a negative amount, an id over the invariant, a null amount (not true)")
        #expect(reasons == ["CHECK constraint 'nonneg'", "invariant on column 'id'", "CHECK constraint 'nonneg'"])
        _ = try w.commit(CommitContext(operation: "WRITE"))
        #expect(try log.snapshot().numRecords == 2)
    }

    @Test func schemaChangesKeepPropertiesAndColumnMetadata() throws {
        let dir = try TempDir("delta-constraints-keep")
        let log = try Self.table(dir)
        let wider = Schema(Self.schema.fields + [Field("note", .string)])
        var note = ColumnBuilder(type: .string, capacity: 1)
        note.append(.string("x"))
        let b = Self.batch([(1, 1)])
        let w = try DeltaTableWriter(table: Self.table, tablePath: dir.path, schema: wider, options: TableWriteOptions())
        try w.write(Batch(schema: wider, columns: b.columns + [note.finish()]))
        _ = try w.commit(CommitContext(operation: "WRITE"))
        let m = try log.snapshot().metadata
        #expect(m.schema.names == ["id", "amount", "note"])
        #expect(m.configuration["delta.constraints.nonneg"] == "amount >= 0")
        #expect(m.fieldMetadata["id"]?["comment"]?.stringValue == "kept")
        #expect(m.invariants.map(\.expression) == ["id < 100"])
    }

    @Test func aConstraintStrataCannotEvaluateMakesTheTableUnwritable() throws {
        let dir = try TempDir("delta-constraints-bad")
        _ = try Self.table(dir, check: "amount RLIKE '^[0-9]+$'")
        let e = #expect(throws: StrataError.self) {
            try DeltaTableWriter(table: Self.table, tablePath: dir.path, schema: Self.schema, options: TableWriteOptions())
        }
        #expect(e?.code == .unsupported && e?.message.contains("nonneg") == true)
    }

    @Test func appendOnlyAndUnsupportedFeaturesAreRefused() throws {
        let dir = try TempDir("delta-append-only")
        let log = DeltaLog(tablePath: dir.path)
        _ = try log.commit([.protocol(DeltaProtocol(minReader: 1, minWriter: 2)),
                            .metaData(DeltaMetadata(id: "t", schema: Self.schema, configuration: ["delta.appendOnly": "true"]))],
                           readVersion: nil, isBlindAppend: false)
        let w = try DeltaTableWriter(table: Self.table, tablePath: dir.path, schema: Self.schema, options: TableWriteOptions())
        try w.write(Self.batch([(1, 1)]))
        _ = try w.commit(CommitContext(operation: "WRITE"))
        var o = TableWriteOptions()
        o.mode = .overwrite
        let e = #expect(throws: StrataError.self) { try DeltaTableWriter(table: Self.table, tablePath: dir.path, schema: Self.schema, options: o) }
        #expect(e?.code == .conflict && e?.message.contains("append-only") == true)
        o.rewrite = true  // a dataChange: false rewrite (re-masking, compaction) is allowed
        #expect(throws: Never.self) { try DeltaTableWriter(table: Self.table, tablePath: dir.path, schema: Self.schema, options: o) }
        // Row tracking requires writers to assign row ids: refused by name.
        _ = try log.commit([.protocol(DeltaProtocol(minReader: 1, minWriter: 7, writerFeatures: ["appendOnly", "rowTracking"]))],
                           readVersion: 1, isBlindAppend: false)
        let f = #expect(throws: StrataError.self) {
            try DeltaTableWriter(table: Self.table, tablePath: dir.path, schema: Self.schema, options: TableWriteOptions())
        }
        #expect(f?.code == .unsupported && f?.message.contains("rowTracking") == true)
    }
}
