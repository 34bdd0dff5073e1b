import StrataCore
import StrataFormats
import Foundation

/// Where lineage events go besides the local files: an OpenLineage HTTP endpoint (Marquez).
public struct LineageEndpoint: Sendable, Hashable {
    /// The endpoint. A URL with no path (`http://localhost:5000`) gets Marquez's `/api/v1/lineage`.
    public var url: String
    /// Seconds per attempt.
    public var timeout: Double
    /// Attempts in all (the first plus retries).
    public var attempts: Int
    /// Seconds before the first retry; doubled each time.
    public var backoff: Double

    public init(url: String, timeout: Double = 2, attempts: Int = 3, backoff: Double = 0.25) {
        self.url = url
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.backoff = backoff
    }

    /// The URL events are POSTed to.
    public var postURL: String {
        guard let u = URLComponents(string: url) else { return url }
        if u.path.isEmpty || u.path == "/" {
            var c = u
            c.path = "/api/v1/lineage"
            return c.string ?? url
        }
        return url
    }

    /// The URL as shown in warnings: scheme, host, port and path (no user, password or query).
    public var displayURL: String {
        guard let u = URLComponents(string: postURL), let host = u.host else { return "the lineage endpoint" }
        return "\(u.scheme ?? "http")://\(host)\(u.port.map { ":\($0)" } ?? "")\(u.path)"
    }
}

/// The project's lineage events: `<project>/lineage/events/events-YYYY-MM-DD.jsonl`, one
/// OpenLineage RunEvent per line, appended atomically (an exclusive lock around one `write(2)`).
/// With an endpoint, each event is also sent there; an endpoint that is down is one warning, never an error.
public struct LineageStore: Sendable {
    public let projectRoot: String
    public let endpoint: LineageEndpoint?
    /// Delivery to the endpoint for the store's lifetime (one run): retries, circuit breaker, outbox.
    public let transport: LineageTransport?

    public init(projectRoot: String, endpoint: LineageEndpoint? = nil) {
        var p = projectRoot
        while p.count > 1, p.hasSuffix("/") { p.removeLast() }
        self.projectRoot = p
        self.endpoint = endpoint
        self.transport = endpoint.map { LineageTransport(endpoint: $0, outbox: LineageOutbox(projectRoot: p)) }
    }

    /// `<project>/lineage/events`.
    public var eventsDirectory: String { projectRoot + "/lineage/events" }

    /// Appends `event` to its day's file, then sends it when an endpoint is configured (see
    /// `LineageTransport`). Returns the warning for the user the first time the endpoint fails;
    /// throws only when a local write fails.
    @discardableResult
    public func emit(_ event: OpenLineageRunEvent) throws -> [String] {
        try append([event])
        guard let transport else { return [] }
        return try transport.deliver(event.serialized).map { [$0] } ?? []
    }

    /// Appends events (each one line) to the files of their days.
    public func append(_ events: [OpenLineageRunEvent]) throws {
        guard !events.isEmpty else { return }
        try AppendOnlyFile.ensureDirectory(eventsDirectory)
        let lock = try FileLock(path: eventsDirectory + "/.lock")
        defer { withExtendedLifetime(lock) {} }
        var byDay: [String: [UInt8]] = [:]
        var days: [String] = []
        for e in events {
            let day = UTCTime.day(e.eventTime)
            if byDay[day] == nil { days.append(day) }
            e.json.write(to: &byDay[day, default: []])
            byDay[day, default: []].append(0x0A)
        }
        for d in days { try AppendOnlyFile.append(byDay[d]!, to: eventsDirectory + "/events-\(d).jsonl") }
    }

    /// Every stored event, oldest file first, in line order. Throws `.corruptData` at `file:line`
    /// for a line that is not an event.
    public func events() throws -> [OpenLineageRunEvent] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: eventsDirectory) else { return [] } // no events folder yet: no events
        var out: [OpenLineageRunEvent] = []
        for name in names.filter({ $0.hasPrefix("events-") && $0.hasSuffix(".jsonl") }).sorted() {
            let path = eventsDirectory + "/" + name
            guard let bytes = try AppendOnlyFile.read(path) else { continue }
            for l in AppendOnlyFile.lines(bytes) where !l.bytes.isEmpty {
                let v: JSONValue
                do {
                    v = try Array(l.bytes).withUnsafeBufferPointer { try JSONValue.parse($0, file: path, line: l.number) }
                } catch var e as StrataError {
                    e.code = .corruptData
                    throw e
                }
                out.append(try OpenLineageRunEvent.decode(v, file: path, line: l.number))
            }
        }
        return out
    }
}
