internal import CZstd
import StrataCore

/// Zstandard frame compression through Debian's libzstd; one reusable context per instance.
package final class ZstdCompressor: BlockCompressor {
    private let context: OpaquePointer
    package let level: Int
    /// Levels libzstd accepts (negative levels trade ratio for speed).
    package static let levels = -7...22

    package init(level: Int = 1) throws {
        guard Self.levels.contains(level) else {
            throw StrataError(.invalidConfig, "zstd compression level \(level) is out of range", hint: "use a level from 1 to 22")
        }
        guard let c = ZSTD_createCCtx() else { throw StrataError(.io, "libzstd could not allocate a compression context") }
        context = c
        self.level = level
    }

    deinit { ZSTD_freeCCtx(context) }

    package func maxCompressedSize(_ count: Int) -> Int { ZSTD_compressBound(count) }

    package func compress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int {
        try BlockLimits.check("zstd", input: input.count, expected: 0)
        let n = ZSTD_compressCCtx(context, output.baseAddress, output.count, input.baseAddress, input.count, Int32(level))
        guard ZSTD_isError(n) == 0 else {
            throw StrataError(.io, "zstd failed to compress a block", cause: String(cString: ZSTD_getErrorName(n)))
        }
        return n
    }
}

/// Zstandard decompression of one or more concatenated frames to a known size.
package final class ZstdDecompressor: BlockDecompressor {
    private let context: OpaquePointer

    package init() throws {
        guard let d = ZSTD_createDCtx() else { throw StrataError(.io, "libzstd could not allocate a decompression context") }
        context = d
    }

    deinit { ZSTD_freeDCtx(context) }

    package func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int) throws -> [UInt8] {
        try BlockLimits.check("zstd", input: input.count, expected: expectedSize)
        var cause = ""
        let out = BlockLimits.withOutput(expectedSize) { buf in
            // One spare byte of capacity is not offered: output beyond expectedSize is an error
            // from libzstd ("Destination buffer is too small"), which is what a lying header is.
            let n = ZSTD_decompressDCtx(context, buf.baseAddress, buf.count, input.baseAddress, input.count)
            if ZSTD_isError(n) != 0 { cause = String(cString: ZSTD_getErrorName(n)); return nil }
            return n
        }
        guard out.written == expectedSize else {
            throw StrataError(.corruptData, "zstd data is corrupt or does not match its declared size", cause: cause.isEmpty ? nil : cause)
        }
        return out.bytes
    }
}
