internal import CCrypto
import StrataCore

/// Deterministic authenticated encryption (AES-SIV, RFC 5297) through libcrypto's EVP interface.
///
/// Equal plaintexts under one key give equal ciphertexts (so tokens still join), and any change
/// to the ciphertext, the associated data or the key makes decryption fail. Output is
/// `SIV (16 bytes) || ciphertext`. One instance owns one cipher context; not thread-safe.
final class AESSIV {
    static let tagLength = 16
    private let cipher: OpaquePointer
    private let ctx: OpaquePointer
    private let key: [UInt8]

    /// `name` is an OpenSSL cipher name (`AES-256-SIV` takes a 64-byte key, `AES-128-SIV` 32).
    init(key: [UInt8], name: String = "AES-256-SIV") throws {
        guard let c = EVP_CIPHER_fetch(nil, name, nil) else {
            throw StrataError(.internalError, "libcrypto does not provide \(name)", hint: "Strata needs OpenSSL 3.0 or later")
        }
        guard Int(EVP_CIPHER_get_key_length(c)) == key.count else {
            EVP_CIPHER_free(c)
            throw StrataError(.invalidConfig, "\(name) needs a \(EVP_CIPHER_get_key_length(c))-byte key, got \(key.count) bytes")
        }
        guard let x = EVP_CIPHER_CTX_new() else {
            EVP_CIPHER_free(c)
            throw StrataError(.internalError, "cannot allocate a cipher context")
        }
        cipher = c
        ctx = x
        self.key = key
    }

    deinit {
        EVP_CIPHER_CTX_free(ctx)
        EVP_CIPHER_free(cipher)
    }

    /// SIV || ciphertext of `plaintext` (at least one byte: libcrypto computes no SIV for an
    /// empty message), authenticated with `associated`.
    func seal(_ plaintext: UnsafeBufferPointer<UInt8>, associated: [UInt8]) throws -> [UInt8] {
        precondition(plaintext.count > 0, "AES-SIV plaintext must not be empty")
        var out = [UInt8](repeating: 0, count: AESSIV.tagLength + plaintext.count)
        var len: Int32 = 0
        let ok: Bool = key.withUnsafeBufferPointer { k in
            guard EVP_EncryptInit_ex2(ctx, cipher, k.baseAddress, nil, nil) == 1 else { return false }
            if !associated.isEmpty {
                let r = associated.withUnsafeBufferPointer { EVP_EncryptUpdate(ctx, nil, &len, $0.baseAddress, Int32($0.count)) }
                guard r == 1 else { return false }
            }
            return out.withUnsafeMutableBufferPointer { o -> Bool in
                let body = o.baseAddress! + AESSIV.tagLength
                guard EVP_EncryptUpdate(ctx, body, &len, plaintext.baseAddress, Int32(plaintext.count)) == 1 else { return false }
                var fin: Int32 = 0
                guard EVP_EncryptFinal_ex(ctx, body + Int(len), &fin) == 1 else { return false }
                return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_GET_TAG, Int32(AESSIV.tagLength), o.baseAddress) == 1
            }
        }
        guard ok else { throw StrataError(.internalError, "AES-SIV encryption failed") }
        return out
    }

    /// The plaintext of `sealed` (SIV || ciphertext); nil when it does not authenticate under this key.
    func open(_ sealed: [UInt8], associated: [UInt8]) -> [UInt8]? {
        guard sealed.count >= AESSIV.tagLength else { return nil }
        var out = [UInt8](repeating: 0, count: max(1, sealed.count - AESSIV.tagLength))
        var len: Int32 = 0
        let ok: Bool = key.withUnsafeBufferPointer { k in
            sealed.withUnsafeBufferPointer { s in
                guard EVP_DecryptInit_ex2(ctx, cipher, k.baseAddress, nil, nil) == 1 else { return false }
                guard EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_TAG, Int32(AESSIV.tagLength),
                                          UnsafeMutableRawPointer(mutating: s.baseAddress!)) == 1 else { return false }
                if !associated.isEmpty {
                    let r = associated.withUnsafeBufferPointer { EVP_DecryptUpdate(ctx, nil, &len, $0.baseAddress, Int32($0.count)) }
                    guard r == 1 else { return false }
                }
                return out.withUnsafeMutableBufferPointer { o -> Bool in
                    let body = s.baseAddress! + AESSIV.tagLength
                    guard EVP_DecryptUpdate(ctx, o.baseAddress, &len, body, Int32(s.count - AESSIV.tagLength)) == 1 else { return false }
                    var fin: Int32 = 0
                    return EVP_DecryptFinal_ex(ctx, o.baseAddress! + Int(len), &fin) == 1
                }
            }
        }
        guard ok else {
            ERR_clear_error()
            return nil
        }
        return Array(out.prefix(sealed.count - AESSIV.tagLength))
    }
}
