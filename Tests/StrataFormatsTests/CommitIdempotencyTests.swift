import Foundation
import StrataCore
@testable import StrataFormats
import StrataCommit
import StrataTestSupport
import Synchronization
import Testing

/// A pipeline's commit against another writer of the same table: its `txn` makes a second commit of
/// the same input a no-op, and an audited commit never lands at a version its record does not name.
struct CommitIdempotencyTests {
    static let schema = DeltaTableReaderTests.schema
    static let table = TableRef(layer: .silver, name: "things")

    func writer(_ path: String) throws -> DeltaTableWriter {
        try DeltaTableWriter(table: Self.table, tablePath: path, schema: Self.schema, options: TableWriteOptions())
    }

    func rows(_ path: String) throws -> Int {
        let r = try DeltaTableReader(tablePath: path)
        var n = 0
        while let b = try r.next() { n += b.rowCount }
        return n
    }

    @Test func aCommitOfAnInputAlreadyCommittedUnderTheSameTxnIsSkipped() throws {
        let dir = try TempDir()
        let path = dir.path + "/silver/things"
        let first = try writer(path)
        try first.write(DeltaTableReaderTests.batch(0..<10))
        _ = try first.commit(CommitContext(operation: "WRITE", appId: "strata/p", txnVersion: 0))
        // Two runs started from version 0 (txn 0) and read the same new input: txn 1 each.
        let a = try writer(path), b = try writer(path)
        try a.write(DeltaTableReaderTests.batch(10..<20))
        try b.write(DeltaTableReaderTests.batch(10..<20))
        let won = try a.commit(CommitContext(operation: "WRITE", appId: "strata/p", txnVersion: 1))
        #expect(won.version == 1)
        // b staged before a committed: its commit loses the race and sees a's txn: never appended twice.
        let bStage = try b.stage()
        #expect(throws: StrataError.self) { try bStage.commit(CommitContext(operation: "WRITE", appId: "strata/p", txnVersion: 1)) }
        // A writer that stages after a's commit sees the txn and skips.
        let c = try writer(path)
        try c.write(DeltaTableReaderTests.batch(10..<20))
        let skipped = try c.commit(CommitContext(operation: "WRITE", appId: "strata/p", txnVersion: 1))
        #expect(skipped.version == nil)
        #expect(try rows(path) == 20)
    }

    @Test func anAuditedCommitFailsInsteadOfLandingAtAnotherVersion() throws {
        let dir = try TempDir()
        let path = dir.path + "/silver/things"
        let first = try writer(path)
        try first.write(DeltaTableReaderTests.batch(0..<10))
        _ = try first.commit(CommitContext(operation: "WRITE"))
        let audited = try writer(path)
        try audited.write(DeltaTableReaderTests.batch(10..<20))
        let stage = try audited.stage()
        // Another tool appends first (no txn, a blind append that a plain retry would follow).
        let other = try writer(path)
        try other.write(DeltaTableReaderTests.batch(20..<30))
        #expect(try other.commit(CommitContext(operation: "WRITE")).version == 1)
        let named = Mutex<[Int64]>([])
        let ctx = CommitContext(operation: "WRITE", prepare: { pending in
            named.withLock { $0.append(pending.version) }
            return ["strataAuditHash": "h"]
        })
        let e = #expect(throws: StrataError.self) { try stage.commit(ctx) }
        #expect(e?.code == .conflict)
        #expect(e?.message.contains("nothing was committed") == true)
        #expect(named.withLock { $0 } == [1], "the record named version 1, which the other writer took")
        #expect(try rows(path) == 20)
        #expect(try DeltaLog(tablePath: path).versions() == [0, 1])
    }
}
