internal import CSnappy
import StrataCore

/// Snappy block compression (the raw format, as Parquet's SNAPPY codec stores it) through
/// Debian's libsnappy. Stateless; the class exists to fit `BlockCompressor`.
package final class SnappyCompressor: BlockCompressor {
    package init() {}

    package func maxCompressedSize(_ count: Int) -> Int { snappy_max_compressed_length(count) }

    package func compress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int {
        try BlockLimits.check("snappy", input: input.count, expected: 0)
        var length = output.count
        var empty: UInt8 = 0
        let rc = withUnsafeMutablePointer(to: &empty) { e -> snappy_status in
            let src = input.baseAddress?.assumingMemoryBound(to: CChar.self) ?? UnsafeRawPointer(e).assumingMemoryBound(to: CChar.self)
            guard let dst = output.baseAddress?.assumingMemoryBound(to: CChar.self) else { return SNAPPY_BUFFER_TOO_SMALL }
            return snappy_compress(src, input.count, dst, &length)
        }
        guard rc == SNAPPY_OK else { throw StrataError(.io, "snappy failed to compress a block", cause: "status \(rc.rawValue)") }
        return length
    }
}

/// Snappy block decompression; checks the block's own length header against the page's.
package final class SnappyDecompressor: BlockDecompressor {
    package init() {}

    package func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int) throws -> [UInt8] {
        try BlockLimits.check("snappy", input: input.count, expected: expectedSize)
        let bad = StrataError(.corruptData, "snappy data is corrupt or does not match its declared size")
        guard let src = input.baseAddress?.assumingMemoryBound(to: CChar.self), input.count > 0 else { throw bad }
        var declared = 0
        guard snappy_uncompressed_length(src, input.count, &declared) == SNAPPY_OK, declared == expectedSize,
              snappy_validate_compressed_buffer(src, input.count) == SNAPPY_OK else { throw bad }
        let out = BlockLimits.withOutput(expectedSize) { buf in
            var length = expectedSize
            var spare: CChar = 0
            let dst = buf.baseAddress?.assumingMemoryBound(to: CChar.self) ?? withUnsafeMutablePointer(to: &spare) { $0 }
            return snappy_uncompress(src, input.count, dst, &length) == SNAPPY_OK ? length : nil
        }
        guard out.written == expectedSize else { throw bad }
        return out.bytes
    }
}
