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

/// The codecs Strata writes and reads through Debian's libraries: round trips, determinism and
/// damaged input (which must throw `.corruptData`, never trap or return short data).
@Suite struct BlockCodecTests {
    static func pairs() throws -> [(String, BlockCompressor, BlockDecompressor)] {
        [("gzip", try GzipCompressor(level: 1), try GzipDecompressor()),
         ("snappy", SnappyCompressor(), SnappyDecompressor()),
         ("zstd", try ZstdCompressor(level: 1), try ZstdDecompressor()),
         ("zstd-19", try ZstdCompressor(level: 19), try ZstdDecompressor())]
    }

    static func compress(_ c: BlockCompressor, _ input: [UInt8]) throws -> [UInt8] {
        var out = [UInt8](repeating: 0, count: c.maxCompressedSize(input.count))
        let n = try input.withUnsafeBytes { i in try out.withUnsafeMutableBytes { try c.compress(i, into: $0) } }
        return Array(out.prefix(n))
    }

    @Test(arguments: [0, 1, 100, 70_000, 1 << 20])
    func roundTrips(size: Int) throws {
        let input = CompressionTests.sample(size)
        for (name, c, d) in try Self.pairs() {
            let z = try Self.compress(c, input)
            #expect(try Self.compress(c, input) == z, "\(name) is deterministic")
            let back = try z.withUnsafeBytes { try d.decompress($0, expectedSize: size) }
            #expect(back == input, "\(name) round trip of \(size) bytes")
        }
    }

    @Test func damagedBlocksThrow() throws {
        let input = CompressionTests.sample(20_000)
        for (name, c, d) in try Self.pairs() {
            let z = try Self.compress(c, input)
            // A wrong declared size, a truncation and flipped bytes: each throws or (for a flip
            // the codec cannot detect) returns exactly the declared size.
            #expect(throws: StrataError.self, "\(name) wrong size") { try z.withUnsafeBytes { try d.decompress($0, expectedSize: 19_999) } }
            #expect(throws: StrataError.self, "\(name) truncated") {
                try Array(z.prefix(z.count / 2)).withUnsafeBytes { try d.decompress($0, expectedSize: 20_000) }
            }
            var rng = SystemRandomNumberGenerator()
            for _ in 0..<200 {
                var bad = z
                bad[Int.random(in: 0..<bad.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng)
                do {
                    let out = try bad.withUnsafeBytes { try d.decompress($0, expectedSize: 20_000) }
                    #expect(out.count == 20_000, "\(name)")
                } catch let e as StrataError {
                    #expect(e.code == .corruptData, "\(name): \(e)")
                }
            }
        }
    }

    @Test func lz4RawBlocks() throws {
        // The LZ4_RAW fixture is read end to end in ParquetReaderTests; here, a damaged block.
        let d = Lz4RawDecompressor()
        #expect(throws: StrataError.self) { try ([0xFF, 0xFF, 0x01] as [UInt8]).withUnsafeBytes { try d.decompress($0, expectedSize: 10) } }
        // A literal-only block: token 0x50 = five literals, no match.
        let ok = try ([0x50, 104, 101, 108, 108, 111] as [UInt8]).withUnsafeBytes { try d.decompress($0, expectedSize: 5) }
        #expect(ok == Array("hello".utf8))
    }

    @Test func zstdLevelOutOfRange() {
        #expect(throws: StrataError.self) { try ZstdCompressor(level: 23) }
        var o = ParquetWriteOptions()
        o.compression = .zstd
        o.compressionLevel = 22
        #expect(throws: Never.self) { try o.validate() }
        o.compression = .gzip
        #expect(throws: StrataError.self) { try o.validate() }
    }
}
