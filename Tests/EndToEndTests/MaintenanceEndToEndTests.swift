import Foundation
import StrataTestSupport
import Testing

/// `strata optimize`, `strata checkpoint` and `strata vacuum --retain` on a lake as a user runs
/// them, checked with delta-rs: same rows, `dataChange: false`, no duplicates downstream.
@Suite(.serialized, .enabled(if: oraclesAvailable))
struct MaintenanceEndToEndTests {
    static func project() throws -> StrataProject {
        let p = try StrataProject("maint")
        try p.write("pipelines.yaml", DeltaInteropEndToEndTests.pipelines)
        try p.write("other/k.csv", "k\n1\n")
        return p
    }

    static let summary = """
    import sys, json
    from deltalake import DeltaTable
    dt = DeltaTable(sys.argv[1] + '/datalake/' + sys.argv[2])
    t = dt.to_pyarrow_table()
    ids = t.column('id').to_pylist()
    h = dt.history(1)[0]
    print(json.dumps({'rows': len(ids), 'distinct': len(set(ids)), 'files': len(dt.file_uris()), 'op': h.get('operation'),
                      'ids': sorted(ids)}))
    """

    @Test func optimizeCompactsWithoutNewRowsAndVacuumRetainsByTime() throws {
        let p = try Self.project()
        for k in 0..<6 {
            try p.write("landing/\(k).csv", DeltaInteropEndToEndTests.csv((k * 40)..<(k * 40 + 40)))
            let r = try p.strata("run")
            #expect(r.status == 0, "\(r.stderr)")
        }
        var bronze = try p.pythonJSON(Self.summary, ["bronze/orders"]) as! [String: Any]
        #expect(bronze["files"] as? Int == 6)
        let dry = try p.strata("optimize", "bronze.orders", "--dry-run", "--json")
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("\"files_removed\" : 6") || dry.stdout.contains("\"files_removed\":6"), "\(dry.stdout)")
        var r = try p.strata("optimize", "bronze.orders")
        #expect(r.status == 0, "\(r.stderr)")
        bronze = try p.pythonJSON(Self.summary, ["bronze/orders"]) as! [String: Any]
        #expect(bronze["files"] as? Int == 1)
        #expect(bronze["rows"] as? Int == 240 && bronze["distinct"] as? Int == 240)
        #expect(bronze["op"] as? String == "OPTIMIZE")
        let log = try String(contentsOfFile: p.root + "/datalake/bronze/orders/_delta_log/" + String(format: "%020d.json", 6), encoding: .utf8)
        #expect(!log.contains("\"dataChange\":true"), "a compaction changes no data")
        // A new file after the compaction: silver reads only it, once.
        try p.write("landing/9.csv", DeltaInteropEndToEndTests.csv(900..<910))
        r = try p.strata("run")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("rebuilding"), "\(r.stderr)")
        let silver = try p.pythonJSON(Self.summary, ["silver/orders"]) as! [String: Any]
        #expect(silver["rows"] as? Int == 250 && silver["distinct"] as? Int == 250)
        // Z-order the silver table; every row stays.
        r = try p.strata("optimize", "silver.orders", "--zorder-by", "customer,amount")
        #expect(r.status == 0, "\(r.stderr)")
        let z = try p.pythonJSON(Self.summary, ["silver/orders"]) as! [String: Any]
        #expect(z["ids"] as? [Int] == silver["ids"] as? [Int])
        #expect(z["op"] as? String == "OPTIMIZE")
        let bad = try p.strata("optimize", "silver.orders", "--zorder-by", "custmer")
        #expect(bad.status == 2 && bad.stderr.contains("did you mean 'customer'"), "\(bad.stderr)")
        // Vacuum by time: files removed a moment ago are kept with --retain 1, deleted with 0.
        let parquet = { try FileManager.default.subpathsOfDirectory(atPath: p.root + "/datalake/bronze/orders").filter { $0.hasSuffix(".parquet") && !$0.hasPrefix("_delta_log") }.count }
        #expect(try parquet() == 8)
        r = try p.strata("vacuum", "bronze.orders", "--retain", "1")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try parquet() == 8)
        r = try p.strata("vacuum", "bronze.orders", "--retain", "0")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try parquet() == 2)
        #expect(try p.strata("vacuum", "--retain", "soon").status == 2)
        // A checkpoint on demand; delta-rs and strata read the table from it.
        r = try p.strata("checkpoint", "bronze.orders")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: p.root + "/datalake/bronze/orders/_delta_log/" + String(format: "%020d.checkpoint.parquet", 7)))
        bronze = try p.pythonJSON(Self.summary, ["bronze/orders"]) as! [String: Any]
        #expect(bronze["rows"] as? Int == 250)
        #expect(try p.strata("show", "bronze.orders").status == 0)
        let json = try p.strata("show", "bronze.orders", "--limit", "1", "--format", "json")
        #expect(json.stdout.hasPrefix("{\"id\":") && json.stdout.contains("\"customer\":\"c") , "keys in column order: \(json.stdout)")
        let keys = json.stdout.split(separator: ",").compactMap { $0.split(separator: ":").first.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "{\"")) } }
        #expect(Array(keys.prefix(3)) == ["id", "customer", "amount"], "\(keys)")
        let audit = try p.strata("audit", "verify")
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
        let shown = try p.strata("audit", "show", "--table", "bronze.orders", "--json")
        #expect(shown.stdout.contains("OPTIMIZE") && shown.stdout.contains("\"optimize\""), "the compaction is audited: \(shown.stdout)")
    }
}
