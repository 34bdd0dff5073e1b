import Foundation
import StrataTestSupport
import Testing

/// The `postgres` source against a real PostgreSQL server (started by `scripts/db-servers`, which
/// the test command runs): every type round-trips, incremental runs read inserts and updates
/// exactly once also after kills mid-extraction and at the commit, secrets never leave the
/// process, and bad configs and servers give clear errors.
@Suite(.serialized)
struct PostgresEndToEndTests {
    static let dsn = ProcessInfo.processInfo.environment["STRATA_TEST_POSTGRES"]
    static let password = ProcessInfo.processInfo.environment["STRATA_TEST_POSTGRES_PASSWORD"] ?? ""
    /// Runs when the server is there; under `STRATA_REQUIRE_ORACLES` a missing server fails.
    static var usable: Bool { dsn != nil || PythonOracle.required }

    static func server() throws -> String {
        try #require(dsn, "no test PostgreSQL: run the suite with scripts/test (or `eval \"$(scripts/db-servers start)\"`)")
    }

    /// A fresh database for one test, and its dsn.
    static func database(_ name: String) throws -> String {
        let base = try server()
        try psql(base, "DROP DATABASE IF EXISTS \(name)")
        try psql(base, "CREATE DATABASE \(name)")
        return base.replacingOccurrences(of: "dbname=postgres", with: "dbname=\(name)")
    }

    @discardableResult
    static func psql(_ dsn: String, _ sql: String) throws -> String {
        let r = try TestProcess.run("/usr/bin/psql", [dsn, "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-c", sql], env: ["PGPASSWORD": password])
        guard r.status == 0 else { throw PSQLFailure(description: "psql: \(r.stderr)") }
        return r.stdout
    }

    static func project(_ name: String, dsn: String, source: String) throws -> StrataProject {
        try DatabaseFixtures.project(name, type: "postgres", dsn: dsn, source: source)
    }

    static let env: [String: String] = ["SHOP_DB_PASSWORD": password]

    struct PSQLFailure: Error, CustomStringConvertible { var description: String }

    /// The bronze table's rows as pyarrow (through deltalake) reads them, without Strata's columns.
    static func rows(_ p: StrataProject) throws -> [[String: Any]] { try DatabaseFixtures.rows(p) }

    @Test(.enabled(if: usable)) func everyTypeRoundTripsAndLineageNamesTheDatabase() throws {
        let db = try Self.database("strata_types")
        try Self.psql(db, """
            CREATE TABLE kinds (id int PRIMARY KEY, s smallint, i int, b bigint, r real, d double precision, n numeric(12,2),
              f boolean, day date, ts timestamp, tz timestamptz, t text, v varchar(20), c char(3), j json, jb jsonb, u uuid, bin bytea);
            INSERT INTO kinds VALUES
              (1, -32768, 2147483647, -9223372036854775808, 1.5, 0.1, -1234567890.12, true, '2024-02-29', '2024-02-29 23:59:59.123456',
               '2024-03-01 01:00:00+02', 'naïve café', 'x', 'ab', '{"a": [1, 2]}', '{"b": true}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '\\x00ff'),
              (2, NULL, NULL, NULL, NULL, 'NaN', NULL, false, NULL, NULL, NULL, '', NULL, NULL, NULL, NULL, NULL, NULL),
              (3, 7, 7, 7, 7, 7, 7, true, 'infinity', NULL, NULL, 'after the bad date', NULL, NULL, NULL, NULL, NULL, NULL);
            """)
        let p = try Self.project("pg-types", dsn: db, source: "table: kinds")
        let run = try p.strata("run", env: Self.env)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try Self.rows(p).sorted { ($0["id"] as? Int ?? 0) < ($1["id"] as? Int ?? 0) }
        #expect(rows.count == 2, "row 3 (date 'infinity') is quarantined, not stored half-typed")
        let q = try p.strata("show", "quarantine.bronze_extract", "--format", "json", "--columns", "_reason,_line")
        #expect(q.status == 0 && q.stdout.contains("column 'day': expected date"), "\(q.stdout)\(q.stderr)")
        #expect(q.stdout.split(separator: "\n").count == 1)
        let a = rows[0]
        #expect(a["s"] as? Int == -32768 && a["i"] as? Int == 2147483647)
        #expect((a["b"] as? NSNumber)?.int64Value == Int64.min)
        #expect(a["r"] as? Double == 1.5 && a["d"] as? Double == 0.1)
        #expect(a["n"] as? String == "-1234567890.12")
        #expect(a["f"] as? Bool == true)
        #expect(a["day"] as? String == "2024-02-29")
        #expect((a["ts"] as? String)?.hasPrefix("2024-02-29T23:59:59.123456") == true, "\(a["ts"] ?? "")")
        #expect((a["tz"] as? String)?.hasPrefix("2024-02-29T23:00:00") == true, "timestamptz in UTC: \(a["tz"] ?? "")")
        #expect(a["t"] as? String == "naïve café" && a["c"] as? String == "ab ")
        #expect(a["j"] as? String == "{\"a\": [1, 2]}" && a["jb"] as? String == "{\"b\": true}")
        #expect(a["u"] as? String == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
        #expect(a["bin"] as? String == "\\x00ff")
        let b = rows[1]
        #expect(b["s"] is NSNull && b["n"] is NSNull && b["tz"] is NSNull && b["u"] is NSNull)
        #expect(b["d"] as? String == "NaN" && b["t"] as? String == "")
        // The schema as mapped from the columns' types, as pyarrow reads the Delta table.
        let types = try DatabaseFixtures.types(p)
        #expect(types == "id=int64 s=int64 i=int64 b=int64 r=double d=double n=decimal128(12, 2) f=bool day=date32[day] ts=timestamp[us, tz=UTC] tz=timestamp[us, tz=UTC] t=string v=string c=string j=string jb=string u=string bin=binary", "\(types)")
        // Lineage names the database dataset by the OpenLineage conventions.
        let text = try DatabaseFixtures.lineageText(p)
        let port = try #require(db.range(of: "port=[0-9]+", options: .regularExpression).map { String(db[$0].dropFirst(5)) })
        #expect(text.contains("\"namespace\":\"postgres://127.0.0.1:\(port)\",\"name\":\"strata_types.public.kinds\""), "lineage dataset")
        let up = try p.strata("lineage", "upstream", "bronze.extract.n")
        #expect(up.status == 0 && up.stdout.contains("strata_types.public.kinds"), "\(up.stdout)\(up.stderr)")
    }

