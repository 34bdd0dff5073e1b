internal import CZlib
import StrataCore

/// gzip (RFC 1952) compression through zlib, one member per call.
///
/// Each instance owns one `z_stream` and resets it between calls, so a writer can compress
/// thousands of pages without re-allocating zlib's state. Instances are not thread-safe: use one
/// per thread. Output is deterministic for the same input and level (no timestamp, no file name).
package final class GzipCompressor {
    private let stream: UnsafeMutablePointer<z_stream>
    package let level: Int

    /// Creates a compressor at `level` (1 fastest … 9 smallest); throws `.io` when zlib refuses.
    package init(level: Int = 6) throws {
        guard (1...9).contains(level) else {
            throw StrataError(.invalidConfig, "gzip compression level \(level) is out of range", hint: "use a level from 1 to 9")
        }
        self.level = level
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits 15 + 16: a gzip wrapper (readers such as DuckDB reject zlib or raw deflate).
        let rc = deflateInit2_(stream, Int32(level), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                               zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw StrataError(.io, "zlib could not start a gzip stream", cause: "deflateInit2 returned \(rc)")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// An upper bound of the compressed size of `count` input bytes.
    package func maxCompressedSize(_ count: Int) -> Int {
        Int(deflateBound(stream, uLong(count))) + 32
    }

    /// Writes the gzip member of `input` into `output` (at least `maxCompressedSize(input.count)`
    /// bytes); returns the number of bytes written.
    package func compress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int {
        guard input.count < Int(UInt32.max) / 2, output.count < Int(UInt32.max) / 2 else {
            throw StrataError(.io, "a gzip block of \(input.count) bytes is too large")
        }
        guard deflateReset(stream) == Z_OK else { throw StrataError(.io, "zlib could not reset its gzip stream") }
        var dummy: UInt8 = 0
        let rc: Int32 = withUnsafeMutablePointer(to: &dummy) { dummyPtr in
            stream.pointee.next_in = input.baseAddress.map {
                UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: UInt8.self))
            } ?? dummyPtr
            stream.pointee.avail_in = uInt(input.count)
            stream.pointee.next_out = output.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? dummyPtr
            stream.pointee.avail_out = output.baseAddress == nil ? 0 : uInt(output.count)
            let rc = deflate(stream, Z_FINISH)
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
            return rc
        }
        guard rc == Z_STREAM_END else {
            throw StrataError(.io, "zlib failed to compress a block", cause: "deflate returned \(rc)")
        }
        return output.count - Int(stream.pointee.avail_out)
    }

    /// Appends the gzip member of `input` to `out`; returns the number of bytes appended.
    @discardableResult
    package func compress(_ input: UnsafeRawBufferPointer, appendingTo out: inout [UInt8]) throws -> Int {
        let bound = maxCompressedSize(input.count)
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: bound))
        do {
            let produced = try out.withUnsafeMutableBytes { ob in
                try compress(input, into: UnsafeMutableRawBufferPointer(rebasing: ob[start...]))
            }
            out.removeLast(bound - produced)
            return produced
        } catch {
            out.removeLast(bound)
            throw error
        }
    }

    /// The gzip member of `input`.
    package func compress(_ input: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        try input.withUnsafeBytes { _ = try compress($0, appendingTo: &out) }
        return out
    }
}

