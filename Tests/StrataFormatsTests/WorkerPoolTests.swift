import Foundation
import Testing
@testable import StrataFormats

@Suite struct WorkerPoolTests {
    struct Boom: Error {}

    @Test func resultsComeBackPerJob() throws {
        let pool = WorkerPool(threads: 3)
        let pending = (0..<200).map { i in pool.submit { i * i } }
        #expect(try pending.map { try $0.wait() } == (0..<200).map { $0 * $0 })
    }

    @Test func jobsRunOnOtherThreadsInParallel() throws {
        let pool = WorkerPool(threads: 2)
        // Two jobs that each wait for the other to start can only finish when both run at once.
        let a = DispatchSemaphore(value: 0), b = DispatchSemaphore(value: 0)
        let p1 = pool.submit { a.signal(); return b.wait(timeout: .now() + 10) == .success }
        let p2 = pool.submit { b.signal(); return a.wait(timeout: .now() + 10) == .success }
        #expect(try p1.wait())
        #expect(try p2.wait())
    }

    @Test func errorsAreRethrownByWait() {
        let pool = WorkerPool(threads: 1)
        let p = pool.submit { () throws -> Int in throw Boom() }
        #expect(throws: Boom.self) { try p.wait() }
        #expect(p.isReady)
    }

    @Test func objectCacheHandsOutDistinctObjects() throws {
        final class Counter: @unchecked Sendable { var n = 0 }
        let made = Counter()
        let lock = NSLock()
        let cache = ObjectCache<NSObject> { lock.lock(); made.n += 1; lock.unlock(); return NSObject() }
        try cache.with { outer in
            try cache.with { inner in #expect(outer !== inner) }
        }
        try cache.with { _ in }
        #expect(made.n == 2)
    }
}
