import StrataCore
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The secret that turns the audit chain's SHA-256 into HMAC-SHA-256, so that someone who can
/// edit the log but does not hold the key cannot recompute a valid chain.
public struct AuditKey: Sendable, Hashable {
    /// The environment variable holding the key, as hex or base64.
    public static let environmentVariable = "STRATA_AUDIT_KEY"

    let bytes: [UInt8]

    /// A short public id of the key (HMAC of a fixed label under it): names which key sealed a
    /// log without revealing it.
    public var id: String { String(Digest.hex(Digest.hmacSHA256(key: bytes, Array("strata audit key id".utf8))).prefix(16)) }

    /// A key of at least 16 bytes.
    public init(bytes: [UInt8]) throws {
        guard bytes.count >= 16 else {
            throw StrataError(.invalidConfig, "\(AuditKey.environmentVariable) is too short (\(bytes.count) bytes)",
                              hint: "use at least 16 random bytes, e.g. `openssl rand -hex 32`")
        }
        self.bytes = bytes
    }

    /// Parses hex (64 digits for 32 bytes…) or base64 text.
    public init(text: String) throws {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if let b = Digest.bytes(hex: t), !b.isEmpty {
            try self.init(bytes: b)
        } else if let d = Data(base64Encoded: t), !d.isEmpty {
            try self.init(bytes: [UInt8](d))
        } else {
            throw StrataError(.invalidConfig, "\(AuditKey.environmentVariable) is neither hex nor base64",
                              hint: "set it to hex digits or base64 text, e.g. `openssl rand -hex 32`")
        }
    }

    /// The key from `STRATA_AUDIT_KEY`, nil when unset or empty; throws when it is malformed.
    public static func fromEnvironment(_ env: [String: String] = ProcessInfo.processInfo.environment) throws -> AuditKey? {
        guard let t = env[environmentVariable], !t.isEmpty else { return nil }
        return try AuditKey(text: t)
    }
}

/// Who an audit record names as the actor.
public enum AuditActor {
    /// The environment variable consulted when `--actor` is not given.
    public static let environmentVariable = "STRATA_ACTOR"

    /// `flag` (from `--actor`) when given, else `STRATA_ACTOR`, else the OS user name, else `uid:N`.
    public static func resolve(flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let f = flag, !f.isEmpty { return f }
        if let a = environment[environmentVariable], !a.isEmpty { return a }
        let uid = geteuid()
        if let pw = getpwuid(uid), let name = pw.pointee.pw_name {
            let s = String(cString: name)
            if !s.isEmpty { return s }
        }
        if let u = environment["USER"], !u.isEmpty { return u }
        return "uid:\(uid)"
    }
}
