/// A growable byte buffer for hot encoding paths: appends without zero-filling and without
/// per-append bounds checks beyond one capacity test. Reused across pages and chunks.
final class ScratchBuffer {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var capacity: Int
    var count = 0

    init(capacity: Int = 1 << 16) {
        self.capacity = max(capacity, 64)
        base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    func reset() { count = 0 }

    /// Makes room for `extra` more bytes.
    @inline(__always)
    func ensure(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    private func grow(_ needed: Int) {
        var c = capacity
        while c < needed { c *= 2 }
        let nb = UnsafeMutableRawPointer.allocate(byteCount: c, alignment: 16)
        nb.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = nb
        capacity = c
    }

    /// Reserves `n` bytes at the end and returns where they start (contents undefined).
    @inline(__always)
    func appendUninitialized(_ n: Int) -> UnsafeMutableRawPointer {
        ensure(n)
        let p = base + count
        count += n
        return p
    }

    @inline(__always)
    func append(_ byte: UInt8) {
        ensure(1)
        base.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    func append(_ p: UnsafeRawBufferPointer) {
        guard p.count > 0 else { return }
        appendUninitialized(p.count).copyMemory(from: p.baseAddress!, byteCount: p.count)
    }

    @inline(__always)
    func appendUInt32LE(_ v: UInt32) {
        appendUninitialized(4).storeBytes(of: v.littleEndian, as: UInt32.self)
    }

    @inline(__always)
    func appendVarint(_ value: Int) {
        var v = UInt64(value)
        ensure(10)
        while v >= 0x80 {
            base.storeBytes(of: UInt8(truncatingIfNeeded: v) | 0x80, toByteOffset: count, as: UInt8.self)
            count += 1
            v >>= 7
        }
        base.storeBytes(of: UInt8(v), toByteOffset: count, as: UInt8.self)
        count += 1
    }

    /// Overwrites 4 bytes at `offset` with `v` little-endian.
    func setUInt32LE(_ v: UInt32, at offset: Int) {
        precondition(offset + 4 <= count)
        (base + offset).storeBytes(of: v.littleEndian, as: UInt32.self)
    }

    var array: [UInt8] { Array(bytes) }
}
