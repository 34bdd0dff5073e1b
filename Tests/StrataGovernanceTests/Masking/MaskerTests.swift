@testable import StrataGovernance
import Foundation
import StrataCore
import Testing

/// Keys fixed through the environment, so outputs are known vectors.
let testEnvironment = [
    "STRATA_MASK_KEY": String(repeating: "0b", count: 32),
    "STRATA_TOKEN_KEY": String(repeating: "42", count: 64),
]

func strings(_ values: [String?]) -> Column {
    var b = ColumnBuilder(type: .string)
    for v in values { if let v { b.append(v) } else { b.appendNull() } }
    return b.finish()
}

func texts(_ c: Column) -> [String?] {
    (0..<c.count).map { c.isNull($0) ? nil : c.value($0).description }
}

@Suite struct MaskerTests {
    let masker = Masker(keys: KeyStore(lakeRoot: "/nonexistent", environment: testEnvironment))

    @Test func hashIsTruncatedHMACSHA256OfTheTextForm() throws {
        // RFC 4231 case 1 key (0x0b × 20) differs in length; here: 32 bytes of 0x0b, checked against Digest.
        let key = [UInt8](repeating: 0x0b, count: 32)
        let expected = String(Digest.hex(Digest.hmacSHA256(key: key, Array("Hi There".utf8))).prefix(32))
        let out = try masker.apply(.hash, to: strings(["Hi There", nil, ""]), name: "c")
        #expect(out.type == .string)
        #expect(texts(out) == [expected, nil, String(Digest.hex(Digest.hmacSHA256(key: key, [])).prefix(32))])
        #expect(expected.count == 32)
    }

    @Test func hashedIntKeysJoinWithTheirTextForm() throws {
        let ints = Column(type: .int64, values: .int64([42, -7, 0]))
        let a = try masker.apply(.hash, to: ints, name: "user_id")
        let b = try masker.apply(.hash, to: strings(["42", "-7", "0"]), name: "user_id")
        #expect(texts(a) == texts(b))
        #expect(Set(texts(a)).count == 3)
    }

    @Test func hashDiffersUnderAnotherKey() throws {
        let other = Masker(keys: KeyStore(lakeRoot: "/nonexistent", environment: ["STRATA_MASK_KEY": String(repeating: "0c", count: 32)]))
        let c = strings(["ana@example.org"])
        #expect(texts(try masker.apply(.hash, to: c, name: "e")) != texts(try other.apply(.hash, to: c, name: "e")))
    }

    @Test func redactIsRangerStyle() throws {
        let out = try masker.apply(.redact, to: strings(["Luca Johnson", "AB-12 x9", nil, "José Müller", "東京 ٣"]), name: "n")
        #expect(texts(out) == ["Xxxx Xxxxxxx", "XX-00 x0", nil, "Xxxx Xxxxxx", "xx 0"])
    }

    @Test func showLastAndFirst() throws {
        let phones = strings(["+1 311 524 3210", "123", nil, "ab€d"])
        #expect(texts(try masker.apply(.showLast(4), to: phones, name: "p")) == ["+0 000 000 3210", "000", nil, "xx€x"])
        #expect(texts(try masker.apply(.showFirst(2), to: strings(["DE89 3704", "Zoë Ünal"]), name: "i")) == ["DE00 0000", "Zox Xxxx"])
        #expect(texts(try masker.apply(.showLast(2), to: strings(["Zoë"]), name: "i")) == ["Xoë"])
    }

    @Test func emailDomainKeepsOnlyTheDomain() throws {
        let out = try masker.apply(.emailDomain, to: strings(["luca.johnson1@yahoo.com", "no-at-sign", nil, "a@b@c.org"]), name: "email")
        #expect(texts(out) == ["*@yahoo.com", nil, nil, "*@c.org"])
        #expect(throws: StrataError.self) { try masker.apply(.emailDomain, to: Column(type: .int64, values: .int64([1])), name: "x") }
    }

    @Test func nullKeepsTheType() throws {
        let out = try masker.apply(.null, to: Column(type: .date, values: .int64([1, 2])), name: "d")
        #expect(out.type == .date)
        #expect(out.nullCount == 2)
    }

