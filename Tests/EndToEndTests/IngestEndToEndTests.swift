import Foundation
import StrataTestSupport
import Testing

/// The walking skeleton as a user runs it: the real binary, a temporary lake, independent readers.
@Suite(.serialized, .enabled(if: oraclesAvailable))
struct IngestEndToEndTests {
    /// CRLF line ends, a quoted delimiter, doubled quotes, an embedded CRLF, unicode, nulls,
    /// a bad decimal and a short row.
    static let tricky = [
        "id,name,amount,born,seen_at,active,note",
        "1,Ann,12.50,1990-01-31,2025-01-02T03:04:05Z,true,plain",
        "2,\"Smith, Bob\",-0.01,2000-02-29,2025-01-02T03:04:05.123456Z,false,\"say \"\"hi\"\"\"",
        "3,Zoë Ødegård,,,,,\"two\r\nlines\"",
        "4,名前,1000000.00,1970-01-01,1970-01-01T00:00:00Z,true,",
        "5,bad amount,12.5x,1990-01-01,2025-01-01T00:00:00Z,true,x",
        "6,short row,1.00",
        "7,Last,3.14,2024-12-31,2024-12-31T23:59:59Z,false,end",
    ].joined(separator: "\r\n")

    static let config = """
    pipelines:
      bronze_people:
        source:
          type: csv
          path: landing/people.csv
          schema:
            id: int64 not null
            name: string
            amount: decimal(12,2)
            born: date
            seen_at: timestamp
            active: bool
            note: string
        sink:
          type: table
          table: bronze.people
    # Bronze only, nothing to govern: said explicitly, as a missing policies folder is an error.
    policies: none
    """