    @Test(.enabled(if: usable)) func incrementalRunsReadInsertsAndUpdatesExactlyOnceAcrossKills() throws {
        let db = try Self.database("strata_incremental")
        try Self.psql(db, """
            CREATE TABLE orders (id int PRIMARY KEY, amount numeric(10,2), updated_at timestamptz NOT NULL);
            INSERT INTO orders SELECT g, g * 1.5, timestamptz '2026-01-01' + g * interval '1 second' FROM generate_series(1, 2500) g;
            """)
        let p = try Self.project("pg-incremental", dsn: db, source: "table: orders\nincremental: {cursor: updated_at}\nfetch_rows: 500")
        #expect(try p.strata("run", "--quiet", env: Self.env).status == 0)
        #expect(try Self.rows(p).count == 2500)
        // Nothing new: nothing read, nothing committed.
        let idle = try p.strata("run", env: Self.env)
        #expect(idle.status == 0 && idle.stdout.contains("up-to-date"), "\(idle.stdout)")
        var expected = 2500
        // Each round inserts and updates rows, then a run is killed at a point of the extraction or
        // the commit and run again: the lake ends with every row version exactly once.
        for (round, crash) in ["postgres-fetch#2", "before-commit-link", "after-commit-link", "after-commit-record", "postgres-fetch#1"].enumerated() {
            let base = 2500 + round * 1000
            try Self.psql(db, """
                INSERT INTO orders SELECT g, g, timestamptz '2026-02-01' + \(round) * interval '1 day' + g * interval '1 ms' FROM generate_series(\(base + 1), \(base + 900)) g;
                UPDATE orders SET amount = amount + 1, updated_at = timestamptz '2026-02-01' + \(round) * interval '1 day' + interval '1 hour' WHERE id % 25 = \(round);
                """)
            let changed = Int(try Self.psql(db, "SELECT count(*) FROM orders WHERE updated_at >= timestamptz '2026-02-01' + \(round) * interval '1 day'")
                .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            expected += changed
            try DatabaseFixtures.killThenRerun(p, crash: crash, env: Self.env, expected: expected)
        }
        // The latest version of every row equals the database.
        let db2 = try Self.psql(db, "SELECT id || '|' || amount FROM orders ORDER BY id").split(separator: "\n").map(String.init)
        #expect(db2 == (try DatabaseFixtures.latestAmounts(p)))
        #expect(try p.strata("audit", "verify").status == 0)
        // --full-refresh reads the whole table again, into a rebuilt table.
        #expect(try p.strata("run", "--full-refresh", "--quiet", env: Self.env).status == 0)
        #expect(try Self.rows(p).count == db2.count)
    }

    @Test(.enabled(if: usable)) func tiesAtTheMarkNullCursorsAndWrappedQueriesLoseNothing() throws {
        let db = try Self.database("strata_ties")
        try Self.psql(db, """
            CREATE TABLE events (id int PRIMARY KEY, day date);
            INSERT INTO events VALUES (1, '2026-01-01'), (2, '2026-01-02'), (3, '2026-01-02'), (4, NULL);
            """)
        // A coarse (date) cursor, a query with a trailing comment and semicolon.
        let p = try Self.project("pg-ties", dsn: db, source: "query: |\n  SELECT id, day FROM events -- all of them\n  ;\nincremental: {cursor: day}")
        let first = try p.strata("run", env: Self.env)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stderr.contains("1 row(s) read with a null day"), "\(first.stderr)")
        #expect(try Self.rows(p).count == 4)
        // Rows that tie with the mark (2026-01-02) arrive after the run: they are read, the old ones are not read again.
        try Self.psql(db, "INSERT INTO events VALUES (5, '2026-01-02'), (6, '2026-01-03'), (7, NULL)")
        let second = try p.strata("run", "--quiet", env: Self.env)
        #expect(second.status == 0, "\(second.stderr)")
        let ids = try Self.rows(p).compactMap { $0["id"] as? Int }.sorted()
        #expect(ids == [1, 2, 3, 4, 5, 6], "row 5 ties with the mark; row 7's cursor is null (read only by a full refresh): \(ids)")
        let idle = try p.strata("run", env: Self.env)
        #expect(idle.status == 0 && idle.stdout.contains("up-to-date"), "\(idle.stdout)")
        #expect(try Self.rows(p).count == 6)
        // A declared cursor type that differs from the server's is refused (it would compare differently).
        let declared = try Self.project("pg-declared-cursor", dsn: db, source: "table: events\nschema: {id: int64, day: timestamp}\nincremental: {cursor: day}")
        let d = try declared.strata("run", env: Self.env)
        #expect(d.status != 0 && d.stderr.contains("is date on the server but declared timestamp"), "\(d.stderr)")
    }