    @Test func generalizeDatesAndTimestamps() throws {
        let d = Column(type: .date, values: .int64([Int64(Temporal.parseDate("2002-10-07")!), Int64(Temporal.parseDate("1958-02-28")!)]), validity: [true, true])
        #expect(texts(try masker.apply(.generalize(.year), to: d, name: "b")) == ["2002-01-01", "1958-01-01"])
        #expect(texts(try masker.apply(.generalize(.month), to: d, name: "b")) == ["2002-10-01", "1958-02-01"])
        let t = Column(type: .timestamp, values: .int64([Temporal.parseTimestamp("2025-01-31T13:45:12.5Z")!, Temporal.parseTimestamp("1969-12-31T23:59:59Z")!]))
        #expect(texts(try masker.apply(.generalize(.hour), to: t, name: "t")) == ["2025-01-31T13:00:00Z", "1969-12-31T23:00:00Z"])
        #expect(texts(try masker.apply(.generalize(.day), to: t, name: "t")) == ["2025-01-31T00:00:00Z", "1969-12-31T00:00:00Z"])
        #expect(texts(try masker.apply(.generalize(.month), to: t, name: "t")) == ["2025-01-01T00:00:00Z", "1969-12-01T00:00:00Z"])
        #expect(throws: StrataError.self) { try masker.apply(.generalize(.hour), to: d, name: "b") }
    }

    @Test func generalizeIPs() throws {
        let ips = strings(["132.29.2.76", "2a02:4457:65d7:6e39:7413:8880:6302:1294", "not an ip", nil, "10.1.2.3"])
        #expect(texts(try masker.apply(.generalize(.network(v4: 24, v6: 48)), to: ips, name: "ip"))
                == ["132.29.2.0", "2a02:4457:65d7::", nil, nil, "10.1.2.0"])
        #expect(texts(try masker.apply(.generalize(.network(v4: 12, v6: 20)), to: strings(["10.31.2.3", "2a02:4457::1"]), name: "ip"))
                == ["10.16.0.0", "2a02:4000::"])
    }

    @Test func tokensRoundTripAndAreDeterministic() throws {
        let c = strings(["luca.johnson1@yahoo.com", nil, "", "東京", "luca.johnson1@yahoo.com"])
        let tokens = try masker.apply(.tokenize, to: c, name: "email")
        let t = texts(tokens)
        #expect(t[0]!.hasPrefix("tok:"))
        #expect(t[0] == t[4])
        #expect(t[1] == nil)
        #expect(!t[0]!.contains("luca"))
        #expect(texts(try masker.unmask(tokens, name: "email")) == texts(c))
        #expect(try masker.unmask(token: t[3]!) == "東京")
    }

    @Test func tokensDoNotOpenUnderAnotherKeyOrWhenTampered() throws {
        let token = texts(try masker.apply(.tokenize, to: strings(["secret"]), name: "s"))[0]!
        let other = Masker(keys: KeyStore(lakeRoot: "/nonexistent", environment: ["STRATA_TOKEN_KEY": String(repeating: "43", count: 64)]))
        #expect(throws: StrataError.self) { try other.unmask(token: token) }
        do {
            _ = try other.unmask(token: token)
        } catch let e as StrataError {
            #expect(e.code == .corruptData)
            #expect(!e.description.contains(token))
        }
        var bytes = Array(token.utf8)
        bytes[10] = bytes[10] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(throws: StrataError.self) { try masker.unmask(token: String(decoding: bytes, as: UTF8.self)) }
        #expect(throws: StrataError.self) { try masker.unmask(token: "secret") }
        #expect(throws: StrataError.self) { try masker.unmask(token: String(token.dropLast(3))) }
    }

    /// RFC 5297 appendix A.1 (deterministic AES-SIV), through the same EVP wrapper with AES-128-SIV.
    @Test func aesSIVKnownVector() throws {
        let key = Digest.bytes(hex: "fffefdfcfbfaf9f8f7f6f5f4f3f2f1f0f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")!
        let ad = Digest.bytes(hex: "101112131415161718191a1b1c1d1e1f2021222324252627")!
        let pt = Digest.bytes(hex: "112233445566778899aabbccddee")!
        let siv = try AESSIV(key: key, name: "AES-128-SIV")
        let sealed = try pt.withUnsafeBufferPointer { try siv.seal($0, associated: ad) }
        #expect(Digest.hex(sealed) == "85632d07c6e8f37f950acd320a2ecc93" + "40c02b9690c4dc04daef7f6afe5c")
        #expect(siv.open(sealed, associated: ad) == pt)
        #expect(siv.open(sealed, associated: Array(ad.dropLast())) == nil)
    }

    @Test func base64URLRoundTrip() {
        for n in 0..<20 {
            let data = (0..<n).map { UInt8(truncatingIfNeeded: $0 * 37 + 250) }
            #expect(Base64URL.decode(Array(Base64URL.encode(data).utf8)) == data)
        }
        #expect(Base64URL.encode(Array("f".utf8)) == "Zg")
        #expect(Base64URL.encode([0xfb, 0xff]) == "-_8")
        #expect(Base64URL.decode(Array("Zh".utf8)) == nil) // non-zero leftover bits
    }
}
