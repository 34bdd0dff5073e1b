import StrataCore

/// What one flattened JSON value is.
enum JSONKind: UInt8 {
    case null, bool, number, string
    /// An array, or an object when not flattening: its JSON text as written.
    case raw
}

/// One key path and scalar value of a parsed line.
struct JSONEntry {
    /// The key path's bytes in `JSONLineParser.keys`.
    var keyStart: Int32
    var keyEnd: Int32
    var kind: JSONKind
    /// Number, integer-looking (no fraction or exponent): inference tells int64 from double.
    var isInteger: Bool
    /// The value's bytes: in the line, or in `scratch` for strings that had escapes.
    var inScratch: Bool
    var valueStart: Int32
    var valueEnd: Int32
}

/// Why a line is not a valid JSON object (no value text, so safe to report).
struct JSONSyntaxError: Error {
    var reason: String
}

/// Parses one JSONL line (a JSON object) into flat key paths and scalar values, on bytes.
///
/// With `flatten`, nested objects become `parent<separator>child` keys and empty objects vanish;
/// without it, objects are kept as raw text like arrays. Strings are unescaped (all JSON escapes,
/// `\uXXXX` with surrogate pairs; a lone surrogate is an error) into `scratch` only when they
/// contain escapes. Nesting deeper than `maxDepth` is an error, not a crash. Results are valid
/// until the next `parse`.
struct JSONLineParser {
    static let maxDepth = 64
    let flatten: Bool
    let separator: [UInt8]
    private(set) var entries: [JSONEntry] = []
    private(set) var keys: [UInt8] = []
    private(set) var scratch: [UInt8] = []
    private var path: [UInt8] = []

    init(flatten: Bool, separator: String) {
        self.flatten = flatten
        self.separator = Array(separator.utf8)
        entries.reserveCapacity(32)
        keys.reserveCapacity(1024)
        path.reserveCapacity(256)
    }

    /// The key path bytes of entry `e`.
    @inline(__always)
    func key(_ e: JSONEntry, _ keyBase: UnsafePointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        UnsafeBufferPointer(start: keyBase + Int(e.keyStart), count: Int(e.keyEnd - e.keyStart))
    }

    /// Parses `line`; throws `JSONSyntaxError` when it is not exactly one JSON object.
    mutating func parse(_ line: UnsafeBufferPointer<UInt8>) throws(JSONSyntaxError) {
        entries.removeAll(keepingCapacity: true)
        keys.removeAll(keepingCapacity: true)
        if !scratch.isEmpty { scratch.removeAll(keepingCapacity: true) }
        path.removeAll(keepingCapacity: true)
        guard let base = line.baseAddress else { throw JSONSyntaxError(reason: "empty line") }
        var i = 0
        let n = line.count
        skipSpace(base, &i, n)
        guard i < n, base[i] == UInt8(ascii: "{") else { throw JSONSyntaxError(reason: "line is not a JSON object") }
        try parseObject(base, &i, n, depth: 1)
        skipSpace(base, &i, n)
        guard i == n else { throw JSONSyntaxError(reason: "text after the JSON object") }
    }

    @inline(__always)
    private func skipSpace(_ b: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) {
        while i < n {
            let c = b[i]
            guard c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D else { return }
            i += 1
        }
    }

    private mutating func parseObject(_ b: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int, depth: Int) throws(JSONSyntaxError) {
        guard depth <= Self.maxDepth else { throw JSONSyntaxError(reason: "nesting deeper than \(Self.maxDepth) levels") }
        i += 1  // {
        skipSpace(b, &i, n)
        if i < n, b[i] == UInt8(ascii: "}") { i += 1; return }
        let pathLength = path.count
        while true {
            guard i < n, b[i] == UInt8(ascii: "\"") else { throw JSONSyntaxError(reason: "expected a quoted key") }
            if pathLength > 0 { path.append(contentsOf: separator) }
            try parseString(b, &i, n, into: .path)
            skipSpace(b, &i, n)
            guard i < n, b[i] == UInt8(ascii: ":") else { throw JSONSyntaxError(reason: "expected ':' after a key") }
            i += 1
            skipSpace(b, &i, n)
            guard i < n else { throw JSONSyntaxError(reason: "missing value") }
            let c = b[i]
            if c == UInt8(ascii: "{") && flatten {
                try parseObject(b, &i, n, depth: depth + 1)
            } else {
                try parseValue(b, &i, n, depth: depth)
            }
            path.removeLast(path.count - pathLength)
            skipSpace(b, &i, n)
            guard i < n else { throw JSONSyntaxError(reason: "unterminated object") }
            if b[i] == UInt8(ascii: ",") {
                i += 1
                skipSpace(b, &i, n)
                continue
            }
            guard b[i] == UInt8(ascii: "}") else { throw JSONSyntaxError(reason: "expected ',' or '}'") }
            i += 1
            return
        }
    }

