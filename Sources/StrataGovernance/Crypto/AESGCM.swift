internal import CCrypto
import StrataCore

/// Opens values sealed with AES-256-GCM as Spark's `aes_encrypt(value, key, 'GCM')` writes them:
/// `IV (12 bytes) || ciphertext || tag (16 bytes)`, through libcrypto's EVP interface.
///
/// The Spark engine seals the values Strata must see but no file may hold in clear (the raw
/// values of columns its job masks, for the PII detector; rejected rows, for the quarantine) with
/// a key made for one run and never written down. One instance owns one cipher context; not
/// thread-safe.
public final class AESGCMOpener {
    static let ivLength = 12, tagLength = 16
    private let ctx: OpaquePointer
    private let key: [UInt8]

    public init(key: [UInt8]) throws {
        guard key.count == 32 else { throw StrataError(.internalError, "AES-256-GCM needs a 32-byte key, got \(key.count) bytes") }
        guard let x = EVP_CIPHER_CTX_new() else { throw StrataError(.internalError, "cannot allocate a cipher context") }
        ctx = x
        self.key = key
    }

    deinit { EVP_CIPHER_CTX_free(ctx) }

    /// The plaintext, or nil when `sealed` is not a value sealed with this key (or was altered).
    public func open(_ sealed: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        let n = sealed.count - AESGCMOpener.ivLength - AESGCMOpener.tagLength
        guard n >= 0, let base = sealed.baseAddress else { return nil }
        var out = [UInt8](repeating: 0, count: max(n, 1))
        var len: Int32 = 0, fin: Int32 = 0
        let ok: Bool = key.withUnsafeBufferPointer { k in
            guard EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), nil, nil, nil) == 1,
                  EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, Int32(AESGCMOpener.ivLength), nil) == 1,
                  EVP_DecryptInit_ex(ctx, nil, nil, k.baseAddress, base) == 1 else { return false }
            return out.withUnsafeMutableBufferPointer { o -> Bool in
                if n > 0 {
                    guard EVP_DecryptUpdate(ctx, o.baseAddress, &len, base + AESGCMOpener.ivLength, Int32(n)) == 1 else { return false }
                }
                let tag = UnsafeMutableRawPointer(mutating: base + AESGCMOpener.ivLength + n)
                guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, Int32(AESGCMOpener.tagLength), tag) == 1 else { return false }
                return EVP_DecryptFinal_ex(ctx, o.baseAddress! + Int(len), &fin) == 1
            }
        }
        guard ok else { return nil }
        return Array(out.prefix(n))
    }
}
