import Foundation
import StrataTestSupport
import Testing

/// The repository's own demo: `pipelines.yaml` over the committed landing zone, as a new user runs it.
@Suite(.serialized, .enabled(if: oraclesAvailable))
struct DemoLakeEndToEndTests {
    /// A copy of the repository's demo project in a temporary folder.
    static func demoProject() throws -> StrataProject {
        let p = try StrataProject("demo")
        try p.copyDemoLanding()
        try FileManager.default.copyItem(atPath: TestPaths.packageRoot + "/pipelines.yaml", toPath: p.root + "/pipelines.yaml")
        if FileManager.default.fileExists(atPath: TestPaths.packageRoot + "/policies") {
            try FileManager.default.copyItem(atPath: TestPaths.packageRoot + "/policies", toPath: p.root + "/policies")
        }
        return p
    }

    @Test func everyBronzeTableHoldsTheLandingRowsMinusQuarantine() throws {
        let p = try Self.demoProject()
        let r = try p.strata("run", "--json")
        #expect(r.status == 0, "\(r.stderr)")

        // Independent counts: Python's csv/json modules over the landing files, and three readers of
        // each bronze table (DuckDB over the Parquet files, pyarrow datasets, deltalake).
        let out = try p.pythonJSON("""
        import sys, json, csv, glob, os, duckdb, pyarrow.dataset as ds
        from deltalake import DeltaTable
        root = sys.argv[1]
        land = root + "/datalake/landing"
        def csv_rows(path):
            with open(path, newline="", encoding="utf-8") as f:
                return sum(1 for _ in csv.reader(f)) - 1
        def jsonl_lines(pattern):
            return sum(1 for f in glob.glob(pattern) for line in open(f, encoding="utf-8") if line.strip())
        landing = {"users": csv_rows(land + "/users.csv"), "products": csv_rows(land + "/products.csv"),
                   "transactions": csv_rows(land + "/transactions.csv"),
                   "clickstream": jsonl_lines(land + "/clickstream/*.jsonl")}
        con = duckdb.connect()
        res = {}
        for t in landing:
            path = f"{root}/datalake/bronze/{t}"
            q = f"{root}/datalake/quarantine/bronze_{t}"
            quarantined = DeltaTable(q).to_pyarrow_table().num_rows if os.path.isdir(q) else 0
            res[t] = {
              "landing": landing[t], "quarantined": quarantined,
              "duckdb": con.execute(f"select count(*) from read_parquet('{path}/**/*.parquet', hive_partitioning=1)").fetchone()[0],
              "pyarrow": ds.dataset(path, format="parquet", partitioning="hive").to_table().num_rows,
              "delta": DeltaTable(path).to_pyarrow_table().num_rows,
            }
        print(json.dumps(res))
        os._exit(0)
        """) as! [String: [String: Int]]
        for (table, c) in out {
            let expected = c["landing"]! - c["quarantined"]!
            #expect(c["duckdb"] == expected, "\(table): \(c)")
            #expect(c["pyarrow"] == expected, "\(table): \(c)")
            #expect(c["delta"] == expected, "\(table): \(c)")
            #expect(c["quarantined"]! > 0, "the demo landing data has malformed rows in \(table)")
        }
    }

