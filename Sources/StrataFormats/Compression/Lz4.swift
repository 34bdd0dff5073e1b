internal import CLz4
import StrataCore

/// LZ4 raw block decompression (Parquet's LZ4_RAW codec) through Debian's liblz4.
/// Strata reads LZ4_RAW pages other writers produce; it does not write them.
package final class Lz4RawDecompressor: BlockDecompressor {
    package init() {}

    package func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int) throws -> [UInt8] {
        try BlockLimits.check("lz4", input: input.count, expected: expectedSize)
        let out = BlockLimits.withOutput(expectedSize) { buf in
            guard let src = input.baseAddress?.assumingMemoryBound(to: CChar.self),
                  let dst = buf.baseAddress?.assumingMemoryBound(to: CChar.self) else { return input.count == 0 ? 0 : nil }
            let n = LZ4_decompress_safe(src, dst, Int32(input.count), Int32(buf.count))
            return n < 0 ? nil : Int(n)
        }
        guard out.written == expectedSize else {
            throw StrataError(.corruptData, "lz4 data is corrupt or does not match its declared size")
        }
        return out.bytes
    }
}
