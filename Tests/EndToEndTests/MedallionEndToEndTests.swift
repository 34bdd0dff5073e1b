import Foundation
import StrataTestSupport
import Testing

/// The demo's silver and gold tables against DuckDB's answer to the equivalent SQL.
@Suite(.serialized, .enabled(if: oraclesAvailable))
struct MedallionEndToEndTests {
    /// Python prelude: every lake table registered in DuckDB by its Delta snapshot (not the raw
    /// files, since overwrites leave older files for time travel), as `layer_name`.
    static let prelude = """
    import sys, json, os, glob, duckdb, datetime, decimal, math
    from deltalake import DeltaTable
    root = sys.argv[1]
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    for layer in ["bronze", "silver", "gold"]:
        for path in sorted(glob.glob(f"{root}/datalake/{layer}/*")):
            name = layer + "_" + os.path.basename(path)
            con.register(name, DeltaTable(path).to_pyarrow_table())
    def norm(v):
        if v is None: return "NULL"
        if isinstance(v, bool): return str(v).lower()
        if isinstance(v, float): return format(v, ".9g")
        if isinstance(v, datetime.datetime):
            if v.tzinfo is not None: v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
            return v.isoformat()
        return str(v)
    def rows(sql):
        return sorted([[norm(x) for x in r] for r in con.execute(sql).fetchall()], key=lambda r: json.dumps(r))

    """

    /// gold table → the SQL that should give the same rows (over the silver tables).
    static let goldSQL: [String: String] = [
        "daily_revenue": """
            select t.order_date, p.category, sum(t.amount)::decimal(18,2), count(*), sum(t.quantity),
                   count(distinct t.user_id), avg(t.amount)::double
            from silver_transactions t join silver_products p using (product_id)
            where t.status = 'completed' group by all
            """,
        "customer_segments": """
            with a as (select user_id, max(created_at) last_order_at, count(*) frequency, sum(amount)::decimal(18,2) monetary
                       from silver_transactions where status = 'completed' group by user_id),
                 g as (select distinct computed_at from gold_customer_segments)
            select a.user_id, a.last_order_at, a.frequency, a.monetary, u.email, u.country, g.computed_at,
                   date_diff('day', a.last_order_at, g.computed_at),
                   CASE WHEN frequency >= 3 AND monetary >= 300 THEN 'champion' WHEN frequency >= 2 THEN 'loyal'
                        WHEN monetary >= 200 THEN 'big_spender' ELSE 'occasional' END
            from a join silver_users u using (user_id), g
            """,
        "funnel": """
            select event_date, count(distinct session_id) s,
                   count(distinct case when event_type = 'page_view' then session_id end) v,
                   count(distinct case when event_type = 'add_to_cart' then session_id end) c,
                   count(distinct case when event_type = 'checkout' then session_id end) k,
                   count(distinct case when event_type = 'purchase' then session_id end) p,
                   round(c::double / nullif(v, 0), 4), round(p::double / nullif(c, 0), 4)
            from silver_clickstream group by event_date
            """,
        "abandoned_carts": """
            select session_id, max(user_id), sum(case when event_type = 'add_to_cart' then 1 else 0 end) items, max(ts)
            from silver_clickstream group by session_id
            having items > 0 and sum(case when event_type = 'purchase' then 1 else 0 end) = 0
            """,
        "hourly_activity": """
            select time_bucket(interval 1 hour, ts) w, w + interval 1 hour, event_type, count(*), count(distinct user_id), count(distinct session_id)
            from silver_clickstream group by all
            """,
    ]

    @Test func everyGoldTableEqualsDuckDB() throws {
        let p = try DemoLakeEndToEndTests.demoProject()
        let r = try p.strata("run")
        #expect(r.status == 0, "\(r.stderr)")
        for (table, sql) in Self.goldSQL.sorted(by: { $0.key < $1.key }) {
            let out = try p.pythonJSON(Self.prelude + """
            ours = rows("select * from gold_\(table)")
            theirs = rows(sys.argv[2])
            print(json.dumps({"ours": ours, "theirs": theirs}))
            os._exit(0)
            """, [sql]) as! [String: [[String]]]
            #expect(!out["ours"]!.isEmpty, "gold.\(table) is empty")
            #expect(out["ours"]! == out["theirs"]!, "gold.\(table) differs from DuckDB:\nours \(out["ours"]!.prefix(3))\ntheirs \(out["theirs"]!.prefix(3))")
        }
    }

