import Foundation
import StrataTestSupport
import Testing

/// The records a reviewer trusts: one audit record and one COMPLETE lineage event per commit,
/// tamper evidence, valid OpenLineage, column lineage that matches the expressions, and the HTML graph.
@Suite(.serialized, .enabled(if: oraclesAvailable))
struct AuditLineageEndToEndTests {
    /// Every commit of every table (deltalake's history) has exactly one audit record (by table and
    /// version, with its hash in the commit) and one COMPLETE event listing the table as an output.
    @Test func everyCommitHasOneAuditRecordAndOneCompleteEvent() throws {
        let p = try GovernanceEndToEndTests.ranDemo()
        let rec = try p.strata("audit", "reconcile")
        #expect(rec.status == 0, "\(rec.stdout)\(rec.stderr)")
        let verify = try p.strata("audit", "verify")
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let out = try p.pythonJSON("""
        import sys, json, glob, os
        from deltalake import DeltaTable
        root = sys.argv[1]
        records = [json.loads(l) for f in sorted(glob.glob(root + "/datalake/_audit/*.jsonl")) for l in open(f) if l.strip()]
        events = [json.loads(l) for f in sorted(glob.glob(root + "/lineage/events/*.jsonl")) for l in open(f) if l.strip()]
        problems, commits = [], 0
        for path in sorted(glob.glob(root + "/datalake/*/*/_delta_log")):
            table_dir = os.path.dirname(path)
            layer, name = table_dir.split("/")[-2:]
            table = f"{layer}.{name}"
            for h in DeltaTable(table_dir).history():
                commits += 1
                v = h["version"]
                mine = [r for r in records if r["resource"] == table and r["table_version"] == v and r["action"] in ("commit", "quarantine")]
                if len(mine) != 1: problems.append(f"{table} v{v}: {len(mine)} audit records")
                elif h.get("strataAuditHash") != mine[0]["hash"]: problems.append(f"{table} v{v}: anchor differs")
                # The commit's event names the table by its absolute path, with the version it committed.
                complete = [e for e in events if e["eventType"] == "COMPLETE" and any(
                    o["name"] == os.path.realpath(table_dir) and o.get("facets", {}).get("version", {}).get("datasetVersion") == str(v)
                    and "outputStatistics" in o.get("outputFacets", {}) for o in e["outputs"])]
                if len(complete) != 1: problems.append(f"{table} v{v}: {len(complete)} COMPLETE events")
        starts = sum(1 for e in events if e["eventType"] == "START")
        ends = sum(1 for e in events if e["eventType"] in ("COMPLETE", "FAIL"))
        print(json.dumps({"commits": commits, "problems": problems, "starts": starts, "ends": ends}))
        """) as! [String: Any]
        #expect((out["commits"] as! Int) >= 18)
        #expect((out["problems"] as! [String]).isEmpty, "\(out["problems"]!)")
        #expect(out["starts"] as? Int == out["ends"] as? Int)
        // Every event is valid OpenLineage (openlineage-python's spec classes).
        let files = try FileManager.default.contentsOfDirectory(atPath: p.root + "/lineage/events").filter { $0.hasSuffix(".jsonl") }
            .map { p.root + "/lineage/events/" + $0 }
        let n = try PythonOracle.run(OpenLineageValidator.script, files).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Int(n) == (out["starts"] as! Int) * 2, "validated \(n) events")
    }

    @Test func failedPipelineLeavesAFailEventAndAnAuditRecord() throws {
        let p = try DemoLakeEndToEndTests.demoProject()
        let config = try String(contentsOfFile: p.root + "/pipelines.yaml", encoding: .utf8)
        try config.replacingOccurrences(of: "{check: row_count, min: 1, action: warn}", with: "{check: row_count, max: 10, action: fail}")
            .write(toFile: p.root + "/pipelines.yaml", atomically: true, encoding: .utf8)
        let r = try p.strata("run", "+silver_transactions")
        #expect(r.status == 1)
        #expect(r.stderr.contains("check row_count failed"))
        #expect(!FileManager.default.fileExists(atPath: p.root + "/datalake/silver/transactions/_delta_log"))
        let audit = try p.strata("audit", "show", "--action", "runFailed", "--json")
        #expect(audit.stdout.contains("silver.transactions") && audit.stdout.contains("row_count"), "\(audit.stdout)")
        let events = try FileManager.default.contentsOfDirectory(atPath: p.root + "/lineage/events").filter { $0.hasSuffix(".jsonl") }
            .map { try String(contentsOfFile: p.root + "/lineage/events/" + $0, encoding: .utf8) }.joined()
        let fail = events.split(separator: "\n").filter { $0.contains("\"FAIL\"") }
        #expect(fail.count == 2, "the pipeline's run and the strata run holding it")
        #expect(fail.contains { $0.contains("\"name\":\"strata_run\"") && $0.contains("silver_transactions") })
        #expect(fail.allSatisfy { $0.contains("silver_transactions") })
        #expect(try p.strata("audit", "verify").status == 0)
        #expect(try p.strata("audit", "reconcile").status == 0)
    }

    @Test func configAndPolicyChangesAreRecorded() throws {
        let p = try GovernanceEndToEndTests.ranDemo()
        let config = try String(contentsOfFile: p.root + "/pipelines.yaml", encoding: .utf8)
        try config.replacingOccurrences(of: "description: The product catalogue.", with: "description: The product catalogue, v2.")
            .write(toFile: p.root + "/pipelines.yaml", atomically: true, encoding: .utf8)
        try (try String(contentsOfFile: p.root + "/policies/roles.yaml", encoding: .utf8) + "\n# reviewed\n")
            .write(toFile: p.root + "/policies/roles.yaml", atomically: true, encoding: .utf8)
        #expect(try p.strata("run", "--actor", "reviewer-7").status == 0)
        let r = try p.strata("audit", "show", "--action", "digestChange", "--json")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 2, "\(r.stdout)")
        #expect(lines.contains { $0.contains("\"config\"") } && lines.contains { $0.contains("\"policies\"") })
        #expect(lines.allSatisfy { $0.contains("reviewer-7") })
        #expect(try p.strata("audit", "verify").status == 0)
    }

    @Test func tamperingIsDetected() throws {
        let p = try GovernanceEndToEndTests.ranDemo()
        let dir = p.root + "/datalake/_audit"
        let segment = dir + "/" + (try FileManager.default.contentsOfDirectory(atPath: dir).first { $0.hasSuffix(".jsonl") }!)
        let original = try String(contentsOfFile: segment, encoding: .utf8)
        var lines = original.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        func verify(_ text: String) throws -> TestProcess.Result {
            try text.write(toFile: segment, atomically: true, encoding: .utf8)
            defer { try? original.write(toFile: segment, atomically: true, encoding: .utf8) }
            return try p.strata("audit", "verify")
        }
        // A changed byte: the rows of record 5.
        var changed = lines
        changed[4] = changed[4].replacingOccurrences(of: "\"rows\":", with: "\"rows\":1")
        let a = try verify(changed.joined(separator: "\n") + "\n")
        #expect(a.status == 1)
        #expect((a.stdout + a.stderr).contains(":5: record 5:"), "\(a.stdout)\(a.stderr)")
        // A deleted line.
        var deleted = lines
        deleted.remove(at: 6)
        let b = try verify(deleted.joined(separator: "\n") + "\n")
        #expect(b.status == 1)
        // Two lines swapped.
        var swapped = lines
        swapped.swapAt(2, 3)
        #expect(try verify(swapped.joined(separator: "\n") + "\n").status == 1)
        // The tail cut off.
        let c = try verify(lines.dropLast(2).joined(separator: "\n") + "\n")
        #expect(c.status == 1)
        // Untouched, it verifies.
        #expect(try p.strata("audit", "verify").status == 0)
    }

    /// The column lineage of demo gold columns is what their expressions read.
    @Test func goldColumnLineageMatchesTheExpressions() throws {
        let p = try GovernanceEndToEndTests.ranDemo()
        func upstream(_ column: String, _ kind: String = "DIRECT") throws -> Set<String> {
            let r = try p.strata("lineage", "upstream", column, "--depth", "1", "--json")
            #expect(r.status == 0, "\(r.stderr)")
            let o = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
            let rows = o["results"] as? [[String: Any]] ?? []
            return Set(rows.filter { $0["type"] as? String == kind || $0["subtype"] as? String == kind }.compactMap { $0["node"] as? String })
        }
        #expect(try upstream("gold.daily_revenue.revenue") == ["silver.transactions.amount"])
        #expect(try upstream("gold.daily_revenue.category") == ["silver.products.category"])
        #expect(try upstream("gold.daily_revenue.customers") == ["silver.transactions.user_id"])
        #expect(try upstream("gold.customer_segments.email") == ["silver.users.email"])
        #expect(try upstream("gold.customer_segments.recency_days") == ["silver.transactions.created_at"])
        // segment's value is a literal chosen by conditions on frequency (count(*): no column) and
        // monetary (sum(amount)): no direct input, amount only steers it.
        #expect(try upstream("gold.customer_segments.segment") == [])
        #expect(try upstream("gold.customer_segments.segment", "CONDITIONAL").contains("silver.transactions.amount"))
        #expect(try upstream("gold.funnel.carted") == ["silver.clickstream.session_id"])
        #expect(try upstream("gold.hourly_activity.window_start") == ["silver.clickstream.ts"])
        #expect(try upstream("gold.abandoned_carts.items_added") == [])
    }

    @Test func htmlExportRendersInHeadlessChromium() throws {
        let p = try GovernanceEndToEndTests.ranDemo()
        let r = try p.strata("lineage", "export", "--format", "html", "--out", "lineage.html")
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: p.root + "/lineage.html", encoding: .utf8)
        for external in ["src=\"http", "href=\"http", "src='http", "@import", "<link "] {
            #expect(!html.contains(external), "the page must be self-contained (found \(external))")
        }
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard let chromium else {
            #expect(!PythonOracle.required, "chromium is required under scripts/test (apt-get install chromium)")
            return
        }
        let flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--virtual-time-budget=3000"]
        let dom = try TestProcess.run(chromium, flags + ["--dump-dom", "file://\(p.root)/lineage.html#select=gold.daily_revenue.revenue"])
        #expect(dom.status == 0, "\(dom.stderr)")
        #expect(!dom.stdout.contains("data-error="), "script error in the page")
        for t in ["bronze.users", "silver.transactions", "gold.daily_revenue", "gold.customer_segments"] {
            #expect(dom.stdout.contains("data-node=\"\(t)\""), "\(t) not drawn")
        }
        let png = p.root + "/lineage.png"
        let shot = try TestProcess.run(chromium, flags + ["--screenshot=\(png)", "--window-size=1400,900", "file://\(p.root)/lineage.html"])
        #expect(shot.status == 0)
        let size = (try? FileManager.default.attributesOfItem(atPath: png)[.size] as? Int) ?? 0
        #expect(size > 20_000, "the screenshot looks empty (\(size) bytes)")
    }
}