    /// Emits an entry for the current path.
    private mutating func emit(_ kind: JSONKind, _ start: Int, _ end: Int, inScratch: Bool = false, isInteger: Bool = false) {
        let keyStart = keys.count
        keys.append(contentsOf: path)
        entries.append(JSONEntry(keyStart: Int32(keyStart), keyEnd: Int32(keys.count), kind: kind, isInteger: isInteger,
                                 inScratch: inScratch, valueStart: Int32(start), valueEnd: Int32(end)))
    }

    /// A scalar, array or (when not flattening) object value at the current path.
    private mutating func parseValue(_ b: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int, depth: Int) throws(JSONSyntaxError) {
        let start = i
        switch b[i] {
        case UInt8(ascii: "\""):
            let scratchStart = scratch.count
            let escaped = try parseString(b, &i, n, into: .scratch)
            if escaped {
                emit(.string, scratchStart, scratch.count, inScratch: true)
            } else {
                emit(.string, start + 1, i - 1)
            }
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try skipValue(b, &i, n, depth: depth + 1)
            emit(.raw, start, i)
        case UInt8(ascii: "t"):
            try literal(b, &i, n, "true")
            emit(.bool, start, i)
        case UInt8(ascii: "f"):
            try literal(b, &i, n, "false")
            emit(.bool, start, i)
        case UInt8(ascii: "n"):
            try literal(b, &i, n, "null")
            emit(.null, start, i)
        default:
            let integer = try parseNumber(b, &i, n)
            emit(.number, start, i, isInteger: integer)
        }
    }

    private func literal(_ b: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int, _ word: StaticString) throws(JSONSyntaxError) {
        let len = word.utf8CodeUnitCount
        guard i + len <= n else { throw JSONSyntaxError(reason: "invalid literal") }
        let w = word.utf8Start
        for k in 0..<len where b[i + k] != w[k] { throw JSONSyntaxError(reason: "invalid literal") }
        i += len
    }

    /// Validates a JSON number; returns true when it has no fraction or exponent.
    private func parseNumber(_ b: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) throws(JSONSyntaxError) -> Bool {
        let bad = JSONSyntaxError(reason: "invalid number")
        if i < n, b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n, b[i] &- 48 < 10 else { throw bad }
        if b[i] == UInt8(ascii: "0") {
            i += 1
        } else {
            while i < n, b[i] &- 48 < 10 { i += 1 }
        }
        var integer = true
        if i < n, b[i] == UInt8(ascii: ".") {
            integer = false
            i += 1
            guard i < n, b[i] &- 48 < 10 else { throw bad }
            while i < n, b[i] &- 48 < 10 { i += 1 }
        }
        if i < n, b[i] | 0x20 == UInt8(ascii: "e") {
            integer = false
            i += 1
            if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < n, b[i] &- 48 < 10 else { throw bad }
            while i < n, b[i] &- 48 < 10 { i += 1 }
        }
        return integer
    }

    /// Skips an array or object, validating it.
    private mutating func skipValue(_ b: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int, depth: Int) throws(JSONSyntaxError) {
        guard depth <= Self.maxDepth else { throw JSONSyntaxError(reason: "nesting deeper than \(Self.maxDepth) levels") }
        let open = b[i]
        let isObject = open == UInt8(ascii: "{")
        let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        i += 1
        skipSpace(b, &i, n)
        if i < n, b[i] == close { i += 1; return }
        while true {
            if isObject {
                guard i < n, b[i] == UInt8(ascii: "\"") else { throw JSONSyntaxError(reason: "expected a quoted key") }
                try parseString(b, &i, n, into: .nowhere)
                skipSpace(b, &i, n)
                guard i < n, b[i] == UInt8(ascii: ":") else { throw JSONSyntaxError(reason: "expected ':' after a key") }
                i += 1
                skipSpace(b, &i, n)
            }
            guard i < n else { throw JSONSyntaxError(reason: "missing value") }
            switch b[i] {
            case UInt8(ascii: "{"), UInt8(ascii: "["): try skipValue(b, &i, n, depth: depth + 1)
            case UInt8(ascii: "\""): try parseString(b, &i, n, into: .nowhere)
            case UInt8(ascii: "t"): try literal(b, &i, n, "true")
            case UInt8(ascii: "f"): try literal(b, &i, n, "false")
            case UInt8(ascii: "n"): try literal(b, &i, n, "null")
            default: _ = try parseNumber(b, &i, n)
            }
            skipSpace(b, &i, n)
            guard i < n else { throw JSONSyntaxError(reason: isObject ? "unterminated object" : "unterminated array") }
            if b[i] == UInt8(ascii: ",") {
                i += 1
                skipSpace(b, &i, n)
                continue
            }
            guard b[i] == close else { throw JSONSyntaxError(reason: isObject ? "expected ',' or '}'" : "expected ',' or ']'") }
            i += 1
            return
        }
    }

