import Foundation
import StrataTestSupport
import Testing

/// The audit trail against a tester who edits the lake: a commit's `add` removed, the latest commit
/// deleted, a run killed between a commit's audit record and the commit, a keyed log rewritten.
@Suite(.serialized, .enabled(if: oraclesAvailable))
struct AuditIntegrityEndToEndTests {
    func commitFiles(_ p: StrataProject, _ table: String) throws -> [String] {
        let dir = p.root + "/datalake/" + table + "/_delta_log"
        return try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".json") }.sorted().map { dir + "/" + $0 }
    }

    func ok(_ p: StrataProject, env: [String: String] = [:]) throws -> (verify: TestProcess.Result, reconcile: TestProcess.Result) {
        (try p.strata(args: ["audit", "verify"], env: env), try p.strata(args: ["audit", "reconcile"], env: env))
    }

    @Test func aRemovedAddActionIsDetectedByVerifyAndReconcile() throws {
        let p = try CommitProtocolEndToEndTests.project()
        try p.write("landing/b.csv", "id,contact,note,score\n3,c@x.org,hey,3\n")
        #expect(try p.strata("run").status == 0)
        #expect(try ok(p).verify.status == 0)
        let file = try #require(try commitFiles(p, "bronze/contacts").first)
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        let adds = lines.filter { $0.hasPrefix("{\"add\"") }
        #expect(!adds.isEmpty)
        try (lines.filter { $0 != adds[0] }.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let (verify, reconcile) = try ok(p)
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("bronze.contacts version 0 does not hold the actions record"), "\(verify.stdout)")
        #expect(reconcile.status == 1)
        #expect(reconcile.stdout.contains("content mismatch: bronze.contacts version 0"), "\(reconcile.stdout)")
    }

    @Test func aDeletedLatestCommitIsDetectedByVerify() throws {
        let p = try CommitProtocolEndToEndTests.project()
        #expect(try p.strata("run").status == 0)
        try p.write("landing/b.csv", "id,contact,note,score\n3,c@x.org,hey,3\n")
        #expect(try p.strata("run").status == 0)
        let latest = try #require(try commitFiles(p, "gold/contacts").last)
        try FileManager.default.removeItem(atPath: latest)
        let (verify, reconcile) = try ok(p)
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("gold.contacts version 1 was committed, but the table has no such version"), "\(verify.stdout)")
        #expect(reconcile.status == 1)
    }

    @Test func aRunKilledBetweenTheRecordAndTheCommitRecoversOnTheNextRun() throws {
        let reference = try CommitProtocolEndToEndTests.project()
        #expect(try reference.strata("run").status == 0)
        let p = try CommitProtocolEndToEndTests.project()
        let crashed = try p.strata("run", env: ["STRATA_CRASH_AT": "after-commit-record"])
        #expect(crashed.status != 0)
        // Until a run recovers, the trail says a commit is missing.
        let (verify, reconcile) = try ok(p)
        #expect(verify.status == 1 && verify.stdout.contains("no such version"), "\(verify.stdout)")
        #expect(reconcile.status == 1)
        let rerun = try p.strata("run")
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stderr.contains("voided 1 audit record(s) of commits that never landed"), "\(rerun.stderr)")
        let after = try ok(p)
        #expect(after.verify.status == 0, "\(after.verify.stdout)")
        #expect(after.reconcile.status == 0, "\(after.reconcile.stdout)")
        // The voided record stays in the trail, saying why.
        #expect(try p.strata("audit", "show", "--result", "failed").stdout.contains("never landed"))
        // Every row landed once.
        let rows = { (q: StrataProject) in try q.strata("show", "silver.contacts", "--format", "csv", "--limit", "100").stdout.split(separator: "\n").count }
        #expect(try rows(p) == (try rows(reference)))
    }

    @Test func aKeyedLakeRejectsAnUnkeyedRewriteAndAnUnkeyedRun() throws {
        let key = ["STRATA_AUDIT_KEY": String(repeating: "5a", count: 32)]
        let p = try CommitProtocolEndToEndTests.project()
        #expect(try p.strata(args: ["run"], env: key).status == 0)
        #expect(try ok(p, env: key).verify.status == 0)
        // Without the key: verify says the log is keyed, and a run refuses to break the chain.
        let unkeyed = try p.strata("audit", "verify")
        #expect(unkeyed.status == 1 && unkeyed.stdout.contains("keyed"), "\(unkeyed.stdout)")
        try p.write("landing/b.csv", "id,contact,note,score\n3,c@x.org,hey,3\n")
        let run = try p.strata("run")
        #expect(run.status != 0 && run.stderr.contains("STRATA_AUDIT_KEY"), "\(run.stderr)")
        // HEAD rewritten (the seal dropped) to hide a cut tail: detected with the key.
        let head = p.root + "/datalake/_audit/HEAD"
        let text = try String(contentsOfFile: head, encoding: .utf8)
        let unsealed = text.replacingOccurrences(of: #",\"alg\":\"[^\"]*\",\"key_id\":\"[^\"]*\",\"mac\":\"[^\"]*\""#, with: "", options: .regularExpression)
        #expect(unsealed != text)
        try unsealed.write(toFile: head, atomically: true, encoding: .utf8)
        let forged = try p.strata(args: ["audit", "verify"], env: key)
        #expect(forged.status == 1 && forged.stdout.contains("HEAD carries no seal"), "\(forged.stdout)")
    }
}
