@testable import StrataGovernance
import Foundation
import StrataCore
import Testing

@Suite struct PolicyAuditTests {
    func inputs() -> [AuditTableInput] {
        [
            AuditTableInput(table: TableRef(layer: .bronze, name: "users"), schema: DemoSchemas.bronzeUsers),
            AuditTableInput(table: TableRef(layer: .silver, name: "users"), schema: DemoSchemas.silverUsers,
                            detections: [Detection(column: "city", kind: .phone, embedded: true, hits: 12, sampled: 100)]),
            AuditTableInput(table: TableRef(layer: .gold, name: "customer_segments"), schema: DemoSchemas.customerSegments, exists: false,
                            propagated: ["segment": [.email]],
                            declassified: [AppliedDeclassification(column: "segment", tags: [.email], reason: "segments are labels, not addresses", location: nil)]),
        ]
    }

    @Test func reportsTagsStoredFormsAccessAndFindings() throws {
        let g = try demoGovernance()
        let r = PolicyAudit.build(g, tables: inputs())
        #expect(r.tables.map(\.table.description) == ["bronze.users", "silver.users", "gold.customer_segments"])
        let silver = r.tables[1]
        let email = silver.columns.first { $0.name == "email" }!
        #expect(email.stored == "hash")
        #expect(email.declared == [.email])
        #expect(email.access.map { "\($0.role)=\($0.sees)" } == ["data_engineer=masked (hash, as stored)", "analyst=masked (hash)",
                                                               "support=masked (hash)", "marketing=denied"])
        #expect(silver.roles.first { $0.role == "support" }?.rowFilter?.hasPrefix("country IN") == true)
        let kinds = Set(r.findings.map(\.kind))
        #expect(kinds.contains(.untaggedPII))
        #expect(kinds.contains(.clearPIIAccess))       // data_engineer on bronze
        #expect(kinds.contains(.declassification))
        #expect(!kinds.contains(.unmaskedPIIOutsideBronze))
        let untagged = r.findings.first { $0.kind == .untaggedPII }!
        #expect(untagged.subject == "silver.users.city")
        #expect(untagged.message == "looks like free text containing phone: 12 of 100 sampled values (12%) but no rule tags it pii.phone (treated as tagged: detection enforces)")
        // Grants and rules that name no known table.
        let stale = r.findings.filter { $0.kind == .staleGrant }.map(\.subject)
        #expect(stale.contains("*.daily_revenue"))
    }

    @Test func unmaskedPIIOutsideBronzeIsHigh() throws {
        let p = try policies("""
            classification:
              - tables: "*"
                columns:
                  email: pii.email
            layers:
              silver:
                store_raw: [pii.*]
            """)
        let r = PolicyAudit.build(Governance(policies: p), tables: [AuditTableInput(table: TableRef(layer: .silver, name: "u"), schema: Schema([Field("email", .string)]))])
        #expect(r.findings.map { "\($0.severity) \($0.kind.rawValue) \($0.subject)" } == ["high unmasked_pii_outside_bronze silver.u.email"])
    }

    @Test func renderers() throws {
        let r = PolicyAudit.build(try demoGovernance(), tables: inputs())
        let text = r.render(.text)
        #expect(text.contains("silver.users\n"))
        #expect(text.contains("  email string  [declared pii.email]  stored: hash"))
        let md = r.render(.markdown)
        #expect(md.contains("| column | type | tags | stored | data_engineer | analyst | support | marketing |"))
        let json = try JSONSerialization.jsonObject(with: Data(r.render(.json).utf8)) as! [String: Any]
        let tables = json["tables"] as! [[String: Any]]
        #expect(tables.count == 3)
        #expect((json["findings"] as! [Any]).count == r.findings.count)
        // No raw value anywhere in the report.
        for out in [text, md, r.render(.json)] { #expect(!out.contains("@yahoo.com")) }
    }
}
