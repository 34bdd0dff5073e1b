internal import CCrypto
import StrataCore

/// SHA-256 and HMAC-SHA-256 through libcrypto (never hand-written).
public enum Digest {
    /// SHA-256 of `data`.
    public static func sha256(_ data: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let bytes = Array(data)
        bytes.withUnsafeBufferPointer { b in
            out.withUnsafeMutableBufferPointer { o in
                _ = SHA256(b.baseAddress, b.count, o.baseAddress)
            }
        }
        return out
    }

    public static func sha256(_ text: String) -> [UInt8] { sha256(Array(text.utf8)) }

    /// HMAC-SHA-256 of `data` under `key`.
    public static func hmacSHA256(key: some Collection<UInt8>, _ data: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var len: UInt32 = 32
        let k = Array(key), d = Array(data)
        k.withUnsafeBufferPointer { kb in
            d.withUnsafeBufferPointer { db in
                out.withUnsafeMutableBufferPointer { o in
                    _ = HMAC(EVP_sha256(), kb.baseAddress, Int32(kb.count), db.baseAddress, db.count, o.baseAddress, &len)
                }
            }
        }
        return out
    }

    /// Streaming HMAC-SHA-256 for many values under one key, reusing one EVP_MAC context (hot path of masking).
    public final class HMACSHA256 {
        private let mac: OpaquePointer
        private let ctx: OpaquePointer

        public init(key: [UInt8]) {
            mac = EVP_MAC_fetch(nil, "HMAC", nil)
            ctx = EVP_MAC_CTX_new(mac)
            "SHA256".withCString { digest in
                var params = [OSSL_PARAM_construct_utf8_string("digest", UnsafeMutablePointer(mutating: digest), 0),
                              OSSL_PARAM_construct_end()]
                key.withUnsafeBufferPointer { k in
                    _ = EVP_MAC_init(ctx, k.baseAddress, k.count, &params)
                }
            }
        }

        deinit {
            EVP_MAC_CTX_free(ctx)
            EVP_MAC_free(mac)
        }

        /// The MAC of `data`, written to `out` (32 bytes).
        public func mac(_ data: UnsafeBufferPointer<UInt8>, into out: UnsafeMutablePointer<UInt8>) {
            var len = 0
            // A nil key re-initialises the context with the key it already holds.
            _ = EVP_MAC_init(ctx, nil, 0, nil)
            _ = EVP_MAC_update(ctx, data.baseAddress, data.count)
            _ = EVP_MAC_final(ctx, out, &len, 32)
        }

        public func mac(_ data: [UInt8]) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: 32)
            data.withUnsafeBufferPointer { d in out.withUnsafeMutableBufferPointer { mac(d, into: $0.baseAddress!) } }
            return out
        }
    }

    /// Cryptographically random bytes.
    public static func randomBytes(_ count: Int) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        let ok = out.withUnsafeMutableBufferPointer { RAND_bytes($0.baseAddress, Int32(count)) }
        guard ok == 1 else { throw StrataError(.internalError, "the system random generator failed") }
        return out
    }

    /// Lower-case hex.
    public static func hex(_ bytes: some Sequence<UInt8>) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses hex; nil when malformed.
    public static func bytes(hex: String) -> [UInt8]? {
        let u = Array(hex.utf8)
        guard u.count % 2 == 0 else { return nil }
        func v(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 97...102: return c - 87
            case 65...70: return c - 55
            default: return nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let h = v(u[i]), let l = v(u[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }
}
