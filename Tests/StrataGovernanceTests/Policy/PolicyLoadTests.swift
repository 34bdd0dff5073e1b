@testable import StrataGovernance
import StrataCore
import Testing

@Suite struct PolicyLoadTests {
    @Test func demoPoliciesLoad() throws {
        let g = try demoGovernance()
        let p = g.policies
        #expect(p.files == ["policies/classification.yaml", "policies/masking.yaml", "policies/roles.yaml", "policies/tests.yaml"])
        #expect(p.roles.map(\.name) == ["data_engineer", "analyst", "support", "marketing"])
        #expect(p.detection.mode == .enforce)
        #expect(p.tests.count >= 10)
        #expect(p.layers[.gold]?.masking.first?.action == .refuse)
        #expect(p.digest.count == 64)
        #expect(p.role(named: "support")?.grants.first?.rows?.location?.description.hasPrefix("policies/roles.yaml:") == true)
    }

    @Test func digestChangesWithAnyByte() throws {
        let a = try policies("masking:\n  pii.email: hash\n")
        let b = try policies("masking:\n  pii.email: hash \n")
        let c = try policies("masking:\n  pii.email: hash\n", file: "policies/other.yaml")
        #expect(a.digest != b.digest)
        #expect(a.digest != c.digest)
        #expect(try policies("masking:\n  pii.email: hash\n").digest == a.digest)
    }

    @Test func missingFolderIsEmpty() throws {
        let p = try PolicySet.load(directory: "/nonexistent/policies")
        #expect(p.files.isEmpty && p.roles.isEmpty)
    }

    @Test(arguments: [
        ("masking:\n  pii.emial: hash\n",
         "policies/test.yaml:2:3: masking: unknown tag 'pii.emial'; did you mean 'pii.email'?"),
        ("masking:\n  pii.email: hsah\n",
         "policies/test.yaml:2:14: masking.pii.email: unknown mask method 'hsah'; did you mean 'hash'?"),
        ("masking:\n  pii.phone: {show_last: x}\n",
         "policies/test.yaml:2:26: masking.pii.phone.show_last: expected a number of characters from 1 to 64"),
        ("masking:\n  pii.ip: {generalize: mnth}\n",
         "policies/test.yaml:2:24: masking.pii.ip.generalize: expected year, month, day, hour or an IP prefix such as /24; did you mean 'month'?"),
        ("maskng:\n  pii.email: hash\n",
         "policies/test.yaml:1:1: maskng: unknown key; did you mean 'masking'?"),
        ("layers:\n  sliver:\n    store_raw: []\n",
         "policies/test.yaml:2:3: layers: 'sliver' is not a layer; did you mean 'silver'?"),
        ("roles:\n  analyst:\n    grants:\n      - tables: silver.*\n        colums: {}\n",
         "policies/test.yaml:5:9: roles.analyst.grants[0].colums: unknown key; did you mean 'columns'?"),
        ("roles:\n  analyst:\n    grants:\n      - tables: silvr.*\n",
         "policies/test.yaml:4:17: roles.analyst.grants[0].tables: 'silvr' is not a layer; did you mean 'silver'?"),
        ("roles:\n  analyst:\n    grants:\n      - tables: gold.*\n        columns:\n          pii.*: maskd\n",
         "policies/test.yaml:6:18: roles.analyst.grants[0].columns.pii.*: expected clear, masked, hidden or a mask method, got 'maskd'; did you mean 'masked'?"),
        ("roles:\n  analyst:\n    grants:\n      - tables: gold.*\n        rows: \"country = 'DE\"\n",
         "policies/test.yaml:5:26: roles.analyst.grants[0].rows: row filter: unterminated string; close it with '; write '' for a ' inside"),
        ("roles:\n  analyst:\n    grants: []\ntests:\n  - name: x\n    role: analist\n    table: gold.*\n    expect: denied\n",
         "policies/test.yaml:5:5: tests[0].role: unknown role 'analist'; did you mean 'analyst'?"),
        ("roles:\n  a:\n    grants: []\ntests:\n  - name: x\n    role: a\n    table: gold.*\n    expect: hiden\n",
         "policies/test.yaml:8:13: tests[0].expect: unknown expectation 'hiden'; did you mean 'hidden'?"),
        ("classification:\n  - tables: \"*\"\n    columns:\n      email: pii.mail\n",
         "policies/test.yaml:4:14: classification[0].columns.email: unknown tag 'pii.mail'; did you mean 'pii.email'?"),
        ("detection:\n  mode: enforced\n",
         "policies/test.yaml:2:9: detection.mode: expected one of: report, enforce; did you mean 'enforce'?"),
        ("layers:\n  gold:\n    store_raw: [secret.*]\n",
         "policies/test.yaml:3:17: layers.gold.store_raw: tag pattern 'secret.*' matches no known tag; known tags: pii.email, pii.phone, pii.name, pii.ip, pii.address, pii.card, pii.iban, pii.birth_date, pii.national_id, pii.device_id, pii.free_text, sensitive.financial"),
    ])
    func positionedErrors(text: String, expected: String) {
        #expect(errorText { _ = try policies(text) } == expected)
    }