    @Test func silverFollowsItsRules() throws {
        let p = try DemoLakeEndToEndTests.demoProject()
        #expect(try p.strata("run").status == 0)
        let out = try p.pythonJSON(Self.prelude + """
        res = {
          "tx": rows("select transaction_id from silver_transactions") == rows("select distinct transaction_id from bronze_transactions where amount >= 0 and quantity > 0"),
          "tx_unique": con.execute("select count(*) = count(distinct transaction_id) from silver_transactions").fetchone()[0],
          "users": rows("select user_id from silver_users") == rows("select distinct user_id from bronze_users")
                   and con.execute("select bool_and(regexp_matches(email, '^[0-9a-f]{32}$')) from silver_users").fetchone()[0],
          "clicks": con.execute("select count(*) from silver_clickstream").fetchone()[0] == con.execute("select count(distinct event_id) from bronze_clickstream").fetchone()[0],
          "dim_current": con.execute("select count(*) from silver_dim_users where is_current").fetchone()[0],
        }
        print(json.dumps(res)); os._exit(0)
        """) as! [String: Any]
        #expect(out["tx"] as? Bool == true)
        #expect(out["tx_unique"] as? Bool == true)
        #expect(out["users"] as? Bool == true)
        #expect(out["clicks"] as? Bool == true)
        #expect(out["dim_current"] as? Int == 200)
    }

