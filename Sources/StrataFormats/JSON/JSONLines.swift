#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StrataCore

/// Splits a file into lines (LF, with a trailing CR dropped), skipping blank ones, counting line numbers.
struct JSONLines {
    let file: ChunkedFile
    /// The current line's 1-based number and its bytes in the file buffer (valid until `next`).
    private(set) var lineNumber = 0
    private(set) var start = 0
    private(set) var end = 0
    private var nextLine = 1
    private var checkedBOM = false

    init(file: ChunkedFile) {
        self.file = file
    }

    var bytes: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: file.buffer + start, count: end - start) }

    var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Moves to the next non-blank line; false at end of file.
    mutating func next() throws -> Bool {
        if !checkedBOM {
            checkedBOM = true
            while file.end - file.start < 3, try file.refill() {}
            let b = file.buffer + file.start
            if file.end - file.start >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { file.consume(upTo: file.start + 3) }
        }
        while true {
            let base = file.buffer
            let s = file.start
            let available = file.end - s
            var e: Int
            var next: Int
            if available > 0, let hit = memchr(base + s, 0x0A, available) {
                e = s + (hit.assumingMemoryBound(to: UInt8.self) - (base + s))
                next = e + 1
            } else if file.atEOF {
                if available == 0 { return false }
                e = file.end
                next = file.end
            } else {
                _ = try file.refill()
                continue
            }
            file.consume(upTo: next)
            let number = nextLine
            nextLine += 1
            if e > s, base[e - 1] == 0x0D { e -= 1 }
            var k = s
            while k < e, base[k] == 0x20 || base[k] == 0x09 || base[k] == 0x0D { k += 1 }
            if k == e { continue }  // blank
            lineNumber = number
            start = s
            end = e
            return true
        }
    }
}
