import Foundation
import StrataTestSupport
import Testing

/// Governance as a reviewer checks it: what is stored, what each role sees, what is refused.
@Suite(.serialized, .enabled(if: oraclesAvailable))
struct GovernanceEndToEndTests {
    static func ranDemo() throws -> StrataProject {
        let p = try DemoLakeEndToEndTests.demoProject()
        let r = try p.strata("run")
        #expect(r.status == 0, "\(r.stderr)")
        return p
    }

    @Test func noRawPIIInSilverOrGoldFilesAndHashedKeysStillJoin() throws {
        let p = try Self.ranDemo()
        // Every landing e-mail, phone, name and IP, searched in every Parquet file of silver and gold
        // (including files older versions left), each column read as text.
        let out = try p.pythonJSON("""
        import sys, json, csv, glob, duckdb
        root = sys.argv[1]
        values = set()
        with open(root + "/datalake/landing/users.csv", newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                for c in ("email", "phone", "full_name", "ip_address"):
                    if r.get(c): values.add(r[c])
        con = duckdb.connect()
        import pyarrow as pa
        con.register("pii", pa.table({"v": sorted(values)}))
        files = sorted(glob.glob(root + "/datalake/silver/**/*.parquet", recursive=True) + glob.glob(root + "/datalake/gold/**/*.parquet", recursive=True))
        found = []
        for f in files:
            cols = con.sql(f"select * from read_parquet('{f}')").columns
            for c in cols:
                n = con.execute(f'select count(*) from read_parquet(\\'{f}\\') t join pii on cast(t."{c}" as varchar) = pii.v').fetchall()[0][0]
                if n: found.append([f.replace(root, ""), c, n])
        # Bronze still holds them raw (the layer stores raw), which shows the search works.
        bronze = con.execute(f"select count(*) from read_parquet('{root}/datalake/bronze/users/**/*.parquet') t join pii on t.email = pii.v").fetchall()[0][0]
        from deltalake import DeltaTable
        con.register("su", DeltaTable(root + "/datalake/silver/users").to_pyarrow_table())
        con.register("cs", DeltaTable(root + "/datalake/gold/customer_segments").to_pyarrow_table())
        joined = con.execute("select count(*), count(*) filter (where su.email = cs.email) from cs join su using (user_id)").fetchall()[0]
        print(json.dumps({"files": len(files), "found": found, "values": len(values), "bronze": bronze, "joined": list(joined)}))
        """) as! [String: Any]
        #expect((out["files"] as! Int) >= 10)
        #expect((out["values"] as! Int) > 700)
        #expect((out["found"] as! [Any]).isEmpty, "raw PII found: \(out["found"]!)")
        #expect((out["bronze"] as! Int) >= 199)
        let joined = out["joined"] as! [Int]
        #expect(joined[0] == 200 && joined[1] == 200, "hashed e-mails must be the same in silver and gold: \(joined)")
    }

