import Foundation

/// A fresh temporary folder, removed when released.
final class TempDir: @unchecked Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.path + "/strata-gov-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let p = path + "/" + name
        try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

@testable import StrataGovernance
import StrataCore

/// The repository root (for the demo `policies/`).
let repoRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    return url.path
}()

/// The demo policies, loaded once per use.
func demoGovernance() throws -> Governance {
    try Governance.load(directory: repoRoot + "/policies")
}

/// Parses one policy file's text.
func policies(_ text: String, file: String = "policies/test.yaml") throws -> PolicySet {
    try PolicySet.parse(files: [(file, text)])
}

/// The error `body` throws, as text.
func errorText(_ body: () throws -> Void) -> String? {
    do {
        try body()
        return nil
    } catch {
        return "\(error)"
    }
}

/// Logical schemas of the demo lake's tables (bronze as ingested; silver/gold as the transforms issue plans them).
enum DemoSchemas {
    static let usersFields: [Field] = [
        Field("user_id", .int64, nullable: false), Field("email", .string), Field("full_name", .string), Field("phone", .string),
        Field("country", .string), Field("city", .string), Field("signup_date", .date), Field("birth_date", .date),
        Field("ip_address", .string), Field("marketing_opt_in", .bool),
    ]
    static let bronzeUsers = Schema(usersFields + [Field("_ingested_at", .timestamp, nullable: false), Field("_source_file", .string)])
    static let silverUsers = Schema(usersFields)
    static let silverTransactions = Schema([
        Field("transaction_id", .int64), Field("user_id", .int64), Field("product_id", .int64), Field("quantity", .int64),
        Field("unit_price", .decimal(precision: 10, scale: 2)), Field("amount", .decimal(precision: 12, scale: 2)),
        Field("currency", .string), Field("status", .string), Field("payment_method", .string), Field("card_number", .string),
        Field("created_at", .timestamp),
    ])
    static let customerSegments = Schema([Field("user_id", .int64), Field("email", .string), Field("segment", .string),
                                          Field("total_spend", .decimal(precision: 12, scale: 2)), Field("orders", .int64)])
    static let dailyRevenue = Schema([Field("day", .date), Field("revenue", .decimal(precision: 14, scale: 2)), Field("orders", .int64)])

    static let tables: [TableRef: Schema] = [
        TableRef(layer: .bronze, name: "users"): bronzeUsers,
        TableRef(layer: .bronze, name: "transactions"): silverTransactions,
        TableRef(layer: .silver, name: "users"): silverUsers,
        TableRef(layer: .silver, name: "transactions"): silverTransactions,
        TableRef(layer: .gold, name: "customer_segments"): customerSegments,
        TableRef(layer: .gold, name: "daily_revenue"): dailyRevenue,
    ]

    /// A few silver.users rows (synthetic, like the landing data).
    static func silverUsersBatch() -> Batch {
        var cols = usersFields.map { ColumnBuilder(type: $0.type) }
        let rows: [[Value]] = [
            [.int(1), .string("luca.johnson1@yahoo.com"), .string("Luca Johnson"), .string("+1 311 524 3210"), .string("US"), .string("Houston"),
             .date(19243), .date(11967), .string("132.29.2.76"), .bool(false)],
            [.int(2), .string("marie.dubois2@orange.fr"), .string("Marie Dubois"), .string("+33 6 12 34 56 78"), .string("FR"), .string("Lyon"),
             .date(19500), .null, .string("2a02:4457:65d7:6e39:7413:8880:6302:1294"), .bool(true)],
            [.int(3), .string("jonas.weber3@web.de"), .string("Jonas Weber"), .null, .string("DE"), .string("Berlin"),
             .date(19600), .date(5000), .string("84.12.3.9"), .bool(true)],
            [.int(4), .string("aiko.sato4@gmail.com"), .string("Aiko Sato"), .string("+81 726 546 9935"), .null, .string("Kyoto"),
             .date(19601), .date(6000), .string("10.0.0.1"), .bool(false)],
        ]
        for r in rows { for (i, v) in r.enumerated() { cols[i].append(v) } }
        return Batch(schema: silverUsers, columns: cols.map { $0.finish() })
    }
}

/// Swift Testing also has a `Tag`; tests name ours explicitly.
typealias PolicyTag = StrataGovernance.Tag
