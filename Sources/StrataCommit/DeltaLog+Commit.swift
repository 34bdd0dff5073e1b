import Foundation
import StrataCore
public import StrataFormats
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension DeltaLog {
    /// Commits `actions` as the version after `readVersion` (0 when `readVersion` is nil: a new table).
    ///
    /// The commit file is written in full to a hidden temporary file in `_delta_log`, flushed, then
    /// published with `link(2)`, which fails when the name exists: readers never see a partial
    /// commit and two writers can never both create one version. When another writer won:
    /// - a blind append (`isBlindAppend`, it read nothing it depends on) retries at the next
    ///   version, up to `maxRetries` times, unless a winning commit changed the schema or protocol
    ///   or recorded a `txn` for one of this commit's application ids;
    /// - anything else throws `.conflict` (the caller re-reads the table and tries again).
    ///
    /// A commit creating a table (version 0) must contain `protocol` and `metaData` actions.
    /// `commitInfo`, when present, is written first, with `isBlindAppend` filled in.
    /// Returns the version committed.
    @discardableResult
    public func commit(_ actions: [DeltaAction], readVersion: Int64?, isBlindAppend: Bool, maxRetries: Int = 16) throws -> Int64 {
        var version = (readVersion ?? -1) + 1
        if version == 0 {
            let hasProtocol = actions.contains { if case .protocol = $0 { return true } else { return false } }
            let hasMetadata = actions.contains { if case .metaData = $0 { return true } else { return false } }
            guard hasProtocol, hasMetadata else {
                throw StrataError(.internalError, "the first commit of \(tablePath) needs protocol and metaData actions")
            }
        }
        if version > 0, !FileManager.default.fileExists(atPath: commitPath(version - 1)) {
            throw StrataError(.notFound, "cannot commit version \(version) of \(tablePath): version \(version - 1) does not exist",
                              hint: "read the table's latest version first and commit after it")
        }
        var ordered: [DeltaAction] = []
        for case .commitInfo(var c) in actions {
            if c.isBlindAppend == nil { c.isBlindAppend = isBlindAppend }
            ordered.append(.commitInfo(c))
        }
        for a in actions {
            if case .commitInfo = a { continue }
            ordered.append(a)
        }
        var text: [UInt8] = []
        for a in ordered {
            a.json.write(to: &text)
            text.append(0x0A)
        }
        let ourApps = Set(actions.compactMap { a -> String? in if case let .txn(id, _, _) = a { return id } else { return nil } })

        do {
            try FileManager.default.createDirectory(atPath: logPath, withIntermediateDirectories: true)
        } catch {
            throw StrataError(.io, "cannot create \(logPath)", cause: "\(error)")
        }
        let temp = logPath + "/.strata-commit-\(UUID().uuidString.lowercased()).json.tmp"
        try DeltaLog.writeNew(temp, text)
        defer { unlink(temp) }
        CrashPoint.reach("before-commit-link")

        var attempts = 0
        while true {
            let target = commitPath(version)
            if link(temp, target) == 0 {
                CrashPoint.reach("after-commit-link")
                DeltaLog.syncDirectory(logPath)
                return version
            }
            let err = errno
            if err == EPERM || err == EOPNOTSUPP || err == EXDEV || err == EMLINK {
                // File systems without hard links: fall back to an exclusive create (still never
                // overwrites; a crash mid-write could leave a partial file, which the link path avoids).
                do {
                    try DeltaLog.writeNew(target, text)
                    DeltaLog.syncDirectory(logPath)
                    return version
                } catch let e as StrataError where e.code == .conflict {
                    // Lost the race: handled below.
                }
            } else if err != EEXIST {
                throw StrataError(.io, "cannot create \(target)", cause: String(cString: strerror(err)))
            }
            // Another writer created this version first.
            guard isBlindAppend, readVersion != nil else {
                throw StrataError(.conflict, "another writer committed version \(version) of \(tablePath) first",
                                  hint: "run again: strata re-reads the table before writing")
            }
            let winner = try self.actions(version: version)
            for a in winner {
                switch a {
                case .metaData, .protocol:
                    throw StrataError(.conflict, "another writer changed the schema or protocol of \(tablePath) at version \(version)",
                                      hint: "run again: strata re-reads the table's schema before writing")
                case let .txn(id, _, _) where ourApps.contains(id):
                    throw StrataError(.conflict, "another writer committed for application '\(id)' at version \(version) of \(tablePath)",
                                      hint: "run again: the batch may already be committed and will then be skipped")
                default:
                    break
                }
            }
            attempts += 1
            guard attempts <= maxRetries else {
                if maxRetries == 0 {
                    throw StrataError(.conflict, "another writer committed version \(version) of \(tablePath) while this write was staged; nothing was committed",
                                      hint: "run again: strata re-reads the table and commits after it")
                }
                throw StrataError(.conflict, "gave up committing to \(tablePath) after \(attempts) lost races",
                                  hint: "too many concurrent writers; run again")
            }
            version += 1
        }
    }

    /// Creates `path` exclusively and writes `bytes` fully, flushed to disk. `.conflict` when it exists.
    static func writeNew(_ path: String, _ bytes: [UInt8]) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 {
            let err = errno
            if err == EEXIST { throw StrataError(.conflict, "\(path) already exists") }
            throw StrataError(.io, "cannot create \(path)", cause: String(cString: strerror(err)))
        }
        defer { close(fd) }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let err = errno
                unlink(path)
                throw StrataError(.io, "cannot write \(path)", cause: String(cString: strerror(err)))
            }
            written += n
        }
        if fsync(fd) != 0 {
            let err = errno
            unlink(path)
            throw StrataError(.io, "cannot flush \(path)", cause: String(cString: strerror(err)))
        }
    }

    /// Flushes a directory entry change (best effort).
    static func syncDirectory(_ path: String) {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }
}
