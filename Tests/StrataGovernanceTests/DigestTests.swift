@testable import StrataGovernance
import Testing

@Suite struct DigestTests {
    @Test func sha256KnownVectors() {
        #expect(Digest.hex(Digest.sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.hex(Digest.sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    /// RFC 4231 test cases 1, 2 and 6 (key longer than the block size).
    @Test func hmacRFC4231() throws {
        let k1 = [UInt8](repeating: 0x0b, count: 20)
        #expect(Digest.hex(Digest.hmacSHA256(key: k1, Array("Hi There".utf8)))
                == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(Digest.hex(Digest.hmacSHA256(key: Array("Jefe".utf8), Array("what do ya want for nothing?".utf8)))
                == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        let k6 = [UInt8](repeating: 0xaa, count: 131)
        #expect(Digest.hex(Digest.hmacSHA256(key: k6, Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8)))
                == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54")
        let reused = Digest.HMACSHA256(key: k1)
        #expect(Digest.hex(reused.mac(Array("Hi There".utf8))) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
        #expect(Digest.hex(reused.mac(Array("Hi There".utf8))) == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7")
    }

    @Test func hexRoundTripAndRandom() throws {
        #expect(Digest.bytes(hex: "00ff10") == [0, 255, 16])
        #expect(Digest.bytes(hex: "0g") == nil)
        let r = try Digest.randomBytes(32)
        #expect(r.count == 32)
        #expect(try Digest.randomBytes(32) != r)
    }
}
