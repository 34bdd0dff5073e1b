import Foundation
import StrataTestSupport
import Testing

/// The `mysql` source against a real MariaDB server (started by `scripts/db-servers`, which the
/// test command runs): types round-trip, incremental runs read inserts and updates exactly once
/// across kills mid-extraction and at the commit, secrets never leave the process, and bad
/// configs and servers give clear errors.
@Suite(.serialized)
struct MySQLEndToEndTests {
    static let dsn = ProcessInfo.processInfo.environment["STRATA_TEST_MYSQL"]
    static let password = ProcessInfo.processInfo.environment["STRATA_TEST_MYSQL_PASSWORD"] ?? ""
    static var usable: Bool { dsn != nil || PythonOracle.required }
    static let env: [String: String] = ["SHOP_DB_PASSWORD": password]

    struct SQLFailure: Error, CustomStringConvertible { var description: String }

    static func port() throws -> String {
        let d = try #require(dsn, "no test MariaDB: run the suite with scripts/test (or `eval \"$(scripts/db-servers start)\"`)")
        return try #require(d.range(of: "port=[0-9]+", options: .regularExpression).map { String(d[$0].dropFirst(5)) })
    }

    /// Runs SQL as the test user (in `db` when given); returns the rows, tab-separated.
    @discardableResult
    static func sql(_ text: String, db: String? = nil) throws -> String {
        let r = try TestProcess.run("/usr/bin/mariadb", ["--no-defaults", "-h", "127.0.0.1", "-P", try port(), "-u", "strata", "-N", "-B"]
                                    + (db.map { [$0] } ?? []) + ["-e", text], env: ["MYSQL_PWD": password])
        guard r.status == 0 else { throw SQLFailure(description: "mariadb: \(r.stderr)") }
        return r.stdout
    }

    static func database(_ name: String) throws -> String {
        try sql("DROP DATABASE IF EXISTS \(name); CREATE DATABASE \(name)")
        return try #require(dsn) + " dbname=\(name)"
    }

    static func project(_ name: String, dsn: String, source: String) throws -> StrataProject {
        try DatabaseFixtures.project(name, type: "mysql", dsn: dsn, source: source)
    }

    static func rows(_ p: StrataProject) throws -> [[String: Any]] { try DatabaseFixtures.rows(p) }

