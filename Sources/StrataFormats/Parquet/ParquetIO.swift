import StrataCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

private func sysClose(_ fd: Int32) -> Int32 { close(fd) }
private func sysWrite(_ fd: Int32, _ p: UnsafeRawPointer, _ n: Int) -> Int { write(fd, p, n) }

/// A file opened for writing from the start; owns the descriptor and closes it on deinit.
final class OutputFile {
    let path: String
    private var fd: Int32
    /// Bytes written so far (the offset of the next byte).
    private(set) var offset: Int = 0

    init(path: String) throws {
        self.path = path
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StrataError(.io, "cannot create '\(path)'", cause: String(cString: strerror(errno)))
        }
    }

    deinit { if fd >= 0 { _ = sysClose(fd) } }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        var done = 0
        while done < bytes.count {
            let n = sysWrite(fd, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                throw StrataError(.io, "cannot write '\(path)'", cause: String(cString: strerror(errno)))
            }
            done += n
        }
        offset += bytes.count
    }

    func write(_ bytes: [UInt8]) throws { try bytes.withUnsafeBytes { try write($0) } }

    func close() throws {
        guard fd >= 0 else { return }
        let rc = sysClose(fd)
        fd = -1
        guard rc == 0 else { throw StrataError(.io, "cannot close '\(path)'", cause: String(cString: strerror(errno))) }
    }
}

/// A file opened for positional reads; owns the descriptor and closes it on deinit.
final class InputFile {
    let path: String
    private let fd: Int32
    let size: Int

    init(path: String) throws {
        self.path = path
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let e = errno
            throw StrataError(e == ENOENT ? .notFound : .io, "cannot open '\(path)'", cause: String(cString: strerror(e)))
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            _ = sysClose(fd)
            throw StrataError(.io, "cannot stat '\(path)'", cause: String(cString: strerror(errno)))
        }
        size = Int(st.st_size)
    }

    deinit { _ = sysClose(fd) }

    /// Reads `count` bytes at `offset`; the range must lie inside the file.
    func read(at offset: Int, count: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset <= size, count <= size - offset else {
            throw StrataError(.corruptData, "'\(path)' is truncated or corrupt: a byte range lies outside the file")
        }
        var failure: Int32 = 0
        let bytes = [UInt8](unsafeUninitializedCapacity: count) { buf, initialized in
            var done = 0
            while done < count {
                let n = pread(fd, buf.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { failure = n < 0 ? errno : EIO; break }
                done += n
            }
            if done < count { (buf.baseAddress! + done).initialize(repeating: 0, count: count - done) }
            initialized = count
        }
        guard failure == 0 else {
            throw StrataError(.io, "cannot read '\(path)'", cause: String(cString: strerror(failure)))
        }
        return bytes
    }
}
