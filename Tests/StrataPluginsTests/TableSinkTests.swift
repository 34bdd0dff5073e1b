import StrataConfig
import StrataCore
@testable import StrataPlugins
import Testing

@Suite struct TableSinkTests {
    @Test func bronzeAddsIngestionColumns() throws {
        let s = try sink("type: table\ntable: bronze.users\n")
        let out = try s.outputSchema(input: Schema([Field("id", .int64)]))
        #expect(out.names == ["id", "_ingested_at", "_source_file", "_run_id"])
        let silver = try sink("type: table\ntable: silver.users\n")
        #expect(try silver.outputSchema(input: Schema([Field("id", .int64)])).names == ["id"])
    }

    @Test func optionsAreValidated() throws {
        let e = #expect(throws: StrataError.self) { try sink("type: table\ntable: bronze.x\nmode: upsertt\n") }
        #expect(e?.path == "sink.mode")
        let e2 = #expect(throws: StrataError.self) { try sink("type: table\ntable: bronze.x\ncompression: gzip\ncompression_level: 12\n") }
        #expect(e2?.path == "sink.compression_level")
        let e2b = #expect(throws: StrataError.self) { try sink("type: table\ntable: bronze.x\ncompression_level: 23\n") }
        #expect(e2b?.path == "sink.compression_level", "zstd, the default, takes 1…22")
        let e2c = #expect(throws: StrataError.self) { try sink("type: table\ntable: bronze.x\ncompression: snappy\ncompression_level: 3\n") }
        #expect(e2c?.message.contains("takes no level") == true)
        let e3 = #expect(throws: StrataError.self) { try sink("type: table\ntable: quarantine.x\n") }
        #expect(e3?.message == "the quarantine layer is written by Strata itself")
        let e4 = #expect(throws: StrataError.self) { try sink("type: table\ntable: bronz.x\n") }
        #expect(e4?.hint == "did you mean 'bronze'?")
    }

    @Test func partitionColumnMustExist() throws {
        let s = try sink("type: table\ntable: silver.x\npartition_by: [contry]\n")
        let e = #expect(throws: StrataError.self) { try s.outputSchema(input: Schema([Field("country", .string)])) }
        #expect(e?.hint == "did you mean 'country'?")
    }
}

@Suite struct TableMergeTests {
    static let schema = Schema([Field("id", .int64, nullable: false), Field("name", .string), Field("tier", .string)])
    static func rows(_ r: [[Value]], schema: Schema = schema) -> Batch { Orders.batch(r, schema: schema) }
    let t = TableRef(layer: .silver, name: "t")

    @Test func upsertReplacesInPlaceAndAppendsNew() throws {
        let existing = Self.rows([[.int(1), .string("a"), .string("gold")], [.int(2), .string("b"), .string("silver")]])
        let incoming = Self.rows([[.int(2), .string("b"), .string("gold")], [.int(3), .string("c"), .null], [.int(2), .string("b2"), .string("gold")]])
        let o = try TableMerge.upsert(existing: existing, incoming: incoming, keys: ["id"], table: t)
        #expect(o.result.rows() == [[.int(1), .string("a"), .string("gold")], [.int(2), .string("b2"), .string("gold")], [.int(3), .string("c"), .null]])
        #expect((o.inserted, o.updated, o.unchanged) == (1, 1, 0))
        // Applying the result's rows again changes nothing.
        let again = try TableMerge.upsert(existing: o.result, incoming: incoming.slice(1..<3), keys: ["id"], table: t)
        #expect(!again.changed)
        #expect(again.result == o.result)
    }

    @Test func scd2ClosesAndOpensVersionsIdempotently() throws {
        let out = Schema(Self.schema.fields + [TableMerge.validFrom, TableMerge.validTo, TableMerge.isCurrent])
        let day = Temporal.microsPerDay
        let first = Self.rows([[.int(1), .string("a"), .string("silver")], [.int(2), .string("b"), .string("silver")]])
        let v1 = try TableMerge.scd2(existing: .empty(out), incoming: first, keys: ["id"], tracked: ["tier"], effective: [day, day], table: t)
        #expect(v1.inserted == 2)
        // Day 3: 1 upgrades, 2 renames (not tracked), 3 arrives; day 2 replays the first input.
        let second = Self.rows([[.int(1), .string("a"), .string("gold")], [.int(2), .string("bee"), .string("silver")], [.int(3), .string("c"), .string("bronze")]])
        let v2 = try TableMerge.scd2(existing: v1.result, incoming: second, keys: ["id"], tracked: ["tier"], effective: [3 * day, 3 * day, 3 * day], table: t)
        #expect((v2.inserted, v2.closed, v2.unchanged) == (2, 1, 1))
        let rows = v2.result.rows()
        #expect(rows.count == 4)
        #expect(rows[0] == [.int(1), .string("a"), .string("silver"), .timestamp(day), .timestamp(3 * day), .bool(false)])
        #expect(rows[2] == [.int(1), .string("a"), .string("gold"), .timestamp(3 * day), .null, .bool(true)])
        // The same input again, or an older one, changes nothing.
        let v3 = try TableMerge.scd2(existing: v2.result, incoming: second, keys: ["id"], tracked: ["tier"], effective: [3 * day, 3 * day, 3 * day], table: t)
        #expect(!v3.changed)
        let v4 = try TableMerge.scd2(existing: v2.result, incoming: first, keys: ["id"], tracked: ["tier"], effective: [day, day], table: t)
        #expect(!v4.changed)
        // A rebuild from all inputs at once gives the same table as the two incremental runs.
        let all = Batch.concat([first, second], schema: Self.schema)
        let rebuilt = try TableMerge.scd2(existing: .empty(out), incoming: all, keys: ["id"], tracked: ["tier"],
                                          effective: [day, day, 3 * day, 3 * day, 3 * day], table: t)
        #expect(Set(rebuilt.result.rows()) == Set(v2.result.rows()))
    }

    @Test func mergeModesNeedKeys() throws {
        let e = #expect(throws: StrataError.self) { try sink("type: table\ntable: silver.x\nmode: merge\n") }
        #expect(e?.message == "mode merge needs key columns")
        let e2 = #expect(throws: StrataError.self) { try sink("type: table\ntable: silver.x\nmode: merge\nkeys: [id]\ntracked: [a]\n") }
        #expect(e2?.message == "'tracked' applies to mode scd2 only")
        let s = try sink("type: table\ntable: silver.dim\nmode: scd2\nkeys: [id]\n")
        #expect(try s.outputSchema(input: Self.schema).names == ["id", "name", "tier", "valid_from", "valid_to", "is_current"])
    }
}
