import Foundation
import Testing
import StrataCore
import StrataTestSupport
@testable import StrataFormats

@Suite struct CompressionTests {
    static func sample(_ n: Int) -> [UInt8] {
        var x: UInt32 = 12345
        return (0..<n).map { i in
            x = x &* 1_103_515_245 &+ 12345
            return i % 3 == 0 ? UInt8(truncatingIfNeeded: x >> 16) : UInt8(i % 17)
        }
    }

    @Test(arguments: [0, 1, 100, 70_000, 1 << 20])
    func roundTrip(size: Int) throws {
        let input = Self.sample(size)
        let c = try GzipCompressor(level: 6)
        let z = try c.compress(input)
        #expect(Array(z.prefix(3)) == [0x1F, 0x8B, 0x08], "RFC 1952 header (magic + deflate)")
        let d = try GzipDecompressor()
        let back = try z.withUnsafeBytes { try d.decompress($0, expectedSize: size) }
        #expect(back == input)
        #expect(try Gzip.decompress(z) == input)
    }

    @Test func reusedStreamIsDeterministic() throws {
        let c = try GzipCompressor(level: 1)
        let a = Self.sample(50_000), b = Self.sample(3_000)
        let first = try c.compress(a)
        _ = try c.compress(b)
        #expect(try c.compress(a) == first)
        #expect(try GzipCompressor(level: 1).compress(a) == first)
        #expect(try GzipCompressor(level: 9).compress(a).count <= first.count)
    }

    @Test func levelOutOfRange() {
        #expect(throws: StrataError.self) { try GzipCompressor(level: 0) }
        #expect(throws: StrataError.self) { try GzipCompressor(level: 10) }
    }

    @Test func corruptInputThrowsCorruptData() throws {
        let input = Self.sample(10_000)
        let z = try Gzip.compress(input)
        let d = try GzipDecompressor()
        func code(_ bytes: [UInt8], _ size: Int) -> StrataError.Code? {
            do { _ = try bytes.withUnsafeBytes { try d.decompress($0, expectedSize: size) }; return nil } catch let e as StrataError { return e.code } catch { return nil }
        }
        #expect(code(z, input.count - 1) == .corruptData, "declared size too small")
        #expect(code(z, input.count + 1) == .corruptData, "declared size too large")
        #expect(code(Array(z.prefix(z.count / 2)), input.count) == .corruptData, "truncated")
        var flipped = z
        flipped[z.count / 2] ^= 0xFF
        #expect(code(flipped, input.count) == .corruptData, "flipped byte")
        #expect(code([], 0) == .corruptData)
        // The stream is still usable after errors.
        #expect(try z.withUnsafeBytes { try d.decompress($0, expectedSize: input.count) } == input)
    }

    @Test(.enabled(if: PythonOracle.available))
    func pythonReadsOurGzipAndWeReadPythons() throws {
        let dir = try TempDir("gz")
        let ours = dir.file("ours.gz")
        let input = Self.sample(100_000)
        try Data(try Gzip.compress(input, level: 9)).write(to: URL(fileURLWithPath: ours))
        let out = try PythonOracle.run("""
        import gzip, sys, hashlib
        data = gzip.decompress(open(sys.argv[1], 'rb').read())
        print(len(data), hashlib.sha256(data).hexdigest())
        open(sys.argv[2], 'wb').write(gzip.compress(data, 5))
        """, [ours, dir.file("theirs.gz")])
        #expect(out.hasPrefix("100000 "))
        let theirs = try [UInt8](Data(contentsOf: URL(fileURLWithPath: dir.file("theirs.gz"))))
        #expect(try Gzip.decompress(theirs) == input)
    }
}
