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
        let e2 = #expect(throws: StrataError.self) { try sink("type: table\ntable: bronze.x\ncompression_level: 12\n") }
        #expect(e2?.path == "sink.compression_level")
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
