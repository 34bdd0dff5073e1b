import Foundation
import StrataTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// With the lineage endpoint down, a run of many pipelines warns once (not once per event and
/// pipeline), keeps every event in `lineage/outbox/`, and `strata lineage replay` says what it
/// could not send.
@Suite(.serialized)
struct LineageTransportEndToEndTests {
    static func closedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        #expect(ok)
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    @Test func aDownEndpointIsOneWarningAndAnOutbox() throws {
        let port = try Self.closedPort()
        let p = try StrataProject("lineage-down")
        var yaml = "version: 1\npolicies: none\nlineage: {url: \"http://127.0.0.1:\(port)\", timeout: 1, attempts: 2}\npipelines:\n"
        for i in 0..<6 {
            yaml += "  bronze_t\(i):\n    source: {type: csv, path: landing/t.csv}\n    sink: {type: table, table: bronze.t\(i)}\n"
        }
        try p.write("pipelines.yaml", yaml)
        try p.write("landing/t.csv", "id,name\n1,a\n")
        let r = try p.strata("run")
        #expect(r.status == 0, "\(r.stderr)")
        let warnings = r.stderr.split(separator: "\n").filter { $0.hasPrefix("warning:") }
        #expect(warnings == ["warning: lineage endpoint http://127.0.0.1:\(port)/api/v1/lineage is unreachable (connection refused, 2 attempt(s)); this run's events wait in lineage/outbox/ for `strata lineage replay`"],
                "\(r.stderr)")
        // START and COMPLETE of six pipelines and of the run holding them, all waiting in order.
        #expect(r.stderr.contains("note: 14 lineage event(s) wait in lineage/outbox/; `strata lineage replay` sends them"), "\(r.stderr)")
        let outbox = try String(contentsOfFile: p.root + "/lineage/outbox/events.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(outbox.count == 14)
        let replay = try p.strata("lineage", "replay")
        #expect(replay.status == 1)
        #expect(replay.stdout.contains("sent 0 of 14 lineage event(s)"), "\(replay.stdout)")
        #expect(replay.stderr.contains("is unreachable (connection refused); run `strata lineage replay` again when it is up"), "\(replay.stderr)")
        let json = try p.strata("run", "--json")
        let obj = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect((obj["warnings"] as? [String])?.count == 1)
        #expect((obj["pipelines"] as! [[String: Any]]).allSatisfy { ($0["warnings"] as? [String])?.isEmpty == true })
    }
}
