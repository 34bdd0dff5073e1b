@testable import StrataGovernance
import StrataCore
import Foundation
import Testing

/// The attacks on a keyed audit log that once verified: a rewrite as unkeyed SHA-256 with
/// recomputed hashes, a cut tail with a rewritten HEAD, unkeyed appends to a keyed log.
@Suite struct AuditIntegrityTests {
    static let key = try! AuditKey(text: String(repeating: "ab", count: 32))

    /// Rewrites every segment of `f` as a fresh unkeyed chain with recomputed hashes and HEAD,
    /// keeping the first `keep` records: what someone who can edit the files but lacks the key can do.
    func forgeUnkeyed(_ f: AuditFixture, keep: Int? = nil) throws {
        var records = try f.log.records()
        if let keep { records = Array(records.prefix(keep)) }
        var prev = AuditRecord.genesis
        var bySegment: [String: [UInt8]] = [:]
        var last: AuditRecord?
        for r in records {
            var forged = AuditRecord(seq: r.seq, time: r.time, event: r.event, prev: prev, alg: .sha256, hash: "")
            forged.hash = forged.computedHash(key: nil)!
            prev = forged.hash
            bySegment[AuditLog.segmentName(day: UTCTime.day(r.time)), default: []] += forged.line
            last = forged
        }
        for name in try f.log.segments() {
            try Data(bySegment[name] ?? []).write(to: URL(fileURLWithPath: f.auditDir + "/" + name))
        }
        let head = AuditHead(seq: last!.seq, hash: last!.hash, segment: AuditLog.segmentName(day: UTCTime.day(last!.time)))
        try Data(head.text.utf8).write(to: URL(fileURLWithPath: f.auditDir + "/HEAD"))
    }

    @Test func aKeyedLogSealsHeadAndNeverVerifiesUnkeyed() throws {
        let f = try AuditFixture(key: Self.key)
        let head = try #require(try f.log.readHead())
        #expect(head.alg == .hmacSHA256 && head.keyId == Self.key.id && head.mac != nil)
        #expect(try f.log.verify().ok)
        let unkeyed = AuditLog(lakeRoot: f.dir.path)
        #expect(try unkeyed.verify().problem?.kind == .keyRequired)
        // An unkeyed writer cannot append to it either.
        #expect(throws: StrataError.self) { try unkeyed.append([AuditFixture.event(10)]) }
    }

    @Test func rewritingTheWholeLogUnkeyedIsDetected() throws {
        let f = try AuditFixture(key: Self.key)
        try forgeUnkeyed(f)
        // Consistent as an unkeyed chain, so only the key can tell.
        #expect(try AuditLog(lakeRoot: f.dir.path).verify().ok)
        let p = try #require(try f.log.verify().problem)
        #expect(p.kind == .headUnauthenticated, "\(p)")
        // And a keyed run does not bless the forgery by appending to it.
        #expect(throws: StrataError.self) { try f.log.append([AuditFixture.event(10)]) }
    }

    @Test func droppingTrailingRecordsAndRewritingHeadIsDetected() throws {
        let f = try AuditFixture(key: Self.key)
        var lines = try f.lines(2)
        lines.removeLast()
        try f.write(2, lines: lines)
        let records = try f.log.records()
        // HEAD rewritten to the new last record, by someone without the key: unsealed, or with the old seal.
        let forged = AuditHead(seq: 8, hash: records[7].hash, segment: f.segmentName(2))
        try Data(forged.text.utf8).write(to: URL(fileURLWithPath: f.auditDir + "/HEAD"))
        #expect(try f.log.verify().problem?.kind == .headUnauthenticated)
        var stale = try #require(AuditHead.parse(Array(forged.sealed(with: Self.key).text.utf8)))
        stale.mac = String(repeating: "0", count: 64)
        try Data(stale.text.utf8).write(to: URL(fileURLWithPath: f.auditDir + "/HEAD"))
        #expect(try f.log.verify().problem?.kind == .headUnauthenticated)
        // Another key's seal is not this key's.
        let other = try AuditKey(text: String(repeating: "cd", count: 32))
        try Data(forged.sealed(with: other).text.utf8).write(to: URL(fileURLWithPath: f.auditDir + "/HEAD"))
        #expect(try f.log.verify().problem?.message.contains("another key") == true)
    }

    @Test func aLogWrittenWithoutAKeyIsAdoptedOnlyBySealing() throws {
        let f = try AuditFixture()
        let keyed = AuditLog(lakeRoot: f.dir.path, key: Self.key)
        #expect(throws: StrataError.self) { try keyed.append([AuditFixture.event(10)]) }
        #expect(try keyed.verify().problem?.kind == .headUnauthenticated)
        #expect(try keyed.seal(anchors: f.anchors()).ok)
        try keyed.append([AuditFixture.event(10)])
        #expect(try keyed.verify().ok)
        #expect(try AuditLog(lakeRoot: f.dir.path).verify().problem?.kind == .keyRequired)
        // A log that does not verify is not sealed.
        let g = try AuditFixture()
        var lines = try g.lines(1)
        lines[1] = lines[1].replacingOccurrences(of: "alice", with: "mallory")
        try g.write(1, lines: lines)
        let r = try AuditLog(lakeRoot: g.dir.path, key: Self.key).seal(anchors: [])
        #expect(r.problem != nil)
        #expect(try g.log.readHead()?.mac == nil)
    }

    @Test func anchorsCoverTheCommitContent() throws {
        let f = try AuditFixture()
        let records = try f.log.records()
        let t = TableRef(layer: .silver, name: "users")
        // Records written by the fixture carry no content digest: nothing to compare.
        #expect(try f.log.verify(anchors: [AuditAnchor(table: t, version: 0, hash: records[0].hash, contentDigest: "x")]).ok)
        let g = try GovTempDir("audit-content")
        let log = AuditLog(lakeRoot: g.path)
        var e = AuditFixture.event(1)
        e.details = [AuditLog.contentDigestKey: "aa"]
        let r = try log.append([e])[0]
        #expect(try log.verify(anchors: [AuditAnchor(table: t, version: 0, hash: r.hash, contentDigest: "aa")]).ok)
        let p = try #require(try log.verify(anchors: [AuditAnchor(table: t, version: 0, hash: r.hash, contentDigest: "bb")]).problem)
        #expect(p.kind == .contentMismatch)
        // A record naming a version no table holds: the commit was deleted.
        let missing = try #require(try log.verify(anchors: [], tables: []).problem)
        #expect(missing.kind == .commitMissing && missing.seq == 1)
        #expect(try log.verify(anchors: [], tables: [TableCommit(table: t, version: 0, operation: "WRITE")]).ok)
    }
}
