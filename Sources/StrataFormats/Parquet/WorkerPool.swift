import Foundation

/// A fixed set of worker threads that run submitted jobs, oldest first.
///
/// Jobs return their result through a `PendingResult`; callers decide the order in which they
/// consume results, so the output of parallel work can stay independent of scheduling. The
/// threads stop when the pool is released (after finishing the jobs already queued).
package final class WorkerPool: Sendable {
    private let queue: JobQueue
    /// Number of worker threads.
    package let threadCount: Int

    /// Starts `threads` workers (at least one).
    package init(threads: Int) {
        threadCount = max(1, threads)
        queue = JobQueue()
        for i in 0..<threadCount {
            let q = queue
            let t = Thread { q.work() }
            t.name = "strata-worker-\(i)"
            t.stackSize = 1 << 20
            t.start()
        }
    }

    deinit { queue.stop() }

    /// Runs `job` on a worker; its value (or error) is delivered to the returned `PendingResult`.
    package func submit<T: Sendable>(_ job: @escaping @Sendable () throws -> T) -> PendingResult<T> {
        let pending = PendingResult<T>()
        queue.push {
            pending.fulfill(Result { try job() })
        }
        return pending
    }

    /// The number of processors this process may use (at least 1).
    package static var processorCount: Int { max(1, ProcessInfo.processInfo.activeProcessorCount) }
}

/// The jobs waiting for a worker; workers block on the condition while it is empty.
private final class JobQueue: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [(@Sendable () -> Void)?] = []
    private var head = 0
    private var stopping = false

    func push(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        condition.unlock()
    }

    /// A worker's loop: run jobs until stopped and drained.
    func work() {
        while true {
            condition.lock()
            while head == jobs.count && !stopping { condition.wait() }
            if head == jobs.count {
                condition.unlock()
                return
            }
            let job = jobs[head]!
            jobs[head] = nil  // release what the job captured as soon as it has run
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            } else if head >= 1024 {
                jobs.removeFirst(head)
                head = 0
            }
            condition.unlock()
            job()
        }
    }
}

/// The result of a job running elsewhere; `wait` blocks until it is there.
package final class PendingResult<T: Sendable>: @unchecked Sendable {
    private let condition = NSCondition()
    private var result: Result<T, any Error>?

    package init() {}

    /// A result that is already known.
    package init(_ value: Result<T, any Error>) { result = value }

    func fulfill(_ r: Result<T, any Error>) {
        condition.lock()
        result = r
        condition.broadcast()
        condition.unlock()
    }

    /// True when the result is there (`wait` would not block).
    package var isReady: Bool {
        condition.lock()
        defer { condition.unlock() }
        return result != nil
    }

    /// The job's value, or its error rethrown.
    package func wait() throws -> T {
        condition.lock()
        while result == nil { condition.wait() }
        let r = result!
        condition.unlock()
        return try r.get()
    }
}

/// A small stack of reusable objects (encoders with their scratch buffers) shared by workers.
final class ObjectCache<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var free: [T] = []
    private let make: () throws -> T

    init(_ make: @escaping () throws -> T) { self.make = make }

    /// Runs `body` with an object no other thread uses meanwhile.
    func with<R>(_ body: (T) throws -> R) throws -> R {
        lock.lock()
        let cached = free.popLast()
        lock.unlock()
        let object = try cached ?? make()
        defer {
            lock.lock()
            free.append(object)
            lock.unlock()
        }
        return try body(object)
    }
}
