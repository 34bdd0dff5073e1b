internal import CCrypto
import StrataCore

/// SHA-256 over data that arrives in pieces (libcrypto's EVP interface; never hand-written).
final class StreamDigest {
    private let ctx: OpaquePointer

    init() throws {
        guard let c = EVP_MD_CTX_new() else { throw StrataError(.internalError, "cannot allocate a SHA-256 context") }
        ctx = c
        guard EVP_DigestInit_ex(ctx, EVP_sha256(), nil) == 1 else {
            EVP_MD_CTX_free(c)
            throw StrataError(.internalError, "cannot start a SHA-256 digest")
        }
    }

    deinit { EVP_MD_CTX_free(ctx) }

    func update(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count > 0 else { return }
        _ = EVP_DigestUpdate(ctx, bytes.baseAddress, bytes.count)
    }

    /// The digest of everything so far.
    func finish() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var n: UInt32 = 0
        out.withUnsafeMutableBufferPointer { _ = EVP_DigestFinal_ex(ctx, $0.baseAddress, &n) }
        return out
    }
}
