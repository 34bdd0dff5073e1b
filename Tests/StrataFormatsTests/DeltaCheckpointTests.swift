import Foundation
import Testing
import StrataCore
import StrataTestSupport
@testable import StrataFormats
import StrataCommit

/// Tables whose history starts at a Parquet checkpoint (delta-rs wrote it, then cleaned up the
/// JSON commits before it): Strata's snapshot must list exactly delta-rs's live files and read
/// the same rows, from classic and multi-part checkpoints.
@Suite struct DeltaCheckpointTests {
    /// Builds a partitioned table (nulls in the partition column, a txn marker), compacts it,
    /// checkpoints, appends once more and cleans up the log; prints delta-rs's view of it.
    static let build = """
    import sys, json, os, glob
    import pyarrow as pa, pyarrow.parquet as pq
    from deltalake import write_deltalake, DeltaTable, CommitProperties, Transaction
    path, split = sys.argv[1], sys.argv[2] == 'split'
    def batch(k):
        ids = list(range(k * 100, k * 100 + 100))
        return pa.table({'id': pa.array(ids, pa.int64()), 'name': pa.array([f'n{i}' if i % 7 else None for i in ids]),
                         'p': pa.array([['a', 'b', None][i % 3] for i in ids])})
    write_deltalake(path, batch(0), mode='append', partition_by=['p'],
                    configuration={'delta.logRetentionDuration': 'interval 0 seconds'})
    for k in range(1, 4):
        write_deltalake(path, batch(k), mode='append', partition_by=['p'],
                        commit_properties=CommitProperties(app_transactions=[Transaction(app_id='strata/x', version=k)]))
    dt = DeltaTable(path)
    dt.optimize.compact()
    dt.delete('id < 50')
    dt = DeltaTable(path)
    dt.create_checkpoint()
    write_deltalake(path, batch(9), mode='append', partition_by=['p'])
    DeltaTable(path).cleanup_metadata()
    log = path + '/_delta_log'
    if split:
        # The same checkpoint as two parts (the multi-part layout), the classic file removed.
        cp = glob.glob(log + '/*.checkpoint.parquet')[0]
        v = os.path.basename(cp).split('.')[0]
        t = pq.read_table(cp)
        half = t.num_rows // 2
        pq.write_table(t.slice(0, half), f'{log}/{v}.checkpoint.0000000001.0000000002.parquet')
        pq.write_table(t.slice(half), f'{log}/{v}.checkpoint.0000000002.0000000002.parquet')
        os.remove(cp)
        # An incomplete part set of a later version must be ignored.
        pq.write_table(t.slice(0, 1), f'{log}/00000000000000000099.checkpoint.0000000001.0000000003.parquet')
    dt = DeltaTable(path)
    rows = dt.to_pyarrow_table()
    print(json.dumps({'version': dt.version(), 'files': sorted(dt.file_uris()), 'log': sorted(os.listdir(log)),
                      'ids': sorted(rows.column('id').to_pylist()), 'txn': dt.transaction_version('strata/x')}))
    """

    @Test(.enabled(if: PythonOracle.available), arguments: ["classic", "split"])
    func checkpointOnlyHistoryReadsLikeDeltaRs(layout: String) throws {
        let dir = try TempDir("delta-cp")
        let out = try PythonOracle.json(Self.build, [dir.path, layout]) as! [String: Any]
        let log = DeltaLog(tablePath: dir.path)
        let logFiles = out["log"] as! [String]
        #expect(!logFiles.contains(DeltaLog.commitFileName(0)), "the early commits were cleaned up")
        let snap = try log.snapshot()
        #expect(snap.version == Int64(out["version"] as! Int))
        let files = (out["files"] as! [String]).map { URL(string: $0)?.path ?? $0 }.sorted()
        #expect(snap.files.map { URL(fileURLWithPath: dir.path + "/" + $0.path).standardizedFileURL.path }.sorted()
                == files.map { URL(fileURLWithPath: $0).standardizedFileURL.path })
        #expect(snap.metadata.partitionColumns == ["p"])
        #expect(snap.txnVersions["strata/x"] == 3, "txn markers come from the checkpoint")
        let reader = try DeltaTableReader(tablePath: dir.path)
        var ids: [Int64] = []
        while let b = try reader.next() {
            let c = b.column(named: "id")!
            ids += (0..<b.rowCount).map { if case .int(let v) = c.value($0) { return v } else { return -1 } }
        }
        #expect(ids.sorted() == (out["ids"] as! [Int]).map(Int64.init))
        // Versions before the checkpoint are gone; asking for one says so.
        let old = #expect(throws: StrataError.self) { try log.snapshot(at: 1) }
        #expect(old?.code == .notFound)
        #expect(old?.message.contains("cleaned up") == true)
        #expect(try log.history().count >= 2)
    }
}

