#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataCore

/// Streams one file through a reusable byte buffer with `read(2)`, in large chunks.
///
/// The window `[start, end)` holds bytes read but not yet consumed. Parsers scan the window,
/// `consume` what they finished, and call `refill` when a record runs past `end`; `refill` moves
/// the unconsumed tail to the front, grows the buffer when the tail alone fills it (a record longer
/// than a chunk), and reads more. The byte at `end` is always an LF sentinel (the buffer has one
/// spare byte), so scanners can stop on it without a bounds check. The descriptor is closed by `deinit`.
final class ChunkedFile {
    let path: String
    private let fd: Int32
    private(set) var buffer: UnsafeMutablePointer<UInt8>
    private(set) var capacity: Int
    private let chunkSize: Int
    /// First unconsumed byte.
    private(set) var start = 0
    /// One past the last byte read.
    private(set) var end = 0
    /// True once `read` returned 0.
    private(set) var atEOF = false
    /// Bytes read from the file so far.
    private(set) var bytesRead = 0

    /// Opens `path`; `displayPath` names it in errors.
    init(path: String, displayPath: String, chunkSize: Int) throws {
        self.path = displayPath
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            throw StrataError(e == ENOENT ? .notFound : .io, "cannot open '\(displayPath)'",
                              cause: String(cString: strerror(e)))
        }
        self.fd = fd
        self.chunkSize = max(1, chunkSize)
        // One spare byte past the window lets scanners read a sentinel without a bounds check.
        capacity = self.chunkSize
        buffer = .allocate(capacity: capacity + 1)
        buffer[0] = 0x0A
    }

    deinit {
        close(fd)
        buffer.deallocate()
    }

    /// Marks bytes before `position` (absolute buffer offset) as consumed.
    @inline(__always)
    func consume(upTo position: Int) {
        start = position
    }

    /// Reads more bytes after the unconsumed tail; returns false at end of file (nothing new).
    ///
    /// Offsets into the buffer are invalidated: the tail moves to offset 0.
    func refill() throws -> Bool {
        if atEOF { return false }
        let tail = end - start
        if start > 0 {
            if tail > 0 { memmove(buffer, buffer + start, tail) }
            start = 0
            end = tail
        }
        if capacity - end < chunkSize / 2 || end == capacity {
            let newCapacity = max(capacity * 2, end + chunkSize)
            let grown = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity + 1)
            grown.update(from: buffer, count: end)
            buffer.deallocate()
            buffer = grown
            capacity = newCapacity
        }
        buffer[end] = 0x0A
        while true {
            let n = read(fd, buffer + end, min(chunkSize, capacity - end))
            if n < 0 {
                if errno == EINTR { continue }
                throw StrataError(.io, "cannot read '\(path)'", cause: String(cString: strerror(errno)))
            }
            if n == 0 {
                atEOF = true
                return false
            }
            end += n
            bytesRead += n
            buffer[end] = 0x0A
            return true
        }
    }
}
