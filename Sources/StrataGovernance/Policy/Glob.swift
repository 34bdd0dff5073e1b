/// A shell-style pattern over names: `*` matches any run of characters (dots included),
/// `?` one character, everything else itself (case-sensitive).
///
/// Used for tables (`silver.*`, `*.users`), columns (`*email*`) and tags (`pii.*`).
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let bytes: [UInt8]

    public init(_ pattern: String) {
        self.pattern = pattern
        self.bytes = Array(pattern.utf8)
    }

    public var description: String { pattern }

    /// True when the pattern has no wildcard (it names exactly one thing).
    public var isLiteral: Bool { !bytes.contains(UInt8(ascii: "*")) && !bytes.contains(UInt8(ascii: "?")) }

    /// How specific the pattern is: literal characters count, so `silver.users` beats `silver.*` beats `*`.
    public var specificity: Int { bytes.filter { $0 != UInt8(ascii: "*") && $0 != UInt8(ascii: "?") }.count + (isLiteral ? 1000 : 0) }

    public func matches(_ text: String) -> Bool {
        var t = text
        return t.withUTF8 { Glob.match(bytes, Array($0)) }
    }

    /// Iterative wildcard matching with single-star backtracking (linear in practice, no recursion).
    static func match(_ p: [UInt8], _ t: [UInt8]) -> Bool {
        var pi = 0, ti = 0
        var star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == UInt8(ascii: "?") || p[pi] == t[ti] {
                pi += 1
                ti += 1
            } else if pi < p.count, p[pi] == UInt8(ascii: "*") {
                star = pi
                mark = ti
                pi += 1
            } else if star >= 0 {
                pi = star + 1
                mark += 1
                ti = mark
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == UInt8(ascii: "*") { pi += 1 }
        return pi == p.count
    }
}
