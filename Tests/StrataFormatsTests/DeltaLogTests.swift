import Foundation
import Testing
import StrataCore
import StrataTestSupport
@testable import StrataFormats
import StrataCommit

/// A Delta table written through `DeltaLog` with Parquet files made by pyarrow, read back by
/// Strata's own replay and by delta-rs (`deltalake`) as the independent reader.
@Suite struct DeltaLogTests {
    static let schema = Schema([
        Field("id", .int64, nullable: false),
        Field("name", .string),
        Field("amount", .decimal(precision: 12, scale: 2)),
        Field("day", .date),
        Field("ts", .timestamp),
        Field("country", .string),
    ])

    /// Writes a Parquet file of `ids` (file schema = table schema minus `country`) with pyarrow.
    static func writeParquet(_ path: String, ids: [Int]) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try PythonOracle.run("""
        import sys, json, datetime, decimal
        import pyarrow as pa, pyarrow.parquet as pq
        ids = json.loads(sys.argv[2])
        t = pa.table({
            'id': pa.array(ids, pa.int64()),
            'name': pa.array(['n%d' % i if i % 2 else None for i in ids], pa.string()),
            'amount': pa.array([decimal.Decimal(i * 100 + 5) / 100 for i in ids], pa.decimal128(12, 2)),
            'day': pa.array([datetime.date(2025, 1, 1) + datetime.timedelta(days=i) for i in ids], pa.date32()),
            'ts': pa.array([i * 1_000_001 for i in ids], pa.timestamp('us', tz='UTC')),
        })
        pq.write_table(t, sys.argv[1], compression='gzip')
        """, [path, "\(ids)"])
    }

    static func fileSize(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? -1
    }

    /// Column stats of the rows `writeParquet` writes, as the Parquet writer would report them.
    static func stats(ids: [Int]) -> DeltaFileStats {
        let named = ids.filter { $0 % 2 == 1 }.map { "n\($0)" }.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) })
        let cols: [ColumnStats] = [
            ColumnStats(nullCount: 0, min: .int(Int64(ids.min()!)), max: .int(Int64(ids.max()!))),
            ColumnStats(nullCount: ids.count - named.count, min: named.first.map { .string($0) }, max: named.last.map { .string($0) }),
            ColumnStats(nullCount: 0, min: .decimal(Int64(ids.min()! * 100 + 5), scale: 2), max: .decimal(Int64(ids.max()! * 100 + 5), scale: 2)),
            ColumnStats(nullCount: 0, min: .date(Int32(20089 + ids.min()!)), max: .date(Int32(20089 + ids.max()!))),
            ColumnStats(nullCount: 0, min: .timestamp(Int64(ids.min()! * 1_000_001)), max: .timestamp(Int64(ids.max()! * 1_000_001))),
        ]
        return DeltaFileStats(numRecords: ids.count, schema: Schema(Array(schema.fields.prefix(5))), columnStats: cols)
    }

    static func add(_ dir: TempDir, _ rel: String, country: String?, ids: [Int]) throws -> DeltaAddFile {
        let full = dir.path + "/" + rel
        try writeParquet(full, ids: ids)
        return DeltaAddFile(path: rel, partitionValues: ["country": country], size: try fileSize(full),
                            modificationTime: 1_700_000_000_000, dataChange: true, stats: stats(ids: ids))
    }

    /// deltalake 1.6 sometimes aborts in interpreter teardown ("terminate called without an
    /// active exception") after printing its answer; exiting directly avoids the flaky failure.
    static let exitQuietly = "import os; sys.stdout.flush(); os._exit(0)"

    static func metadata() -> DeltaMetadata {
        DeltaMetadata(id: "6a0e0a5f-7a43-4a8e-9d55-1d4c3b3a2b10", name: "orders", schema: schema,
                      partitionColumns: ["country"], configuration: [:], createdTime: 1_700_000_000_000)
    }

    static func info(_ op: String, rows: Int) -> DeltaAction {
        .commitInfo(DeltaCommitInfo(timestamp: 1_700_000_000_000, operation: op, operationParameters: ["mode": "Append"],
                                    fields: ["pipeline": .string("bronze_orders"), "runId": .string("r1"), "rows": .int(Int64(rows))]))
    }

    @Test(.enabled(if: PythonOracle.available))
    func deltaRsReadsVersionsSchemaFilesRowsAndTimeTravel() throws {
        let dir = try TempDir("delta")
        let log = DeltaLog(tablePath: dir.path)
        #expect(!log.exists())
        #expect(try log.latestVersion() == nil)

        let uuid1 = "11111111-2222-3333-4444-555555555555"
        let rel1 = DeltaPartitions.partFilePath(partitions: [("country", "US")], index: 0, uuid: uuid1)
        let a1 = try Self.add(dir, rel1, country: "US", ids: [1, 2, 3])
        let v0 = try log.commit([Self.info("WRITE", rows: 3), DeltaAction.strataProtocol, .metaData(Self.metadata()), .add(a1),
                                 .txn(appId: "bronze_orders", version: 1, lastUpdated: 1_700_000_000_000)],
                                readVersion: nil, isBlindAppend: false)
        #expect(v0 == 0)

        // A partition value that needs Hive escaping in the folder and URI-encoding in the log.
        let odd = "a b:c%"
        let rel2 = DeltaPartitions.partFilePath(partitions: [("country", odd)], index: 0, uuid: "99999999-2222-3333-4444-555555555555")
        #expect(rel2.hasPrefix("country=a b%3Ac%25/"))
        let a2 = try Self.add(dir, rel2, country: odd, ids: [10, 11])
        let rel3 = DeltaPartitions.partFilePath(partitions: [("country", nil)], index: 1, uuid: uuid1)
        let a3 = try Self.add(dir, rel3, country: nil, ids: [20])
        let v1 = try log.commit([Self.info("WRITE", rows: 3), .add(a2), .add(a3), .txn(appId: "bronze_orders", version: 2, lastUpdated: nil)],
                                readVersion: 0, isBlindAppend: true)
        #expect(v1 == 1)

        let line = try String(contentsOfFile: log.commitPath(1), encoding: .utf8)
        #expect(line.contains("\"path\":\"country=a%20b%253Ac%2525/part-00000-99999999"))

        let out = try PythonOracle.json("""
        import sys, json
        from deltalake import DeltaTable
        dt = DeltaTable(sys.argv[1])
        old = DeltaTable(sys.argv[1], version=0)
        t = dt.to_pyarrow_table()
        import pyarrow as pa
        adds = pa.table(dt.get_add_actions(flatten=True)).to_pydict()
        print(json.dumps({
          "version": dt.version(),
          "fields": [[f.name, str(f.type.type), f.nullable] for f in dt.schema().fields],
          "partitionColumns": dt.metadata().partition_columns,
          "rows": t.num_rows,
          "ids": sorted(t.column('id').to_pylist()),
          "countries": sorted([c or '' for c in t.column('country').to_pylist()]),
          "amountSum": str(sum(t.column('amount').to_pylist())),
          "files": len(dt.file_uris()),
          "v0rows": old.to_pyarrow_table().num_rows,
          "v0version": old.version(),
          "txn": dt.transaction_version('bronze_orders'),
          "numRecords": sorted(adds['num_records']),
          "statValues": sum(1 for k in adds if k.startswith(('min.', 'max.')) for v in adds[k] if v is not None),
          "nullCountId": sorted(adds['null_count.id']),
          "history": [h.get('operation') for h in dt.history()],
          "pipeline": dt.history()[0].get('pipeline'),
        }))
        \(Self.exitQuietly)
        """, [dir.path]) as! [String: Any]
        #expect(out["version"] as? Int == 1)
        let fields = out["fields"] as? [[Any]] ?? []
        #expect(fields.map { $0[0] as? String } == ["id", "name", "amount", "day", "ts", "country"])
        #expect(fields.map { $0[1] as? String } == ["long", "string", "decimal(12,2)", "date", "timestamp", "string"])
        #expect(fields.map { $0[2] as? Bool } == [false, true, true, true, true, true])
        #expect(out["partitionColumns"] as? [String] == ["country"])
        #expect(out["rows"] as? Int == 6)
        #expect(out["ids"] as? [Int] == [1, 2, 3, 10, 11, 20])
        #expect(out["countries"] as? [String] == ["", "US", "US", "US", odd, odd])
        #expect(out["amountSum"] as? String == "47.30")
        #expect(out["files"] as? Int == 3)
        #expect(out["v0rows"] as? Int == 3)
        #expect(out["v0version"] as? Int == 0)
        #expect(out["txn"] as? Int == 2)
        #expect(out["numRecords"] as? [Int] == [1, 2, 3])
        // The log carries counts only, never a column value (see DeltaFileStats).
        #expect(out["statValues"] as? Int == 0, "\(out)")
        #expect(out["nullCountId"] as? [Int] == [0, 0, 0], "\(out)")
        #expect(out["history"] as? [String] == ["WRITE", "WRITE"])
        #expect(out["pipeline"] as? String == "bronze_orders")

        // Strata's own replay agrees.
        let snap = try log.snapshot()
        #expect(snap.version == 1)
        #expect(snap.schema == Self.schema)
        #expect(snap.metadata.partitionColumns == ["country"])
        #expect(snap.files.map(\.path) == [rel1, rel2, rel3])
        #expect(snap.files.map { $0.partitionValues["country"] ?? "missing" } == ["US", odd, nil])
        #expect(snap.numRecords == 6)
        #expect(snap.files[0].stats == Self.stats(ids: [1, 2, 3]))
        #expect(snap.txnVersions["bronze_orders"] == 2)
        #expect(snap.hasCommitted(appId: "bronze_orders", version: 2))
        #expect(!snap.hasCommitted(appId: "bronze_orders", version: 3))
        #expect(try log.snapshot(at: 0).files.count == 1)
        #expect(try log.snapshot(at: 0).txnVersions["bronze_orders"] == 1)

        // Removing a file: gone from the latest snapshot, still there when travelling back.
        let v2 = try log.commit([Self.info("DELETE", rows: 0), .remove(DeltaRemoveFile(removing: a1, at: 1_700_000_001_000))],
                                readVersion: 1, isBlindAppend: false)
        #expect(v2 == 2)
        #expect(try log.snapshot().files.map(\.path) == [rel2, rel3])
        #expect(try log.snapshot(at: 1).files.count == 3)
        let after = try PythonOracle.json("""
        import sys, json
        from deltalake import DeltaTable
        dt = DeltaTable(sys.argv[1])
        print(json.dumps([dt.version(), dt.to_pyarrow_table().num_rows, DeltaTable(sys.argv[1], version=1).to_pyarrow_table().num_rows]))
        \(Self.exitQuietly)
        """, [dir.path]) as? [Int]
        #expect(after == [2, 3, 6])

        let history = try log.history()
        #expect(history.map(\.version) == [2, 1, 0])
        #expect(history.map(\.operation) == ["DELETE", "WRITE", "WRITE"])
        #expect(history[1].isBlindAppend == true)
        #expect(history[2].fields["runId"] == .string("r1"))
        #expect(history[2].operationParameters["mode"] == "Append")
    }

    static func newTable(_ dir: TempDir) throws -> DeltaLog {
        let log = DeltaLog(tablePath: dir.path + "/t")
        let schema = Schema([Field("id", .int64)])
        try log.commit([DeltaAction.strataProtocol, .metaData(DeltaMetadata(id: "t", schema: schema))], readVersion: nil, isBlindAppend: false)
        return log
    }

    static func fakeAdd(_ name: String) -> DeltaAction {
        .add(DeltaAddFile(path: name, size: 10, modificationTime: 0, stats: DeltaFileStats(numRecords: 1)))
    }

    @Test func losingARaceConflictsUnlessBlindAppend() throws {
        let dir = try TempDir("delta")
        _ = try Self.newTable(dir)
        let a = DeltaLog(tablePath: dir.path + "/t")
        let b = DeltaLog(tablePath: dir.path + "/t")
        #expect(try a.commit([Self.fakeAdd("a.parquet")], readVersion: 0, isBlindAppend: false) == 1)
        // b also read version 0: as a non-blind write it must fail cleanly…
        let e = #expect(throws: StrataError.self) {
            try b.commit([Self.fakeAdd("b.parquet")], readVersion: 0, isBlindAppend: false)
        }
        #expect(e?.code == .conflict)
        #expect(try a.latestVersion() == 1)
        // …and as a blind append it lands on the next free version.
        #expect(try b.commit([Self.fakeAdd("b.parquet")], readVersion: 0, isBlindAppend: true) == 2)
        #expect(try a.snapshot().files.map(\.path) == ["a.parquet", "b.parquet"])
        // Creating a table that already exists is a conflict, never an overwrite.
        let c = #expect(throws: StrataError.self) {
            try b.commit([DeltaAction.strataProtocol, .metaData(DeltaMetadata(id: "x", schema: Schema([])))], readVersion: nil, isBlindAppend: true)
        }
        #expect(c?.code == .conflict)
        #expect(try a.snapshot(at: 0).metadata.id == "t")
        // No temporary files are left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: a.logPath)
        #expect(names.sorted() == ["00000000000000000000.json", "00000000000000000001.json", "00000000000000000002.json"])
    }

    @Test func blindAppendStillConflictsOnSchemaChangeOrSameApp() throws {
        let dir = try TempDir("delta")
        let log = try Self.newTable(dir)
        try log.commit([.metaData(DeltaMetadata(id: "t", schema: Schema([Field("id", .int64), Field("x", .string)])))],
                       readVersion: 0, isBlindAppend: false)
        let e = #expect(throws: StrataError.self) {
            try log.commit([Self.fakeAdd("late.parquet")], readVersion: 0, isBlindAppend: true)
        }
        #expect(e?.code == .conflict)
        try log.commit([Self.fakeAdd("p.parquet"), .txn(appId: "app", version: 7, lastUpdated: nil)], readVersion: 1, isBlindAppend: true)
        let f = #expect(throws: StrataError.self) {
            try log.commit([Self.fakeAdd("q.parquet"), .txn(appId: "app", version: 7, lastUpdated: nil)], readVersion: 1, isBlindAppend: true)
        }
        #expect(f?.code == .conflict)
        #expect(try log.latestVersion() == 2)
    }

    @Test func concurrentBlindAppendsAllLandOnDistinctVersions() throws {
        let dir = try TempDir("delta")
        _ = try Self.newTable(dir)
        let path = dir.path + "/t"
        let n = 12
        let results = UnsafeMutableBufferPointer<Int64>.allocate(capacity: n)
        defer { results.deallocate() }
        nonisolated(unsafe) let out = results
        DispatchQueue.concurrentPerform(iterations: n) { i in
            let log = DeltaLog(tablePath: path)
            out[i] = (try? log.commit([Self.fakeAdd("f\(i).parquet")], readVersion: 0, isBlindAppend: true, maxRetries: 64)) ?? -1
        }
        #expect(Set(results).count == n)
        #expect(Set(results) == Set((1...Int64(n))))
        let snap = try DeltaLog(tablePath: path).snapshot()
        #expect(Set(snap.files.map(\.path)) == Set((0..<n).map { "f\($0).parquet" }))
    }

    @Test func corruptLineIsReportedWithFileAndLine() throws {
        let dir = try TempDir("delta")
        let log = try Self.newTable(dir)
        let bad = "{\"commitInfo\":{\"timestamp\":1,\"operation\":\"WRITE\"}}\n{\"add\":{\"path\":\"x.parquet\",\"size\":3,,}}\n"
        try bad.write(toFile: log.commitPath(1), atomically: false, encoding: .utf8)
        let e = #expect(throws: StrataError.self) { try log.snapshot() }
        #expect(e?.code == .corruptData)
        #expect(e?.location?.file.hasSuffix("_delta_log/00000000000000000001.json") == true)
        #expect(e?.location?.line == 2)
        #expect(e?.description.contains("00000000000000000001.json:2:") == true)
        // Time travel to before the damage still works.
        #expect(try log.snapshot(at: 0).version == 0)

        try "{\"add\":{\"path\":\"x.parquet\"}}\n".write(toFile: log.commitPath(1), atomically: false, encoding: .utf8)
        let m = #expect(throws: StrataError.self) { try log.snapshot() }
        #expect(m?.code == .corruptData)
        #expect(m?.location?.line == 1)
        #expect(m?.message.contains("'size'") == true)
    }

    @Test func unknownActionsAndFieldsAreTolerated() throws {
        let dir = try TempDir("delta")
        let log = try Self.newTable(dir)
        let text = """
        {"commitInfo":{"timestamp":5,"operation":"WRITE","operationMetrics":{"numFiles":"1"},"engineInfo":"other"}}
        {"domainMetadata":{"domain":"x","configuration":"{}","removed":false}}

        {"add":{"path":"a%20b.parquet","partitionValues":{},"size":3,"modificationTime":1,"dataChange":true,"tags":{"k":"v"},"stats":"{\\"numRecords\\":4,\\"minValues\\":{\\"id\\":1,\\"nope\\":2},\\"maxValues\\":{\\"id\\":\\"oops\\"},\\"nullCount\\":{\\"id\\":0}}","newField":[1,2]}}
        {"cdc":{"path":"_change_data/x.parquet","size":1,"partitionValues":{},"dataChange":false}}
        """
        try text.write(toFile: log.commitPath(1), atomically: false, encoding: .utf8)
        let snap = try log.snapshot()
        #expect(snap.files.map(\.path) == ["a b.parquet"])
        #expect(snap.files[0].stats == DeltaFileStats(numRecords: 4, minValues: ["id": .int(1)], maxValues: [:], nullCount: ["id": 0]))
        #expect(snap.timestamp == 5)
        let h = try log.history()
        #expect(h.first?.fields["engineInfo"] == .string("other"))
    }

    @Test func missingVersionsAndCheckpointsAreClearErrors() throws {
        let dir = try TempDir("delta")
        let log = try Self.newTable(dir)
        let nf = #expect(throws: StrataError.self) { try log.snapshot(at: 4) }
        #expect(nf?.code == .notFound)
        #expect(nf?.hint?.contains("0…0") == true)
        let none = #expect(throws: StrataError.self) { try DeltaLog(tablePath: dir.path + "/nothing").snapshot() }
        #expect(none?.code == .notFound)

        // A log whose early commits are gone and whose checkpoint is missing (only the
        // `_last_checkpoint` hint is left): the gap is named, never papered over.
        try FileManager.default.removeItem(atPath: log.commitPath(0))
        try "{\"add\":{\"path\":\"x.parquet\",\"size\":1}}\n".write(toFile: log.commitPath(3), atomically: false, encoding: .utf8)
        try "{\"version\":2,\"size\":3}".write(toFile: log.logPath + "/_last_checkpoint", atomically: false, encoding: .utf8)
        let cp = #expect(throws: StrataError.self) { try log.snapshot() }
        #expect(cp?.code == .corruptData)
        #expect(cp?.description.contains("no checkpoint covers") == true)
    }

    @Test func newerReaderProtocolIsRefused() throws {
        let dir = try TempDir("delta")
        let log = DeltaLog(tablePath: dir.path)
        try log.commit([.protocol(DeltaProtocol(minReader: 3, minWriter: 7, readerFeatures: ["v2Checkpoint"], writerFeatures: ["v2Checkpoint"])), .metaData(DeltaMetadata(id: "t", schema: Schema([Field("id", .int64)])))],
                       readVersion: nil, isBlindAppend: false)
        let e = #expect(throws: StrataError.self) { try log.snapshot() }
        #expect(e?.code == .unsupported)
        #expect(e?.message.contains("'v2Checkpoint'") == true, "the error names the feature")
    }

    @Test func firstCommitNeedsProtocolAndMetadata() throws {
        let dir = try TempDir("delta")
        let e = #expect(throws: StrataError.self) {
            try DeltaLog(tablePath: dir.path).commit([Self.fakeAdd("a.parquet")], readVersion: nil, isBlindAppend: true)
        }
        #expect(e?.code == .internalError)
        #expect(!DeltaLog(tablePath: dir.path).exists())
        // Committing after a version that does not exist would leave a gap: refused.
        let gap = #expect(throws: StrataError.self) {
            try DeltaLog(tablePath: dir.path).commit([Self.fakeAdd("a.parquet")], readVersion: 4, isBlindAppend: true)
        }
        #expect(gap?.code == .notFound)
        #expect(!DeltaLog(tablePath: dir.path).exists())
    }
}