    @Test(.enabled(if: usable)) func typesRoundTripAndBadValuesAreQuarantined() throws {
        let db = try Self.database("strata_types")
        try Self.sql("""
            CREATE TABLE kinds (id INT PRIMARY KEY, ti TINYINT, si SMALLINT, mi MEDIUMINT, bi BIGINT, ub BIGINT UNSIGNED, yr YEAR,
              f FLOAT, d DOUBLE, n DECIMAL(12,2), un DECIMAL(5,1) UNSIGNED, day DATE, dt DATETIME(6), ts TIMESTAMP(3) NULL,
              t TEXT, v VARCHAR(20), c CHAR(3), j JSON, e ENUM('a','b'), tm TIME) ENGINE=InnoDB;
            SET time_zone = '+02:00';
            INSERT INTO kinds VALUES
              (1, -128, -32768, -8388608, -9223372036854775808, 9223372036854775807, 2024, 1.5, 0.1, -1234567890.12, 9999.9,
               '2024-02-29', '2024-02-29 23:59:59.123456', '2024-03-01 01:00:00.5', 'naïve café', 'x', 'ab', '{"a": [1, 2]}', 'b', '12:34:56'),
              (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, '', NULL, NULL, NULL, NULL, NULL),
              (3, 1, 1, 1, 1, 18446744073709551615, 2000, 1, 1, 1, 1, '2024-01-01', NULL, NULL, 'unsigned too big', NULL, NULL, NULL, NULL, NULL);
            """, db: "strata_types")
        let p = try Self.project("my-types", dsn: db, source: "table: kinds")
        let run = try p.strata("run", env: Self.env)
        #expect(run.status == 0, "\(run.stderr)")
        let rows = try Self.rows(p).sorted { ($0["id"] as? Int ?? 0) < ($1["id"] as? Int ?? 0) }
        #expect(rows.count == 2, "row 3's unsigned BIGINT does not fit int64: quarantined")
        let a = try #require(rows.first)
        #expect(a["ti"] as? Int == -128 && a["si"] as? Int == -32768 && a["mi"] as? Int == -8388608)
        #expect((a["bi"] as? NSNumber)?.int64Value == Int64.min && (a["ub"] as? NSNumber)?.int64Value == Int64.max)
        #expect(a["yr"] as? Int == 2024)
        #expect(a["f"] as? Double == 1.5 && a["d"] as? Double == 0.1)
        #expect(a["n"] as? String == "-1234567890.12" && a["un"] as? String == "9999.9")
        #expect(a["day"] as? String == "2024-02-29")
        #expect((a["dt"] as? String)?.hasPrefix("2024-02-29T23:59:59.123456") == true, "\(a["dt"] ?? "")")
        #expect((a["ts"] as? String)?.hasPrefix("2024-02-29T23:00:00.500") == true, "TIMESTAMP in UTC: \(a["ts"] ?? "")")
        #expect(a["t"] as? String == "naïve café" && a["c"] as? String == "ab")
        #expect(a["j"] as? String == "{\"a\": [1, 2]}" && a["e"] as? String == "b" && a["tm"] as? String == "12:34:56")
        #expect(rows[1]["n"] is NSNull && rows[1]["t"] as? String == "")
        let types = try DatabaseFixtures.types(p)
        #expect(types == "id=int64 ti=int64 si=int64 mi=int64 bi=int64 ub=int64 yr=int64 f=double d=double n=decimal128(12, 2) un=decimal128(5, 1) day=date32[day] dt=timestamp[us, tz=UTC] ts=timestamp[us, tz=UTC] t=string v=string c=string j=string e=string tm=string", "\(types)")
        let q = try p.strata("show", "quarantine.bronze_extract", "--format", "json", "--columns", "_reason")
        #expect(q.status == 0 && q.stdout.contains("column 'ub': expected int64"), "\(q.stdout)\(q.stderr)")
        let text = try DatabaseFixtures.lineageText(p)
        #expect(text.contains("\"namespace\":\"mysql://127.0.0.1:\(try Self.port())\",\"name\":\"strata_types.kinds\""))
    }