    @Test func csvToBronzeReadsBackInDuckDBPyarrowAndDeltalake() throws {
        let p = try StrataProject()
        try p.write("landing/people.csv", Self.tricky)
        try p.write("pipelines.yaml", Self.config)
        let r = try p.strata("run", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let result = (report["pipelines"] as! [[String: Any]])[0]
        #expect(result["rows_out"] as? Int == 5)
        #expect(result["quarantined"] as? Int == 2)

        let out = try p.pythonJSON("""
        import sys, json, duckdb, pyarrow.parquet as pq, pyarrow.dataset as ds
        from deltalake import DeltaTable
        root = sys.argv[1]
        t = root + "/datalake/bronze/people"
        con = duckdb.connect()
        rows = con.execute(f"select id, name, cast(amount as varchar), cast(born as varchar), strftime(seen_at::timestamp, '%Y-%m-%d %H:%M:%S.%f'), active, note from read_parquet('{t}/**/*.parquet', hive_partitioning=1) order by id").fetchall()
        types = {r[0]: r[1] for r in con.execute(f"describe select * from read_parquet('{t}/**/*.parquet')").fetchall()}
        dt = DeltaTable(t)
        arrow = dt.to_pyarrow_table()
        pa_rows = ds.dataset(t, format="parquet", exclude_invalid_files=True).to_table().num_rows
        q = con.execute(f"select _source_file, _line, _reason from read_parquet('{root}/datalake/quarantine/bronze_people/*.parquet') order by _line").fetchall()
        print(json.dumps({"rows": [list(map(str, r)) for r in rows], "types": types, "delta_rows": arrow.num_rows,
                          "delta_version": dt.version(), "pa_rows": pa_rows, "quarantine": [list(map(str, x)) for x in q]}))
        """) as! [String: Any]
        let rows = out["rows"] as! [[String]]
        #expect(rows.count == 5)
        #expect(rows[0] == ["1", "Ann", "12.50", "1990-01-31", "2025-01-02 03:04:05.000000", "True", "plain"])
        #expect(rows[1] == ["2", "Smith, Bob", "-0.01", "2000-02-29", "2025-01-02 03:04:05.123456", "False", "say \"hi\""])
        #expect(rows[2] == ["3", "Zoë Ødegård", "None", "None", "None", "None", "two\r\nlines"])
        #expect(rows[3] == ["4", "名前", "1000000.00", "1970-01-01", "1970-01-01 00:00:00.000000", "True", "None"])
        #expect(rows[4] == ["7", "Last", "3.14", "2024-12-31", "2024-12-31 23:59:59.000000", "False", "end"])
        let types = out["types"] as! [String: String]
        #expect(types["id"] == "BIGINT")
        #expect(types["amount"] == "DECIMAL(12,2)")
        #expect(types["born"] == "DATE")
        #expect(types["seen_at"]?.hasPrefix("TIMESTAMP") == true)
        #expect(types["_ingested_at"]?.hasPrefix("TIMESTAMP") == true)
        #expect(types["_source_file"] == "VARCHAR")
        #expect(out["delta_rows"] as? Int == 5)
        #expect(out["delta_version"] as? Int == 0)
        #expect(out["pa_rows"] as? Int == 5)
        let q = out["quarantine"] as! [[String]]
        #expect(q.count == 2)
        #expect(q.map { $0[1] } == ["7", "8"])
        #expect(q.allSatisfy { $0[0] == "landing/people.csv" })
        #expect(q[0][2].contains("amount"))
        // Reasons never carry the raw value.
        #expect(!q[0][2].contains("12.5x"))
    }

    @Test func secondRunIngestsNothingAndFullRefreshRebuilds() throws {
        let p = try StrataProject()
        try p.write("landing/people.csv", Self.tricky)
        try p.write("pipelines.yaml", Self.config)
        #expect(try p.strata("run").status == 0)
        let again = try p.strata("run", "--json")
        #expect(again.status == 0, "\(again.stderr)")
        let r2 = try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as! [String: Any]
        let p2 = (r2["pipelines"] as! [[String: Any]])[0]
        #expect(p2["status"] as? String == "up-to-date")
        #expect(p2["rows_out"] as? Int == 0)
        #expect(p2["rows_in"] as? Int == 0)

        // A new file is picked up on its own.
        try p.write("landing/people2.csv", "id,name,amount,born,seen_at,active,note\n8,New,1.00,2001-01-01,2025-01-01T00:00:00Z,true,n\n")
        try p.write("pipelines.yaml", Self.config.replacingOccurrences(of: "landing/people.csv", with: "landing/people*.csv"))
        let third = try p.strata("run", "--json")
        let p3 = ((try JSONSerialization.jsonObject(with: Data(third.stdout.utf8)) as! [String: Any])["pipelines"] as! [[String: Any]])[0]
        #expect(p3["rows_out"] as? Int == 1)

        let full = try p.strata("run", "--full-refresh", "--json")
        #expect(full.status == 0)
        let p4 = ((try JSONSerialization.jsonObject(with: Data(full.stdout.utf8)) as! [String: Any])["pipelines"] as! [[String: Any]])[0]
        #expect(p4["rows_out"] as? Int == 6)
        let counts = try p.pythonJSON("""
        import sys, json
        from deltalake import DeltaTable
        dt = DeltaTable(sys.argv[1] + "/datalake/bronze/people")
        print(json.dumps({"rows": dt.to_pyarrow_table().num_rows, "version": dt.version()}))
        """) as! [String: Any]
        #expect(counts["rows"] as? Int == 6)
        #expect(counts["version"] as? Int == 2)

        // The overwrite left the older files for time travel: a plain Parquet glob sees them until
        // vacuum deletes them; then it sees exactly the table.
        let glob = """
        import sys, duckdb
        print(duckdb.connect().execute(f"select count(*) from read_parquet('{sys.argv[1]}/datalake/bronze/people/**/*.parquet')").fetchall()[0][0])
        """
        #expect(try p.python(glob).trimmingCharacters(in: .whitespacesAndNewlines) == "12")
        let dry = try p.strata("vacuum", "bronze.people", "--dry-run", "--json")
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(try p.python(glob).trimmingCharacters(in: .whitespacesAndNewlines) == "12")
        #expect(try p.strata("vacuum", "bronze.people").status == 0)
        #expect(try p.python(glob).trimmingCharacters(in: .whitespacesAndNewlines) == "6")
        let audit = try p.strata("audit", "show", "--action", "vacuum", "--json")
        #expect(audit.stdout.contains("bronze.people"))
    }

    @Test func typoInConfigExitsTwoWithPositionAndSuggestion() throws {
        let p = try StrataProject()
        try p.write("landing/people.csv", Self.tricky)
        try p.write("pipelines.yaml", Self.config.replacingOccurrences(of: "    sink:\n      type: table\n      table: bronze.people",
                                                                       with: "    sink:\n      type: table\n      table: bronze.people\n      compresion: gzip"))
        let r = try p.strata("validate")
        #expect(r.status == 2)
        #expect(r.stderr.contains("pipelines.yaml:17:7: pipelines.bronze_people.sink.compresion: unknown key; did you mean 'compression'?"), "\(r.stderr)")

        try p.write("pipelines.yaml", Self.config.replacingOccurrences(of: "type: csv", with: "type: cvs"))
        let r2 = try p.strata("run")
        #expect(r2.status == 2)
        #expect(r2.stderr.contains("pipelines.yaml:4:13"), "\(r2.stderr)")
        #expect(r2.stderr.contains("unknown source type 'cvs'"))
        #expect(r2.stderr.contains("did you mean 'csv'?"))
    }
}
