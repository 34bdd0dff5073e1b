import Foundation
import StrataTestSupport
import Testing

/// Merge and SCD2 rewrite only the files that hold incoming keys: the commit removes those files
/// and adds their rewritten form plus the new keys; the table equals DuckDB's upsert of the same
/// rows, and delta-rs reads it.
@Suite(.serialized, .enabled(if: oraclesAvailable))
struct MergeByFilesEndToEndTests {
    static let pipelines = """
    version: 1
    policies: none
    pipelines:
      bronze_orders:
        source:
          type: csv
          path: landing/*.csv
          schema:
            id: int64 not null
            customer: string
            amount: "decimal(12,2)"
        sink: {type: table, table: bronze.orders}
      silver_orders:
        source: {type: table, table: bronze.orders}
        transforms:
          - {type: select, columns: [id, customer, amount]}
        sink: {type: table, table: silver.orders, mode: merge, keys: [id], max_file_rows: 50}
      silver_history:
        source: {type: table, table: bronze.orders}
        transforms:
          - {type: select, columns: [id, customer, amount]}
        sink: {type: table, table: silver.history, mode: scd2, keys: [id], tracked: [amount], max_file_rows: 50}

    """

    static func csv(_ rows: [(Int, String)]) -> String {
        "id,customer,amount\n" + rows.map { "\($0.0),c\($0.0 % 7),\($0.1)" }.joined(separator: "\n") + "\n"
    }

    /// The last commit's removes and adds, and the table as delta-rs reads it.
    static let inspect = """
    import sys, json, glob
    from deltalake import DeltaTable
    root, table = sys.argv[1], sys.argv[2]
    path = f'{root}/datalake/{table}'
    last = sorted(glob.glob(path + '/_delta_log/*.json'))[-1]
    actions = [json.loads(l) for l in open(last)]
    t = DeltaTable(path).to_pyarrow_table()
    info = next(a['commitInfo'] for a in actions if 'commitInfo' in a)
    print(json.dumps({'removes': sum('remove' in a for a in actions), 'adds': sum('add' in a for a in actions),
                      'read': int(info.get('strataFilesRead', -1)),
                      'files': len(DeltaTable(path).file_uris()),
                      'rows': sorted([[r['id'], str(r['amount'])] + ([r['is_current']] if 'is_current' in r else []) for r in t.to_pylist()])}))
    """

    @Test func mergeRewritesOnlyTheFilesHoldingIncomingKeys() throws {
        let p = try StrataProject("merge-files")
        try p.write("pipelines.yaml", Self.pipelines)
        try p.write("landing/a.csv", Self.csv((0..<1000).map { ($0, "\($0).00") }))
        var r = try p.strata("run")
        #expect(r.status == 0, "\(r.stderr)")
        var silver = try p.pythonJSON(Self.inspect, ["silver/orders"]) as! [String: Any]
        #expect(silver["files"] as? Int == 20)
        // Two updates in the first file, one in the eleventh, two new keys.
        try p.write("landing/b.csv", Self.csv([(10, "99.00"), (11, "98.00"), (500, "97.00"), (2000, "1.00"), (2001, "2.00")]))
        r = try p.strata("run")
        #expect(r.status == 0, "\(r.stderr)")
        silver = try p.pythonJSON(Self.inspect, ["silver/orders"]) as! [String: Any]
        #expect(silver["removes"] as? Int == 2, "only the two files holding ids 10, 11 and 500")
        #expect(silver["read"] as? Int == 2, "the Parquet footers' statistics rule out the other 18 files unread")
        #expect(silver["adds"] as? Int == 3, "their rewritten form and one file of new keys")
        #expect(silver["files"] as? Int == 21)
        var expected = (0..<1000).map { [$0, "\($0).00"] as [Any] }
        expected[10][1] = "99.00"; expected[11][1] = "98.00"; expected[500][1] = "97.00"
        expected += [[2000, "1.00"], [2001, "2.00"]]
        let rows = silver["rows"] as! [[Any]]
        #expect(rows.count == 1002)
        #expect(rows.map { "\($0[0]):\($0[1])" } == expected.map { "\($0[0]):\($0[1])" })
        // SCD2: versions 10, 11, 500 closed and reopened in their files only; history kept.
        let history = try p.pythonJSON(Self.inspect, ["silver/history"]) as! [String: Any]
        #expect(history["removes"] as? Int == 2)
        let h = history["rows"] as! [[Any]]
        #expect(h.count == 1005, "1000 first versions, 3 new versions, 2 new keys")
        #expect(h.filter { ($0[2] as? Bool) == true }.count == 1002, "one current version per key")
        #expect(h.contains { $0[0] as? Int == 500 && $0[1] as? String == "500.00" && ($0[2] as? Bool) == false })
        // The same input again changes nothing.
        try p.write("landing/c.csv", Self.csv([(500, "97.00")]))
        r = try p.strata("run", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        silver = try p.pythonJSON(Self.inspect, ["silver/orders"]) as! [String: Any]
        #expect(silver["files"] as? Int == 21)
        #expect((silver["rows"] as! [[Any]]).count == 1002)
    }
}
