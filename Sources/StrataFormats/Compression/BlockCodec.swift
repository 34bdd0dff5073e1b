import StrataCore

/// Compresses whole blocks (Parquet pages) with one codec. Instances keep their codec's state
/// between calls and are not thread-safe: an encoder thread owns one.
package protocol BlockCompressor: AnyObject {
    /// An upper bound of the compressed size of `count` input bytes.
    func maxCompressedSize(_ count: Int) -> Int
    /// Writes the compressed form of `input` into `output` (at least `maxCompressedSize` bytes);
    /// returns the bytes written.
    func compress(_ input: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Decompresses whole blocks of a known decompressed size. Not thread-safe.
package protocol BlockDecompressor: AnyObject {
    /// `input` decompressed; throws `.corruptData` when it is damaged or does not decompress
    /// to exactly `expectedSize` bytes.
    func decompress(_ input: UnsafeRawBufferPointer, expectedSize: Int) throws -> [UInt8]
}

extension GzipCompressor: BlockCompressor {}
extension GzipDecompressor: BlockDecompressor {}

/// Sizes every block codec checks before it allocates.
enum BlockLimits {
    /// Largest block accepted either way (a Parquet page is at most 2 GiB).
    static let maxBlock = Int(Int32.max)

    static func check(_ codec: String, input: Int, expected: Int) throws {
        guard expected >= 0, expected <= maxBlock, input >= 0, input <= maxBlock else {
            throw StrataError(.corruptData, "a \(codec) block declares an impossible size")
        }
    }

    /// A buffer of `size` bytes that `fill` writes into; `fill` returns how many it wrote or nil
    /// on failure. Bytes it did not write are zeroed, so the array is always initialized.
    static func withOutput(_ size: Int, _ fill: (UnsafeMutableRawBufferPointer) -> Int?) -> (bytes: [UInt8], written: Int?) {
        var written: Int?
        let bytes = [UInt8](unsafeUninitializedCapacity: max(size, 1)) { buf, initialized in
            let raw = UnsafeMutableRawBufferPointer(start: buf.baseAddress, count: size)
            written = fill(raw)
            let done = min(max(written ?? 0, 0), size)
            if done < buf.count { (buf.baseAddress! + done).initialize(repeating: 0, count: buf.count - done) }
            initialized = buf.count
        }
        return (size == 0 ? [] : bytes, written)
    }
}
