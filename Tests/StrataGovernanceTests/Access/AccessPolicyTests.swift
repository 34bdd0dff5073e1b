@testable import StrataGovernance
import StrataCore
import Testing

@Suite struct AccessPolicyTests {
    let masker = Masker(keys: KeyStore(lakeRoot: "/nonexistent", environment: testEnvironment))
    let silverUsers = TableRef(layer: .silver, name: "users")

    func decide(_ g: Governance, _ role: String, _ table: TableRef, _ schema: Schema) -> AccessDecision {
        g.decide(role: role, table: table, schema: schema, tags: g.tags(table: table, schema: schema))
    }

    /// The rows as stored in silver (gate-masked), as the engine would read them.
    func storedSilverUsers(_ g: Governance) throws -> Batch {
        let plan = g.planWrite(table: silverUsers, schema: DemoSchemas.silverUsers, tags: g.tags(table: silverUsers, schema: DemoSchemas.silverUsers))
        return try plan.apply(to: DemoSchemas.silverUsersBatch(), masker: masker)
    }

    @Test func explainPerDemoRole() throws {
        let g = try demoGovernance()
        let sees = { (role: String) in Dictionary(uniqueKeysWithValues: decide(g, role, silverUsers, DemoSchemas.silverUsers).explain().map { ($0.column, $0.sees) }) }
        let analyst = sees("analyst")
        #expect(analyst["email"] == "masked (hash)")
        #expect(analyst["full_name"] == "masked (redact)")
        #expect(analyst["country"] == "clear")
        let support = sees("support")
        #expect(support["phone"] == "masked (show_last: 4)")
        #expect(support["email"] == "masked (hash)")
        #expect(support["ip_address"] == "hidden")
        #expect(support["full_name"] == "hidden")
        let engineer = sees("data_engineer")
        #expect(engineer["email"] == "masked (hash, as stored)")
        #expect(sees("marketing")["email"] == "denied")

        let line = decide(g, "support", silverUsers, DemoSchemas.silverUsers).explain().first { $0.column == "ip_address" }!
        #expect(line.rule == "policies/roles.yaml:34:11 roles.support.grants[0].columns.pii.*")
        #expect(line.tags == "pii.ip")
    }

    @Test func denyByDefaultDenyWinsAndUnknownRoles() throws {
        let g = try demoGovernance()
        let bronze = TableRef(layer: .bronze, name: "users")
        let d = decide(g, "analyst", bronze, DemoSchemas.bronzeUsers)
        #expect(d.isDenied)
        #expect(errorText { try d.check() } == "role analyst may not read bronze.users: role analyst is denied bronze.*; decided by policies/roles.yaml:19:11 roles.analyst.deny")
        let support = decide(g, "support", TableRef(layer: .silver, name: "transactions"), DemoSchemas.silverTransactions)
        #expect(errorText { try support.check() }?.contains("no grant of role support covers silver.transactions (deny by default)") == true)
        let unknown = decide(g, "analist", silverUsers, DemoSchemas.silverUsers)
        #expect(unknown.isDenied)
        #expect(errorText { try unknown.check() }?.contains("there is no role 'analist'; did you mean 'analyst'?") == true)
        do {
            try unknown.check()
        } catch let e as StrataError {
            #expect(e.code == .accessDenied && e.exitCode == 3)
        }
    }