    @Test func bronzeValuesEqualTheSource() throws {
        let p = try Self.demoProject()
        #expect(try p.strata("run").status == 0)
        // Every good landing row (csv module, JSON parser) equals its bronze row, column by column,
        // as text; bad lines (in the quarantine table) are left out on both sides.
        let out = try p.pythonJSON("""
        import sys, json, csv, glob, os, duckdb
        root = sys.argv[1]
        con = duckdb.connect()
        con.execute("SET TimeZone='UTC'")
        def bronze(t, key):
            rel = con.execute(f"select * exclude (_ingested_at, _source_file, _run_id) from read_parquet('{root}/datalake/bronze/{t}/**/*.parquet', hive_partitioning=1)")
            cols = [d[0] for d in rel.description]
            return cols, {str(r[cols.index(key)]): r for r in rel.fetchall()}
        def fmt(v):
            if v is None: return ""
            if isinstance(v, bool): return "true" if v else "false"
            if hasattr(v, "isoformat"):
                s = v.isoformat()
                return s.replace("+00:00", "Z")
            return str(v)
        mismatches, checked = [], 0
        for t, key in [("users", "user_id"), ("products", "product_id")]:
            cols, rows = bronze(t, key)
            bad = {r[0] for r in con.execute(f"select _line from read_parquet('{root}/datalake/quarantine/bronze_{t}/*.parquet')").fetchall()}
            with open(f"{root}/datalake/landing/{t}.csv", newline="", encoding="utf-8") as f:
                reader = csv.DictReader(f)
                for rec in reader:
                    if reader.line_num in bad: continue
                    b = rows.get(rec[key])
                    if b is None or len(rec) != len(cols) or None in rec: continue
                    checked += 1
                    for i, c in enumerate(cols):
                        if c not in rec: continue
                        if fmt(b[i]) != rec[c]:
                            mismatches.append([t, rec[key], c])
        # Transactions: compare with DuckDB's own reading of the CSV, typed the same way.
        a = con.execute(f"select transaction_id, quantity, amount::varchar, strftime(created_at::timestamp, '%Y-%m-%dT%H:%M:%S'), card_number from read_parquet('{root}/datalake/bronze/transactions/**/*.parquet', hive_partitioning=1) order by all").fetchall()
        b = con.execute(f\"\"\"select i, q, a, c, card_number from (select try_cast(transaction_id as bigint) i, try_cast(quantity as bigint) q, quantity, try_cast(amount as decimal(12,2))::varchar a,
              strftime(try_cast(created_at as timestamptz)::timestamp, '%Y-%m-%dT%H:%M:%S') c, card_number from read_csv('{root}/datalake/landing/transactions.csv', all_varchar=true, ignore_errors=true, null_padding=false))
              where i is not null and a is not null and c is not null and (quantity is null or q is not null) order by all\"\"\").fetchall()
        tx_equal = a == b
        # Clickstream: nested objects flattened to a.b, values equal to the JSON.
        ev = {r[0]: r for r in con.execute(f"select event_id, \\"page.url\\", \\"device.type\\", user_id, utm_campaign from read_parquet('{root}/datalake/bronze/clickstream/**/*.parquet')").fetchall()}
        ev_checked = ev_bad = 0
        for f in sorted(glob.glob(f"{root}/datalake/landing/clickstream/*.jsonl")):
            for line in open(f, encoding="utf-8"):
                try: o = json.loads(line)
                except Exception: continue
                r = ev.get(o.get("event_id"))
                if r is None: continue
                ev_checked += 1
                if r[1] != o["page"]["url"] or r[2] != o["device"]["type"] or r[3] != o.get("user_id") or r[4] != o.get("utm_campaign"):
                    ev_bad += 1
        print(json.dumps({"checked": checked, "mismatches": mismatches[:20], "tx_equal": tx_equal, "tx_rows": len(a),
                          "ev_checked": ev_checked, "ev_bad": ev_bad}))
        os._exit(0)
        """) as! [String: Any]
        #expect((out["checked"] as! Int) >= 240, "\(out)")
        #expect((out["mismatches"] as! [Any]).isEmpty, "\(out)")
        #expect(out["tx_equal"] as? Bool == true, "\(out)")
        #expect((out["ev_checked"] as! Int) >= 1900, "\(out)")
        #expect(out["ev_bad"] as? Int == 0, "\(out)")
    }

    @Test func generateWritesTheSameShapesAtAnySize() throws {
        let p = try StrataProject("gen")
        let r = try p.strata("generate", "ecommerce", "--rows", "3000", "--out", "data", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let summary = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let files = (summary["files"] as! [[String: Any]]).map { $0["file"] as! String }
        #expect(files.contains { $0.hasSuffix("transactions.csv") })
        // Deterministic: the same command writes the same bytes.
        let again = try p.strata("generate", "ecommerce", "--rows", "3000", "--out", "data2")
        #expect(again.status == 0)
        for f in ["users.csv", "products.csv", "transactions.csv"] {
            let a = FileManager.default.contents(atPath: p.root + "/data/" + f)
            let b = FileManager.default.contents(atPath: p.root + "/data2/" + f)
            #expect(a != nil && a == b, "\(f) differs between two runs")
        }
        let bad = try p.strata("generate", "ecomerce", "--out", "x")
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("did you mean 'ecommerce'?"))
    }
}
