import Testing
import StrataCore
import StrataFormats
@testable import StrataPlugins

/// Which files a merge must read: a file is skipped only when its statistics prove it holds
/// none of the incoming keys (a wrong skip would leave a stale row beside its update).
@Suite struct TableSinkFileMergeTests {
    static func file(_ path: String, _ lo: Value?, _ hi: Value?, partition: [String: String?] = [:]) -> DeltaAddFile {
        var stats: DeltaFileStats?
        if let lo, let hi { stats = DeltaFileStats(numRecords: 10, minValues: ["id": lo], maxValues: ["id": hi], nullCount: ["id": 0]) }
        return DeltaAddFile(path: path, partitionValues: partition, size: 1, modificationTime: 0, stats: stats)
    }

    static func incoming(_ ids: [Value], region: [Value]? = nil) -> Batch {
        var b = ColumnBuilder(type: ids.first.map { if case .string = $0 { return DataType.string } else { return .int64 } } ?? .int64, capacity: ids.count)
        for v in ids { b.append(v) }
        var fields = [Field("id", b.type)]
        var cols = [b.finish()]
        if let region {
            var r = ColumnBuilder(type: .string, capacity: region.count)
            for v in region { r.append(v) }
            fields.append(Field("region", .string))
            cols.append(r.finish())
        }
        return Batch(schema: Schema(fields), columns: cols)
    }

    @Test func statisticsPruneFilesWithoutIncomingKeys() {
        let files = [Self.file("a", .int(0), .int(49)), Self.file("b", .int(50), .int(99)), Self.file("c", .int(100), .int(149)),
                     Self.file("nostats", nil, nil)]
        let picked = FileMerge.candidates(files, keys: ["id"], incoming: Self.incoming([.int(10), .int(120), .int(5000)])).map(\.path)
        #expect(picked == ["a", "c", "nostats"], "files without stats are always read")
        #expect(FileMerge.candidates(files, keys: ["id"], incoming: Self.incoming([.int(49)])).map(\.path) == ["a", "nostats"], "bounds are inclusive")
        #expect(FileMerge.candidates(files, keys: ["id"], incoming: Self.incoming([])).isEmpty)
        let nulls = FileMerge.candidates(files, keys: ["id"], incoming: Self.incoming([.null])).map(\.path)
        #expect(nulls == ["a", "b", "c", "nostats"], "a null key prunes nothing")
    }

    @Test func stringKeysCompareAsBytesAndPartitionsPrune() {
        let files = [Self.file("x", .string("apple"), .string("banana"), partition: ["region": "eu"]),
                     Self.file("y", .string("apple"), .string("banana"), partition: ["region": "us"]),
                     Self.file("z", .string("cherry"), .string("ünter"), partition: ["region": "eu"])]
        let b = Self.incoming([.string("avocado"), .string("Äpfel")], region: [.string("eu"), .string("eu")])
        #expect(FileMerge.candidates(files, keys: ["id", "region"], incoming: b).map(\.path) == ["x", "z"],
                "'Äpfel' sorts after ASCII letters and before 'ü' (UTF-8 bytes); region us holds neither key")
        // Property: a file is never skipped when it really holds a key inside its range.
        for k in 0..<200 {
            let v = Value.int(Int64(k * 7 % 150))
            let picked = Set(FileMerge.candidates([Self.file("a", .int(0), .int(49)), Self.file("b", .int(50), .int(99)), Self.file("c", .int(100), .int(149))],
                                                  keys: ["id"], incoming: Self.incoming([v])).map(\.path))
            let owner = k * 7 % 150 < 50 ? "a" : (k * 7 % 150 < 100 ? "b" : "c")
            #expect(picked == [owner])
        }
    }
}
