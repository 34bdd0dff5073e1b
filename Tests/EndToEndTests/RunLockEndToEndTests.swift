import Foundation
import StrataTestSupport
import Testing

/// Rows land once: a downstream append pipeline facing a rewritten upstream rebuilds, and two
/// `strata run` on one lake take turns instead of ingesting the same input twice.
@Suite(.serialized, .enabled(if: oraclesAvailable))
struct RunLockEndToEndTests {
    static let counts = """
    import sys, json, glob, os
    from deltalake import DeltaTable
    root = sys.argv[1]
    out = {}
    for layer in ["bronze", "silver", "gold", "quarantine"]:
        for path in sorted(glob.glob(f"{root}/datalake/{layer}/*")):
            if not glob.glob(path + "/_delta_log/*.json"): continue  # a crashed first write: no table yet
            out[layer + "." + os.path.basename(path)] = len(DeltaTable(path).to_pyarrow_table())
    print(json.dumps(out))
    """

    func counts(_ p: StrataProject) throws -> [String: Int] {
        try p.pythonJSON(Self.counts) as! [String: Int]
    }

    @Test func fullRefreshOfAnUpstreamThenARunKeepsEveryRowOnce() throws {
        let p = try DemoLakeEndToEndTests.demoProject()
        #expect(try p.strata("run").status == 0)
        let reference = try counts(p)
        #expect(reference["silver.clickstream"] ?? 0 > 0)
        let refresh = try p.strata("run", "--full-refresh", "bronze_clickstream")
        #expect(refresh.status == 0, "\(refresh.stderr)")
        let again = try p.strata("run")
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stderr.contains("rebuilding"), "\(again.stderr)")
        #expect(try counts(p) == reference, "a full refresh upstream must not duplicate rows downstream")
        #expect(try p.strata("audit", "reconcile").status == 0)
    }

    @Test func crashBetweenTheQuarantineAndTheMainCommitLeavesNoRejectTwice() throws {
        let single = try DemoLakeEndToEndTests.demoProject()
        #expect(try single.strata("run").status == 0)
        let reference = try counts(single)
        let p = try DemoLakeEndToEndTests.demoProject()
        // Killed (as by kill -9) right after the first pipeline with rejects committed them.
        let crashed = try p.strata("run", env: ["STRATA_CRASH_AT": "after-quarantine-commit"])
        #expect(crashed.status != 0)
        let afterCrash = try counts(p)
        let orphaned = afterCrash.filter { $0.key.hasPrefix("quarantine.") && $0.value > 0 }
        #expect(!orphaned.isEmpty, "the crash must leave rejects without their main commit: \(afterCrash)")
        // The table whose first write was cut off is no table yet; vacuum removes what it staged.
        let target = orphaned.keys.sorted()[0].dropFirst("quarantine.".count).split(separator: "_", maxSplits: 1)
        let folder = p.root + "/datalake/" + target.joined(separator: "/")
        #expect(FileManager.default.fileExists(atPath: folder + "/_staging"), "\(folder)")
        let vacuum = try p.strata("vacuum")
        #expect(vacuum.status == 0, "\(vacuum.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder), "vacuum must remove the crashed first write \(folder)")
        let rerun = try p.strata("run")
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stderr.contains("voided"), "\(rerun.stderr)")
        #expect(try counts(p) == reference, "rejects must land once")
        #expect(try p.strata("audit", "verify").status == 0)
        #expect(try p.strata("audit", "reconcile").status == 0)
    }

    @Test func aRemaskDoesNotHideRowsDownstreamHasNotReadYet() throws {
        let p = try DemoLakeEndToEndTests.demoProject()
        #expect(try p.strata("run").status == 0)
        // New events reach bronze only; then a policy change makes bronze re-mask every file.
        let day = try String(contentsOfFile: p.root + "/datalake/landing/clickstream/events-2025-01-01.jsonl", encoding: .utf8)
        let renamed = day.replacingOccurrences(of: "\"event_id\": \"", with: "\"event_id\": \"new-")
            .replacingOccurrences(of: "\"event_id\":\"", with: "\"event_id\":\"new-")
        #expect(renamed != day)
        try p.write("datalake/landing/clickstream/events-2030-01-01.jsonl", renamed)
        #expect(try p.strata("run", "bronze_clickstream").status == 0)
        let masking = try String(contentsOfFile: p.root + "/policies/masking.yaml", encoding: .utf8)
        let tightened = masking.replacingOccurrences(of: "  bronze:\n    store_raw: [\"*\"]", with: "  bronze:\n    store_raw: [pii.*, sensitive.*]")
        #expect(tightened != masking)
        try tightened.write(toFile: p.root + "/policies/masking.yaml", atomically: true, encoding: .utf8)
        let r = try p.strata("run")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("re-masked after a policy change: bronze.clickstream"), "\(r.stderr)")
        let c = try counts(p)
        #expect(c["bronze.clickstream"] != nil && c["silver.clickstream"] == c["bronze.clickstream"].map { $0 - (c["quarantine.silver_clickstream"] ?? 0) },
                "silver must read the rows bronze took before the re-mask: \(c)")
    }

    @Test func concurrentRunsTakeTurnsAndIngestOnce() throws {
        let p = try DemoLakeEndToEndTests.demoProject()
        // Reference: one run on a copy of the same project.
        let single = try DemoLakeEndToEndTests.demoProject()
        #expect(try single.strata("run").status == 0)
        let reference = try counts(single)
        let out = try p.pythonJSON("""
        import sys, json, subprocess
        root, strata = sys.argv[1], sys.argv[2]
        procs = [subprocess.Popen([strata, "run"], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
        res = [p.communicate() + (p.returncode,) for p in procs]
        print(json.dumps({"codes": [r[2] for r in res], "waited": sum("waiting for another strata process" in r[1] for r in res)}))
        """, [TestPaths.strataBinary]) as! [String: Any]
        #expect(out["codes"] as? [Int] == [0, 0, 0], "\(out)")
        #expect(try counts(p) == reference, "concurrent runs must ingest each input once")
        #expect(try p.strata("audit", "verify").status == 0)
        #expect(try p.strata("audit", "reconcile").status == 0)
        // The lock is gone with the processes: a later run does not wait.
        let later = try p.strata("run")
        #expect(later.status == 0)
        #expect(!later.stderr.contains("waiting for another"), "\(later.stderr)")
    }
}