    enum StringTarget { case path, scratch, nowhere }

    /// Parses a string starting at its opening quote. Keys always go to `path`; values are copied to
    /// `scratch` only when they have escapes. Returns whether it had escapes.
    @discardableResult
    private mutating func parseString(_ b: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int, into target: StringTarget) throws(JSONSyntaxError) -> Bool {
        i += 1
        var seg = i
        var escaped = false
        while true {
            while i < n, b[i] != UInt8(ascii: "\""), b[i] != UInt8(ascii: "\\"), b[i] >= 0x20 { i += 1 }
            guard i < n else { throw JSONSyntaxError(reason: "unterminated string") }
            let c = b[i]
            if c < 0x20 { throw JSONSyntaxError(reason: "control character in string") }
            if c == UInt8(ascii: "\"") {
                if target == .path || (escaped && target == .scratch) { append(target, b + seg, i - seg) }
                i += 1
                return escaped
            }
            // Backslash.
            if target != .nowhere { append(target, b + seg, i - seg) }
            escaped = true
            guard i + 1 < n else { throw JSONSyntaxError(reason: "unterminated string") }
            let e = b[i + 1]
            i += 2
            var out: UInt8 = 0
            switch e {
            case UInt8(ascii: "\""): out = 0x22
            case UInt8(ascii: "\\"): out = 0x5C
            case UInt8(ascii: "/"): out = 0x2F
            case UInt8(ascii: "b"): out = 0x08
            case UInt8(ascii: "f"): out = 0x0C
            case UInt8(ascii: "n"): out = 0x0A
            case UInt8(ascii: "r"): out = 0x0D
            case UInt8(ascii: "t"): out = 0x09
            case UInt8(ascii: "u"):
                var scalar = try hex4(b, &i, n)
                if scalar >= 0xD800 && scalar <= 0xDBFF {
                    guard i + 1 < n, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") else {
                        throw JSONSyntaxError(reason: "lone surrogate in \\u escape")
                    }
                    i += 2
                    let low = try hex4(b, &i, n)
                    guard low >= 0xDC00 && low <= 0xDFFF else { throw JSONSyntaxError(reason: "lone surrogate in \\u escape") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if scalar >= 0xDC00 && scalar <= 0xDFFF {
                    throw JSONSyntaxError(reason: "lone surrogate in \\u escape")
                }
                if target != .nowhere { appendScalar(target, scalar) }
                seg = i
                continue
            default:
                throw JSONSyntaxError(reason: "invalid escape in string")
            }
            if target != .nowhere { withUnsafePointer(to: out) { append(target, $0, 1) } }
            seg = i
        }
    }

    private func hex4(_ b: UnsafePointer<UInt8>, _ i: inout Int, _ n: Int) throws(JSONSyntaxError) -> UInt32 {
        guard i + 4 <= n else { throw JSONSyntaxError(reason: "invalid \\u escape") }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = b[i + k]
            let d: UInt8
            switch c {
            case 48...57: d = c - 48
            case 65...70: d = c - 55
            case 97...102: d = c - 87
            default: throw JSONSyntaxError(reason: "invalid \\u escape")
            }
            v = v << 4 | UInt32(d)
        }
        i += 4
        return v
    }

    @inline(__always)
    private mutating func append(_ target: StringTarget, _ p: UnsafePointer<UInt8>, _ count: Int) {
        let chunk = UnsafeBufferPointer(start: p, count: count)
        switch target {
        case .path: path.append(contentsOf: chunk)
        case .scratch: scratch.append(contentsOf: chunk)
        case .nowhere: break
        }
    }

    private mutating func appendScalar(_ target: StringTarget, _ v: UInt32) {
        var buf: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        let count: Int
        if v < 0x80 {
            buf.0 = UInt8(v); count = 1
        } else if v < 0x800 {
            buf.0 = UInt8(0xC0 | v >> 6); buf.1 = UInt8(0x80 | v & 0x3F); count = 2
        } else if v < 0x10000 {
            buf.0 = UInt8(0xE0 | v >> 12); buf.1 = UInt8(0x80 | v >> 6 & 0x3F); buf.2 = UInt8(0x80 | v & 0x3F); count = 3
        } else {
            buf.0 = UInt8(0xF0 | v >> 18); buf.1 = UInt8(0x80 | v >> 12 & 0x3F)
            buf.2 = UInt8(0x80 | v >> 6 & 0x3F); buf.3 = UInt8(0x80 | v & 0x3F); count = 4
        }
        withUnsafeBytes(of: &buf) { append(target, $0.baseAddress!.assumingMemoryBound(to: UInt8.self), count) }
    }
}
