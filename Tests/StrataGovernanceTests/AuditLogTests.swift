@testable import StrataGovernance
import StrataCore
import Foundation
import Testing

/// A lake with 9 records over three UTC days (3 per segment), written by the real append path.
struct AuditFixture {
    let dir: GovTempDir
    let key: AuditKey?
    static let day0: Int64 = 1_768_471_200_000_000 // 2026-01-15T10:00:00Z
    static let dayMicros: Int64 = 86_400_000_000

    init(key: AuditKey? = nil, days: Int = 3, perDay: Int = 3) throws {
        dir = try GovTempDir("audit")
        self.key = key
        var n = 0
        for d in 0..<days {
            let t = AuditFixture.day0 + Int64(d) * AuditFixture.dayMicros
            let log = AuditLog(lakeRoot: dir.path, key: key, clock: { t })
            for _ in 0..<perDay {
                n += 1
                try log.append([AuditFixture.event(n)])
            }
        }
    }

    static func event(_ n: Int) -> AuditEvent {
        AuditEvent(actor: "alice", action: .commit, resource: "silver.users", tableVersion: Int64(n - 1),
                   columns: ["id", "email"], rows: Int64(100 * n), files: 1, bytes: Int64(4096 * n), pipeline: "silver_users",
                   runId: "run-\(n)", configDigest: "c0ffee", policyDigest: "beef", masks: ["email": "hash"],
                   result: .allowed, reason: nil)
    }

    var log: AuditLog { AuditLog(lakeRoot: dir.path, key: key) }
    var auditDir: String { dir.path + "/_audit" }
    func segment(_ d: Int) -> String { auditDir + "/audit-2026-01-\(15 + d).jsonl" }
    func segmentName(_ d: Int) -> String { "audit-2026-01-\(15 + d).jsonl" }

    func lines(_ d: Int) throws -> [String] {
        try String(contentsOfFile: segment(d), encoding: .utf8).split(separator: "\n").map(String.init)
    }

    func write(_ d: Int, lines: [String]) throws {
        try (lines.joined(separator: "\n") + "\n").write(toFile: segment(d), atomically: true, encoding: .utf8)
    }

    /// The anchors a lake would hold: one per record (table version → hash).
    func anchors() throws -> [AuditAnchor] {
        try log.records().map { AuditAnchor(table: TableRef(layer: .silver, name: "users"), version: $0.event.tableVersion!, hash: $0.hash) }
    }
}

