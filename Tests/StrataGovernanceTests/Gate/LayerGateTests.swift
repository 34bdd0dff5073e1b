@testable import StrataGovernance
import StrataCore
import Testing

@Suite struct LayerGateTests {
    let masker = Masker(keys: KeyStore(lakeRoot: "/nonexistent", environment: testEnvironment))

    @Test func bronzeStoresEverythingRawSilverMasksByTag() throws {
        let g = try demoGovernance()
        let bronze = TableRef(layer: .bronze, name: "users")
        let plan = g.planWrite(table: bronze, schema: DemoSchemas.bronzeUsers, tags: g.tags(table: bronze, schema: DemoSchemas.bronzeUsers))
        #expect(plan.masks.isEmpty)
        #expect(plan.refusal == nil)

        let silver = TableRef(layer: .silver, name: "users")
        let tags = g.tags(table: silver, schema: DemoSchemas.silverUsers)
        #expect(tags["email"] == [PolicyTag.email])
        #expect(tags["country"] == [])
        let sp = g.planWrite(table: silver, schema: DemoSchemas.silverUsers, tags: tags)
        #expect(sp.masks == ["email": .hash, "full_name": .redact, "phone": .showLast(4),
                             "ip_address": .generalize(.network(v4: 24, v6: 48)), "birth_date": .generalize(.year)])
        let email = sp.decisions.first { $0.column == "email" }!
        #expect(email.rule?.description == "policies/masking.yaml:7:3 masking.pii.email")
        #expect(sp.outputSchema.field(named: "birth_date")?.type == .date)
        #expect(sp.outputSchema.field(named: "user_id")?.nullable == false)

        let batch = try sp.apply(to: DemoSchemas.silverUsersBatch(), masker: masker)
        #expect(batch.column(named: "full_name")?.value(0) == .string("Xxxx Xxxxxxx"))
        #expect(batch.column(named: "phone")?.value(0) == .string("+0 000 000 3210"))
        #expect(batch.column(named: "ip_address")?.value(0) == .string("132.29.2.0"))
        #expect(batch.column(named: "ip_address")?.value(1) == .string("2a02:4457:65d7::"))
        #expect(batch.column(named: "birth_date")?.value(0) == .date(Int32(Temporal.days(year: 2002, month: 1, day: 1))))
        #expect(batch.column(named: "country")?.value(0) == .string("US"))
        // Nothing of the raw values survives in masked columns.
        let raw = DemoSchemas.silverUsersBatch()
        for name in ["email", "full_name", "phone", "ip_address"] {
            let before = raw.column(named: name)!, after = batch.column(named: name)!
            for r in 0..<raw.rowCount where !before.isNull(r) {
                #expect(after.value(r) != before.value(r))
            }
        }
    }

    @Test func refuseNamesTableColumnAndTagNotValues() throws {
        let g = try demoGovernance()
        let gold = TableRef(layer: .gold, name: "payments")
        let schema = Schema([Field("user_id", .int64), Field("card_number", .string), Field("amount", .decimal(precision: 12, scale: 2))])
        let plan = g.planWrite(table: gold, schema: schema, tags: g.tags(table: gold, schema: schema))
        let e = try #require(plan.refusal)
        #expect(e.code == .policyRefused)
        #expect(e.exitCode == 3)
        #expect(e.message == "write to gold.payments refused: column 'card_number' carries tag pii.card, which layer gold does not store unmasked, and the policy says refuse (policies/masking.yaml:27:7 layers.gold.masking.pii.card)")
        var b = ColumnBuilder(type: .string); b.append("4111111111111111")
        let batch = Batch(schema: schema, columns: [Column(type: .int64, values: .int64([1])), b.finish(),
                                                    Column(type: .decimal(precision: 12, scale: 2), values: .int64([100]))])
        #expect(throws: StrataError.self) { try plan.apply(to: batch, masker: masker) }
        // Masked by the pipeline already: the gate lets it through as it is.
        let premasked = g.planWrite(table: gold, schema: schema, tags: g.tags(table: gold, schema: schema), preMasked: ["card_number"])
        #expect(premasked.refusal == nil)
        #expect(premasked.masks.isEmpty)
    }

    @Test func strongestApplicableMethodWinsForSeveralTags() throws {
        let p = try policies("""
            masking:
              pii.email: email_domain
              pii.name: hash
            layers:
              silver:
                store_raw: []
            """)
        let gate = LayerGate(policies: p)
        let t = TableRef(layer: .silver, name: "x")
        let plan = gate.plan(table: t, schema: Schema([Field("contact", .string), Field("n", .int64)]),
                             tags: ["contact": [.email, .personName], "n": [.email]])
        #expect(plan.masks["contact"] == .hash)
        // email_domain does not apply to an int64: nulled rather than stored raw.
        #expect(plan.masks["n"] == .null)
        // A layer the policies do not list stores nothing tagged raw; untagged columns pass.
        let gold = gate.plan(table: TableRef(layer: .gold, name: "y"), schema: Schema([Field("e", .string), Field("k", .string)]), tags: ["e": [.email]])
        #expect(gold.masks == ["e": .emailDomain])
        #expect(gold.decisions[1].action == .storeRaw)
    }

    @Test func hashedKeysStillJoinAcrossTables() throws {
        let g = try demoGovernance()
        let p = try policies("""
            classification:
              - tables: "*"
                columns:
                  user_id: pii.email
            layers:
              silver:
                store_raw: []
            masking:
              pii.email: hash
            """)
        _ = g
        let gate = LayerGate(policies: p)
        let users = TableRef(layer: .silver, name: "users"), orders = TableRef(layer: .silver, name: "orders")
        let s1 = Schema([Field("user_id", .int64)]), s2 = Schema([Field("user_id", .string)])
        let a = try gate.plan(table: users, schema: s1, tags: p.tags(table: users, schema: s1))
            .apply(to: Batch(schema: s1, columns: [Column(type: .int64, values: .int64([7, 8]))]), masker: masker)
        let b = try gate.plan(table: orders, schema: s2, tags: p.tags(table: orders, schema: s2))
            .apply(to: Batch(schema: s2, columns: [strings(["8", "7", "7"])]), masker: masker)
        let left = Set(texts(a.columns[0]).compactMap { $0 }), right = texts(b.columns[0]).compactMap { $0 }
        #expect(right.allSatisfy(left.contains))
        #expect(a.schema[0].type == .string)
    }
}