    @Test func secondRunChangesNothingAndSelectorsPickPartOfTheDAG() throws {
        let p = try DemoLakeEndToEndTests.demoProject()
        #expect(try p.strata("run").status == 0)
        let again = try p.strata("run", "--json")
        let report = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as! [String: Any]
        let statuses = (report["pipelines"] as! [[String: Any]]).map { $0["status"] as! String }
        #expect(Set(statuses) == ["up-to-date"], "\(statuses)")
        let plan = try p.strata("plan", "+gold.daily_revenue", "--json")
        let steps = ((try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as! [String: Any])["pipelines"] as! [[String: Any]])
            .map { $0["pipeline"] as! String }
        #expect(steps == ["bronze_users", "bronze_products", "bronze_transactions", "silver_users", "silver_products",
                          "silver_transactions", "gold_daily_revenue"])
        let down = try p.strata("plan", "silver_clickstream+", "--json")
        let dsteps = ((try JSONSerialization.jsonObject(with: Data(down.stdout.utf8)) as! [String: Any])["pipelines"] as! [[String: Any]])
            .map { $0["pipeline"] as! String }
        #expect(dsteps == ["silver_clickstream", "gold_funnel", "gold_abandoned_carts", "gold_hourly_activity"])
    }

    @Test func incrementalRunsEqualAFullRebuild() throws {
        // Ingest the transactions in two files over two runs, then rebuild everything at once.
        let p = try DemoLakeEndToEndTests.demoProject()
        let tx = try String(contentsOfFile: p.root + "/datalake/landing/transactions.csv", encoding: .utf8)
        var lines = tx.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        let header = lines[0]
        let cut = lines.count / 2
        try (lines[0..<cut].joined(separator: "\n") + "\n").write(toFile: p.root + "/datalake/landing/transactions.csv", atomically: true, encoding: .utf8)
        #expect(try p.strata("run").status == 0)
        try ([header] + lines[cut...]).joined(separator: "\n").appending("\n")
            .write(toFile: p.root + "/datalake/landing/transactions-2.csv", atomically: true, encoding: .utf8)
        let second = try p.strata("run", "--json")
        #expect(second.status == 0, "\(second.stderr)")
        let snapshot = """
        out = {}
        for t in ["silver_transactions", "gold_daily_revenue", "gold_customer_segments", "silver_dim_users"]:
            cols = [c for c in con.execute(f"select * from {t} limit 0").description]
            keep = [c[0] for c in cols if c[0] not in ("computed_at", "recency_days", "valid_from")]
            out[t] = rows("select " + ", ".join('"' + k + '"' for k in keep) + f" from {t}")
        print(json.dumps(out)); os._exit(0)
        """
        let incremental = try p.pythonJSON(Self.prelude + snapshot) as! [String: [[String]]]
        let full = try p.strata("run", "--full-refresh")
        #expect(full.status == 0, "\(full.stderr)")
        let rebuilt = try p.pythonJSON(Self.prelude + snapshot) as! [String: [[String]]]
        for (t, rows) in incremental {
            #expect(rows.count > 0)
            #expect(rows == rebuilt[t], "\(t) differs between incremental runs and a rebuild")
        }
    }

    @Test func scd2DimensionKeepsHistoryAndDeltaSeesVersions() throws {
        let p = try DemoLakeEndToEndTests.demoProject()
        #expect(try p.strata("run").status == 0)
        // User 1 moves country; user 2 changes a non-tracked column only.
        let path = p.root + "/datalake/landing/users.csv"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        var lines = text.split(separator: "\n").map(String.init)
        var u1 = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        u1[4] = u1[4] == "DE" ? "FR" : "DE"
        lines[1] = u1.joined(separator: ",")
        var u2 = lines[2].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        u2[3] = "+00 000 000 0000"
        lines[2] = u2.joined(separator: ",")
        text = lines.joined(separator: "\n") + "\n"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let r = try p.strata("run", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let out = try p.pythonJSON(Self.prelude + """
        dt = DeltaTable(root + "/datalake/silver/dim_users")
        v0 = DeltaTable(root + "/datalake/silver/dim_users", version=0).to_pyarrow_table().num_rows
        res = {"version": dt.version(), "v0_rows": v0,
               "u1": rows("select country, is_current, valid_to is null from silver_dim_users where user_id = 1 order by valid_from"),
               "u2": con.execute("select count(*) from silver_dim_users where user_id = 2").fetchone()[0],
               "current": con.execute("select count(*) from silver_dim_users where is_current").fetchone()[0]}
        print(json.dumps(res)); os._exit(0)
        """) as! [String: Any]
        #expect(out["version"] as? Int == 1)
        #expect(out["v0_rows"] as? Int == 200)
        #expect((out["u1"] as! [[String]]).count == 2)
        #expect((out["u1"] as! [[String]]).filter { $0[1] == "true" }.count == 1)
        #expect(out["u2"] as? Int == 1)
        #expect(out["current"] as? Int == 200)
        // Running again changes nothing.
        let again = try p.strata("run", "silver_dim_users", "--json")
        let status = ((try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as! [String: Any])["pipelines"] as! [[String: Any]])[0]["status"] as? String
        #expect(status == "up-to-date")
    }

    @Test func expressionErrorExitsTwoBeforeReadingData() throws {
        let p = try DemoLakeEndToEndTests.demoProject()
        let config = try String(contentsOfFile: p.root + "/pipelines.yaml", encoding: .utf8)
        try config.replacingOccurrences(of: "where: amount >= 0 AND quantity > 0", with: "where: amout >= 0 AND quantity > 0")
            .write(toFile: p.root + "/pipelines.yaml", atomically: true, encoding: .utf8)
        let r = try p.strata("run")
        #expect(r.status == 2)
        #expect(r.stderr.contains("'amout' is not a column"), "\(r.stderr)")
        #expect(r.stderr.contains("did you mean 'amount'?"))
        #expect(r.stderr.contains("pipelines.yaml:"))
        #expect(!FileManager.default.fileExists(atPath: p.root + "/datalake/bronze"), "nothing may be read or written")
        let v = try p.strata("validate")
        #expect(v.status == 2)
    }
}