/// Checkpoints Strata writes: delta-rs reads the table from the checkpoint alone (its JSON
/// commits removed) to the same files and rows, and Strata's own snapshot from it equals the
/// one replayed from every commit.
@Suite struct DeltaCheckpointWriteTests {
    static let schema = Schema([Field("id", .int64, nullable: false), Field("name", .string), Field("p", .string)])

    static func batch(_ ids: Range<Int>) -> Batch {
        var id = ColumnBuilder(type: .int64, capacity: ids.count)
        var name = ColumnBuilder(type: .string, capacity: ids.count)
        var p = ColumnBuilder(type: .string, capacity: ids.count)
        for i in ids {
            id.append(.int(Int64(i)))
            name.append(i % 4 == 0 ? .null : .string("n\(i) ü"))
            p.append(i % 3 == 0 ? .null : .string(["a", "b c"][i % 2]))
        }
        return Batch(schema: schema, columns: [id.finish(), name.finish(), p.finish()])
    }

    @Test(.enabled(if: PythonOracle.available))
    func deltaRsReadsStrataCheckpoints() throws {
        let dir = try TempDir("delta-cpw")
        let table = TableRef(layer: .silver, name: "t")
        var opts = TableWriteOptions()
        opts.partitionBy = ["p"]
        opts.checkpointInterval = 5
        var checkpoints: [Int64] = []
        for k in 0..<12 {
            var o = opts
            if k == 7 { o.mode = .overwrite }  // tombstones for every earlier file
            let w = try DeltaTableWriter(table: table, tablePath: dir.path, schema: Self.schema, options: o)
            try w.write(Self.batch((k * 50)..<(k * 50 + 50)))
            let s = try w.commit(CommitContext(operation: "WRITE", appId: "strata/t", txnVersion: Int64(k)))
            if let c = s.checkpoint { checkpoints.append(c) }
        }
        #expect(checkpoints == [5, 10])
        let log = DeltaLog(tablePath: dir.path)
        let full = try log.snapshot()
        // The same table with only the checkpoint and the commits after it.
        let copy = try TempDir("delta-cpw-copy")
        try FileManager.default.removeItem(atPath: copy.path)
        try FileManager.default.copyItem(atPath: dir.path, toPath: copy.path)
        for v in 0...10 { try FileManager.default.removeItem(atPath: DeltaLog(tablePath: copy.path).commitPath(Int64(v))) }
        let fromCheckpoint = try DeltaLog(tablePath: copy.path).snapshot()
        #expect(fromCheckpoint.version == full.version)
        #expect(Set(fromCheckpoint.files) == Set(full.files))
        #expect(fromCheckpoint.txnVersions == full.txnVersions)
        #expect(fromCheckpoint.metadata == full.metadata)
        #expect(fromCheckpoint.tableProtocol == full.tableProtocol)
        let out = try PythonOracle.json("""
        import sys, json, glob
        import pyarrow.parquet as pq
        from deltalake import DeltaTable
        dt = DeltaTable(sys.argv[1])
        t = dt.to_pyarrow_table()
        cp = pq.read_table(glob.glob(sys.argv[1] + '/_delta_log/*10.checkpoint.parquet')[0])
        print(json.dumps({'version': dt.version(), 'rows': t.num_rows, 'ids': sorted(t.column('id').to_pylist()),
                          'nulls': t.column('p').null_count, 'files': len(dt.file_uris()), 'txn': dt.transaction_version('strata/t'),
                          'cp_rows': cp.num_rows, 'cp_columns': cp.column_names, 'partitions': dt.metadata().partition_columns}))
        """, [copy.path]) as! [String: Any]
        #expect(out["version"] as? Int == 11)
        #expect(out["ids"] as? [Int] == Array(350..<600), "rows since the overwrite at version 7")
        #expect(out["files"] as? Int == full.files.count)
        #expect(out["nulls"] as? Int == (350..<600).filter { $0 % 3 == 0 }.count, "null partition values survive the checkpoint")
        #expect(out["txn"] as? Int == 11)
        #expect(out["partitions"] as? [String] == ["p"])
        #expect(out["cp_columns"] as? [String] == ["txn", "add", "remove", "metaData", "protocol"])
        #expect((out["cp_rows"] as? Int ?? 0) > full.files.count, "tombstones are kept")
    }

