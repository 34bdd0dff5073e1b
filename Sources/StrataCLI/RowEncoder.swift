import StrataCore

/// CSV and JSON Lines text of a batch's rows, written as bytes straight from the columns (no
/// per-cell `Value`, no Foundation JSON objects): what `export` and `show --format csv|json` print.
///
/// CSV: a field holding a comma, quote, CR or LF is quoted (quotes doubled); null is empty.
/// JSON: one object per row, members in column order; numbers as numbers (decimals with their
/// scale, exactly), non-finite doubles as strings, dates and timestamps as ISO 8601 strings.
enum RowEncoder {
    static func csvHeader(_ names: [String], into out: inout [UInt8]) {
        for (i, n) in names.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            csvField(Array(n.utf8)[...], into: &out)
        }
        out.append(0x0A)
    }

    static func csv(_ b: Batch, into out: inout [UInt8]) {
        for r in 0..<b.rowCount {
            for (i, c) in b.columns.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                guard !c.isNull(r) else { continue }
                switch c.values {
                case .bytes where c.type == .binary: csvField(Array(text(c, r).utf8)[...], into: &out)
                case .bytes(let v): v.withValue(r) { csvField($0, into: &out) }
                default: csvField(Array(text(c, r).utf8)[...], into: &out)
                }
            }
            out.append(0x0A)
        }
    }

    /// `names` already JSON-escaped with their quotes and colon (`"id":`), once per export.
    static func jsonKeys(_ names: [String]) -> [[UInt8]] {
        names.map { n in
            var k: [UInt8] = []
            jsonString(Array(n.utf8)[...], into: &k)
            k.append(UInt8(ascii: ":"))
            return k
        }
    }

    static func jsonl(_ b: Batch, keys: [[UInt8]], into out: inout [UInt8]) {
        for r in 0..<b.rowCount {
            jsonObject(b, row: r, keys: keys, into: &out)
            out.append(0x0A)
        }
    }

    static func jsonObject(_ b: Batch, row r: Int, keys: [[UInt8]], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (i, c) in b.columns.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: keys[i])
            if c.isNull(r) { out.append(contentsOf: null); continue }
            switch (c.values, c.type) {
            case (.bytes, .binary): jsonString(Array(text(c, r).utf8), into: &out) // `\x…` hex
            case (.bytes(let v), _): v.withValue(r) { jsonString($0, into: &out) }
            case (.bool(let v), _): out.append(contentsOf: v[r] ? trueBytes : falseBytes)
            case (.int64(let v), .int64): out.append(contentsOf: String(v[r]).utf8)
            case (.int64, .decimal): out.append(contentsOf: text(c, r).utf8)
            case (.double(let v), _) where v[r].isFinite: out.append(contentsOf: text(c, r).utf8)
            default: jsonString(Array(text(c, r).utf8)[...], into: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
    }

    /// One row of `Value`s as a JSON object (what `show --format json` prints), same forms as `jsonObject`.
    static func jsonObject(_ values: [Value], keys: [[UInt8]]) -> String {
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (i, v) in values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: keys[i])
            switch v {
            case .null: out.append(contentsOf: null)
            case .bool(let b): out.append(contentsOf: b ? trueBytes : falseBytes)
            case .int, .decimal: out.append(contentsOf: v.description.utf8)
            case .double(let d) where d.isFinite: out.append(contentsOf: v.description.utf8)
            default: jsonString(Array(v.description.utf8)[...], into: &out)
            }
        }
        out.append(UInt8(ascii: "}"))
        return String(decoding: out, as: UTF8.self)
    }

    private static let null = Array("null".utf8)
    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)

    /// A non-string cell's text, as `show` prints it.
    static func text(_ c: Column, _ r: Int) -> String {
        if case .int64(let v) = c.values, c.type == .int64 { return String(v[r]) }
        return c.value(r).description
    }

    static func csvField<C: Collection>(_ s: C, into out: inout [UInt8]) where C.Element == UInt8 {
        guard s.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) else {
            out.append(contentsOf: s)
            return
        }
        out.append(UInt8(ascii: "\""))
        for ch in s {
            if ch == UInt8(ascii: "\"") { out.append(ch) }
            out.append(ch)
        }
        out.append(UInt8(ascii: "\""))
    }

    private static let hex = Array("0123456789abcdef".utf8)

    static func jsonString<C: Collection>(_ s: C, into out: inout [UInt8]) where C.Element == UInt8 {
        out.append(UInt8(ascii: "\""))
        for ch in s {
            switch ch {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(ch)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(ch)
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0..<0x20, 0x7F:
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hex[Int(ch >> 4)], hex[Int(ch & 0xF)]])
            default: out.append(ch)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
