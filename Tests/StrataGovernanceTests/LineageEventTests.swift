@testable import StrataGovernance
import StrataCore
import StrataFormats
import Foundation
import StrataTestSupport
import Testing

/// Validates OpenLineage events with the official Python client (openlineage-python): every
/// event is rebuilt strictly from its JSON with the client's generated spec classes (an unknown
/// or missing key raises), its validators (UUID run id, ISO event time with a time part) run,
/// facet schema URLs must be the client's, transformation types/subtypes must be in the spec's
/// lists, and the client's serialization of the rebuilt event must equal the input.
enum OpenLineageOracle {
    static let script = OpenLineageValidator.script

    /// True when openlineage-python can be imported, or must be (`STRATA_REQUIRE_ORACLES=1`: then a
    /// missing package fails the tests instead of skipping them).
    static let usable: Bool = {
        if GovProcess.oraclesRequired { return true }
        guard let py = GovProcess.python else { return false }
        return (try? GovProcess.run(py, ["-c", "import openlineage.client.generated.base"]))?.status == 0
    }()

    /// Validates every line of `files`; returns how many events passed.
    static func validate(_ files: [String]) throws -> Int {
        let out = try GovProcess.python(script, files)
        return Int(out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}

@Suite struct LineageEventTests {
    /// The minimal COMPLETE event of docs/openlineage.md, rebuilt with the builder, byte for byte,
    /// plus the processing_engine run facet and the jobType job facet every Strata event carries.
    @Test func builderWritesTheDocumentedShape() throws {
        let bronze = "datalake/bronze/customers"
        var e = OpenLineageRunEvent(eventType: .complete, eventTime: 1_768_471_200_000_000, runId: "0193f0a2-7b7e-7c1a-9d3e-2f5c8a1b4e60",
                                    jobName: "silver_customers", inputs: [LineageDataset(name: bronze)],
                                    outputs: [LineageDataset(name: "datalake/silver/customers",
                                                             fields: [LineageField(name: "customer_id", type: "int64"), LineageField(name: "email", type: "string")],
                                                             columnLineage: [
                                                                ColumnLineageEdge(outputColumn: "customer_id", inputDataset: bronze, inputColumn: "customer_id", subtype: .identity),
                                                                ColumnLineageEdge(outputColumn: "email", inputDataset: bronze, inputColumn: "email", subtype: .transformation,
                                                                                  description: "hash (HMAC-SHA-256)", masking: true),
                                                             ])])
        e.producer = "https://example.org/strata/0.1.0"
        let expected = """
        {"eventType":"COMPLETE","eventTime":"2026-01-15T10:00:00.000Z","producer":"https://example.org/strata/0.1.0",\
        "schemaURL":"https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent","run":{"runId":"0193f0a2-7b7e-7c1a-9d3e-2f5c8a1b4e60",\
        "facets":{"processing_engine":{"_producer":"https://example.org/strata/0.1.0",\
        "_schemaURL":"https://openlineage.io/spec/facets/1-1-1/ProcessingEngineRunFacet.json#/$defs/ProcessingEngineRunFacet",\
        "version":"0.1.0","name":"strata","openlineageAdapterVersion":"0.1.0"}}},\
        "job":{"namespace":"strata","name":"silver_customers","facets":{"jobType":{"_producer":"https://example.org/strata/0.1.0",\
        "_schemaURL":"https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet",\
        "processingType":"BATCH","integration":"STRATA","jobType":"JOB"}}},"inputs":[{"namespace":"file","name":"datalake/bronze/customers"}],\
        "outputs":[{"namespace":"file","name":"datalake/silver/customers","facets":{"schema":{"_producer":"https://example.org/strata/0.1.0",\
        "_schemaURL":"https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet",\
        "fields":[{"name":"customer_id","type":"int64"},{"name":"email","type":"string"}]},\
        "columnLineage":{"_producer":"https://example.org/strata/0.1.0",\
        "_schemaURL":"https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet",\
        "fields":{"customer_id":{"inputFields":[{"namespace":"file","name":"datalake/bronze/customers","field":"customer_id",\
        "transformations":[{"type":"DIRECT","subtype":"IDENTITY","masking":false}]}]},\
        "email":{"inputFields":[{"namespace":"file","name":"datalake/bronze/customers","field":"email",\
        "transformations":[{"type":"DIRECT","subtype":"TRANSFORMATION","description":"hash (HMAC-SHA-256)","masking":true}]}]}}}}}]}
        """
        #expect(e.serialized == expected)
    }

    @Test func decodeRoundTripsEveryFixtureEvent() throws {
        for e in LineageFixture.events {
            let back = try OpenLineageRunEvent.decode(try JSONValue.parse(e.serialized))
            #expect(back.serialized == e.serialized)
        }
    }

    @Test func edgesToOneInputFieldMergeAndDatasetWideEdgesGoToDataset() throws {
        let gold = try #require(LineageFixture.events.first { $0.jobName == "gold_user_sales" && $0.eventType == .complete })
        let cl = try #require(gold.json["outputs"]?.elements?.first?["facets"]?["columnLineage"])
        let dataset = try #require(cl["dataset"]?.elements)
        // user_id of bronze.orders is both a JOIN key and the GROUP BY key: one entry, two transformations.
        let userId = try #require(dataset.first { $0["field"]?.stringValue == "user_id" })
        #expect(userId["transformations"]?.elements?.compactMap { $0["subtype"]?.stringValue } == ["JOIN", "GROUP_BY"])
        #expect(dataset.count == 2)
        #expect(cl["fields"]?.members?.map(\.key) == ["user_id", "email_hash", "orders", "total"])
    }

    @Test func datasetFromSchemaUsesStrataTypeNames() {
        let schema = Schema([Field("id", .int64, nullable: false), Field("amount", .decimal(precision: 10, scale: 2)), Field("at", .timestamp)])
        let d = LineageDataset(name: "datalake/gold/x", schema: schema)
        #expect(d.fields == [LineageField(name: "id", type: "int64"), LineageField(name: "amount", type: "decimal(10,2)"),
                             LineageField(name: "at", type: "timestamp")])
    }

