import Foundation
import StrataTestSupport
import Testing

/// The `postgres` sink against a real PostgreSQL server (started by the test command): the served
/// tables equal the lake's gold and silver tables (read by deltalake), masked as the lake stores
/// them, published exactly once across kills, audited and in lineage; merges upsert; bad servers,
/// passwords and drifted tables say why.
@Suite(.serialized)
struct PostgresSinkEndToEndTests {
    typealias PG = PostgresEndToEndTests
    static var usable: Bool { PG.usable }
    static let env = ["SERVE_DB_PASSWORD": PG.password]

    /// `strata init`'s project (customers CSV → bronze → silver with masked e-mails → gold per
    /// country) with two pipelines serving silver and gold from `dsn`.
    static func project(_ name: String, dsn: String) throws -> StrataProject {
        let p = try StrataProject(name)
        #expect(try p.strata("init").status == 0)
        let config = try String(contentsOfFile: p.root + "/pipelines.yaml", encoding: .utf8)
        try p.write("pipelines.yaml", config + """

              serve_by_country:
                source: {type: table, table: gold.customers_by_country}
                sink:
                  type: postgres
                  dsn: \(dsn)
                  password_env: SERVE_DB_PASSWORD
                  table: analytics.by_country
                  mode: merge
                  keys: [country]

              serve_customers:
                source: {type: table, table: silver.customers, incremental: false}
                sink:
                  type: postgres
                  dsn: \(dsn)
                  password_env: SERVE_DB_PASSWORD
                  table: customers
                  keys: [customer_id]
                  layer: silver

            """)
        return p
    }

