import StrataCore
import Foundation

/// Delivers one run's lineage events to the endpoint, in order, at a bounded cost.
///
/// Each event gets `endpoint.attempts` tries with backoff. When they are used up the circuit
/// opens: no later event of the run touches the network, so an endpoint that is down or hung
/// costs the run one event's retries, not every event's. Undelivered events wait in the outbox
/// (`lineage/outbox/events.jsonl`, one event per line, in order) until `strata lineage replay`,
/// or the next run that reaches the endpoint, sends them; while events wait, new ones queue
/// behind them, so the endpoint sees every run's events in the order they happened. One warning
/// per transport says what happened; it never contains an event's body.
public final class LineageTransport: @unchecked Sendable {
    public let endpoint: LineageEndpoint
    public let outbox: LineageOutbox
    private let lock = NSLock()
    /// The circuit: once open, events go to the outbox without an attempt.
    private var open = false
    private var warned = false
    private var triedOutbox = false

    public init(endpoint: LineageEndpoint, outbox: LineageOutbox) {
        self.endpoint = endpoint
        self.outbox = outbox
    }

    /// Sends `body` (one serialized event), or keeps it in the outbox. Returns the run's one
    /// warning the first time delivery fails, nil otherwise; throws only when the outbox cannot
    /// be written.
    public func deliver(_ body: String) throws -> String? {
        try lock.withLock {
            if !open && !triedOutbox {
                triedOutbox = true
                // Events of earlier runs go first; if they cannot, this one queues behind them.
                if try outbox.count() > 0 {
                    let replay = try outbox.replay(endpoint)
                    if replay.failure != nil { open = true }
                }
            }
            if !open, try outbox.count() == 0 {
                switch LineageHTTP.post(Array(body.utf8), to: endpoint) {
                case .delivered: return nil
                case .rejected(let why):
                    // The endpoint answered, and will answer the same again: not kept for replay.
                    return once("lineage endpoint \(endpoint.displayURL) rejected an event (\(why)); it is kept in lineage/events/ only")
                case .unreachable(let why):
                    open = true
                    try outbox.append(body)
                    return once("lineage endpoint \(endpoint.displayURL) is unreachable (\(why), \(endpoint.attempts) attempt(s)); this run's events wait in lineage/outbox/ for `strata lineage replay`")
                }
            }
            try outbox.append(body)
            return once("lineage endpoint \(endpoint.displayURL) is unreachable; events wait in lineage/outbox/ for `strata lineage replay`")
        }
    }

    private func once(_ w: String) -> String? {
        guard !warned else { return nil }
        warned = true
        return w
    }
}

/// Lineage events an endpoint has not received yet: `lineage/outbox/events.jsonl`.
public struct LineageOutbox: Sendable {
    public let directory: String
    public var file: String { directory + "/events.jsonl" }

    public init(projectRoot: String) { directory = projectRoot + "/lineage/outbox" }

    /// The waiting events, oldest first.
    public func bodies() throws -> [String] {
        guard let bytes = try AppendOnlyFile.read(file) else { return [] }
        return AppendOnlyFile.lines(bytes).filter { !$0.bytes.isEmpty }.map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    public func count() throws -> Int { try bodies().count }

    func append(_ body: String) throws {
        try AppendOnlyFile.ensureDirectory(directory)
        let lock = try FileLock(path: directory + "/.lock")
        defer { withExtendedLifetime(lock) {} }
        try AppendOnlyFile.append(Array((body + "\n").utf8), to: file)
    }

    /// What a replay did: events sent, events left, and why it stopped early.
    public struct Replay: Sendable {
        public var sent: Int
        /// Events the endpoint refused (a 4xx answer): dropped from the outbox, kept in lineage/events/.
        public var rejected: Int
        public var left: Int
        public var failure: String?
    }

    /// Sends the waiting events in order and removes each one delivered (or rejected: the
    /// endpoint will not take it later either, and it stays in lineage/events/); stops at the
    /// first that cannot be delivered, so the order is kept.
    public func replay(_ endpoint: LineageEndpoint) throws -> Replay {
        try AppendOnlyFile.ensureDirectory(directory)
        let lock = try FileLock(path: directory + "/.lock")
        defer { withExtendedLifetime(lock) {} }
        let waiting = try bodies()
        var sent = 0
        var failure: String?
        var rejected = 0
        for body in waiting {
            switch LineageHTTP.post(Array(body.utf8), to: endpoint) {
            case .delivered: sent += 1
            case .rejected: rejected += 1
            case .unreachable(let why): failure = why
            }
            if failure != nil { break }
        }
        let done = sent + rejected
        if done > 0 {
            let rest = waiting.dropFirst(done).map { $0 + "\n" }.joined()
            try AppendOnlyFile.replace(file, with: Array(rest.utf8))
        }
        return Replay(sent: sent, rejected: rejected, left: waiting.count - done, failure: failure.map { "\(endpoint.displayURL) is unreachable (\($0))" })
    }
}
