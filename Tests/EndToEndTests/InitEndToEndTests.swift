import Foundation
import StrataTestSupport
import Testing

/// `strata init` makes projects that validate, run and pass their own policy tests; it never
/// writes over a file; the ecommerce example is exactly this repository's demo.
@Suite(.serialized)
struct InitEndToEndTests {
    @Test(arguments: ["minimal", "ecommerce"])
    func anInitializedProjectValidatesRunsAndPassesItsPolicyTests(_ example: String) throws {
        let p = try StrataProject("init-\(example)")
        let r = try p.strata("init", "project", "--example", example)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("next: cd project && strata validate && strata run && strata docs generate"))
        let dir = p.root + "/project"
        for f in ["pipelines.yaml", "policies/masking.yaml", "policies/roles.yaml", "policies/tests.yaml", ".gitignore", "README.md"] {
            #expect(FileManager.default.fileExists(atPath: dir + "/" + f), "\(f)")
        }
        func strata(_ args: String...) throws -> TestProcess.Result { try TestProcess.run(TestPaths.strataBinary, args, cwd: dir) }
        #expect(try strata("validate").status == 0)
        let run = try strata("run")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("quarantined"), "the sample data has a bad row to show quarantine")
        let tests = try strata("policy", "test")
        #expect(tests.status == 0, "\(tests.stdout)")
        #expect(try strata("audit", "verify").status == 0)
        // Nothing the run wrote is left for git to pick up.
        let ignore = try String(contentsOfFile: dir + "/.gitignore", encoding: .utf8)
        for out in ["/datalake/bronze/", "/datalake/_keys/", "/lineage/events/", "/lineage/outbox/"] { #expect(ignore.contains(out)) }
        // A second init into the same folder refuses and changes nothing.
        let before = try String(contentsOfFile: dir + "/pipelines.yaml", encoding: .utf8)
        let again = try p.strata("init", "project")
        #expect(again.status == 2 && again.stderr.contains("project already has pipelines.yaml"), "\(again.stderr)")
        #expect(try String(contentsOfFile: dir + "/pipelines.yaml", encoding: .utf8) == before)
    }

    @Test func minimalMasksTheEmailForAnalysts() throws {
        let p = try StrataProject("init-masks")
        #expect(try p.strata("init").status == 0)
        #expect(try p.strata("run").status == 0)
        let rows = try p.strata("show", "silver.customers", "--as", "analyst", "--format", "csv", "--columns", "email")
        #expect(rows.status == 0)
        let emails = rows.stdout.split(separator: "\n").dropFirst()
        #expect(emails.count == 9)
        #expect(emails.allSatisfy { !$0.contains("@") }, "\(emails)")
        #expect(try p.strata("show", "bronze.customers", "--as", "analyst").status == 3)
        #expect(try p.strata("init", "--example", "ecomerce").stderr.contains("did you mean 'ecommerce'?"))
    }
}
