import Foundation
import Testing
import StrataCore
import StrataTestSupport
@testable import StrataFormats

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