    @Test(.enabled(if: usable)) func secretsStayOutAndBadServersAndConfigsSayWhy() throws {
        let db = try Self.database("strata_errors")
        try Self.psql(db, "CREATE TABLE t (id int, tags text[], amount numeric); INSERT INTO t VALUES (1, '{a,b}', 1.5)")
        // A wrong password: exit 1, the server's reason, no password anywhere.
        let wrong = "wrong-\(UUID().uuidString.prefix(8))"
        let p = try Self.project("pg-errors", dsn: db, source: "query: SELECT id FROM t")
        let bad = try p.strata("run", env: ["SHOP_DB_PASSWORD": wrong])
        #expect(bad.status == 1, "\(bad.stderr)")
        #expect(bad.stderr.contains("password authentication failed"), "\(bad.stderr)")
        #expect(!bad.stderr.contains(wrong) && !bad.stdout.contains(wrong))
        // The right password works; it is in no file the run wrote.
        let good = try p.strata("run", "--json", env: Self.env)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(!good.stdout.contains(Self.password) && !good.stderr.contains(Self.password))
        let grep = try TestProcess.run("/usr/bin/grep", ["-rl", "--", Self.password, p.root])
        #expect(grep.stdout.isEmpty, "the password was written to \(grep.stdout)")
        // No password variable set.
        let unset = try p.strata("run", "--full-refresh")
        #expect(unset.status != 0 && unset.stderr.contains("SHOP_DB_PASSWORD (password_env) is not set"), "\(unset.stderr)")
        // A server that is not there.
        let down = try Self.project("pg-down", dsn: "host=127.0.0.1 port=1 dbname=x user=strata", source: "table: t")
        let refused = try down.strata("run", env: Self.env)
        #expect(refused.status == 1 && refused.stderr.contains("cannot connect to PostgreSQL at 127.0.0.1:1"), "\(refused.stderr)")
        // A password in the dsn is refused at validate, without echoing it.
        let inline = try Self.project("pg-inline", dsn: db + " password=hunter2secret", source: "table: t")
        let v = try inline.strata("validate")
        #expect(v.status == 2 && v.stderr.contains("the dsn holds a password") && v.stderr.contains("pipelines.yaml:"), "\(v.stderr)")
        #expect(!v.stderr.contains("hunter2secret"))
        // Arrays and unconstrained numeric: errors naming the column and the way out.
        let arrays = try Self.project("pg-arrays", dsn: db, source: "query: SELECT id, tags FROM t")
        let a = try arrays.strata("run", env: Self.env)
        #expect(a.status != 0 && a.stderr.contains("column 'tags'") && a.stderr.contains("array"), "\(a.stderr)")
        let numeric = try Self.project("pg-numeric", dsn: db, source: "query: SELECT id, amount FROM t")
        let n = try numeric.strata("run", env: Self.env)
        #expect(n.status != 0 && n.stderr.contains("column 'amount'") && n.stderr.contains("numeric without a precision"), "\(n.stderr)")
        // Declaring the type reads it.
        let declared = try Self.project("pg-declared", dsn: db, source: "query: SELECT id, amount FROM t\nschema: {id: int64, amount: 'decimal(10,3)'}")
        #expect(try declared.strata("run", env: Self.env).status == 0)
        #expect(try Self.rows(declared).first?["amount"] as? String == "1.500")
        // A query the server refuses: its message, exit 1.
        let broken = try Self.project("pg-broken", dsn: db, source: "query: SELECT nope FROM t")
        let q = try broken.strata("run", env: Self.env)
        #expect(q.status == 1 && q.stderr.contains("column \"nope\" does not exist") && q.stderr.contains("SQLSTATE 42703"), "\(q.stderr)")
    }
}