    @Test func duplicatesAcrossFilesAreReported() {
        let a = ("policies/a.yaml", "roles:\n  analyst:\n    grants: []\n")
        let b = ("policies/b.yaml", "roles:\n  analyst:\n    grants: []\n")
        #expect(errorText { _ = try PolicySet.parse(files: [a, b]) }
                == "policies/b.yaml:2:3: roles.analyst: role 'analyst' is defined twice (first at policies/a.yaml:2:3); keep one definition")
    }

    @Test func userDefinedTagsWorkAcrossFiles() throws {
        let p = try PolicySet.parse(files: [
            ("policies/a.yaml", "masking:\n  internal.session: hash\n"),
            ("policies/b.yaml", "tags:\n  internal.session: Session ids\n"),
        ])
        #expect(p.masking.first?.tags.pattern == "internal.session")
        #expect(p.knownTags.contains(Tag("internal.session")))
    }

    @Test func maskMethodsParse() throws {
        let p = try policies("""
            masking:
              pii.email: hash
              pii.name: redact
              pii.phone: {show_last: 4}
              pii.card: {show_first: 6}
              pii.address: email_domain
              pii.iban: "null"
              pii.birth_date: {generalize: month}
              pii.ip: {generalize: /24 /48}
              sensitive.financial: tokenize
              "*": refuse
            """)
        #expect(p.masking.map(\.action.description) == ["hash", "redact", "show_last: 4", "show_first: 6", "email_domain", "null",
                                                        "generalize: month", "generalize: /24 /48", "tokenize", "refuse"])
        #expect(MaskMethod.Generalization(parsing: "/16") == .network(v4: 16, v6: 48))
        #expect(MaskMethod.Generalization(parsing: "/56") == .network(v4: 24, v6: 56))
        #expect(MaskMethod.Generalization(parsing: "ip") == .network(v4: 24, v6: 48))
    }

    @Test func globs() {
        #expect(Glob("silver.*").matches("silver.users"))
        #expect(!Glob("silver.*").matches("gold.users"))
        #expect(Glob("*.users").matches("bronze.users"))
        #expect(!Glob("*.users").matches("bronze.dim_users"))
        #expect(Glob("*").matches("gold.a"))
        #expect(Glob("*_email").matches("contact_email"))
        #expect(Glob("pii.*").matches("pii.email") && !Glob("pii.*").matches("sensitive.financial"))
        #expect(Glob("a?c").matches("abc") && !Glob("a?c").matches("ac"))
        #expect(Glob("silver.users").specificity > Glob("silver.*").specificity)
        #expect(Glob("silver.*").specificity > Glob("*").specificity)
    }
}