    @Test(.enabled(if: usable)) func incrementalRunsReadInsertsAndUpdatesExactlyOnceAcrossKills() throws {
        let db = try Self.database("strata_incremental")
        try Self.sql("""
            CREATE TABLE orders (id INT PRIMARY KEY, amount DECIMAL(10,2), updated_at DATETIME(3) NOT NULL) ENGINE=InnoDB;
            INSERT INTO orders SELECT seq, seq * 1.5, TIMESTAMP('2026-01-01') + INTERVAL seq SECOND FROM seq_1_to_2500;
            """, db: "strata_incremental")
        let p = try Self.project("my-incremental", dsn: db, source: "table: orders\nincremental: {cursor: updated_at}\nfetch_rows: 500")
        #expect(try p.strata("run", "--quiet", env: Self.env).status == 0)
        #expect(try Self.rows(p).count == 2500)
        let idle = try p.strata("run", env: Self.env)
        #expect(idle.status == 0 && idle.stdout.contains("up-to-date"), "\(idle.stdout)")
        var expected = 2500
        for (round, crash) in ["mysql-fetch#2", "before-commit-link", "after-commit-link", "after-commit-record"].enumerated() {
            let base = 2500 + round * 1000
            let day = "TIMESTAMP('2026-02-01') + INTERVAL \(round) DAY"
            try Self.sql("""
                INSERT INTO orders SELECT seq, seq, \(day) + INTERVAL seq * 1000 MICROSECOND FROM seq_\(base + 1)_to_\(base + 900);
                UPDATE orders SET amount = amount + 1, updated_at = \(day) + INTERVAL 1 HOUR WHERE id % 25 = \(round);
                """, db: "strata_incremental")
            expected += Int(try Self.sql("SELECT count(*) FROM orders WHERE updated_at >= \(day)", db: "strata_incremental")
                .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            try DatabaseFixtures.killThenRerun(p, crash: crash, env: Self.env, expected: expected)
        }
        let inDB = try Self.sql("SELECT CONCAT(id, '|', amount) FROM orders ORDER BY id", db: "strata_incremental").split(separator: "\n").map(String.init)
        #expect(inDB == (try DatabaseFixtures.latestAmounts(p)), "the latest version of every row equals the database")
        #expect(try p.strata("audit", "verify").status == 0)
    }

    @Test(.enabled(if: usable)) func secretsStayOutAndBadServersAndConfigsSayWhy() throws {
        let db = try Self.database("strata_errors")
        try Self.sql("CREATE TABLE t (id INT, blob_col BLOB, wide DECIMAL(30,2)); INSERT INTO t VALUES (1, 'x', 1.5)", db: "strata_errors")
        let wrong = "wrong-\(UUID().uuidString.prefix(8))"
        let p = try Self.project("my-errors", dsn: db, source: "query: SELECT id FROM t")
        let bad = try p.strata("run", env: ["SHOP_DB_PASSWORD": wrong])
        #expect(bad.status == 1 && bad.stderr.contains("Access denied for user"), "\(bad.stderr)")
        #expect(!bad.stderr.contains(wrong) && !bad.stdout.contains(wrong))
        let good = try p.strata("run", env: Self.env)
        #expect(good.status == 0, "\(good.stderr)")
        let grep = try TestProcess.run("/usr/bin/grep", ["-rl", "--", Self.password, p.root])
        #expect(grep.stdout.isEmpty, "the password was written to \(grep.stdout)")
        let down = try Self.project("my-down", dsn: "host=127.0.0.1 port=1 dbname=x user=strata", source: "table: t")
        let refused = try down.strata("run", env: Self.env)
        #expect(refused.status == 1 && refused.stderr.contains("cannot connect to MySQL at 127.0.0.1:1"), "\(refused.stderr)")
        let inline = try Self.project("my-inline", dsn: "mysql://strata:hunter2secret@127.0.0.1/x", source: "table: t")
        let v = try inline.strata("validate")
        #expect(v.status == 2 && v.stderr.contains("the dsn holds a password") && !v.stderr.contains("hunter2secret"), "\(v.stderr)")
        // A BLOB is binary: its bytes, exactly (NUL and 0xFF included).
        try Self.sql("CREATE TABLE blobs (id INT, b BLOB, vb VARBINARY(8)); INSERT INTO blobs VALUES (1, X'00FF0A', X'DEAD'), (2, NULL, '')", db: "strata_errors")
        let blob = try Self.project("my-blob", dsn: db, source: "table: blobs")
        let b = try blob.strata("run", env: Self.env)
        #expect(b.status == 0, "\(b.stderr)")
        #expect(try DatabaseFixtures.types(blob) == "id=int64 b=binary vb=binary")
        let blobs = try Self.rows(blob).sorted { ($0["id"] as? Int ?? 0) < ($1["id"] as? Int ?? 0) }
        #expect(blobs.count == 2 && blobs[0]["b"] as? String == "\\x00ff0a" && blobs[0]["vb"] as? String == "\\xdead", "\(blobs)")
        #expect(blobs.count == 2 && blobs[1]["b"] is NSNull && blobs[1]["vb"] as? String == "\\x", "\(blobs)")
        let wide = try Self.project("my-wide", dsn: db, source: "query: SELECT id, wide FROM t")
        let w = try wide.strata("run", env: Self.env)
        #expect(w.status != 0 && w.stderr.contains("column 'wide'") && w.stderr.contains("DECIMAL(30,2)"), "\(w.stderr)")
        let broken = try Self.project("my-broken", dsn: db, source: "query: SELECT nope FROM t")
        let q = try broken.strata("run", env: Self.env)
        #expect(q.status == 1 && q.stderr.contains("Unknown column 'nope'") && q.stderr.contains("error 1054"), "\(q.stderr)")
    }
}