@Suite struct AuditLogTests {
    @Test func appendBuildsAChainAcrossDailySegments() throws {
        let f = try AuditFixture()
        #expect(try f.log.segments() == [f.segmentName(0), f.segmentName(1), f.segmentName(2)])
        let records = try f.log.records()
        #expect(records.map(\.seq) == Array(1...9))
        #expect(records[0].prev == AuditRecord.genesis)
        for i in 1..<records.count { #expect(records[i].prev == records[i - 1].hash) }
        #expect(records.allSatisfy { $0.alg == .sha256 })
        let report = try f.log.verify(anchors: f.anchors())
        #expect(report.ok, "\(String(describing: report.problem))")
        #expect(report.records == 9 && report.segments == 3 && report.anchorsChecked == 9 && report.headChecked)
        let head = try #require(try f.log.readHead())
        #expect(head.seq == 9 && head.hash == records[8].hash && head.segment == f.segmentName(2))
    }

    @Test func recordLineIsCanonicalWithSortedKeysAndAllFields() throws {
        let e = AuditEvent(actor: "bob", action: .declassify, resource: "gold.sales", tableVersion: 4, columns: ["email_domain"],
                           pipeline: "gold_sales", runId: "r1", masks: ["z": "redact", "a": "hash"], reason: "aggregate \"only\"",
                           details: ["tag": "pii.email"])
        var r = AuditRecord(seq: 7, time: AuditFixture.day0 + 123_456, event: e, prev: AuditRecord.genesis, alg: .sha256, hash: "")
        r.hash = r.computedHash(key: nil)!
        let text = String(decoding: r.line, as: UTF8.self)
        #expect(text == """
        {"action":"declassify","actor":"bob","alg":"sha256","bytes":null,"columns":["email_domain"],"config_digest":null,\
        "details":{"tag":"pii.email"},"files":null,"hash":"\(r.hash)","masks":{"a":"hash","z":"redact"},"pipeline":"gold_sales",\
        "policy_digest":null,"prev":"\(AuditRecord.genesis)","reason":"aggregate \\"only\\"","resource":"gold.sales",\
        "result":"allowed","role":null,"rows":null,"run_id":"r1","seq":7,"table_version":4,"time":"2026-01-15T10:00:00.123456Z"}\n
        """)
        // The hash is SHA-256 of the same text without the "hash" member.
        let withoutHash = text.replacingOccurrences(of: "\"hash\":\"\(r.hash)\",", with: "").dropLast()
        #expect(Digest.hex(Digest.sha256(String(withoutHash))) == r.hash)
        // Decoding gives back the same record.
        #expect(try AuditRecord.decode(line: r.line.dropLast()) == r)
    }

    // MARK: tampering

    /// Every single-byte change anywhere in a segment is detected, at the line holding that byte.
    @Test func everyChangedByteIsDetectedAtItsLine() throws {
        let f = try AuditFixture(perDay: 2)
        let path = f.segment(1)
        let original = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        var lineOf: [Int] = []
        var line = 1
        for b in original { lineOf.append(line); if b == 0x0A { line += 1 } }
        var checked = 0
        for offset in 0..<original.count {
            var bytes = original
            // A different printable byte (or a newline → 'x').
            bytes[offset] = bytes[offset] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let report = try f.log.verify()
            guard let p = report.problem else {
                Issue.record("byte \(offset) changed but verify passed")
                continue
            }
            #expect(p.file == f.segmentName(1), "byte \(offset): \(p)")
            #expect(p.line == lineOf[offset], "byte \(offset): \(p)")
            checked += 1
        }
        #expect(checked == original.count)
        try Data(original).write(to: URL(fileURLWithPath: path))
        #expect(try f.log.verify().ok)
    }

    @Test func changedValueIsAHashMismatch() throws {
        let f = try AuditFixture()
        var lines = try f.lines(1)
        lines[1] = lines[1].replacingOccurrences(of: "\"rows\":500", with: "\"rows\":501")
        try f.write(1, lines: lines)
        let p = try #require(try f.log.verify().problem)
        #expect(p.kind == .hashMismatch && p.file == f.segmentName(1) && p.line == 2 && p.seq == 5)
        #expect(p.description.hasPrefix("audit-2026-01-16.jsonl:2: record 5: "))
    }

    @Test func changedValueWithRecomputedHashBreaksTheNextLink() throws {
        let f = try AuditFixture()
        var lines = try f.lines(1)
        var r = try AuditRecord.decode(line: Array(lines[1].utf8)[...])
        r.event.rows = 1
        r.hash = r.computedHash(key: nil)!
        lines[1] = String(decoding: r.line.dropLast(), as: UTF8.self)
        try f.write(1, lines: lines)
        let p = try #require(try f.log.verify().problem)
        #expect(p.kind == .chainBroken && p.line == 3 && p.seq == 6)
    }

    @Test func whitespaceEditIsNotCanonical() throws {
        let f = try AuditFixture()
        var lines = try f.lines(0)
        lines[2] = lines[2].replacingOccurrences(of: "\"actor\":", with: "\"actor\": ")
        try f.write(0, lines: lines)
        let p = try #require(try f.log.verify().problem)
        #expect(p.kind == .notCanonical && p.line == 3 && p.seq == 3)
    }

    @Test func deletedLineIsMissingRecords() throws {
        let f = try AuditFixture()
        var lines = try f.lines(1)
        lines.remove(at: 1)
        try f.write(1, lines: lines)
        let p = try #require(try f.log.verify().problem)
        #expect(p.kind == .missingRecords && p.file == f.segmentName(1) && p.line == 2 && p.seq == 5)
    }

    @Test func reorderedLinesAreDetected() throws {
        let f = try AuditFixture()
        var lines = try f.lines(1)
        lines.swapAt(0, 1)
        try f.write(1, lines: lines)
        let p = try #require(try f.log.verify().problem)
        #expect(p.kind == .reordered && p.file == f.segmentName(1) && p.line == 1 && p.seq == 5)
    }

    @Test func duplicatedLineIsDetected() throws {
        let f = try AuditFixture()
        var lines = try f.lines(0)
        lines.insert(lines[0], at: 1)
        try f.write(0, lines: lines)
        let p = try #require(try f.log.verify().problem)
        #expect(p.kind == .reordered && p.line == 2 && p.seq == 1)
    }

    @Test func truncatedTailIsDetectedByHead() throws {
        let f = try AuditFixture()
        var lines = try f.lines(2)
        lines.removeSubrange(1..<3)
        try f.write(2, lines: lines)
        let p = try #require(try f.log.verify().problem)
        #expect(p.kind == .truncated && p.seq == 8 && p.file == f.segmentName(2))
        #expect(p.message.contains("8…9 were removed"))
        // Appending to a truncated log is refused.
        #expect(throws: StrataError.self) { try f.log.append([AuditFixture.event(10)]) }
    }

    @Test func truncatedTailWithForgedHeadIsDetectedByAnchors() throws {
        let f = try AuditFixture()
        let anchors = try f.anchors()
        let records = try f.log.records()
        var lines = try f.lines(2)
        lines.removeSubrange(2..<3)
        try f.write(2, lines: lines)
        // The forger also rewrites HEAD to the new last record.
        try f.log.writeHead(AuditHead(seq: 8, hash: records[7].hash, segment: f.segmentName(2)))
        #expect(try f.log.verify().ok) // without anchors, a consistent cut cannot be seen
        let p = try #require(try f.log.verify(anchors: anchors).problem)
        #expect(p.kind == .truncated && p.seq == 9)
        #expect(p.message.contains("silver.users version 8"))
    }

    @Test func partialLastLineIsTorn() throws {
        let f = try AuditFixture()
        let path = f.segment(2)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 40).write(to: URL(fileURLWithPath: path))
        let p = try #require(try f.log.verify().problem)
        #expect(p.kind == .tornLine && p.line == 3 && p.seq == 9)
        #expect(throws: StrataError.self) { try f.log.append([AuditFixture.event(10)]) }
    }

    @Test func deletedMiddleSegmentIsMissingRecords() throws {
        let f = try AuditFixture()
        try FileManager.default.removeItem(atPath: f.segment(1))
        let p = try #require(try f.log.verify().problem)
        #expect(p.kind == .missingRecords && p.file == f.segmentName(2) && p.line == 1 && p.seq == 4)
        #expect(p.message.contains("4…6 are missing"))
    }

    @Test func deletedLastSegmentIsTruncation() throws {
        let f = try AuditFixture()
        try FileManager.default.removeItem(atPath: f.segment(2))
        let p = try #require(try f.log.verify().problem)
        #expect(p.kind == .truncated && p.seq == 7)
    }

    @Test func deletedHeadIsDetected() throws {
        let f = try AuditFixture()
        try FileManager.default.removeItem(atPath: f.auditDir + "/HEAD")
        #expect(try f.log.verify().problem?.kind == .headMissing)
    }

    @Test func recordMovedToAnotherDaysSegmentIsMisplaced() throws {
        let f = try AuditFixture()
        var l0 = try f.lines(0), l1 = try f.lines(1)
        // Move the first record of day 1 to the end of day 0: the order is kept, the file is wrong.
        let moved = l1.removeFirst()
        l0.insert(moved, at: 3)
        try f.write(0, lines: l0)
        try f.write(1, lines: l1)
        let p = try #require(try f.log.verify().problem)
        #expect(p.kind == .misplaced && p.file == f.segmentName(0) && p.line == 4 && p.seq == 4)
    }

    @Test func anchorOfAnotherTableIsAMismatch() throws {
        let f = try AuditFixture()
        let r = try f.log.records()[2]
        let bad = AuditAnchor(table: TableRef(layer: .gold, name: "sales"), version: 2, hash: r.hash)
        let p = try #require(try f.log.verify(anchors: [bad]).problem)
        #expect(p.kind == .anchorMismatch && p.seq == 3)
    }

    // MARK: HMAC

    @Test func hmacChainNeedsTheKey() throws {
        let key = try AuditKey(text: String(repeating: "ab", count: 32))
        let f = try AuditFixture(key: key)
        let records = try f.log.records()
        #expect(records.allSatisfy { $0.alg == .hmacSHA256 })
        #expect(records[0].hash == Digest.hex(Digest.hmacSHA256(key: key.bytes, records[0].hashInput)))
        #expect(try f.log.verify().ok)
        let noKey = AuditLog(lakeRoot: f.dir.path)
        let p = try #require(try noKey.verify().problem)
        #expect(p.kind == .keyRequired && p.seq == 1)
        let wrong = AuditLog(lakeRoot: f.dir.path, key: try AuditKey(text: String(repeating: "cd", count: 32)))
        #expect(try wrong.verify().problem?.kind == .hashMismatch)
    }

    /// Without the key, a forger who edits a record can only re-hash it with plain SHA-256.
    @Test func hmacChainRewrittenWithoutKeyIsADowngrade() throws {
        let key = try AuditKey(text: String(repeating: "ab", count: 32))
        let f = try AuditFixture(key: key)
        var lines = try f.lines(1)
        var r = try AuditRecord.decode(line: Array(lines[0].utf8)[...])
        r.event.actor = "mallory"
        r.alg = .sha256
        r.keyId = nil // an unkeyed record names no key (keeping it makes the line malformed)
        r.hash = r.computedHash(key: nil)!
        lines[0] = String(decoding: r.line.dropLast(), as: UTF8.self)
        try f.write(1, lines: lines)
        let p = try #require(try f.log.verify().problem)
        #expect(p.kind == .downgrade && p.seq == 4 && p.line == 1)
    }

    @Test func auditKeyParsing() throws {
        #expect(try AuditKey(text: String(repeating: "0f", count: 16)).bytes.count == 16)
        #expect(try AuditKey(text: Data(repeating: 7, count: 32).base64EncodedString()).bytes == [UInt8](repeating: 7, count: 32))
        #expect(throws: StrataError.self) { try AuditKey(text: "abcd") }
        #expect(throws: StrataError.self) { try AuditKey(text: "not a key!") }
        #expect(try AuditKey.fromEnvironment([:]) == nil)
        #expect(try AuditKey.fromEnvironment(["STRATA_AUDIT_KEY": String(repeating: "11", count: 32)]) != nil)
    }

    @Test func actorResolutionOrder() {
        #expect(AuditActor.resolve(flag: "ci-bot", environment: ["STRATA_ACTOR": "env"]) == "ci-bot")
        #expect(AuditActor.resolve(flag: nil, environment: ["STRATA_ACTOR": "env"]) == "env")
        #expect(!AuditActor.resolve(flag: nil, environment: [:]).isEmpty)
    }

    // MARK: concurrency

    /// Many writers at once (each with its own lock descriptor, as separate processes would have):
    /// no torn or interleaved line, sequence numbers 1…N without gaps, and the chain verifies.
    @Test func concurrentAppendsStayOneChain() throws {
        let dir = try GovTempDir("audit-concurrent")
        let writers = 8, perWriter = 25
        let errors = ErrorBox()
        DispatchQueue.concurrentPerform(iterations: writers) { w in
            let log = AuditLog(lakeRoot: dir.path)
            for i in 0..<perWriter {
                do {
                    // Alternate single records and batches of two.
                    let events = (0..<(i % 2 + 1)).map { _ in AuditFixture.event(w * 100 + i + 1) }
                    try log.append(events)
                } catch { errors.add("\(error)") }
            }
        }
        #expect(errors.all.isEmpty, "\(errors.all)")
        let log = AuditLog(lakeRoot: dir.path)
        let expected = writers * (perWriter / 2 * 3 + (perWriter % 2))
        let records = try log.records()
        #expect(records.count == expected)
        #expect(records.map(\.seq) == (1...Int64(expected)).map { $0 })
        let report = try log.verify()
        #expect(report.ok, "\(String(describing: report.problem))")
        // Every line is one complete record.
        for name in try log.segments() {
            let text = try String(contentsOfFile: log.directory + "/" + name, encoding: .utf8)
            #expect(text.hasSuffix("\n"))
            for l in text.split(separator: "\n") { #expect(l.hasPrefix("{\"action\":") && l.hasSuffix("}")) }
        }
    }

    // MARK: query and reconcile

    @Test func queryFilters() throws {
        let f = try AuditFixture()
        let log = f.log
        try log.append([AuditEvent(actor: "bob", action: .deny, resource: "gold.sales", columns: ["email"], result: .denied,
                                   reason: "role analyst has no grant on gold.sales", role: "analyst")])
        #expect(try log.query(AuditFilter(action: .deny)).map(\.seq) == [10])
        #expect(try log.query(AuditFilter(table: TableRef(layer: .silver, name: "users"))).count == 9)
        #expect(try log.query(AuditFilter(since: AuditFixture.day0 + AuditFixture.dayMicros)).first?.seq == 4)
        #expect(try log.query(AuditFilter(result: .denied)).count == 1)
        #expect(try log.query(AuditFilter(limit: 2)).map(\.seq) == [9, 10])
    }

    @Test func reconcileFindsMissingOrphanDuplicateAndMismatchedRecords() throws {
        let dir = try GovTempDir("audit-reconcile")
        let log = AuditLog(lakeRoot: dir.path)
        let users = TableRef(layer: .silver, name: "users")
        let quarantine = TableRef(layer: .quarantine, name: "silver_users")
        func commit(_ t: TableRef, _ v: Int64, _ run: String, result: AuditResult = .allowed, action: AuditAction = .commit) throws -> AuditRecord {
            try log.append([AuditEvent(actor: "a", action: action, resource: t.description, tableVersion: v, runId: run, result: result)])[0]
        }
        let r0 = try commit(users, 0, "r0")
        let r1 = try commit(users, 1, "r1")
        let q0 = try commit(quarantine, 0, "r1", action: .quarantine)
        _ = try commit(users, 2, "r2")                   // orphan: no commit 2
        _ = try commit(users, 3, "r3")                   // voided by the failure record below
        _ = try commit(users, 3, "r3", result: .failed)
        _ = try commit(users, 5, "r5")                   // duplicated
        _ = try commit(users, 5, "r5b")
        try log.append([AuditEvent(actor: "a", action: .read, resource: users.description, tableVersion: 9)]) // reads are not commits
        let commits = [
            TableCommit(table: users, version: 0, operation: "WRITE", auditHash: r0.hash),
            TableCommit(table: users, version: 1, operation: "WRITE", auditHash: r0.hash), // wrong anchor
            TableCommit(table: quarantine, version: 0, operation: "QUARANTINE", auditHash: q0.hash),
            TableCommit(table: users, version: 4, operation: "WRITE"),                     // missing record
            TableCommit(table: users, version: 5, operation: "WRITE"),
        ]
        let rep = try log.reconcile(commits: commits)
        #expect(rep.missingRecords.map(\.version) == [4])
        #expect(rep.orphanRecords.map { $0.event.tableVersion } == [2])
        #expect(rep.duplicateRecords.map(\.version) == [5])
        #expect(rep.anchorMismatches.map(\.version) == [1])
        #expect(r1.event.tableVersion == 1)
        #expect(!rep.ok)
        let clean = try log.reconcile(commits: [TableCommit(table: users, version: 0, operation: "WRITE", auditHash: r0.hash)])
        #expect(clean.missingRecords.isEmpty && !clean.orphanRecords.isEmpty)
    }

    @Test func lastDigestsFindTheNewestRecordedDigests() throws {
        let f = try AuditFixture()
        try f.log.append([AuditEvent(actor: "a", action: .read, resource: "gold.x")])
        let d = try f.log.lastDigests()
        #expect(d.config == "c0ffee" && d.policy == "beef")
        #expect(try AuditLog(lakeRoot: f.dir.path + "/none").lastDigests().config == nil)
    }
}

final class ErrorBox: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ s: String) { lock.lock(); items.append(s); lock.unlock() }
    var all: [String] { lock.lock(); defer { lock.unlock() }; return items }
}
