import Foundation
import StrataTestSupport
import Testing

/// A lake shared with another Delta writer (delta-rs through `deltalake`): it appends with its
/// default codecs, compacts, checkpoints, cleans up the log, vacuums, adds constraints, raises
/// the protocol; the real `strata` binary must read, run incrementally without duplicates, and
/// refuse or enforce as the table says (issue 12).
@Suite(.serialized, .enabled(if: oraclesAvailable))
struct DeltaInteropEndToEndTests {
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
        sink: {type: table, table: silver.orders, compression: snappy}
      gold_totals:
        source: {type: table, table: silver.orders, incremental: false}
        transforms:
          - type: aggregate
            group_by: [customer]
            aggregates: {total: sum(amount), orders: count(*)}
        sink: {type: table, table: gold.totals, mode: overwrite, compression: zstd}
      silver_other:
        source:
          type: csv
          path: other/*.csv
          schema: {k: int64 not null}
        sink: {type: table, table: bronze.other}

    """

    static func csv(_ ids: Range<Int>) -> String {
        "id,customer,amount\n" + ids.map { "\($0),c\($0 % 5),\($0).25" }.joined(separator: "\n") + "\n"
    }

    static func project() throws -> StrataProject {
        let p = try StrataProject("interop")
        try p.write("pipelines.yaml", pipelines)
        try p.write("landing/a.csv", csv(0..<100))
        try p.write("other/k.csv", "k\n1\n2\n")
        return p
    }

    func run(_ p: StrataProject, _ args: String...) throws -> TestProcess.Result {
        try p.strata(args: ["run"] + args)
    }

    /// The ids in a table as delta-rs reads it, and whether any repeats.
    static let ids = """
    import sys, json
    from deltalake import DeltaTable
    t = DeltaTable(sys.argv[1] + '/datalake/' + sys.argv[2]).to_pyarrow_table()
    ids = t.column('id').to_pylist()
    print(json.dumps({'count': len(ids), 'distinct': len(set(ids)), 'max': max(ids) if ids else None}))
    """

    func ids(_ p: StrataProject, _ table: String) throws -> [String: Int] {
        try p.pythonJSON(Self.ids, [table]) as! [String: Int]
    }

    @Test func foreignAppendsCompactionsCheckpointsAndVacuumReadOnce() throws {
        let p = try Self.project()
        var r = try run(p)
        #expect(r.status == 0, "\(r.stderr)")
        // delta-rs appends twice (SNAPPY by default, then ZSTD) and compacts (dataChange: false):
        // the appended files are compacted away before strata read them.
        try p.python("""
        import sys
        import pyarrow as pa
        from deltalake import write_deltalake, DeltaTable, WriterProperties
        path = sys.argv[1] + '/datalake/bronze/orders'
        t = DeltaTable(path).to_pyarrow_table()
        def shifted(k):
            return t.set_column(t.schema.get_field_index('id'), 'id', pa.array([i + k for i in t.column('id').to_pylist()], pa.int64()))
        write_deltalake(path, shifted(1000), mode='append')
        write_deltalake(path, shifted(2000), mode='append', writer_properties=WriterProperties(compression='ZSTD'))
        DeltaTable(path).optimize.compact()
        """)
        r = try run(p)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("rebuilding"), "a compaction needs no rebuild: \(r.stderr)")
        var silver = try ids(p, "silver/orders")
        #expect(silver == ["count": 300, "distinct": 300, "max": 2099], "each foreign row once, compaction adds none")
        // One more foreign append, then a checkpoint and a log cleanup: only the checkpoint keeps
        // the early history (strata's own commits with the pipelines' state included).
        try p.python("""
        import sys
        import pyarrow as pa
        from deltalake import write_deltalake, DeltaTable
        path = sys.argv[1] + '/datalake/bronze/orders'
        write_deltalake(path, pa.table({'id': pa.array([3000], pa.int64()), 'customer': ['c9'], 'amount': pa.array([1], pa.decimal128(12, 2)),
                                        '_ingested_at': pa.array([0], pa.timestamp('us', tz='UTC')), '_source_file': ['x'], '_run_id': ['r']}),
                        mode='append')
        dt = DeltaTable(path)
        dt.alter.set_table_properties({'delta.logRetentionDuration': 'interval 0 seconds'})
        dt = DeltaTable(path)
        dt.create_checkpoint()
        dt.cleanup_metadata()
        """)
        #expect(!FileManager.default.fileExists(atPath: p.root + "/datalake/bronze/orders/_delta_log/" + String(format: "%020d.json", 0)))
        let show = try p.strata("show", "bronze.orders", "--limit", "3")
        #expect(show.status == 0, "\(show.stderr)")
        let tables = try p.strata("tables")
        #expect(tables.status == 0 && tables.stdout.contains("bronze.orders"), "\(tables.stderr)")
        r = try run(p)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("voided"), "commits cleaned from the log still landed: \(r.stderr)")
        silver = try ids(p, "silver/orders")
        #expect(silver == ["count": 301, "distinct": 301, "max": 3000])
        #expect(try ids(p, "bronze/orders") == ["count": 301, "distinct": 301, "max": 3000], "bronze did not ingest its files again")
        // New rows after the compaction, then a vacuum removes the compacted-away files.
        try p.write("landing/b.csv", Self.csv(100..<150))
        r = try run(p)
        #expect(r.status == 0, "\(r.stderr)")
        try p.python("""
        import sys
        from deltalake import DeltaTable
        DeltaTable(sys.argv[1] + '/datalake/bronze/orders').vacuum(retention_hours=0, enforce_retention_duration=False, dry_run=False)
        """)
        r = try run(p)
        #expect(r.status == 0, "\(r.stderr)")
        silver = try ids(p, "silver/orders")
        #expect(silver == ["count": 351, "distinct": 351, "max": 3000])
        let gold = try p.pythonJSON("""
        import sys, json
        from deltalake import DeltaTable
        t = DeltaTable(sys.argv[1] + '/datalake/gold/totals').to_pyarrow_table()
        print(json.dumps(sum(t.column('orders').to_pylist())))
        """) as! Int
        #expect(gold == 351)
        let audit = try p.strata("audit", "verify")
        #expect(audit.status == 0, "\(audit.stdout)\(audit.stderr)")
    }

    @Test func constraintsQuarantineRowsAndAppendOnlyRefusesOverwrite() throws {
        let p = try Self.project()
        #expect(try run(p).status == 0)
        try p.python("""
        import sys
        from deltalake import DeltaTable
        DeltaTable(sys.argv[1] + '/datalake/silver/orders').alter.add_constraint({'amount_positive': 'amount > 0', 'id_small': 'id < 1000'})
        """)
        try p.write("landing/b.csv", "id,customer,amount\n500,c1,-3.00\n501,c2,4.00\n5000,c3,1.00\n502,c4,\n")
        var r = try run(p, "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let silver = try ids(p, "silver/orders")
        #expect(silver["count"] == 101, "only 501 passes both constraints (a null amount is not > 0)")
        let q = try p.pythonJSON("""
        import sys, json
        from deltalake import DeltaTable
        t = DeltaTable(sys.argv[1] + '/datalake/quarantine/silver_orders').to_pyarrow_table()
        print(json.dumps(sorted(t.column('_reason').to_pylist())))
        """) as! [String]
        #expect(q.count == 3)
        #expect(q.filter { $0.contains("CHECK constraint 'amount_positive'") }.count == 2, "\(q)")
        #expect(q.contains { $0.contains("CHECK constraint 'id_small'") && $0.contains("id < 1000") }, "\(q)")
        // Append-only: a full refresh would remove rows, so it is refused and the table kept.
        try p.python("""
        import sys
        from deltalake import DeltaTable
        DeltaTable(sys.argv[1] + '/datalake/silver/orders').alter.set_table_properties({'delta.appendOnly': 'true'})
        """)
        r = try run(p, "--full-refresh", "silver_orders")
        #expect(r.status != 0)
        #expect(r.stderr.contains("append-only"), "\(r.stderr)")
        #expect(try ids(p, "silver/orders")["count"] == 101)
        // Appends still work on the append-only table.
        try p.write("landing/c.csv", "id,customer,amount\n600,c1,6.00\n")
        r = try run(p)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try ids(p, "silver/orders")["count"] == 102)
    }

    @Test func unsupportedFeaturesAreRefusedAndTheRestOfTheLakeWorks() throws {
        let p = try Self.project()
        #expect(try run(p).status == 0)
        // A change data feed raises the writer protocol; strata cannot write CDC files.
        try p.python("""
        import sys
        from deltalake import DeltaTable
        DeltaTable(sys.argv[1] + '/datalake/silver/orders').alter.set_table_properties({'delta.enableChangeDataFeed': 'true'})
        """)
        try p.write("landing/b.csv", Self.csv(100..<110))
        try p.write("other/m.csv", "k\n3\n")
        var r = try run(p)
        #expect(r.status != 0)
        #expect(r.stderr.contains("changeDataFeed"), "\(r.stderr)")
        #expect(try ids(p, "silver/orders")["count"] == 100, "nothing written to the refused table")
        #expect(try ids(p, "bronze/orders")["count"] == 110, "the pipeline before it ran")
        let other = try p.pythonJSON("""
        import sys, json
        from deltalake import DeltaTable
        print(json.dumps(DeltaTable(sys.argv[1] + '/datalake/bronze/other').to_pyarrow_table().num_rows))
        """) as! Int
        #expect(other == 3, "an unrelated pipeline ran")
        // A table whose reader features strata cannot read: listed as unreadable, others listed.
        let log = p.root + "/datalake/bronze/other/_delta_log/"
        let next = try FileManager.default.contentsOfDirectory(atPath: log).filter { $0.hasSuffix(".json") }.count
        try p.write("datalake/bronze/other/_delta_log/" + String(format: "%020d.json", next),
                    #"{"protocol":{"minReaderVersion":3,"minWriterVersion":7,"readerFeatures":["v2Checkpoint"],"writerFeatures":["v2Checkpoint"]}}"# + "\n")
        r = try p.strata("tables")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("bronze.orders") && r.stdout.contains("unreadable"), "\(r.stdout)")
        #expect(r.stderr.contains("v2Checkpoint"), "\(r.stderr)")
        r = try p.strata("show", "bronze.other")
        #expect(r.status != 0 && r.stderr.contains("v2Checkpoint"), "\(r.stderr)")
        #expect(try p.strata("show", "bronze.orders").status == 0)
        // A run fails only the pipeline that writes the unreadable table; the others run.
        try p.write("other/n.csv", "k\n4\n")
        try p.write("landing/c.csv", Self.csv(200..<205))
        r = try p.strata("run", "--json")
        #expect(r.status == 1)
        let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let status = Dictionary(uniqueKeysWithValues: (report["pipelines"] as! [[String: Any]]).map { ($0["pipeline"] as! String, $0["status"] as! String) })
        #expect(status["silver_other"] == "failed" && status["bronze_orders"] == "committed", "\(status)")
        #expect(try ids(p, "bronze/orders")["count"] == 115)
    }

    /// Strata's SNAPPY and ZSTD tables read equal in deltalake, DuckDB, pyarrow and Spark.
    @Test func snappyAndZstdOutputReadsEqualEverywhere() throws {
        let p = try Self.project()
        try p.write("landing/b.csv", Self.csv(100..<5000))
        #expect(try run(p).status == 0)
        let out = try p.pythonJSON("""
        import sys, json, hashlib, glob
        import duckdb, pyarrow.parquet as pq
        from deltalake import DeltaTable
        from pyspark.sql import SparkSession
        root = sys.argv[1]
        spark = SparkSession.builder.master('local[1]').config('spark.ui.enabled', 'false').config('spark.sql.session.timeZone', 'UTC').getOrCreate()
        spark.sparkContext.setLogLevel('ERROR')
        def digest(rows):
            return hashlib.sha256('\\n'.join(sorted('|'.join('' if v is None else str(v) for v in r) for r in rows)).encode()).hexdigest()
        res = {}
        for table, cols in [('silver/orders', ['id', 'customer', 'amount']), ('gold/totals', ['customer', 'total', 'orders'])]:
            dt = DeltaTable(f'{root}/datalake/{table}')
            files = dt.file_uris()
            codecs = sorted({pq.ParquetFile(f).metadata.row_group(0).column(0).compression for f in files})
            t = dt.to_pyarrow_table()
            a = digest(zip(*[t.column(c).to_pylist() for c in cols]))
            pa_rows = pq.read_table(files).select(cols)
            b = digest(zip(*[pa_rows.column(c).to_pylist() for c in cols]))
            flist = ', '.join(f"'{f}'" for f in files)
            c = digest(duckdb.sql(f"select {', '.join(cols)} from read_parquet([{flist}])").fetchall())
            d = digest([tuple(r) for r in spark.read.parquet(*files).select(*cols).collect()])
            res[table] = {'codecs': codecs, 'rows': t.num_rows, 'deltalake': a, 'pyarrow': b, 'duckdb': c, 'spark': d}
        print(json.dumps(res))
        """) as! [String: [String: Any]]
        #expect(out["silver/orders"]?["codecs"] as? [String] == ["SNAPPY"])
        #expect(out["gold/totals"]?["codecs"] as? [String] == ["ZSTD"])
        #expect(out["silver/orders"]?["rows"] as? Int == 5000)
        for (table, r) in out {
            let d = r["deltalake"] as? String
            #expect(d != nil && r["pyarrow"] as? String == d && r["duckdb"] as? String == d && r["spark"] as? String == d, "\(table): \(r)")
        }
    }
}