    /// A lake table's rows as deltalake reads them, `|`-joined in `columns` order, sorted.
    static func lakeRows(_ p: StrataProject, _ table: String, _ columns: [String]) throws -> [String] {
        let out = try p.python(#"""
import sys, decimal
from deltalake import DeltaTable
t = DeltaTable(sys.argv[1] + "/datalake/" + sys.argv[2]).to_pyarrow_table().to_pylist()
cols = sys.argv[3].split(",")
def text(v):
    if v is None: return ""
    if isinstance(v, bool): return "true" if v else "false"
    if hasattr(v, "isoformat"): return v.isoformat()
    return str(v)
for line in sorted("|".join(text(r[c]) for c in cols) for r in t): print(line)
"""#, [table, columns.joined(separator: ",")])
        return out.split(separator: "\n").map(String.init)
    }

    /// The served table's rows as PostgreSQL returns them, in the same form.
    static func servedRows(_ dsn: String, _ table: String, _ columns: [String]) throws -> [String] {
        let select = columns.map { "coalesce(\($0)::text, '')" }.joined(separator: " || '|' || ")
        // Rows joined by a record separator: values may hold newlines.
        let text = try PG.psql(dsn, "SELECT string_agg(\(select), E'\\x1e') FROM \(table)")
        let rows = text.hasSuffix("\n") ? String(text.dropLast()) : text
        return rows.isEmpty ? [] : rows.split(separator: "\u{1e}", omittingEmptySubsequences: false).map(String.init).sorted()
    }

    static let goldColumns = ["country", "customers", "lifetime_value"]
    static let silverColumns = ["customer_id", "email", "full_name", "country", "signup_date", "lifetime_value"]

    /// Both served tables equal their lake tables.
    static func expectServedEqualsLake(_ p: StrataProject, _ db: String, _ when: String) throws {
        let gold = try lakeRows(p, "gold/customers_by_country", goldColumns)
        #expect(!gold.isEmpty)
        #expect(try servedRows(db, "analytics.by_country", goldColumns) == gold, "\(when): the served gold table differs from the lake's")
        let silver = try lakeRows(p, "silver/customers", silverColumns)
        let servedSilver = try servedRows(db, "customers", silverColumns)
        #expect(servedSilver == silver, "\(when): the served silver table differs from the lake's: \(servedSilver) vs \(silver)")
    }

    @Test(.enabled(if: usable)) func servedTablesEqualTheLakeMaskedAuditedAndExactlyOnceAcrossKills() throws {
        let db = try PG.database("strata_serve")
        try PG.psql(db, "CREATE SCHEMA analytics")
        let p = try Self.project("pg-serve", dsn: db)
        let run = try p.strata("run", env: Self.env)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(!run.stderr.contains("NOTICE"), "server notices stay out of the output: \(run.stderr)")
        try Self.expectServedEqualsLake(p, db, "first run")
        // Served as the lake stores silver: no raw e-mail address leaves the lake.
        let landing = try String(contentsOfFile: p.root + "/landing/customers.csv", encoding: .utf8)
        let emails = landing.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false)[1] }
        #expect(!emails.isEmpty)
        let served = try PG.psql(db, "SELECT string_agg(email, ' ') FROM customers")
        for e in emails where !e.isEmpty { #expect(!served.lowercased().contains(e.lowercased().trimmingCharacters(in: .whitespaces)), "a raw e-mail was served") }
        #expect(try PG.psql(db, "SELECT count(*) FROM customers WHERE email LIKE '%@%'").hasPrefix("0"))
        // The primary keys the sink declares.
        #expect(try PG.psql(db, "SELECT conname FROM pg_constraint WHERE conrelid = 'customers'::regclass AND contype = 'p'").hasPrefix("customers_pkey"))
        // Audited as publishes, with the masks the rows carry.
        let audit = try p.strata("audit", "show", "--action", "publish", "--json")
        #expect(audit.status == 0)
        let records = try audit.stdout.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
        #expect(records.count == 2, "\(audit.stdout)")
        let customers = records.first { ($0["resource"] as? String)?.hasSuffix(".public.customers") == true }
        #expect((customers?["masks"] as? [String: String])?["email"] == "hash", "\(customers ?? [:])")
        // Lineage: the database is the output dataset's namespace.
        let lineage = try DatabaseFixtures.lineageText(p)
        let port = try #require(db.split(separator: " ").first { $0.hasPrefix("port=") }?.dropFirst(5))
        #expect(lineage.contains("\"namespace\":\"postgres://127.0.0.1:\(port)\"") && lineage.contains("\"name\":\"strata_serve.analytics.by_country\""))
        // Nothing new: nothing published.
        let idle = try p.strata("run", env: Self.env)
        #expect(idle.status == 0)
        #expect(try p.strata("audit", "show", "--action", "publish", "--json").stdout.components(separatedBy: "\"action\"").count - 1 == 2)

        // Readers granted the served table keep their grant when an overwrite replaces it.
        try PG.psql(db, "DO $$ BEGIN CREATE ROLE strata_bi_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$; GRANT SELECT ON customers TO strata_bi_reader")
        // New customers, and a run killed after the publishes' audit records, before their transaction commits.
        try p.write("landing/customers_2.csv", "customer_id,email,full_name,country,signup_date,lifetime_value\n100,New.Person@Example.com,New Person,PT,2024-05-01,10.00\n1,ana@elsewhere.example,Ana Silva,ES,2024-01-05,1.00\n")
        let before = try Self.servedRows(db, "analytics.by_country", Self.goldColumns)
        let killed = try p.strata("run", "--quiet", env: Self.env.merging(["STRATA_CRASH_AT": "before-publish-commit"]) { a, _ in a })
        #expect(killed.status != 0)
        #expect(try Self.servedRows(db, "analytics.by_country", Self.goldColumns) == before, "a killed publish is invisible")
        let rerun = try p.strata("run", env: Self.env)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stderr.contains("never landed"), "\(rerun.stderr)")
        try Self.expectServedEqualsLake(p, db, "after a kill before the publish commit")
        #expect(try PG.psql(db, "SELECT has_table_privilege('strata_bi_reader', 'customers', 'SELECT')").hasPrefix("t"), "the grant survived the swap")
        // Killed between the audit record and the transaction, with only the serving pipeline to run.
        try p.write("landing/customers_3.csv", "customer_id,email,full_name,country,signup_date,lifetime_value\n101,b@example.com,B Person,ZA,2024-05-02,5.00\n")
        #expect(try p.strata("run", "--quiet", "+gold_customers_by_country", env: Self.env).status == 0)
        let killed2 = try p.strata("run", "--quiet", "serve_by_country", env: Self.env.merging(["STRATA_CRASH_AT": "after-commit-record"]) { a, _ in a })
        #expect(killed2.status != 0)
        #expect(try p.strata("run", "--quiet", env: Self.env).status == 0)
        try Self.expectServedEqualsLake(p, db, "after a kill at the publish's audit record")
        // The audit log still verifies: every record that never landed is voided.
        let verify = try p.strata("audit", "verify")
        #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
        let failed = try p.strata("audit", "show", "--action", "publish", "--result", "failed")
        #expect(failed.stdout.components(separatedBy: "never landed").count - 1 == 2, "\(failed.stdout)")
        // A full refresh replaces both tables with the lake's.
        #expect(try p.strata("run", "--full-refresh", "--quiet", env: Self.env).status == 0)
        try Self.expectServedEqualsLake(p, db, "after a full refresh")
        // A view over an overwritten table stops the publish before anything is recorded, and says so.
        try PG.psql(db, "CREATE VIEW customer_emails AS SELECT email FROM customers")
        try p.write("landing/customers_4.csv", "customer_id,email,full_name,country,signup_date,lifetime_value\n102,c@example.com,C Person,ZA,2024-05-03,6.00\n")
        let blocked = try p.strata("run", env: Self.env)
        #expect(blocked.status == 1 && blocked.stderr.contains("cannot be replaced by a new table: it has view customer_emails"), "\(blocked.stderr)")
        // So does row-level security, which a new table would silently drop.
        try PG.psql(db, "DROP VIEW customer_emails; ALTER TABLE customers ENABLE ROW LEVEL SECURITY")
        let secured = try p.strata("run", env: Self.env)
        #expect(secured.status == 1 && secured.stderr.contains("row-level security"), "\(secured.stderr)")
        try PG.psql(db, "ALTER TABLE customers DISABLE ROW LEVEL SECURITY")
        // A merge's rebuild replaces the rows in place: a view over it stays.
        try PG.psql(db, "CREATE VIEW countries AS SELECT country FROM analytics.by_country")
        #expect(try p.strata("run", "--full-refresh", "--quiet", env: Self.env).status == 0)
        #expect(try PG.psql(db, "SELECT count(*) FROM countries") == (try PG.psql(db, "SELECT count(*) FROM analytics.by_country")))
        try PG.psql(db, "DROP VIEW countries")
        #expect(try p.strata("run", "--quiet", env: Self.env).status == 0)
        try Self.expectServedEqualsLake(p, db, "after a view was dropped")
        // A policy that now masks a served column: the lake re-masks gold, and the merge that
        // serves it (reading a lake table, kept whole) republishes itself under the new masks.
        let classification = try String(contentsOfFile: p.root + "/policies/classification.yaml", encoding: .utf8)
        try p.write("policies/classification.yaml", classification + "  - tables: [\"gold.*\"]\n    columns:\n      country: pii.address\n")
        let masking = try String(contentsOfFile: p.root + "/policies/masking.yaml", encoding: .utf8)
        try p.write("policies/masking.yaml", masking.replacingOccurrences(of: "masking:\n", with: "masking:\n  pii.address: hash\n"))
        let remasked = try p.strata("run", env: Self.env)
        #expect(remasked.status == 0, "\(remasked.stderr)")
        #expect(remasked.stderr.contains("republished postgres://") && remasked.stderr.contains("whole"), "\(remasked.stderr)")
        try Self.expectServedEqualsLake(p, db, "after a policy change")
        #expect(try PG.psql(db, "SELECT count(*) FROM analytics.by_country WHERE length(country) = 2").hasPrefix("0"), "country codes are hashed")
        // The lineage graph places the served tables after the lake's layers.
        let graph = try p.strata("lineage", "export", "--format", "json")
        #expect(graph.stdout.contains("\"layer\":\"served\""), "\(graph.stdout.prefix(400))")
        // The docs catalog lists them apart, governed as their layer, with no Strata role decisions
        // (PostgreSQL's grants decide who reads them).
        #expect(try p.strata("docs", "generate").status == 0)
        let catalog = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: p.root + "/docs/site/catalog.json"))) as? [String: Any])
        let servedTables = (catalog["tables"] as? [[String: Any]] ?? []).filter { $0["layer"] as? String == "served" }
        #expect(servedTables.count == 2 && servedTables.allSatisfy { ($0["roles"] as? [Any])?.isEmpty == true }, "\(servedTables.map { $0["id"] ?? "" })")
        #expect(servedTables.contains { $0["governed_as"] as? String == "silver" } && servedTables.contains { $0["governed_as"] as? String == "gold" })
    }

    /// A pipeline serving a CSV's typed rows with `mode: merge`.
    static func mergeProject(_ name: String, dsn: String) throws -> StrataProject {
        let p = try StrataProject(name)
        try p.write("policies/roles.yaml", "roles:\n  analyst:\n    grants:\n      - tables: ['*.*']\n")
        try p.write("pipelines.yaml", """
            version: 1
            pipelines:
              serve_events:
                source:
                  type: csv
                  path: landing/*.csv
                  schema: {id: int64, name: string, amount: 'decimal(10,2)', day: date, at: timestamp, flag: bool, score: double, raw: binary}
                sink:
                  type: postgres
                  dsn: \(dsn)
                  password_env: SERVE_DB_PASSWORD
                  table: events
                  mode: merge
                  keys: [id]
                  layer: silver
            """)
        return p
    }

    @Test(.enabled(if: usable)) func mergeUpsertsEveryTypeExactlyAndLeavesUnchangedRowsAlone() throws {
        let db = try PG.database("strata_serve_merge")
        let p = try Self.mergeProject("pg-serve-merge", dsn: db)
        try p.write("landing/a.csv", """
            id,name,amount,day,at,flag,score,raw
            1,"tab\there, ""quoted"", back\\slash",-0.05,2024-02-29,2024-02-29T23:59:59.123456Z,true,0.1,\\x00ff
            2,"two
            lines",1234.50,1969-12-31,1970-01-01T00:00:00Z,false,-1e-300,DEADbeef
            3,naïve café,,,,,NaN,
            3,the last of two rows of a key wins,7.00,2024-01-01,2024-01-01T00:00:00Z,true,3,\\x
            ,a null key,1.00,2024-01-01,2024-01-01T00:00:00Z,true,1,00

            """)
        let first = try p.strata("run", env: Self.env)
        #expect(first.status == 0, "\(first.stderr)")
        let columns = ["id", "name", "amount", "day", "at", "flag", "score", "raw"]
        let rows = try Self.servedRows(db, "events", columns)
        #expect(rows == [
            "1|tab\there, \"quoted\", back\\slash|-0.05|2024-02-29|2024-02-29 23:59:59.123456+00|true|0.1|\\x00ff",
            "2|two\nlines|1234.50|1969-12-31|1970-01-01 00:00:00+00|false|-1e-300|\\xdeadbeef",
            "3|the last of two rows of a key wins|7.00|2024-01-01|2024-01-01 00:00:00+00|true|3|\\x",
        ].sorted(), "\(rows)")
        #expect(try PG.psql(db, "SELECT count(*) FROM events WHERE score::text = 'NaN'").hasPrefix("0"), "row 3's NaN was replaced by its later row")
        let rejects = try Self.quarantineTable(p)
        let q = try p.strata("show", rejects, "--format", "json", "--columns", "_reason")
        #expect(q.stdout.contains("key column 'id' is null"), "\(q.stdout)\(q.stderr)")
        #expect(q.stdout.split(separator: "\n").count == 1, "exactly the null-key row is quarantined: \(q.stdout)")
        #expect(try PG.psql(db, "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'events'::regclass AND attname = 'raw'").hasPrefix("bytea"))
        // One key changes, one stays as it was, one is new: two rows written, the third untouched.
        let xmin = try PG.psql(db, "SELECT xmin FROM events WHERE id = 2")
        try p.write("landing/b.csv", """
            id,name,amount,day,at,flag,score,raw
            1,changed,1.00,2024-02-29,2024-02-29T23:59:59.123456Z,true,0.1,\\x00ff
            2,"two
            lines",1234.50,1969-12-31,1970-01-01T00:00:00Z,false,-1e-300,DEADBEEF
            5,new,5.00,2025-01-01,2025-01-01T00:00:00Z,false,5,

            """)
        let second = try p.strata("run", "--json", env: Self.env)
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout.contains("\"rows_out\":2") || second.stdout.contains("\"rows_out\" : 2"), "\(second.stdout)")
        #expect(try PG.psql(db, "SELECT xmin FROM events WHERE id = 2") == xmin, "an unchanged row is not rewritten")
        #expect(try PG.psql(db, "SELECT name FROM events WHERE id = 1").hasPrefix("changed"))
        #expect(try PG.psql(db, "SELECT count(*) FROM events").hasPrefix("4"))
        // The first run's rejects stay: its publish landed.
        let kept = try p.strata("show", rejects, "--format", "json", "--columns", "_reason")
        #expect(kept.stdout.contains("key column 'id' is null"), "\(kept.stdout)\(kept.stderr)")
        // The state row holds the landed publish and its audit record's hash.
        let state = try PG.psql(db, "SELECT version || '|' || audit_hash FROM _strata_state WHERE pipeline = 'serve_events'").trimmingCharacters(in: .whitespacesAndNewlines)
        let records = try Self.publishRecords(p)
        #expect(records.count == 2 && state == "1|\(records.last?["hash"] as? String ?? "")", "\(state) \(records)")
        // Nothing new: no publish, no record.
        let idle = try p.strata("run", env: Self.env)
        #expect(idle.status == 0 && idle.stdout.contains("up-to-date"), "\(idle.stdout)")
        #expect(try Self.publishRecords(p).count == 2)

        // A policy change that masks a served column (the rule names the served table by its
        // layer's glob) changes the table's stored form.
        try p.write("policies/classification.yaml", "version: 1\nclassification:\n  - tables: [\"silver.*\"]\n    columns:\n      name: pii.name\n")
        try p.write("policies/masking.yaml", "version: 1\nmasking:\n  pii.name: hash\nlayers:\n  quarantine:\n    store_raw: [\"*\"]\n")
        // Fed by files (which may be gone), the merge cannot republish by itself: it stops and says how.
        let refused = try p.strata("run", env: Self.env)
        #expect(refused.status == 1 && refused.stderr.contains("changed since its last publish") && refused.stderr.contains("--full-refresh serve_events"),
                "\(refused.stderr)")
        #expect(try Self.publishRecords(p).count == 2, "nothing was published in the old form or the new")
        let remasked = try p.strata("run", "--full-refresh", env: Self.env)
        #expect(remasked.status == 0, "\(remasked.stderr)")
        #expect(try PG.psql(db, "SELECT count(*) FROM events").hasPrefix("4"))
        #expect(try PG.psql(db, "SELECT count(*) FROM events WHERE name IN ('changed', 'new') OR name LIKE '%lines%'").hasPrefix("0"), "names are hashed now")
        #expect((try Self.publishRecords(p).last?["masks"] as? [String: String])?["name"] == "hash")
    }

    /// The quarantine table of the project's one served table.
    static func quarantineTable(_ p: StrataProject) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: p.root + "/datalake/quarantine")
        return "quarantine." + (try #require(names.first { $0.hasPrefix("silver_pg_") }))
    }

    /// The project's publish audit records, oldest first, allowed ones only.
    static func publishRecords(_ p: StrataProject) throws -> [[String: Any]] {
        let out = try p.strata("audit", "show", "--action", "publish", "--json").stdout
        return try out.split(separator: "\n").map { try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]) }
            .filter { $0["result"] as? String == "allowed" }
    }

    @Test(.enabled(if: usable)) func badPasswordsServersDriftedTablesAndIncrementalOverwritesSayWhy() throws {
        let db = try PG.database("strata_serve_errors")
        let p = try Self.mergeProject("pg-serve-errors", dsn: db)
        try p.write("landing/a.csv", "id,name,amount,day,at,flag,score,raw\n1,a,1.00,2024-01-01,2024-01-01T00:00:00Z,true,1,00\n")
        // A wrong password: exit 1, the server's reason, the password nowhere.
        let wrong = "wrong-\(UUID().uuidString.prefix(8))"
        let bad = try p.strata("run", env: ["SERVE_DB_PASSWORD": wrong])
        #expect(bad.status == 1 && bad.stderr.contains("password authentication failed"), "\(bad.stderr)")
        #expect(!bad.stderr.contains(wrong) && !bad.stdout.contains(wrong))
        // A table of other columns is not merged into: the columns are named, and a full refresh replaces it.
        try PG.psql(db, "CREATE TABLE events (id bigint PRIMARY KEY, other text)")
        let drift = try p.strata("run", env: Self.env)
        #expect(drift.status == 2 && drift.stderr.contains("cannot merge into \"public\".\"events\"") && drift.stderr.contains("'name'")
                && drift.stderr.contains("'other'") && drift.stderr.contains("--full-refresh"), "\(drift.stderr)")
        #expect(try PG.psql(db, "SELECT count(*) FROM events").hasPrefix("0"), "a failed run leaves the table as it was")
        let refreshed = try p.strata("run", "--full-refresh", env: Self.env)
        #expect(refreshed.status == 0, "\(refreshed.stderr)")
        #expect(try PG.psql(db, "SELECT name FROM events").hasPrefix("a"))
        // A key the table has no unique index on, and a column of another type, are refused by name.
        try PG.psql(db, "DROP TABLE events; CREATE TABLE events (id bigint, name text, amount numeric(6,0), day date, at timestamptz, flag boolean, score double precision, raw bytea)")
        try p.write("landing/b.csv", "id,name,amount,day,at,flag,score,raw\n2,b,2.00,2024-01-01,2024-01-01T00:00:00Z,true,1,00\n")
        let retyped = try p.strata("run", env: Self.env)
        #expect(retyped.status == 2 && retyped.stderr.contains("column 'amount' is numeric(6,0) there but numeric(10,2) here")
                && retyped.stderr.contains("no primary key or unique index on exactly (id)"), "\(retyped.stderr)")
        // A table that was published and then dropped is not merged into from the new rows only.
        try PG.psql(db, "DROP TABLE events")
        let gone = try p.strata("run", env: Self.env)
        #expect(gone.status == 1 && gone.stderr.contains("no longer exists") && gone.stderr.contains("--full-refresh"), "\(gone.stderr)")
        #expect(try p.strata("run", "--full-refresh", env: Self.env).status == 0)
        #expect(try PG.psql(db, "SELECT string_agg(name, ',' ORDER BY id) FROM events").hasPrefix("a,b"))
        // The state lost while the table stays: the sources read their whole input again and the
        // merge of rows already there changes nothing; the table keeps every row, once.
        try PG.psql(db, "DROP TABLE _strata_state")
        let lost = try p.strata("run", env: Self.env)
        #expect(lost.status == 0, "\(lost.stderr)")
        #expect(try PG.psql(db, "SELECT string_agg(name, ',' ORDER BY id) FROM events").hasPrefix("a,b"))
        let grep = try TestProcess.run("/usr/bin/grep", ["-rl", "--", PG.password, p.root])
        #expect(grep.stdout.isEmpty, "the password was written to \(grep.stdout)")
        // A server that is not there.
        let down = try Self.mergeProject("pg-serve-down", dsn: "host=127.0.0.1 port=1 dbname=x user=strata")
        try down.write("landing/a.csv", "id,name,amount,day,at,flag,score,raw\n1,a,1.00,2024-01-01,2024-01-01T00:00:00Z,true,1,00\n")
        let refused = try down.strata("run", env: Self.env)
        #expect(refused.status == 1 && refused.stderr.contains("cannot connect to PostgreSQL at 127.0.0.1:1"), "\(refused.stderr)")
        // An overwrite whose rows repeat a key cannot have its primary key: refused before anything lands.
        let dups = try StrataProject("pg-serve-dups")
        try dups.write("policies/roles.yaml", "roles:\n  analyst:\n    grants:\n      - tables: ['*.*']\n")
        try dups.write("landing/a.csv", "id,name\n1,a\n1,b\n")
        try dups.write("pipelines.yaml", """
            version: 1
            pipelines:
              land: {source: {type: csv, path: landing/*.csv, schema: {id: int64, name: string}}, sink: {type: table, table: silver.names}}
              serve:
                source: {type: table, table: silver.names, incremental: false}
                sink: {type: postgres, dsn: \(db), password_env: SERVE_DB_PASSWORD, table: names, keys: [id]}
            """)
        let repeated = try dups.strata("run", env: Self.env)
        #expect(repeated.status == 1 && repeated.stderr.contains("repeat a key") && repeated.stderr.contains("dedupe"), "\(repeated.stderr)")
        #expect(try PG.psql(db, "SELECT to_regclass('names') IS NULL").hasPrefix("t"), "nothing was published")
        #expect(try dups.strata("audit", "show", "--action", "publish").stdout.contains("allowed") == false)
        // Overwrite from a source that reads only new files: refused at validate, with where and why.
        let config = try String(contentsOfFile: p.root + "/pipelines.yaml", encoding: .utf8)
        try p.write("pipelines.yaml", config.replacingOccurrences(of: "mode: merge", with: "mode: overwrite"))
        let v = try p.strata("validate")
        #expect(v.status == 2 && v.stderr.contains("pipelines.yaml:") && v.stderr.contains("would hold only the latest rows"), "\(v.stderr)")
    }
}
