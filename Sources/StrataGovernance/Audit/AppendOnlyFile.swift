import StrataCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An exclusive advisory lock on a file (`flock`), held from `init` until `deinit`.
///
/// `flock` locks belong to the open file description, so two threads of one process that open
/// the lock file separately exclude each other, just as two processes do. The lock goes with the
/// process: a killed holder releases it.
public final class FileLock {
    private let fd: Int32

    /// Blocks until the lock on `path` (created when missing) is held; `onWait` is called once,
    /// before blocking, when another holder has it.
    public init(path: String, onWait: () -> Void = {}) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StrataError(.io, "cannot open lock file \(path)", cause: String(cString: strerror(errno)))
        }
        var mode = LOCK_EX | LOCK_NB
        while flock(fd, mode) != 0 {
            if errno == EINTR { continue }
            if errno == EWOULDBLOCK && mode != LOCK_EX {
                onWait()
                mode = LOCK_EX
                continue
            }
            let cause = String(cString: strerror(errno))
            close(fd)
            throw StrataError(.io, "cannot lock \(path)", cause: cause)
        }
        self.fd = fd
    }

    /// Replaces the lock file's content (who holds it, for the next waiter's message).
    public func note(_ text: String) {
        let bytes = Array(text.utf8)
        _ = ftruncate(fd, 0) // the note is informational
        _ = bytes.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit {
        _ = flock(fd, LOCK_UN)
        close(fd)
    }
}

/// Byte-level file helpers for append-only logs: whole-buffer appends with one `write(2)`,
/// `fsync`, atomic replace (temp + rename) and reading a file's last line.
enum AppendOnlyFile {
    /// Appends `bytes` to `path` (created when missing) with `O_APPEND`, in one `write(2)` when the
    /// kernel takes it whole (it loops only on a short write), then `fsync`s the file.
    static func append(_ bytes: [UInt8], to path: String) throws {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StrataError(.io, "cannot open \(path) for appending", cause: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        try bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw StrataError(.io, "cannot append to \(path)", cause: String(cString: strerror(errno)))
                }
                offset += n
            }
        }
        guard fsync(fd) == 0 else {
            throw StrataError(.io, "cannot flush \(path) to disk", cause: String(cString: strerror(errno)))
        }
    }

    /// Replaces `path` with `bytes` atomically: writes a temporary sibling, `fsync`s it, renames it.
    static func replace(_ path: String, with bytes: [UInt8]) throws {
        let tmp = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw StrataError(.io, "cannot create \(tmp)", cause: String(cString: strerror(errno)))
        }
        var ok = bytes.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(tmp, path) == 0 else {
            let cause = String(cString: strerror(errno))
            unlink(tmp)
            throw StrataError(.io, "cannot replace \(path)", cause: cause)
        }
    }

    /// The file's bytes, or nil when it does not exist.
    static func read(_ path: String) throws -> [UInt8]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw StrataError(.io, "cannot read \(path)")
        }
        return [UInt8](data)
    }

    /// The file's last line without its `\n` (nil for a missing or empty file), and whether the
    /// file ends with a newline (false means the last write was torn).
    static func lastLine(_ path: String) throws -> (line: [UInt8], complete: Bool)? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw StrataError(.io, "cannot open \(path)", cause: String(cString: strerror(errno)))
        }
        defer { close(fd) }
        let size = Int(lseek(fd, 0, SEEK_END))
        guard size > 0 else { return nil }
        // Read backwards in growing chunks until a line start is found.
        var chunk = 4096
        while true {
            let start = max(0, size - chunk)
            var buf = [UInt8](repeating: 0, count: size - start)
            let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(start)) }
            guard n == buf.count else { throw StrataError(.io, "cannot read \(path)") }
            let complete = buf.last == 0x0A
            let end = complete ? buf.count - 1 : buf.count
            if let nl = buf[..<end].lastIndex(of: 0x0A) {
                return (Array(buf[(nl + 1)..<end]), complete)
            }
            if start == 0 { return (Array(buf[..<end]), complete) }
            chunk *= 4
        }
    }

    /// Creates `path` and its parents when missing.
    static func ensureDirectory(_ path: String) throws {
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw StrataError(.io, "cannot create folder \(path)", cause: "\(error)")
        }
    }

    /// Splits bytes into lines (without `\n`), with 1-based line numbers; a final line without
    /// `\n` is returned with `complete: false`.
    static func lines(_ bytes: [UInt8]) -> [(number: Int, bytes: ArraySlice<UInt8>, complete: Bool)] {
        var out: [(Int, ArraySlice<UInt8>, Bool)] = []
        var start = 0
        var n = 0
        while start < bytes.count {
            n += 1
            if let nl = bytes[start...].firstIndex(of: 0x0A) {
                out.append((n, bytes[start..<nl], true))
                start = nl + 1
            } else {
                out.append((n, bytes[start...], false))
                break
            }
        }
        return out
    }
}

/// UTC time text for logs.
enum UTCTime {
    /// `2026-01-15T10:00:00.123456Z` (always six fractional digits, so the text sorts like the time).
    static func micros(_ t: Int64) -> String {
        let (day, secs, frac) = split(t)
        return Temporal.formatDate(days: Int32(day)) + "T" + hms(secs) + "." + pad(frac, 6) + "Z"
    }

    /// `2026-01-15T10:00:00.123Z` (milliseconds, as OpenLineage examples write it).
    static func millis(_ t: Int64) -> String {
        let (day, secs, frac) = split(t)
        return Temporal.formatDate(days: Int32(day)) + "T" + hms(secs) + "." + pad(frac / 1000, 3) + "Z"
    }

    /// `2026-01-15`: the UTC day of `t`, naming daily segments.
    static func day(_ t: Int64) -> String {
        Temporal.formatDate(days: Int32(split(t).day))
    }

    private static func split(_ t: Int64) -> (day: Int64, secs: Int, frac: Int) {
        var day = t / Temporal.microsPerDay
        var rem = t % Temporal.microsPerDay
        if rem < 0 { rem += Temporal.microsPerDay; day -= 1 }
        return (day, Int(rem / 1_000_000), Int(rem % 1_000_000))
    }

    private static func hms(_ secs: Int) -> String {
        pad(secs / 3600, 2) + ":" + pad(secs / 60 % 60, 2) + ":" + pad(secs % 60, 2)
    }

    private static func pad(_ v: Int, _ n: Int) -> String {
        let s = String(v)
        return s.count >= n ? s : String(repeating: "0", count: n - s.count) + s
    }
}
