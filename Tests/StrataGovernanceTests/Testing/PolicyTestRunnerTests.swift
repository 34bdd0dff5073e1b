@testable import StrataGovernance
import StrataCore
import Testing

@Suite struct PolicyTestRunnerTests {
    let masker = Masker(keys: KeyStore(lakeRoot: "/nonexistent", environment: testEnvironment))

    /// The engine's governed read, simulated: gate-masked rows, then the role's decision.
    func reader(_ g: Governance) -> PolicyTestRunner.ReadAsRole {
        { role, table in
            guard table == TableRef(layer: .silver, name: "users") else { return nil }
            let schema = DemoSchemas.silverUsers
            let tags = g.tags(table: table, schema: schema)
            let stored = try g.planWrite(table: table, schema: schema, tags: tags).apply(to: DemoSchemas.silverUsersBatch(), masker: self.masker)
            return try g.decide(role: role, table: table, schema: schema, tags: tags).apply(to: stored, masker: self.masker)
        }
    }

    @Test func demoPolicyTestsPass() throws {
        let g = try demoGovernance()
        let results = PolicyTestRunner(governance: g, tables: DemoSchemas.tables, read: reader(g)).run()
        for r in results where !r.passed { Issue.record("\(r.test.name): \(r.details)") }
        #expect(results.count == g.policies.tests.count)
        let rows = results.first { $0.test.name == "support sees only EU customers" }!
        #expect(rows.details.contains("silver.users: all 2 rows the role reads satisfy " + rows.test.rowsWhere!.text))
    }

    @Test func openingAccessFailsATest() throws {
        // The demo roles with support's row filter removed and marketing allowed into silver.
        var files: [(String, String)] = []
        for name in ["classification.yaml", "masking.yaml", "roles.yaml", "tests.yaml"] {
            var text = try String(contentsOfFile: repoRoot + "/policies/" + name, encoding: .utf8)
            if name == "roles.yaml" {
                text = text.replacingOccurrences(of: "        rows: \"country IN", with: "        # rows: \"country IN")
                text = text.replacingOccurrences(of: "deny: [bronze.*, silver.*, quarantine.*]", with: "deny: [bronze.*]")
                text = text.replacingOccurrences(of: "      - tables: gold.*\n", with: "      - tables: [gold.*, silver.*]\n")
            }
            files.append(("policies/" + name, text))
        }
        let g = Governance(policies: try PolicySet.parse(files: files))
        let failed = PolicyTestRunner(governance: g, tables: DemoSchemas.tables, read: reader(g)).run().filter { !$0.passed }
        #expect(failed.map(\.test.name) == ["marketing cannot read silver", "support sees only EU customers"])
        #expect(failed[1].details == ["silver.users: allowed — policies/roles.yaml:30:9 roles.support.grants[0]",
                                      "silver.users: 2 of 4 rows the role reads do not satisfy country IN ('AT', 'BE', 'DE', 'DK', 'ES', 'FI', 'FR', 'IE', 'IT', 'NL', 'PL', 'PT', 'SE')"])
        // Without data, a missing row filter still fails.
        let noData = PolicyTestRunner(governance: g, tables: DemoSchemas.tables).run().filter { !$0.passed }
        #expect(noData.last?.details.last == "silver.users: no data to check, and role support has no row filter on it")
    }

    @Test func aTestMustMatchATable() throws {
        let p = try policies("""
            roles:
              a:
                grants:
                  - tables: "*"
            tests:
              - name: nothing
                role: a
                table: gold.nope
                expect: denied
              - name: bad column
                role: a
                column: silver.users.emial
                expect: hidden
            """)
        let results = PolicyTestRunner(governance: Governance(policies: p), tables: DemoSchemas.tables).run()
        #expect(results.map(\.passed) == [false, false])
        #expect(results[0].details == ["gold.nope matches no known table (a test must check something)"])
        #expect(results[1].details == ["silver.users: has no column 'emial'; did you mean 'email'?"])
    }
}