/// gzip (and zlib-wrapped) decompression through zlib; one reusable `z_stream` per instance.
///
/// Corrupt or truncated input, or output of another size than expected, throws `.corruptData`.
package final class GzipDecompressor {
    private let stream: UnsafeMutablePointer<z_stream>

    package init() throws {
        stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        stream.initialize(to: z_stream())
        // windowBits 15 + 32: detect gzip or zlib headers automatically.
        let rc = inflateInit2_(stream, 15 + 32, zlibVersion(), Int32(MemoryLayout<z_stream>.size))
        guard rc == Z_OK else {
            stream.deinitialize(count: 1)
            stream.deallocate()
            throw StrataError(.io, "zlib could not start a gzip stream", cause: "inflateInit2 returned \(rc)")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deinitialize(count: 1)
        stream.deallocate()
    }

    /// Decompresses `input`, which must inflate to exactly `expectedSize` bytes.
    ///
    /// Concatenated gzip members are accepted (RFC 1952 allows them).
    package func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int) throws -> [UInt8] {
        guard expectedSize >= 0, expectedSize < Int(UInt32.max) / 2, input.count < Int(UInt32.max) / 2 else {
            throw StrataError(.corruptData, "a gzip block declares an impossible size")
        }
        guard input.count > 0 else {
            throw StrataError(.corruptData, "a gzip block is empty")
        }
        var failure: Int32 = Z_OK
        let result = [UInt8](unsafeUninitializedCapacity: max(expectedSize, 1)) { buf, initialized in
            initialized = 0
            guard inflateReset(stream) == Z_OK else { failure = Z_STREAM_ERROR; return }
            stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress!.assumingMemoryBound(to: UInt8.self))
            stream.pointee.avail_in = uInt(input.count)
            var written = 0
            var dummy: UInt8 = 0
            while true {
                let rc: Int32 = withUnsafeMutablePointer(to: &dummy) { dummyPtr in
                    // Past the expected size, offer one spare byte so surplus output is detected.
                    if expectedSize > written {
                        stream.pointee.next_out = buf.baseAddress! + written
                        stream.pointee.avail_out = uInt(expectedSize - written)
                    } else {
                        stream.pointee.next_out = dummyPtr
                        stream.pointee.avail_out = 1
                    }
                    let before = Int(stream.pointee.avail_out)
                    let rc = inflate(stream, Z_FINISH)
                    written += before - Int(stream.pointee.avail_out)
                    return rc
                }
                if written > expectedSize { failure = Z_BUF_ERROR; break }
                if rc == Z_STREAM_END {
                    // Another member may follow.
                    if stream.pointee.avail_in > 0 && written < expectedSize {
                        guard inflateReset(stream) == Z_OK else { failure = Z_STREAM_ERROR; break }
                        continue
                    }
                    if stream.pointee.avail_in > 0 && !Self.onlyPadding(stream) { failure = Z_DATA_ERROR }
                    break
                }
                if rc == Z_OK { continue }  // progress was made; go on until the end or an error
                failure = rc
                break
            }
            stream.pointee.next_in = nil
            stream.pointee.next_out = nil
            // Zero whatever zlib did not write so the buffer is fully initialized.
            let done = min(written, buf.count)
            if done < buf.count { (buf.baseAddress! + done).initialize(repeating: 0, count: buf.count - done) }
            initialized = buf.count
            if failure == Z_OK && written != expectedSize { failure = Z_BUF_ERROR }
        }
        guard failure == Z_OK else {
            throw StrataError(.corruptData, "gzip data is corrupt or does not match its declared size", cause: "zlib code \(failure)")
        }
        return expectedSize == 0 ? [] : result
    }

    /// True when the bytes left after the last member are all zero (some writers pad).
    private static func onlyPadding(_ s: UnsafeMutablePointer<z_stream>) -> Bool {
        guard let p = s.pointee.next_in else { return true }
        for i in 0..<Int(s.pointee.avail_in) where p[i] != 0 { return false }
        return true
    }
}

/// One-shot gzip helpers for small inputs and tests.
package enum Gzip {
    /// The gzip member of `bytes` at `level`.
    package static func compress(_ bytes: [UInt8], level: Int = 6) throws -> [UInt8] {
        try GzipCompressor(level: level).compress(bytes)
    }

    /// Inflates `bytes` of unknown decompressed size (grows the output buffer).
    package static func decompress(_ bytes: [UInt8]) throws -> [UInt8] {
        // The gzip trailer holds the size modulo 2^32; use it as the first guess.
        let d = try GzipDecompressor()
        guard bytes.count >= 18 else { throw StrataError(.corruptData, "gzip data is truncated") }
        let n = bytes.count
        let isize = Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16 | Int(bytes[n - 1]) << 24
        return try bytes.withUnsafeBytes { try d.decompress($0, expectedSize: isize) }
    }
}

/// CRC-32 (IEEE, as zlib and Delta's deletion vector files compute it).
package enum CRC32 {
    package static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBufferPointer { b in
            UInt32(crc32(0, b.baseAddress, uInt(b.count)))
        }
    }
}