    /// A checkpoint of another writer's table keeps what that writer declared: an `integer`
    /// column stays `integer` (Strata reads it as int64) and each file's stats text is unchanged.
    @Test(.enabled(if: PythonOracle.available))
    func checkpointsKeepForeignSchemaAndStats() throws {
        let dir = try TempDir("delta-cp-foreign")
        let out = try PythonOracle.json("""
        import sys, json, glob
        import pyarrow as pa, pyarrow.parquet as pq
        from deltalake import write_deltalake, DeltaTable
        write_deltalake(sys.argv[1], pa.table({'n': pa.array([1, 2], pa.int32()), 'f': pa.array([0.5, 1.5], pa.float32())}))
        commit = [json.loads(l) for l in open(sys.argv[1] + '/_delta_log/00000000000000000000.json')]
        print(json.dumps({'schema': next(a['metaData']['schemaString'] for a in commit if 'metaData' in a),
                          'stats': [a['add']['stats'] for a in commit if 'add' in a]}))
        """, [dir.path]) as! [String: Any]
        _ = try DeltaLog(tablePath: dir.path).writeCheckpoint()
        let cp = try PythonOracle.json("""
        import sys, json, glob
        import pyarrow.parquet as pq
        t = pq.read_table(glob.glob(sys.argv[1] + '/_delta_log/*.checkpoint.parquet')[0]).to_pylist()
        print(json.dumps({'schema': next(r['metaData']['schemaString'] for r in t if r['metaData']),
                          'stats': [r['add']['stats'] for r in t if r['add']]}))
        """, [dir.path]) as! [String: Any]
        #expect(cp["schema"] as? String == out["schema"] as? String)
        #expect((cp["schema"] as? String)?.contains("\"integer\"") == true)
        #expect(cp["stats"] as? [String] == out["stats"] as? [String])
    }

    /// A damaged checkpoint makes the snapshot throw, never trap or list wrong files silently:
    /// every flip either reads to the same live files or fails with a data error.
    @Test func damagedCheckpointsThrowNeverTrap() throws {
        let dir = try TempDir("delta-cpw-fuzz")
        let table = TableRef(layer: .silver, name: "t")
        var o = TableWriteOptions()
        o.partitionBy = ["p"]
        o.checkpointInterval = 3
        for k in 0..<4 {
            let w = try DeltaTableWriter(table: table, tablePath: dir.path, schema: Self.schema, options: o)
            try w.write(Self.batch((k * 10)..<(k * 10 + 10)))
            _ = try w.commit(CommitContext(operation: "WRITE"))
        }
        let log = DeltaLog(tablePath: dir.path)
        let expected = Set(try log.snapshot().files.map(\.path))
        let cp = try #require(try log.latestCheckpoint())
        let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: cp.parts[0])))
        var x: UInt64 = 99
        var detected = 0
        for i in 0..<300 {
            var bytes = good
            if i % 3 == 0 {
                bytes = Array(bytes.prefix(Int(x >> 40) % bytes.count))
            } else {
                bytes[Int(x >> 33) % bytes.count] ^= UInt8(truncatingIfNeeded: x >> 17) | 1
            }
            x = x &* 6_364_136_223_846_793_005 &+ 1
            try Data(bytes).write(to: URL(fileURLWithPath: cp.parts[0]))
            do {
                let files = Set(try log.snapshot().files.map(\.path))
                // A flip inside a string value can change a path; it cannot add or lose a file.
                #expect(files.count == expected.count)
            } catch let e as StrataError {
                #expect([.corruptData, .schemaMismatch, .unsupported, .notFound].contains(e.code), "\(e)")
                detected += 1
            }
        }
        #expect(detected > 50)
    }
}
