@testable import StrataGovernance
import StrataCore
import StrataFormats
import Foundation
import Testing

/// A tiny OpenLineage endpoint on 127.0.0.1 (Python's http.server), for at most 60 seconds:
/// `POST /api/v1/lineage` answers 201 and records the body; `POST /fail` answers 503.
/// Every request appends `METHOD PATH` to the log file.
final class LocalLineageServer {
    static let script = #"""
import http.server, sys, time
log, bodies = sys.argv[1], sys.argv[2]
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        n = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(n)
        with open(log, "a") as f:
            f.write(f"POST {self.path} {self.headers.get('Content-Type')}\n")
        if self.path == "/api/v1/lineage":
            with open(bodies, "ab") as f:
                f.write(body + b"\n")
            self.send_response(201)
        elif self.path == "/reject":
            self.send_response(400)
        elif self.path == "/hang":
            time.sleep(2)
            self.send_response(201)
        else:
            self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
s.timeout = 0.2
print(s.server_address[1], flush=True)
deadline = time.time() + 60
while time.time() < deadline:
    s.handle_request()
"""#

    let process = Process()
    let port: Int
    let log: String
    let bodies: String

    init(dir: GovTempDir) throws {
        guard let py = GovProcess.python else { throw GovProcess.Failure(description: "python is not available") }
        log = dir.file("requests.log")
        bodies = dir.file("bodies.jsonl")
        process.executableURL = URL(fileURLWithPath: py)
        process.arguments = ["-c", LocalLineageServer.script, log, bodies]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        var text = ""
        while !text.contains("\n") {
            let d = out.fileHandleForReading.availableData
            if d.isEmpty { break }
            text += String(decoding: d, as: UTF8.self)
        }
        guard let p = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            process.terminate()
            throw GovProcess.Failure(description: "the local HTTP server did not start")
        }
        port = p
    }

    var requests: [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Stops the server (tests call it in a `defer`; deinit is only a fallback).
    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    deinit { stop() }
}

@Suite struct LineageStoreTests {
    @Test func emitAppendsOneLinePerEventInDailyFiles() throws {
        let dir = try GovTempDir("lineage-store")
        let store = LineageStore(projectRoot: dir.path)
        var events = LineageFixture.events
        events[events.count - 1].eventTime += 86_400_000_000 // the failed run ends the next day
        for e in events { #expect(try store.emit(e).isEmpty) }
        let files = try FileManager.default.contentsOfDirectory(atPath: store.eventsDirectory).filter { $0.hasSuffix(".jsonl") }.sorted()
        #expect(files == ["events-2026-01-15.jsonl", "events-2026-01-16.jsonl"])
        let back = try store.events()
        #expect(back.map(\.serialized) == events.map(\.serialized))
        let text = try String(contentsOfFile: store.eventsDirectory + "/" + files[0], encoding: .utf8)
        #expect(text.split(separator: "\n").count == events.count - 1 && text.hasSuffix("}\n"))
    }

    @Test func concurrentEmitsNeverInterleave() throws {
        let dir = try GovTempDir("lineage-concurrent")
        let store = LineageStore(projectRoot: dir.path)
        let events = LineageFixture.events
        let errors = ErrorBox()
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for e in events { do { try store.emit(e) } catch { errors.add("\(error)") } }
        }
        #expect(errors.all.isEmpty)
        #expect(try store.events().count == 8 * events.count)
    }

    @Test func damagedLineIsReportedWithItsLocation() throws {
        let dir = try GovTempDir("lineage-damaged")
        let store = LineageStore(projectRoot: dir.path)
        try store.append(Array(LineageFixture.events.prefix(2)))
        let path = store.eventsDirectory + "/events-2026-01-15.jsonl"
        try (String(contentsOfFile: path, encoding: .utf8) + "{\"eventType\":\n").write(toFile: path, atomically: true, encoding: .utf8)
        let e = try #require(throws: StrataError.self) { try store.events() }
        #expect(e.code == .corruptData && e.location?.line == 3)
    }

    @Test func endpointURLDefaultsToMarquezPath() {
        #expect(LineageEndpoint(url: "http://localhost:5000").postURL == "http://localhost:5000/api/v1/lineage")
        #expect(LineageEndpoint(url: "http://localhost:5000/").postURL == "http://localhost:5000/api/v1/lineage")
        #expect(LineageEndpoint(url: "https://ol.example/custom/path").postURL == "https://ol.example/custom/path")
        #expect(LineageEndpoint(url: "http://user:secret@h:1/x?token=t").displayURL == "http://h:1/x")
    }

    @Test(.enabled(if: GovProcess.python != nil || GovProcess.oraclesRequired))
    func eventsArePostedToTheEndpoint() throws {
        let dir = try GovTempDir("lineage-http")
        let server = try LocalLineageServer(dir: dir)
        defer { server.stop() }
        let store = LineageStore(projectRoot: dir.path, endpoint: LineageEndpoint(url: "http://127.0.0.1:\(server.port)"))
        let events = Array(LineageFixture.events.prefix(4))
        for e in events { #expect(try store.emit(e) == []) }
        let posted = try String(contentsOfFile: server.bodies, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(posted == events.map(\.serialized))
        #expect(server.requests.allSatisfy { $0 == "POST /api/v1/lineage application/json" })
        #expect(try store.events().count == 4) // kept locally too
    }

    @Test(.enabled(if: GovProcess.python != nil || GovProcess.oraclesRequired))
    func aDownEndpointCostsOneEventsRetriesAndTheOutboxKeepsTheRestInOrder() throws {
        let dir = try GovTempDir("lineage-http-503")
        let server = try LocalLineageServer(dir: dir)
        defer { server.stop() }
        let store = LineageStore(projectRoot: dir.path,
                                 endpoint: LineageEndpoint(url: "http://127.0.0.1:\(server.port)/fail", timeout: 2, attempts: 3, backoff: 0.05))
        let events = Array(LineageFixture.events.prefix(5))
        let warnings = try events.flatMap { try store.emit($0) }
        #expect(warnings == ["lineage endpoint http://127.0.0.1:\(server.port)/fail is unreachable (HTTP 503, 3 attempt(s)); this run's events wait in lineage/outbox/ for `strata lineage replay`"])
        #expect(server.requests.count == 3, "the circuit opened after the first event's attempts")
        #expect(try store.events().count == 5)
        let outbox = LineageOutbox(projectRoot: dir.path)
        #expect(try outbox.bodies() == events.map(\.serialized))
        // Replayed to a working endpoint: all of them, in order, and the outbox is empty.
        let r = try outbox.replay(LineageEndpoint(url: "http://127.0.0.1:\(server.port)", attempts: 1))
        #expect(r.sent == 5 && r.left == 0 && r.failure == nil)
        let posted = try String(contentsOfFile: server.bodies, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(posted == events.map(\.serialized))
        #expect(try outbox.count() == 0)
    }

    @Test(.enabled(if: GovProcess.python != nil || GovProcess.oraclesRequired))
    func waitingEventsGoFirstWhenTheEndpointIsBack() throws {
        let dir = try GovTempDir("lineage-http-order")
        let server = try LocalLineageServer(dir: dir)
        defer { server.stop() }
        let outbox = LineageOutbox(projectRoot: dir.path)
        let events = Array(LineageFixture.events.prefix(4))
        // An earlier run left two events waiting.
        let down = LineageStore(projectRoot: dir.path, endpoint: LineageEndpoint(url: "http://127.0.0.1:\(server.port)/fail", attempts: 1))
        for e in events.prefix(2) { try down.emit(e) }
        #expect(try outbox.count() == 2)
        let up = LineageStore(projectRoot: dir.path, endpoint: LineageEndpoint(url: "http://127.0.0.1:\(server.port)", attempts: 1))
        for e in events.dropFirst(2) { #expect(try up.emit(e) == []) }
        let posted = try String(contentsOfFile: server.bodies, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(posted == events.map(\.serialized))
        #expect(try outbox.count() == 0)
    }

    @Test(.enabled(if: GovProcess.python != nil || GovProcess.oraclesRequired))
    func hungAndRejectingEndpointsSayWhatHappened() throws {
        let dir = try GovTempDir("lineage-http-hang")
        let server = try LocalLineageServer(dir: dir)
        defer { server.stop() }
        let hung = LineageStore(projectRoot: dir.path, endpoint: LineageEndpoint(url: "http://127.0.0.1:\(server.port)/hang", timeout: 0.5, attempts: 1))
        let warnings = try LineageFixture.events.prefix(3).flatMap { try hung.emit($0) }
        #expect(warnings.count == 1)
        #expect(warnings.first?.contains("unreachable (timed out after 0.5 s, 1 attempt(s))") == true, "\(warnings)")
        #expect(!warnings.joined().contains("NSURLErrorDomain"))
        // A 400 is the endpoint's answer: not retried, not kept for replay (the event stays in lineage/events/).
        let other = try GovTempDir("lineage-http-reject")
        let rejecting = LineageStore(projectRoot: other.path, endpoint: LineageEndpoint(url: "http://127.0.0.1:\(server.port)/reject", attempts: 3))
        let w = try rejecting.emit(LineageFixture.events[0])
        #expect(w == ["lineage endpoint http://127.0.0.1:\(server.port)/reject rejected an event (HTTP 400); it is kept in lineage/events/ only"])
        #expect(try LineageOutbox(projectRoot: other.path).count() == 0)
        #expect(try rejecting.events().count == 1)
    }

    @Test func closedPortIsAWarningNotAnError() throws {
        let dir = try GovTempDir("lineage-http-closed")
        // Bind and close a socket to get a port that nothing listens on.
        let port = try LineageStoreTests.unusedPort()
        let store = LineageStore(projectRoot: dir.path,
                                 endpoint: LineageEndpoint(url: "http://127.0.0.1:\(port)", timeout: 1, attempts: 3, backoff: 0.05))
        let warnings = try LineageFixture.events.prefix(3).flatMap { try store.emit($0) }
        #expect(warnings == ["lineage endpoint http://127.0.0.1:\(port)/api/v1/lineage is unreachable (connection refused, 3 attempt(s)); this run's events wait in lineage/outbox/ for `strata lineage replay`"])
        #expect(try store.events().count == 3)
        #expect(try LineageOutbox(projectRoot: dir.path).count() == 3)
    }

    static func unusedPort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard ok else { throw GovProcess.Failure(description: "cannot bind a socket") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
