@testable import StrataGovernance
import StrataCore
import Foundation

/// A small demo-shaped lake's lineage: two landing files → bronze → silver (masked) → gold
/// (join + aggregate), plus a failed pipeline.
enum LineageFixture {
    static let t0: Int64 = 1_768_471_200_000_000 // 2026-01-15T10:00:00Z
    static let runId = "0193f0a2-7b7e-7c1a-9d3e-2f5c8a1b4e60"

    static func ds(_ t: String) -> String { "datalake/" + t.replacingOccurrences(of: ".", with: "/") }

    static func fields(_ pairs: [(String, String)]) -> [LineageField] { pairs.map { LineageField(name: $0.0, type: $0.1) } }

    static func identity(_ table: String, _ cols: [String]) -> [ColumnLineageEdge] {
        cols.map { ColumnLineageEdge(outputColumn: $0, inputDataset: table, inputColumn: $0, subtype: .identity) }
    }

    /// START + COMPLETE (or FAIL) for one pipeline.
    static func run(_ job: String, minute: Int64, inputs: [LineageDataset], output: LineageDataset,
                    fail: String? = nil, description: String? = nil) -> [OpenLineageRunEvent] {
        let id = LineageNames.jobRunId(runId: runId, pipeline: job)
        let t = t0 + minute * 60_000_000
        var start = OpenLineageRunEvent(eventType: .start, eventTime: t, runId: id, jobName: job,
                                        inputs: inputs.map { LineageDataset(name: $0.name) },
                                        outputs: [LineageDataset(name: output.name)], jobDescription: description)
        start.parentRunId = runId
        var end = OpenLineageRunEvent(eventType: fail == nil ? .complete : .fail, eventTime: t + 1_500_000, runId: id, jobName: job,
                                      inputs: inputs, outputs: [output], jobDescription: description, errorMessage: fail)
        end.parentRunId = runId
        return [start, end]
    }

    static var events: [OpenLineageRunEvent] {
        let usersCSV = "datalake/landing/users.csv", ordersCSV = "datalake/landing/orders.csv"
        let userCols = [("id", "int64"), ("email", "string"), ("name", "string"), ("signup_date", "date")]
        let orderCols = [("order_id", "int64"), ("user_id", "int64"), ("amount", "decimal(10,2)")]
        var all: [OpenLineageRunEvent] = []
        all += run("bronze_users", minute: 0, inputs: [LineageDataset(name: usersCSV, fields: fields(userCols))],
                   output: LineageDataset(name: ds("bronze.users"), fields: fields(userCols),
                                          columnLineage: identity(usersCSV, userCols.map(\.0))),
                   description: "Raw users from the landing zone")
        all += run("bronze_orders", minute: 1, inputs: [LineageDataset(name: ordersCSV, fields: fields(orderCols))],
                   output: LineageDataset(name: ds("bronze.orders"), fields: fields(orderCols),
                                          columnLineage: identity(ordersCSV, orderCols.map(\.0))))
        let bu = ds("bronze.users")
        all += run("silver_users", minute: 2, inputs: [LineageDataset(name: bu, fields: fields(userCols))],
                   output: LineageDataset(name: ds("silver.users"),
                                          fields: fields([("id", "int64"), ("email_hash", "string"), ("name", "string"), ("signup_year", "int64")]),
                                          columnLineage: [
                                            ColumnLineageEdge(outputColumn: "id", inputDataset: bu, inputColumn: "id", subtype: .identity),
                                            ColumnLineageEdge(outputColumn: "email_hash", inputDataset: bu, inputColumn: "email", subtype: .transformation,
                                                              description: "hash (HMAC-SHA-256)", masking: true),
                                            ColumnLineageEdge(outputColumn: "name", inputDataset: bu, inputColumn: "name", subtype: .transformation,
                                                              description: "redact", masking: true),
                                            ColumnLineageEdge(outputColumn: "signup_year", inputDataset: bu, inputColumn: "signup_date", subtype: .transformation,
                                                              description: "year(signup_date)"),
                                            ColumnLineageEdge(outputColumn: nil, inputDataset: bu, inputColumn: "signup_date", subtype: .filter,
                                                              description: "signup_date >= '2020-01-01'"),
                                          ]))
        let su = ds("silver.users"), bo = ds("bronze.orders")
        all += run("gold_user_sales", minute: 3,
                   inputs: [LineageDataset(name: su), LineageDataset(name: bo)],
                   output: LineageDataset(name: ds("gold.user_sales"),
                                          fields: fields([("user_id", "int64"), ("email_hash", "string"), ("orders", "int64"), ("total", "decimal(18,2)")]),
                                          columnLineage: [
                                            ColumnLineageEdge(outputColumn: "user_id", inputDataset: bo, inputColumn: "user_id", subtype: .identity),
                                            ColumnLineageEdge(outputColumn: "email_hash", inputDataset: su, inputColumn: "email_hash", subtype: .identity),
                                            ColumnLineageEdge(outputColumn: "orders", inputDataset: bo, inputColumn: "order_id", subtype: .aggregation,
                                                              description: "count(order_id)"),
                                            ColumnLineageEdge(outputColumn: "total", inputDataset: bo, inputColumn: "amount", subtype: .aggregation,
                                                              description: "sum(amount)"),
                                            ColumnLineageEdge(outputColumn: nil, inputDataset: bo, inputColumn: "user_id", subtype: .join),
                                            ColumnLineageEdge(outputColumn: nil, inputDataset: su, inputColumn: "id", subtype: .join),
                                            ColumnLineageEdge(outputColumn: nil, inputDataset: bo, inputColumn: "user_id", subtype: .groupBy),
                                          ]))
        all += run("gold_broken", minute: 4, inputs: [LineageDataset(name: su)], output: LineageDataset(name: ds("gold.broken")),
                   fail: "pipelines.yaml:40:9: pipelines.gold_broken.transforms[0].expr: unknown column 'emial'; did you mean 'email_hash'?")
        return all
    }

    static var tags: [TableRef: [String: [String]]] {
        [TableRef(layer: .bronze, name: "users"): ["email": ["pii.email"], "name": ["pii.name"]],
         TableRef(layer: .silver, name: "users"): ["email_hash": ["pii.email"]]]
    }

    static var graph: LineageGraph { LineageGraph(events: events, tags: tags) }

    static var fixturesDir: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures/lineage"
    }

    /// Compares `text` with a snapshot file; `STRATA_UPDATE_SNAPSHOTS=1` rewrites it.
    static func snapshot(_ name: String, _ text: String) throws -> (expected: String, actual: String) {
        let path = fixturesDir + "/" + name
        if ProcessInfo.processInfo.environment["STRATA_UPDATE_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(atPath: fixturesDir, withIntermediateDirectories: true)
            try text.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return (try String(contentsOfFile: path, encoding: .utf8), text)
    }
}