    /// `show --as ROLE` must return exactly what `access explain` says, for every demo role.
    @Test func readPathMatchesExplainForEveryRole() throws {
        let g = try demoGovernance()
        let stored = try storedSilverUsers(g)
        for role in g.policies.roles.map(\.name) {
            let d = decide(g, role, silverUsers, DemoSchemas.silverUsers)
            if d.isDenied {
                #expect(throws: StrataError.self) { try d.apply(to: stored, masker: masker) }
                continue
            }
            let seen = try d.apply(to: stored, masker: masker)
            let visible = d.explain().filter { $0.sees != "hidden" }.map(\.column)
            #expect(seen.schema.names == visible, "\(role)")
            #expect(seen.schema == d.visibleSchema, "\(role)")
            for c in d.columns {
                guard let col = seen.column(named: c.name) else { continue }
                let storedCol = stored.column(named: c.name)!
                switch c.effective {
                case .clear, .masked(_) where c.readMask == nil:
                    if d.rowFilter == nil { #expect(col == storedCol, "\(role).\(c.name)") }
                case .masked(let m?):
                    let expected = try masker.apply(m, to: storedCol, name: c.name)
                    if d.rowFilter == nil { #expect(col == expected, "\(role).\(c.name)") }
                default:
                    Issue.record("\(role).\(c.name) visible but \(c.effective)")
                }
            }
        }
    }

    @Test func rowFiltersHold() throws {
        let g = try demoGovernance()
        let d = decide(g, "support", silverUsers, DemoSchemas.silverUsers)
        let seen = try d.apply(to: try storedSilverUsers(g), masker: masker)
        #expect(seen.rowCount == 2)
        #expect(seen.column(named: "country").map { texts($0) } == ["FR", "DE"])
        #expect(seen.column(named: "phone")?.value(0) == .string("+00 0 00 00 06 78"))
        #expect(seen.column(named: "phone")?.value(1) == .null)
        #expect(seen.column(named: "full_name") == nil)
    }

    @Test func mostSpecificGrantAndVisibilityRuleWin() throws {
        let p = try policies("""
            roles:
              ops:
                grants:
                  - tables: "*"
                    columns:
                      "*": hidden
                      pii.email: {show_first: 1}
                  - tables: silver.users
                    columns:
                      pii.*: clear
                    rows: "country = 'DE'"
            """)
        let a = AccessPolicy(policies: p)
        let schema = Schema([Field("email", .string), Field("phone", .string), Field("n", .int64)])
        let tags: [String: Set<PolicyTag>] = ["email": [.email], "phone": [.phone], "n": []]
        let other = a.decide(role: "ops", table: TableRef(layer: .gold, name: "x"), schema: schema, tags: tags)
        #expect(other.columns.map(\.visibility) == [.masked(.showFirst(1)), .hidden, .clear])
        #expect(other.rowFilter == nil)
        let users = a.decide(role: "ops", table: silverUsers, schema: schema, tags: tags)
        #expect(users.columns.map(\.visibility) == [.clear, .clear, .clear])
        #expect(users.rowFilter?.text == "country = 'DE'")
        // Several tags: the most restrictive wins.
        let both = a.decide(role: "ops", table: TableRef(layer: .gold, name: "x"), schema: Schema([Field("c", .string)]), tags: ["c": [.email, .phone]])
        #expect(both.columns[0].visibility == .hidden)
        // No rule for a tag: masked by default, with the policy's method (hash by default).
        let q = try policies("roles:\n  r:\n    grants:\n      - tables: \"*\"\n")
        let dflt = AccessPolicy(policies: q).decide(role: "r", table: silverUsers, schema: Schema([Field("e", .string)]), tags: ["e": [.email]])
        #expect(dflt.columns[0].visibility == .masked(.hash))
    }

    @Test func filterLanguage() throws {
        let b = DemoSchemas.silverUsersBatch()
        func rows(_ f: String) throws -> [Bool] { try RowFilter(f).evaluate(b) }
        #expect(try rows("country IN ('DE', 'FR')") == [false, true, true, false])
        #expect(try rows("country NOT IN ('DE')") == [true, true, false, false])
        #expect(try rows("country IS NULL OR user_id >= 3 AND marketing_opt_in") == [false, false, true, true])
        #expect(try rows("NOT (user_id = 1) AND signup_date > '2023-05-01'") == [false, true, true, true])
        #expect(try rows("city <> 'Kyoto' AND country != 'US'") == [false, true, true, false])
        #expect(errorText { _ = try rows("contry = 'DE'") }?.hasPrefix("row filter: 'contry' is not a column") == true)
        #expect(errorText { _ = try rows("contry = 'DE'") }?.contains("country") == true)
        #expect(errorText { try RowFilter("country = ", location: SourceLocation(file: "p.yaml", line: 3, column: 9)).validate() }?
                    .hasPrefix("p.yaml:3:") == true)
        #expect(throws: StrataError.self) { try RowFilter("country IN 'DE'").validate() }
        #expect(throws: StrataError.self) { _ = try rows("user_id + 1") } // not a condition
    }
}
