import StrataCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A buffered file writer with allocation-free appenders for the generators' hot loops.
///
/// Writes go to `<path>.tmp` and `finish()` renames it into place, so an interrupted run never
/// leaves a truncated file under the final name. Owns its file descriptor (closed in `deinit`).
final class GeneratorOutput {
    let path: String
    private let tempPath: String
    private var fd: Int32
    private let capacity = 1 << 20
    private let buffer: UnsafeMutablePointer<UInt8>
    private(set) var count = 0
    /// Bytes written so far (flushed or buffered).
    private(set) var bytes = 0
    /// Lines completed so far (newlines written).
    private(set) var lines = 0

    init(path: String) throws {
        self.path = path
        tempPath = path + ".tmp"
        fd = open(tempPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StrataError(.io, "cannot create \(tempPath)", cause: String(cString: strerror(errno)))
        }
        buffer = .allocate(capacity: capacity)
    }

    deinit {
        if fd >= 0 {
            close(fd)
            unlink(tempPath)
        }
        buffer.deallocate()
    }

    private func flush() throws {
        var off = 0
        while off < count {
            let n = write(fd, buffer + off, count - off)
            if n < 0 {
                if errno == EINTR { continue }
                throw StrataError(.io, "cannot write \(tempPath)", cause: String(cString: strerror(errno)))
            }
            off += n
        }
        count = 0
    }

    /// Makes sure `n` more bytes fit in the buffer (n ≤ capacity).
    @inline(__always)
    func reserve(_ n: Int) throws {
        if count + n > capacity { try flush() }
    }

    /// Flushes, closes and renames the file into place.
    func finish() throws {
        try flush()
        close(fd)
        fd = -1
        guard rename(tempPath, path) == 0 else {
            throw StrataError(.io, "cannot rename \(tempPath) to \(path)", cause: String(cString: strerror(errno)))
        }
    }

    // MARK: appenders (callers reserve space for a whole line first)

    @inline(__always)
    func byte(_ b: UInt8) {
        buffer[count] = b
        count += 1
        bytes += 1
    }

    @inline(__always)
    func newline() {
        byte(0x0A)
        lines += 1
    }

    @inline(__always)
    func comma() { byte(0x2C) }

    @inline(__always)
    func raw(_ b: [UInt8]) {
        b.withUnsafeBufferPointer { src in
            (buffer + count).update(from: src.baseAddress!, count: src.count)
        }
        count += b.count
        bytes += b.count
    }

    func raw(_ s: StaticString) {
        (buffer + count).update(from: s.utf8Start, count: s.utf8CodeUnitCount)
        count += s.utf8CodeUnitCount
        bytes += s.utf8CodeUnitCount
    }

    /// Appends bytes from another buffer.
    @inline(__always)
    func raw(_ p: UnsafePointer<UInt8>, _ n: Int) {
        (buffer + count).update(from: p, count: n)
        count += n
        bytes += n
    }

    /// The bytes written since buffer position `start` (which must still be in the buffer).
    func copy(from start: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: buffer + start, count: count - start))
    }

    /// Decimal text of a non-negative or negative integer.
    @inline(__always)
    func int(_ v: Int) {
        if v < 0 {
            byte(UInt8(ascii: "-"))
            uint(UInt64(-v))
        } else {
            uint(UInt64(v))
        }
    }

    @inline(__always)
    func uint(_ v: UInt64) {
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes of scratch
        withUnsafeMutableBytes(of: &tmp) { scratch in
            var i = 24
            var x = v
            repeat {
                i -= 1
                scratch[i] = UInt8(truncatingIfNeeded: 48 + x % 10)
                x /= 10
            } while x != 0
            let n = 24 - i
            (buffer + count).update(from: scratch.baseAddress!.assumingMemoryBound(to: UInt8.self) + i, count: n)
            count += n
            bytes += n
        }
    }

    /// `v` zero-padded to `width` digits (v ≥ 0).
    @inline(__always)
    func padded(_ v: Int, _ width: Int) {
        var x = v
        var i = width
        while i > 0 {
            i -= 1
            buffer[count + i] = UInt8(truncatingIfNeeded: 48 + x % 10)
            x /= 10
        }
        count += width
        bytes += width
    }

    /// A 2-decimal amount from cents: `1234` → `12.34`.
    @inline(__always)
    func cents(_ c: Int) {
        var c = c
        if c < 0 { byte(UInt8(ascii: "-")); c = -c }
        uint(UInt64(c / 100))
        byte(UInt8(ascii: "."))
        padded(c % 100, 2)
    }

    /// `YYYY-MM-DD` of days since the epoch.
    @inline(__always)
    func date(_ days: Int) {
        let (y, m, d) = Temporal.civil(days: days)
        padded(y, 4)
        byte(UInt8(ascii: "-"))
        padded(m, 2)
        byte(UInt8(ascii: "-"))
        padded(d, 2)
    }

    /// `YYYY-MM-DDTHH:MM:SSZ`, or with `.mmm` when `millis` is true, of UTC microseconds.
    @inline(__always)
    func timestamp(_ micros: Int64, millis: Bool) {
        let days = Int(micros / Temporal.microsPerDay)
        let rem = Int(micros % Temporal.microsPerDay)
        date(days)
        let secs = rem / 1_000_000
        byte(UInt8(ascii: "T"))
        padded(secs / 3600, 2)
        byte(UInt8(ascii: ":"))
        padded(secs / 60 % 60, 2)
        byte(UInt8(ascii: ":"))
        padded(secs % 60, 2)
        if millis {
            byte(UInt8(ascii: "."))
            padded(rem / 1000 % 1000, 3)
        }
        byte(UInt8(ascii: "Z"))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// `n` lowercase hex digits of `v` (low bits).
    @inline(__always)
    func hex(_ v: UInt64, _ n: Int) {
        var x = v
        var i = n
        while i > 0 {
            i -= 1
            buffer[count + i] = GeneratorOutput.hexDigits[Int(x & 0xF)]
            x >>= 4
        }
        count += n
        bytes += n
    }
}
