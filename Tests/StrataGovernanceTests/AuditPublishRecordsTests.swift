@testable import StrataGovernance
import StrataCore
import Foundation
import Testing

/// Which `publish` records a served table does not hold: the crash recovery of a sink that
/// commits outside the lake voids exactly those, once each.
@Suite struct AuditPublishRecordsTests {
    static let target = "postgres://127.0.0.1:5432/serving.public.customers"

    func publish(_ version: Int64, run: String, result: AuditResult = .allowed, pipeline: String = "serve", resource: String = target) -> AuditEvent {
        AuditEvent(actor: "alice", action: .publish, resource: resource, tableVersion: version, pipeline: pipeline, runId: run,
                   configDigest: "c0ffee", policyDigest: "beef", result: result, reason: result == .allowed ? nil : "never landed")
    }

    @Test func onlyRecordsTheTargetDoesNotHoldAndNothingVoidedAreOrphans() throws {
        let dir = try GovTempDir("publish")
        let log = AuditLog(lakeRoot: dir.path, key: nil)
        let landed = try log.append([publish(0, run: "a")])
        func orphans(_ version: Int64?, _ hash: String?) throws -> [String] {
            try log.orphanPublishRecords(resource: Self.target, pipeline: "serve", landed: version, landedHash: hash)
                .map { "\($0.event.runId ?? "")@\($0.event.tableVersion ?? -1)" }
        }
        #expect(try orphans(0, landed[0].hash).isEmpty, "the landed publish is no orphan")
        #expect(try orphans(nil, nil) == ["a@0"], "a target that holds nothing holds no publish")
        // Run b records publish 1 and is killed before its transaction commits.
        _ = try log.append([publish(1, run: "b")])
        #expect(try orphans(0, landed[0].hash) == ["b@1"])
        // Its void covers run b's record only: run c records publish 1 again and is killed too.
        _ = try log.append([publish(1, run: "b", result: .failed)])
        #expect(try orphans(0, landed[0].hash).isEmpty)
        _ = try log.append([publish(1, run: "c")])
        #expect(try orphans(0, landed[0].hash) == ["c@1"])
        // A record of the landed version that is not the one the target holds.
        _ = try log.append([publish(0, run: "z")])
        #expect(try orphans(0, landed[0].hash) == ["c@1", "z@0"])
        // Other pipelines, other targets and other actions are not this pipeline's publishes.
        _ = try log.append([publish(5, run: "d", pipeline: "other"), publish(5, run: "e", resource: "postgres://h:1/db.public.t")])
        #expect(try orphans(0, landed[0].hash) == ["c@1", "z@0"])
    }
}
