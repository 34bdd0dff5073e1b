import Foundation
import Testing
import StrataCore
import StrataTestSupport
@testable import StrataFormats
import StrataCommit

/// The incremental-read rules (`DeltaChanges.between`): new rows are the files added with
/// `dataChange: true`; compactions and re-masking rewrites add none; deletes force a rebuild.
@Suite struct DeltaChangesTests {
    static func file(_ p: String, dataChange: Bool = true) -> DeltaAddFile {
        DeltaAddFile(path: p, size: 10, modificationTime: 1, dataChange: dataChange)
    }

    static func table() throws -> (TempDir, DeltaLog) {
        let dir = try TempDir("delta-changes")
        let log = DeltaLog(tablePath: dir.path)
        _ = try log.commit([DeltaAction.strataProtocol, .metaData(DeltaMetadata(id: "t", schema: Schema([Field("x", .int64)]))),
                            .add(file("a"))], readVersion: nil, isBlindAppend: false)
        return (dir, log)
    }

    static func paths(_ c: DeltaChanges) -> [String]? {
        if case .files(let f) = c { return f.map(\.path) }
        return nil
    }

    @Test func appendsAreNewFilesAndCompactionsAddNothing() throws {
        let (dir, log) = try Self.table()
        defer { withExtendedLifetime(dir) {} }
        _ = try log.commit([.add(Self.file("b"))], readVersion: 0, isBlindAppend: true)                      // v1
        // Another writer's compaction of a and b into c: no new rows.
        _ = try log.commit([.remove(DeltaRemoveFile(path: "a", deletionTimestamp: 2, dataChange: false)),
                            .remove(DeltaRemoveFile(path: "b", deletionTimestamp: 2, dataChange: false)),
                            .add(Self.file("c", dataChange: false))], readVersion: 1, isBlindAppend: false)   // v2
        _ = try log.commit([.add(Self.file("d"))], readVersion: 2, isBlindAppend: true)                      // v3
        #expect(Self.paths(try DeltaChanges.between(log, seen: 0, latest: 3)) == ["b", "d"], "b is read from its own file")
        #expect(Self.paths(try DeltaChanges.between(log, seen: 1, latest: 3)) == ["d"])
        #expect(Self.paths(try DeltaChanges.between(log, seen: 2, latest: 3)) == ["d"])
        #expect(Self.paths(try DeltaChanges.between(log, seen: 3, latest: 3)) == [])
    }

    @Test func remaskedPendingFileIsReadAsRewritten() throws {
        let (dir, log) = try Self.table()
        defer { withExtendedLifetime(dir) {} }
        _ = try log.commit([.add(Self.file("b"))], readVersion: 0, isBlindAppend: true)
        let info = DeltaCommitInfo(timestamp: 3, operation: "WRITE", fields: [DeltaCommitInfo.rewritesKey: .string(#"{"a2":"a","b2":"b"}"#)])
        _ = try log.commit([.commitInfo(info),
                            .remove(DeltaRemoveFile(path: "a", deletionTimestamp: 3, dataChange: false)),
                            .remove(DeltaRemoveFile(path: "b", deletionTimestamp: 3, dataChange: false)),
                            .add(Self.file("a2", dataChange: false)), .add(Self.file("b2", dataChange: false))],
                           readVersion: 1, isBlindAppend: false)
        #expect(Self.paths(try DeltaChanges.between(log, seen: 0, latest: 2)) == ["b2"])
        #expect(Self.paths(try DeltaChanges.between(log, seen: 1, latest: 2)) == [])
    }

    @Test func deletesOfReadRowsRebuildAndDeletesOfPendingRowsDoNot() throws {
        let (dir, log) = try Self.table()
        defer { withExtendedLifetime(dir) {} }
        _ = try log.commit([.add(Self.file("b"))], readVersion: 0, isBlindAppend: true)
        _ = try log.commit([.remove(DeltaRemoveFile(path: "b", deletionTimestamp: 2))], readVersion: 1, isBlindAppend: false)
        #expect(Self.paths(try DeltaChanges.between(log, seen: 0, latest: 2)) == [], "b came and went")
        guard case .rebuild = try DeltaChanges.between(log, seen: 1, latest: 2) else {
            Issue.record("removing rows already read must rebuild")
            return
        }
    }

    @Test func cleanedUpHistoryRebuilds() throws {
        let (dir, log) = try Self.table()
        _ = try log.commit([.add(Self.file("b"))], readVersion: 0, isBlindAppend: true)
        _ = try log.commit([.add(Self.file("c"))], readVersion: 1, isBlindAppend: true)
        try FileManager.default.removeItem(atPath: dir.path + "/_delta_log/" + DeltaLog.commitFileName(1))
        guard case .rebuild = try DeltaChanges.between(log, seen: 0, latest: 2) else {
            Issue.record("a gap in the history must rebuild")
            return
        }
    }
}
