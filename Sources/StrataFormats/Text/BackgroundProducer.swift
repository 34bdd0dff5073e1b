import Foundation
import StrataCore

/// Runs a producer on its own thread, a few items ahead of the consumer (a bounded queue).
///
/// Readers use it to parse the next batch while the caller converts, transforms and encodes the
/// previous one, so parsing and the rest of a pipeline overlap on two cores. Items come out in the
/// order they were produced; the producer stops after it returns a final item (`isLast`) or throws,
/// and also when the consumer is released early. The thread starts on the first `next()`.
final class BackgroundProducer<Item: Sendable> {
    private let state: ProducerState<Item>
    private let produce: @Sendable () throws -> (item: Item, isLast: Bool)
    private var started = false
    private var done = false

    /// `depth` items may wait in the queue (at least 1).
    init(depth: Int, _ produce: @escaping @Sendable () throws -> (item: Item, isLast: Bool)) {
        state = ProducerState(depth: max(1, depth))
        self.produce = produce
    }

    deinit { state.cancel() }

    /// The next item; rethrows the producer's error. After the last item (or an error) it must not
    /// be called again.
    func next() throws -> (item: Item, isLast: Bool) {
        precondition(!done, "BackgroundProducer.next() after its last item")
        if !started {
            started = true
            let state = self.state, produce = self.produce
            let t = Thread {
                while true {
                    let r = Result { try produce() }
                    let last: Bool
                    switch r {
                    case .success(let v): last = v.isLast
                    case .failure: last = true
                    }
                    guard state.push(r), !last else { return }
                }
            }
            t.name = "strata-reader"
            t.start()
        }
        let r = state.pop()
        switch r {
        case .success(let v): if v.isLast { done = true }
        case .failure: done = true
        }
        return try r.get()
    }
}

/// The queue between a producer thread and its consumer.
private final class ProducerState<Item: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var items: [Result<(item: Item, isLast: Bool), any Error>] = []
    private let depth: Int
    private var cancelled = false

    init(depth: Int) { self.depth = depth }

    /// Blocks while the queue is full; false when the consumer is gone (stop producing).
    func push(_ r: Result<(item: Item, isLast: Bool), any Error>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= depth && !cancelled { condition.wait() }
        if cancelled { return false }
        items.append(r)
        condition.broadcast()
        return true
    }

    func pop() -> Result<(item: Item, isLast: Bool), any Error> {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty { condition.wait() }
        let r = items.removeFirst()
        condition.broadcast()
        return r
    }

    func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}

/// A reader's mutable state, shared with the thread that parses ahead (used by one thread at a time:
/// the producer thread once started, the caller otherwise).
final class ReaderCoreBox<Core>: @unchecked Sendable {
    var core: Core
    init(_ core: Core) { self.core = core }
}

/// The parsing state of a text reader (CSV, JSONL): batches and the counters after each.
protocol TextReaderCore {
    mutating func nextBatch() throws -> Batch?
    var rowsRead: Int { get }
    var rowsQuarantined: Int { get }
    var bytesRead: Int { get }
}

/// Drives a text reader's core, inline or on a thread of its own two batches ahead, and keeps the
/// counters as of the batch last handed out. The one driver CSVReader and JSONLReader share.
final class PrefetchingReader<Core: TextReaderCore> {
    private let box: ReaderCoreBox<Core>
    private var producer: BackgroundProducer<ReadProgress>?
    private(set) var progress = ReadProgress(batch: nil, rowsRead: 0, rowsQuarantined: 0, bytesRead: 0)
    private var finished = false

    init(_ core: Core, background: Bool) {
        box = ReaderCoreBox(core)
        if background {
            let box = self.box
            producer = BackgroundProducer(depth: 2) {
                let b = try box.core.nextBatch()
                return (Self.progress(box.core, b), b == nil)
            }
        }
    }

    static func progress(_ core: Core, _ b: Batch?) -> ReadProgress {
        ReadProgress(batch: b, rowsRead: core.rowsRead, rowsQuarantined: core.rowsQuarantined, bytesRead: core.bytesRead)
    }

    func next() throws -> Batch? {
        if finished { return nil }
        if let producer {
            let (p, last) = try producer.next()
            progress = p
            if last { finished = true }
            return p.batch
        }
        let b = try box.core.nextBatch()
        progress = Self.progress(box.core, b)
        return b
    }
}

/// One batch and the reader's counters right after it was read.
struct ReadProgress: Sendable {
    var batch: Batch?
    var rowsRead: Int
    var rowsQuarantined: Int
    var bytesRead: Int
}
