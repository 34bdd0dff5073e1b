import StrataCore

/// Column names from a CSV header row.
enum CSVHeader {
    /// Names for the header fields: spaces trimmed, an empty name becomes `col_<position>`, and a
    /// repeated name gets `_2`, `_3`, … (skipping names already taken), so names are unique.
    static func names(_ raw: [String]) -> [String] {
        var taken = Set<String>()
        var out: [String] = []
        out.reserveCapacity(raw.count)
        let trimmed = raw.map { $0.trimming(" ") }
        let all = Set(trimmed)
        for (i, name) in trimmed.enumerated() {
            var n = name.isEmpty ? "col_\(i + 1)" : name
            if taken.contains(n) || (name.isEmpty && all.contains(n)) {
                var k = 2
                while taken.contains("\(n)_\(k)") || all.contains("\(n)_\(k)") { k += 1 }
                n = "\(n)_\(k)"
            }
            taken.insert(n)
            out.append(n)
        }
        return out
    }

    /// Positional names for files without a header: `col_1` … `col_n`.
    static func positional(_ count: Int) -> [String] { (0..<count).map { "col_\($0 + 1)" } }

    /// The current row's fields as strings (header rows only: one allocation per name is fine).
    static func fields(_ tokenizer: CSVTokenizer, _ file: ChunkedFile) -> [String] {
        tokenizer.scratch.withUnsafeBufferPointer { s in
            (0..<tokenizer.fieldCount).map { i in
                String(decoding: tokenizer.field(i, base: file.buffer, scratch: s.baseAddress), as: UTF8.self)
            }
        }
    }
}