    @Test func jobRunIdIsAStableUUID() {
        let a = LineageNames.jobRunId(runId: "r", pipeline: "p")
        #expect(a == LineageNames.jobRunId(runId: "r", pipeline: "p"))
        #expect(a != LineageNames.jobRunId(runId: "r", pipeline: "q"))
        #expect(UUID(uuidString: a) != nil)
        #expect(Array(a)[14] == "8")
    }

    @Test func datasetNamesAreAbsolutePaths() throws {
        let users = TableRef(layer: .silver, name: "users")
        #expect(LineageNames.datasetName(table: users, lakeRoot: "/p/datalake") == "/p/datalake/silver/users")
        #expect(LineageNames.datasetName(table: users, lakeRoot: "/p/./lake/") == "/p/lake/silver/users")
        #expect(LineageNames.fileDataset(["landing/users.csv"], root: "/p") == "/p/landing/users.csv")
        #expect(LineageNames.fileDataset(["landing/transactions*.csv"], root: "/p/") == "/p/landing")
        #expect(LineageNames.fileDataset(["in/*/day=?.jsonl", "/abs/x.csv"], root: "/p") == "/p/in,/abs/x.csv")
        #expect(LineageNames.relative("/p/landing/users.csv", to: "/p") == "landing/users.csv")
        #expect(LineageNames.table(fromDatasetName: "datalake/gold/user_sales") == TableRef(layer: .gold, name: "user_sales"))
        #expect(LineageNames.table(fromDatasetName: "datalake/landing/users.csv") == nil)
    }

    @Test(.enabled(if: OpenLineageOracle.usable)) func everyEventValidatesWithOpenLineagePython() throws {
        let dir = try GovTempDir("ol-validate")
        let store = LineageStore(projectRoot: dir.path)
        try store.append(LineageFixture.events)
        let files = try FileManager.default.contentsOfDirectory(atPath: store.eventsDirectory)
            .filter { $0.hasSuffix(".jsonl") }.map { store.eventsDirectory + "/" + $0 }
        #expect(try OpenLineageOracle.validate(files) == LineageFixture.events.count)
    }

    /// The oracle is not a rubber stamp: it rejects what the spec does not allow.
    @Test(.enabled(if: OpenLineageOracle.usable)) func oracleRejectsInvalidEvents() throws {
        let dir = try GovTempDir("ol-invalid")
        let good = LineageFixture.events[1].serialized
        let bad = [
            good.replacingOccurrences(of: "\"subtype\":\"IDENTITY\"", with: "\"subtype\":\"MASKED\""),
            good.replacingOccurrences(of: LineageFixture.events[1].runId, with: "not-a-uuid"),
            good.replacingOccurrences(of: "\"eventType\":\"COMPLETE\"", with: "\"eventType\":\"DONE\""),
            good.replacingOccurrences(of: "\"field\":", with: "\"column\":"),
            good.replacingOccurrences(of: "\"eventTime\":\"2026-01-15T", with: "\"eventTime\":\"2026-13-15T"),
        ]
        for (i, text) in bad.enumerated() {
            #expect(text != good)
            let path = dir.file("bad\(i).jsonl")
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(throws: (any Error).self, "variant \(i)") { try OpenLineageOracle.validate([path]) }
        }
    }
}