    @Test func rawPIIUnderRefuseExitsThreeAndCommitsNothing() throws {
        let p = try DemoLakeEndToEndTests.demoProject()
        // A gold table that carries raw card numbers: masking.yaml says refuse for pii.card in gold.
        let config = try String(contentsOfFile: p.root + "/pipelines.yaml", encoding: .utf8) + """

          gold_card_report:
            source: {type: table, table: bronze.transactions, incremental: false}
            transforms:
              - type: select
                columns: [transaction_id, card_number, amount]
            sink: {type: table, table: gold.card_report, mode: overwrite}
        """
        try config.write(toFile: p.root + "/pipelines.yaml", atomically: true, encoding: .utf8)
        let r = try p.strata("run", "+gold_card_report")
        #expect(r.status == 3, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stderr.contains("column 'card_number' carries tag pii.card"), "\(r.stderr)")
        #expect(r.stderr.contains("gold.card_report"))
        #expect(!r.stderr.contains(try firstCard(p)), "the reason must not show values")
        #expect(!FileManager.default.fileExists(atPath: p.root + "/datalake/gold/card_report/_delta_log"), "nothing may be committed")
        let parquet = (FileManager.default.enumerator(atPath: p.root + "/datalake/gold")?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".parquet") }
        #expect(parquet.isEmpty)
        // The refusal is audited.
        let audit = try p.strata("audit", "show", "--action", "refuse", "--json")
        #expect(audit.stdout.contains("gold.card_report"), "\(audit.stdout)")
    }

    func firstCard(_ p: StrataProject) throws -> String {
        let tx = try String(contentsOfFile: p.root + "/datalake/landing/transactions.csv", encoding: .utf8)
        for line in tx.split(separator: "\n").dropFirst() {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if fields.count > 9, fields[9].count == 16 { return String(fields[9]) }
        }
        return "no-card"
    }

    /// For each demo role and table: `show --as` returns exactly the columns `access explain` lists
    /// as visible, masked where it says masked, only the rows its filter allows; denied roles exit 3.
    @Test func showAsEachRoleMatchesAccessExplain() throws {
        let p = try Self.ranDemo()
        let roles = ["data_engineer", "analyst", "support", "marketing", "nobody"]
        let tables = ["bronze.users", "silver.users", "silver.transactions", "gold.customer_segments", "gold.daily_revenue"]
        var checked = 0
        for role in roles {
            for table in tables {
                let explain = try p.strata("access", "explain", table, "--as", role, "--json")
                let e = try JSONSerialization.jsonObject(with: Data(explain.stdout.utf8)) as! [String: Any]
                #expect(explain.status == (e["allowed"] as? Bool == true ? 0 : 3), "a denied explain exits 3 like show: \(explain.stderr)")
                let show = try p.strata("show", table, "--as", role, "--format", "json", "--limit", "100000")
                guard e["allowed"] as? Bool == true else {
                    #expect(show.status == 3, "\(role) on \(table) should be denied")
                    #expect(show.stderr.contains("may not read"), "\(show.stderr)")
                    continue
                }
                #expect(show.status == 0, "\(role) on \(table): \(show.stderr)")
                let cols = e["columns"] as! [[String: Any]]
                let visible = cols.filter { ($0["sees"] as! String) != "hidden" }.map { $0["column"] as! String }
                let rows = show.stdout.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
                #expect(!rows.isEmpty)
                #expect(Set(rows.first!.keys) == Set(visible), "\(role) on \(table): shown \(rows.first!.keys.sorted()) vs explained \(visible.sorted())")
                // Row filters: support sees only EU countries.
                if let filter = e["row_filter"] as? String, filter.contains("country IN") {
                    let eu: Set = ["AT", "BE", "DE", "DK", "ES", "FI", "FR", "IE", "IT", "NL", "PL", "PT", "SE"]
                    #expect(rows.allSatisfy { eu.contains($0["country"] as? String ?? "") }, "row filter of \(role) on \(table) does not hold")
                    let all = try p.strata("show", table, "--format", "json", "--limit", "100000")
                    #expect(rows.count < all.stdout.split(separator: "\n").count)
                }
                // Masked columns are shown in their masked form: redact leaves only x/X for letters and 0
                // for digits; show_last: 4 does that to all but the last four characters; hash is 32 hex digits.
                func redacted(_ s: Substring) -> Bool {
                    s.allSatisfy { !$0.isLetter && !$0.isNumber || $0 == "x" || $0 == "X" || $0 == "0" }
                }
                for c in cols {
                    let name = c["column"] as! String, sees = c["sees"] as! String
                    let values = rows.compactMap { $0[name] as? String }
                    switch sees {
                    case "masked (redact)":
                        #expect(values.allSatisfy { redacted(Substring($0)) }, "\(role) sees \(table).\(name) unredacted")
                    case "masked (show_last: 4)":
                        #expect(values.allSatisfy { redacted($0.dropLast(4)) }, "\(role) sees \(table).\(name) unmasked")
                    case "masked (hash)":
                        #expect(values.allSatisfy { $0.count == 32 && $0.allSatisfy(\.isHexDigit) }, "\(role) sees \(table).\(name) unhashed")
                    default:
                        break
                    }
                }
                checked += 1
            }
        }
        #expect(checked >= 8)
        // Every governed read and denial is in the audit log.
        let reads = try p.strata("audit", "show", "--action", "read", "--json")
        let denies = try p.strata("audit", "show", "--action", "deny", "--json")
        #expect(reads.stdout.split(separator: "\n").count >= 8)
        #expect(denies.stdout.contains("nobody"))
    }

    @Test func policyTestsPassAndFailWhenAccessOpens() throws {
        let p = try Self.ranDemo()
        let ok = try p.strata("policy", "test")
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        // Open silver to marketing: the policy tests that forbid it must fail.
        let roles = p.root + "/policies/roles.yaml"
        let text = try String(contentsOfFile: roles, encoding: .utf8)
        try text.replacingOccurrences(of: "deny: [bronze.*, silver.*, quarantine.*]", with: "deny: [bronze.*, quarantine.*]")
            .replacingOccurrences(of: "      - tables: gold.*\n        columns:\n          pii.*: hidden", with: "      - tables: [gold.*, silver.*]\n        columns:\n          pii.*: hidden")
            .write(toFile: roles, atomically: true, encoding: .utf8)
        let bad = try p.strata("policy", "test")
        #expect(bad.status == 1, "\(bad.stdout)")
        #expect(bad.stdout.contains("FAIL") && bad.stdout.contains("marketing cannot read silver"), "\(bad.stdout)")
    }

    @Test func exportAsRoleWritesOnlyWhatTheRoleSees() throws {
        let p = try Self.ranDemo()
        let r = try p.strata("export", "silver.users", "--as", "support", "--out", "support.parquet")
        #expect(r.status == 0, "\(r.stderr)")
        let out = try p.pythonJSON("""
        import sys, json, pyarrow.parquet as pq
        t = pq.read_table(sys.argv[1] + "/support.parquet")
        print(json.dumps({"cols": t.column_names, "rows": t.num_rows, "countries": sorted(set(t.column("country").to_pylist()))}))
        """) as! [String: Any]
        let cols = out["cols"] as! [String]
        #expect(!cols.contains("full_name") && !cols.contains("ip_address") && !cols.contains("birth_date"))
        #expect(cols.contains("phone") && cols.contains("email"))
        #expect((out["countries"] as! [String]).allSatisfy { ["AT", "BE", "DE", "DK", "ES", "FI", "FR", "IE", "IT", "NL", "PL", "PT", "SE"].contains($0) })
        let denied = try p.strata("export", "bronze.users", "--as", "analyst", "--out", "x.csv")
        #expect(denied.status == 3)
        #expect(!FileManager.default.fileExists(atPath: p.root + "/x.csv"))
    }
}
