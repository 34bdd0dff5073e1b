/// A compiled `LIKE` pattern: `%` matches any run of characters, `_` exactly one character
/// (a Unicode scalar, not a byte); everything else matches itself. There is no escape character
/// unless `ESCAPE 'c'` names one (SQL standard; Spark defaults to `\`). The match is on the whole
/// string. `ILIKE` folds case (ASCII inline; other text through Unicode lower-casing).
struct LikePattern: Sendable {
    enum Part: Sendable, Equatable {
        case byte(UInt8)
        case one
        case any
    }

    let parts: [Part]
    let caseInsensitive: Bool

    /// Compiles `pattern`; nil (with the reason) when an escape character ends the pattern.
    init(_ pattern: String, escape: Unicode.Scalar?, caseInsensitive: Bool) throws(LikeError) {
        let text = caseInsensitive ? pattern.lowercased() : pattern
        var parts: [Part] = []
        var escaped = false
        for ch in text.unicodeScalars {
            if escaped {
                parts.append(contentsOf: Array(String(ch).utf8).map(Part.byte))
                escaped = false
            } else if ch == escape {
                escaped = true
            } else if ch == "%" {
                if parts.last != .any { parts.append(.any) }
            } else if ch == "_" {
                parts.append(.one)
            } else {
                parts.append(contentsOf: Array(String(ch).utf8).map(Part.byte))
            }
        }
        if escaped { throw LikeError.danglingEscape }
        self.parts = parts
        self.caseInsensitive = caseInsensitive
    }

    enum LikeError: Error { case danglingEscape }

    @inline(__always)
    static func charLength(_ lead: UInt8) -> Int {
        lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
    }

    /// Whether the whole of `s` matches.
    func matches(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = s.count
        let count = parts.count
        var p = 0, i = 0
        var starP = -1, starI = 0
        while i < n {
            if p < count {
                switch parts[p] {
                case .one:
                    i += Self.charLength(s[i])
                    p += 1
                    continue
                case .byte(let c):
                    var b = s[i]
                    if caseInsensitive, b >= 65, b <= 90 { b += 32 }
                    if b == c {
                        i += 1
                        p += 1
                        continue
                    }
                case .any:
                    starP = p
                    starI = i
                    p += 1
                    continue
                }
            }
            guard starP >= 0 else { return false }
            p = starP + 1
            starI += Self.charLength(s[starI])
            i = starI
        }
        while p < count, parts[p] == .any { p += 1 }
        return p == count && i == n
    }

    func evaluate(_ column: Column, negated: Bool) -> Column {
        let v = column.strings
        var out = [Bool](repeating: false, count: column.count)
        v.bytes.withUnsafeBufferPointer { all in
            for i in 0..<column.count where !column.isNull(i) {
                let s = UnsafeBufferPointer(rebasing: all[v.range(i)])
                var m: Bool
                if caseInsensitive, s.contains(where: { $0 >= 0x80 }) {
                    var lower = String(decoding: s, as: UTF8.self).lowercased()
                    m = lower.withUTF8 { matches($0) }
                } else {
                    m = matches(s)
                }
                out[i] = m != negated
            }
        }
        return Column(type: .bool, values: .bool(out), validity: column.validity)
    }
}
