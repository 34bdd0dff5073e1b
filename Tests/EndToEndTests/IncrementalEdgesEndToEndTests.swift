import Foundation
import StrataTestSupport
import Testing

/// Incremental runs at their edges, with the real binary: a merge or scd2 whose input changes no
/// row commits no empty version (yet reads that input only once), landing files archived after
/// ingestion are "up to date", and a partitioned bronze table with an inferred schema re-runs.
@Suite(.serialized)
struct IncrementalEdgesEndToEndTests {
    static let pipelines = """
    version: 1
    policies: none
    pipelines:
      bronze_orders:
        source: {type: csv, path: landing/*.csv}
        sink: {type: table, table: bronze.orders, partition_by: [country]}
      silver_orders:
        source: {type: table, table: bronze.orders}
        transforms:
          - {type: select, columns: [id, country, amount]}
        sink: {type: table, table: silver.orders, mode: merge, keys: [id]}
      silver_history:
        source: {type: table, table: bronze.orders}
        transforms:
          - {type: select, columns: [id, country, amount]}
        sink: {type: table, table: silver.history, mode: scd2, keys: [id]}

    """

    func run(_ p: StrataProject) throws -> [String: (status: String, rowsIn: Int, version: Int?)] {
        let r = try p.strata("run", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        var out: [String: (String, Int, Int?)] = [:]
        for row in obj["pipelines"] as! [[String: Any]] {
            out[row["pipeline"] as! String] = (row["status"] as! String, row["rows_in"] as! Int, row["version"] as? Int)
        }
        return out
    }

    func versions(_ p: StrataProject, _ table: String) throws -> [Int] {
        let r = try p.strata("history", table, "--json")
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        return (obj["commits"] as! [[String: Any]]).compactMap { $0["version"] as? Int }.sorted()
    }

    func rows(_ p: StrataProject, _ table: String) throws -> [String] {
        let r = try p.strata("show", table, "--format", "csv", "--columns", "id,amount", "--limit", "100")
        return r.stdout.split(separator: "\n").dropFirst().map(String.init).sorted()
    }

    @Test func aMergeThatChangesNoRowCommitsNothingAndReadsItsInputOnce() throws {
        let p = try StrataProject("merge-noop")
        try p.write("pipelines.yaml", Self.pipelines)
        try p.write("landing/a.csv", "id,country,amount\n1,NL,10\n2,DE,20\n")
        var r = try run(p)
        #expect(r["silver_orders"]?.status == "committed" && r["silver_history"]?.status == "committed")
        // Bronze gets a file whose rows are already in silver: bronze commits, silver does not.
        try p.write("landing/b.csv", "id,country,amount\n1,NL,10\n")
        r = try run(p)
        #expect(r["bronze_orders"]?.status == "committed")
        #expect(r["silver_orders"]?.status == "up-to-date" && r["silver_orders"]?.rowsIn == 1)
        #expect(r["silver_history"]?.status == "up-to-date" && r["silver_history"]?.rowsIn == 1)
        #expect(try versions(p, "silver.orders") == [0], "no empty version")
        #expect(try versions(p, "silver.history") == [0], "no empty version")
        // The state advanced all the same: the next run reads nothing again.
        r = try run(p)
        #expect(r["silver_orders"]?.rowsIn == 0 && r["silver_history"]?.rowsIn == 0)
        // A real change later merges exactly the new rows.
        try p.write("landing/c.csv", "id,country,amount\n2,DE,25\n3,FR,30\n")
        r = try run(p)
        #expect(r["silver_orders"]?.status == "committed" && r["silver_orders"]?.rowsIn == 2)
        #expect(try versions(p, "silver.orders") == [0, 1])
        #expect(try rows(p, "silver.orders") == ["1,10", "2,25", "3,30"])
        #expect(try rows(p, "silver.history") == ["1,10", "2,20", "2,25", "3,30"])
        // Losing the state beside the log (as a crash before it was written would) costs a
        // re-read, never a wrong row: the merge of the same rows changes nothing.
        try FileManager.default.removeItem(atPath: p.root + "/datalake/silver/orders/_strata_state")
        try p.write("landing/d.csv", "id,country,amount\n3,FR,30\n")
        r = try run(p)
        #expect(r["silver_orders"]?.status == "up-to-date")
        #expect(try versions(p, "silver.orders") == [0, 1])
        #expect(try rows(p, "silver.orders") == ["1,10", "2,25", "3,30"])
        #expect(try p.strata("audit", "verify").status == 0)
    }

    @Test func archivedLandingFilesAndPartitionedInferredBronzeAreUpToDate() throws {
        let p = try StrataProject("archived")
        try p.write("pipelines.yaml", Self.pipelines)
        try p.write("landing/a.csv", "id,country,amount\n1,NL,10\n2,DE,20\n")
        _ = try run(p)
        // Nothing new: an inferred, partitioned bronze has no columns to write and is up to date.
        var r = try run(p)
        #expect(r["bronze_orders"]?.status == "up-to-date")
        // The ingested file is moved away: nothing matches the pattern, but nothing is new either.
        try FileManager.default.createDirectory(atPath: p.root + "/archive", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: p.root + "/landing/a.csv", toPath: p.root + "/archive/a.csv")
        r = try run(p)
        #expect(r["bronze_orders"]?.status == "up-to-date")
        #expect(try versions(p, "bronze.orders") == [0])
        // A pattern that never matched anything is still an error.
        try p.write("pipelines.yaml", Self.pipelines.replacingOccurrences(of: "landing/*.csv", with: "landing/*.tsv"))
        let bad = try p.strata("run")
        #expect(bad.status == 1 && bad.stderr.contains("no file matches 'landing/*.tsv'"), "\(bad.stderr)")
    }

    @Test func sinkAndGovernanceErrorsPointAtTheConfig() throws {
        let p = try StrataProject("positions")
        try p.write("pipelines.yaml", """
        version: 1
        pipelines:
          bronze_users:
            source:
              type: csv
              path: landing/u.csv
              schema: {id: int64, email: string, country: string}
            sink:
              type: table
              table: bronze.users
              partition_by: [contry]
          silver_users:
            source: {type: table, table: bronze.users}
            sink: {type: table, table: silver.users, mode: merge, keys: [uid]}
        """)
        try p.write("policies/p.yaml", """
        version: 1
        classification:
          - tables: "*"
            columns: {email: pii.email}
        layers:
          bronze: {store_raw: ["*"]}
        """)
        try p.write("landing/u.csv", "id,email,country\n1,a@example.com,NL\n")
        var r = try p.strata("validate", "--json")
        #expect(r.status == 2)
        var err = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(err["location"] as? String == "pipelines.yaml:11:21", "\(err)")
        #expect(err["path"] as? String == "pipelines.bronze_users.sink.partition_by")
        #expect(r.stderr.contains("did you mean 'country'?"))
        try p.write("pipelines.yaml", try String(contentsOfFile: p.root + "/pipelines.yaml", encoding: .utf8)
            .replacingOccurrences(of: "[contry]", with: "[country]"))
        r = try p.strata("validate", "--json")
        err = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        #expect(err["location"] as? String == "pipelines.yaml:14:65", "\(err)")
        #expect(err["path"] as? String == "pipelines.silver_users.sink.keys")
        // The refusal names the write's sink; a scalar where a list belongs says how to write it.
        try p.write("pipelines.yaml", try String(contentsOfFile: p.root + "/pipelines.yaml", encoding: .utf8)
            .replacingOccurrences(of: "keys: [uid]", with: "keys: [id]"))
        try p.write("policies/p.yaml", try String(contentsOfFile: p.root + "/policies/p.yaml", encoding: .utf8)
            + "\n  silver: {masking: {pii.email: refuse}}\n")
        r = try p.strata("run")
        #expect(r.status == 3)
        #expect(r.stderr.contains("error: pipelines.yaml:14:11: pipelines.silver_users.sink: write to silver.users refused"), "\(r.stderr)")
        try p.write("pipelines.yaml", try String(contentsOfFile: p.root + "/pipelines.yaml", encoding: .utf8)
            .replacingOccurrences(of: "keys: [id]", with: "keys: id"))
        r = try p.strata("validate")
        #expect(r.status == 2)
        #expect(r.stderr.contains("pipelines.yaml:14:65: pipelines.silver_users.sink.keys: expected a list, got a string; write `keys: [id]`"), "\(r.stderr)")
    }
}
