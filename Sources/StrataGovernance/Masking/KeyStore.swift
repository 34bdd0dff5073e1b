import Foundation
import StrataCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Key material that never prints: `description` shows only its purpose and size.
public struct SecretKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    package let bytes: [UInt8]
    public let purpose: KeyPurpose

    package init(bytes: [UInt8], purpose: KeyPurpose) {
        self.bytes = bytes
        self.purpose = purpose
    }

    public var description: String { "SecretKey(\(purpose.rawValue), \(bytes.count) bytes, redacted)" }
    public var debugDescription: String { description }

    /// A short public identifier of the key (HMAC of a fixed label, 8 hex digits), for audit
    /// records: it tells which key was used without revealing it.
    public var keyID: String { String(Digest.hex(Digest.hmacSHA256(key: bytes, Array("strata key id".utf8))).prefix(8)) }
}

/// What a key is for: its environment variable, file name and size.
public enum KeyPurpose: String, Sendable, Hashable, CaseIterable {
    /// The HMAC key of `hash` masks.
    case mask
    /// The AES-256-SIV key of `tokenize` masks and `strata unmask`.
    case token

    /// `STRATA_MASK_KEY`, `STRATA_TOKEN_KEY`.
    public var environmentVariable: String { "STRATA_\(rawValue.uppercased())_KEY" }
    /// The file under `<lake>/_keys/`.
    public var fileName: String { "\(rawValue).key" }
    /// Bytes the key must have (mask keys: at least this many).
    public var length: Int { self == .mask ? 32 : 64 }
}

/// Finds the masking keys: an environment variable when set, else a key file under
/// `<lake>/_keys/` created once (folder 0700, file 0600, random bytes from libcrypto).
///
/// Keys are read lazily, when a mask first needs them. A key file that others can read is
/// refused. Keys never appear in errors, output or audit records (only `SecretKey.keyID`).
public struct KeyStore: Sendable {
    public let lakeRoot: String
    private let environment: [String: String]

    public init(lakeRoot: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.lakeRoot = lakeRoot
        self.environment = environment
    }

    /// `<lake>/_keys`.
    public var directory: String { lakeRoot + "/_keys" }

    /// The key for `purpose`, creating its file on first use when no variable is set.
    public func key(_ purpose: KeyPurpose) throws -> SecretKey {
        if let text = environment[purpose.environmentVariable], !text.isEmpty {
            return SecretKey(bytes: try Self.decode(text, purpose: purpose), purpose: purpose)
        }
        return SecretKey(bytes: try fileKey(purpose), purpose: purpose)
    }

    /// Reads a key given as hex or base64 (standard or URL alphabet); never echoes the text.
    static func decode(_ text: String, purpose: KeyPurpose) throws -> [UInt8] {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        var bytes = Digest.bytes(hex: t)
        if bytes == nil || bytes!.count < purpose.length {
            let url = t.utf8.map { $0 == UInt8(ascii: "+") ? UInt8(ascii: "-") : $0 == UInt8(ascii: "/") ? UInt8(ascii: "_") : $0 }
            if let b = Base64URL.decode(url), b.count >= purpose.length { bytes = b }
        }
        guard let b = bytes, purpose == .mask ? b.count >= purpose.length : b.count == purpose.length else {
            let size = purpose == .mask ? "at least \(purpose.length)" : "exactly \(purpose.length)"
            throw StrataError(.invalidConfig, "\(purpose.environmentVariable) is not a usable key",
                              hint: "give \(size) bytes as hex or base64, e.g. from `openssl rand -hex \(purpose.length)`")
        }
        return b
    }

    private func fileKey(_ purpose: KeyPurpose) throws -> [UInt8] {
        let path = directory + "/" + purpose.fileName
        if let existing = try readKeyFile(path, purpose: purpose) { return existing }
        try makeDirectory()
        let key = try Digest.randomBytes(purpose.length)
        // Write a private temporary file, then link it into place: exactly one process wins,
        // and nobody ever reads a half-written key.
        let tmp = path + ".tmp.\(getpid()).\(Digest.hex(try Digest.randomBytes(4)))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard fd >= 0 else { throw ioError("cannot create key file in", directory) }
        let text = Array((Digest.hex(key) + "\n").utf8)
        let written = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        defer { unlink(tmp) }
        guard written == text.count, synced == 0 else { throw ioError("cannot write key file in", directory) }
        if link(tmp, path) != 0 {
            guard errno == EEXIST, let other = try readKeyFile(path, purpose: purpose) else {
                throw ioError("cannot create key file", path)
            }
            return other
        }
        return key
    }

    private func makeDirectory() throws {
        var st = stat()
        if stat(directory, &st) == 0 { return }
        if mkdir(lakeRoot, 0o755) != 0 && errno != EEXIST { throw ioError("cannot create the lake folder", lakeRoot) }
        if mkdir(directory, 0o700) != 0 && errno != EEXIST { throw ioError("cannot create the key folder", directory) }
        _ = chmod(directory, 0o700)
        // Keep keys out of version control even where the repository's .gitignore does not.
        let ignore = directory + "/.gitignore"
        FileManager.default.createFile(atPath: ignore, contents: Data("*\n".utf8), attributes: [.posixPermissions: 0o600])
    }

    /// The key in `path`; nil when the file does not exist.
    private func readKeyFile(_ path: String, purpose: KeyPurpose) throws -> [UInt8]? {
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT { return nil }
            throw ioError("cannot read key file", path)
        }
        guard st.st_mode & 0o077 == 0 else {
            throw StrataError(.io, "key file '\(path)' can be read by other users",
                              hint: "run `chmod 600 \(path)` (and consider the key exposed: rotate it)")
        }
        guard let data = FileManager.default.contents(atPath: path),
              let bytes = Digest.bytes(hex: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)),
              purpose == .mask ? bytes.count >= purpose.length : bytes.count == purpose.length else {
            throw StrataError(.corruptData, "key file '\(path)' does not hold a \(purpose.length)-byte hex key",
                              hint: "restore it from a backup; a new key would make earlier masks and tokens unmatchable")
        }
        return bytes
    }

    private func ioError(_ what: String, _ path: String) -> StrataError {
        StrataError(.io, "\(what) '\(path)'", cause: String(cString: strerror(errno)))
    }
}
