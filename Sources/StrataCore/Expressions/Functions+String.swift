import Foundation

/// String functions. Positions and lengths count characters (Unicode scalars), 1-based.
///
/// - `concat(a, ..)`: NULL if any argument is NULL (SQL/Spark; DuckDB skips NULLs);
///   `concat_ws(sep, a, ..)` skips NULL arguments. Non-strings are converted to strings.
/// - `trim/ltrim/rtrim(s [, chars])` remove spaces (or the given characters) from the ends.
/// - `substr(s, start [, len])`: start 1 is the first character; a negative start counts from
///   the end; start 0 counts as the position before the first (DuckDB/Postgres).
/// - `regexp_like(s, p)` searches (no anchoring); `regexp_extract(s, p [, g])` returns group `g`
///   (default 0, the whole match; DuckDB's default, Spark's is 1) or '' when nothing matches;
///   `regexp_replace(s, p, r)` replaces every match (`$1` refers to a group). Patterns are ICU
///   regular expressions and must be literals.
/// - `split_part(s, d, n)`: the n-th field (negative n counts from the end), '' past the end.
/// - `lpad/rpad(s, n [, pad])` pad with spaces (or `pad`) to n characters, or cut to n.
enum StringFunctions {
    static func bind(_ name: String, _ a: inout Args) throws(ExprError) -> TNode? {
        switch name {
        case "lower", "upper":
            try a.string(0)
            let up = name == "upper"
            return a.node(.string) { args, _, _ in caseMap(args[0], upper: up) }
        case "trim", "ltrim", "rtrim":
            try a.string(0)
            var set: [Unicode.Scalar] = [" "]
            if a.count == 2 {
                try a.string(1)
                set = Array(try a.constString(1).unicodeScalars)
            }
            let left = name != "rtrim", right = name != "ltrim"
            let chars = set
            return a.node(.string) { args, _, _ in trim(args[0], chars, left: left, right: right) }
        case "length", "char_length":
            try a.string(0)
            return a.node(.int64) { args, n, _ in
                let v = args[0].strings
                var out = [Int64](repeating: 0, count: n)
                v.bytes.withUnsafeBufferPointer { all in
                    for i in 0..<n { out[i] = Int64(scalarCount(UnsafeBufferPointer(rebasing: all[v.range(i)]))) }
                }
                return Column(type: .int64, values: .int64(out), validity: args[0].validity)
            }
        case "substr", "substring":
            try a.string(0)
            try a.integer(1)
            if a.count == 3 { try a.integer(2) }
            return a.node(.string) { args, n, _ in substring(args, n) }
        case "left", "right":
            try a.string(0)
            try a.integer(1)
            let isLeft = name == "left"
            return a.node(.string) { args, n, _ in
                let counts = args[1].int64s
                return Rows.map(args, n, .string) { i in
                    let s = args[0].text(i).unicodeScalars
                    let k = max(0, min(s.count, Int(clamping: counts[i])))
                    var out = String.UnicodeScalarView()
                    out.append(contentsOf: isLeft ? Array(s.prefix(k)) : Array(s.suffix(k)))
                    return .string(String(out))
                }
            }
        case "reverse":
            try a.string(0)
            return a.node(.string) { args, n, _ in
                Rows.map(args, n, .string) { i in .string(String(String.UnicodeScalarView(args[0].text(i).unicodeScalars.reversed()))) }
            }
        case "concat":
            for i in 0..<a.count { try a.toString(i) }
            return a.node(.string) { args, n, _ in StringKernels.concat(args, count: n, skipNulls: false, separator: nil) }
        case "concat_ws":
            try a.string(0)
            for i in 1..<a.count { try a.toString(i) }
            return a.node(.string, nullable: a.nodes[0].nullable) { args, n, _ in
                StringKernels.concat(Array(args.dropFirst()), count: n, skipNulls: true, separator: args[0])
            }
        case "replace":
            for i in 0..<3 { try a.string(i) }
            return a.node(.string) { args, n, _ in
                let s = args[0].strings, f = args[1].strings, t = args[2].strings
                return Rows.map(args, n, .string) { i in
                    let hay = Array(s.bytes[s.range(i)]), needle = Array(f.bytes[f.range(i)])
                    if needle.isEmpty { return .string(s.string(i)) }
                    let with = Array(t.bytes[t.range(i)])
                    var out: [UInt8] = []
                    var k = 0
                    while k < hay.count {
                        if k + needle.count <= hay.count, hay[k] == needle[0], Array(hay[k..<(k + needle.count)]) == needle {
                            out += with
                            k += needle.count
                        } else {
                            out.append(hay[k])
                            k += 1
                        }
                    }
                    return .string(String(decoding: out, as: UTF8.self))
                }
            }
        case "strpos":
            try a.string(0)
            try a.string(1)
            return a.node(.int64) { args, n, _ in
                Rows.map(args, n, .int64) { i in
                    let hay = Array(args[0].text(i).unicodeScalars), needle = Array(args[1].text(i).unicodeScalars)
                    if needle.isEmpty { return .int(1) }
                    if needle.count > hay.count { return .int(0) }
                    for k in 0...(hay.count - needle.count) where Array(hay[k..<(k + needle.count)]) == needle { return .int(Int64(k + 1)) }
                    return .int(0)
                }
            }
        case "starts_with", "ends_with", "contains":
            try a.string(0)
            try a.string(1)
            return a.node(.bool) { args, n, _ in
                let s = args[0].strings, p = args[1].strings
                var out = [Bool](repeating: false, count: n)
                for i in 0..<n {
                    let hay = s.bytes[s.range(i)], needle = Array(p.bytes[p.range(i)])
                    switch name {
                    case "starts_with": out[i] = hay.starts(with: needle)
                    case "ends_with": out[i] = hay.reversed().starts(with: needle.reversed())
                    default: out[i] = needle.isEmpty || Array(hay).firstRange(of: needle) != nil
                    }
                }
                return Column(type: .bool, values: .bool(out), validity: Validity.and(args[0].validity, args[1].validity))
            }
        case "split_part":
            try a.string(0)
            try a.string(1)
            try a.integer(2)
            return a.node(.string) { args, n, _ in
                let idx = args[2].int64s
                return Rows.map(args, n, .string) { i in
                    let s = args[0].strings, d = args[1].strings
                    let hay = Array(s.bytes[s.range(i)]), delim = Array(d.bytes[d.range(i)])
                    let fields: [ArraySlice<UInt8>] = delim.isEmpty ? [hay[...]] : hay.split(separator: delim, omittingEmptySubsequences: false)
                    let k = idx[i]
                    let j = k > 0 ? Int(clamping: k) - 1 : fields.count + Int(clamping: k)
                    guard k != 0, j >= 0, j < fields.count else { return .string("") }
                    return .string(String(decoding: fields[j], as: UTF8.self))
                }
            }
        case "lpad", "rpad":
            try a.string(0)
            try a.integer(1)
            if a.count == 3 { try a.string(2) }
            let left = name == "lpad"
            return a.node(.string) { args, n, _ in
                let widths = args[1].int64s
                return Rows.map(args, n, .string) { i in
                    let s = Array(args[0].text(i).unicodeScalars)
                    let pad = args.count == 3 ? Array(args[2].text(i).unicodeScalars) : [" "]
                    let w = max(0, Int(clamping: min(widths[i], 1_000_000)))
                    if s.count >= w || pad.isEmpty { return .string(String(String.UnicodeScalarView(s.prefix(w)))) }
                    var fill: [Unicode.Scalar] = []
                    while fill.count < w - s.count { fill.append(pad[fill.count % pad.count]) }
                    return .string(String(String.UnicodeScalarView(left ? fill + s : s + fill)))
                }
            }
        case "regexp_like", "regexp_extract", "regexp_replace":
            try a.string(0)
            try a.string(1)
            let pattern = try a.constString(1)
            let re: CompiledRegex
            do {
                re = CompiledRegex(try NSRegularExpression(pattern: pattern))
            } catch {
                throw a.error(1, "\(name)() has an invalid regular expression")
            }
            if name == "regexp_like" {
                return a.node(.bool) { args, n, _ in
                    Rows.map(args, n, .bool) { i in .bool(re.firstMatch(args[0].text(i)) != nil) }
                }
            }
            if name == "regexp_extract" {
                var group = 0
                if a.count == 3 {
                    try a.integer(2)
                    let g = try a.constInt(2)
                    guard g >= 0, g <= re.groups else {
                        throw a.error(2, "regexp_extract() group \(g) does not exist; the pattern has \(re.groups) group\(re.groups == 1 ? "" : "s")")
                    }
                    group = Int(g)
                }
                let g = group
                return a.node(.string) { args, n, _ in
                    Rows.map(args, n, .string) { i in
                        let s = args[0].text(i)
                        guard let m = re.firstMatch(s), let r = Range(m.range(at: g), in: s) else { return .string("") }
                        return .string(String(s[r]))
                    }
                }
            }
            try a.string(2)
            return a.node(.string) { args, n, _ in
                Rows.map(args, n, .string) { i in .string(re.replaceAll(args[0].text(i), with: args[2].text(i))) }
            }
        case "coalesce", "nvl", "ifnull":
            a.nodes = try Binder.unify(a.nodes, a.site.argExprs, what: "\(name)()", comparing: false)
            return TNode(.coalesce, a.nodes[0].type, nullable: a.nodes.allSatisfy(\.nullable), args: a.nodes,
                         offset: a.site.offset, label: a.site.label)
        case "nullif":
            a.nodes = try Binder.unify(a.nodes, a.site.argExprs, what: "nullif()", comparing: true)
            let ta = a.nodes[0].type, tb = a.nodes[1].type
            return a.node(ta, nullable: true) { args, _, _ in
                let eq = Comparison.compare(.equal, args[0], ta, args[1], tb)
                var c = args[0]
                let e = eq.bools
                for i in 0..<c.count where e[i] && !eq.isNull(i) { Validity.clear(&c.validity, i, count: c.count) }
                return c
            }
        case "if":
            try a.boolean(0)
            let values = try Binder.unify(Array(a.nodes[1...]), Array(a.site.argExprs[1...]), what: "if()", comparing: false)
            return TNode(.caseWhen(hasElse: true), values[0].type, nullable: values[0].nullable || values[1].nullable,
                         args: [a.nodes[0], values[0], values[1]], offset: a.site.offset, label: a.site.label)
        case "least", "greatest":
            a.nodes = try Binder.unify(a.nodes, a.site.argExprs, what: "\(name)()", comparing: false)
            let type = a.nodes[0].type
            let op: BinaryOperator = name == "least" ? .less : .greater
            return a.node(type, nullable: a.nodes.allSatisfy(\.nullable)) { args, n, _ in
                var best = args[0]
                for next in args.dropFirst() {
                    let better = Comparison.compare(op, next, type, best, type).bools
                    var b = ColumnBuilder(type: type, capacity: n)
                    for i in 0..<n {
                        let takeNext = !next.isNull(i) && (best.isNull(i) || better[i])
                        b.append(from: takeNext ? next : best, row: i)
                    }
                    best = b.finish()
                }
                return best
            }
        default:
            return nil
        }
    }

    // MARK: kernels

    @inline(__always)
    static func scalarCount(_ b: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        for c in b where c & 0xC0 != 0x80 { n += 1 }
        return n
    }

    static func caseMap(_ c: Column, upper: Bool) -> Column {
        Rows.strings(c) { b, out in
            if b.allSatisfy({ $0 < 0x80 }) {
                for ch in b {
                    if upper, ch >= 97, ch <= 122 { out.append(ch - 32) } else if !upper, ch >= 65, ch <= 90 { out.append(ch + 32) } else { out.append(ch) }
                }
            } else {
                let s = String(decoding: b, as: UTF8.self)
                out.append(contentsOf: (upper ? s.uppercased() : s.lowercased()).utf8)
            }
        }
    }

    static func trim(_ c: Column, _ chars: [Unicode.Scalar], left: Bool, right: Bool) -> Column {
        if chars.allSatisfy({ $0.isASCII }) {
            var set = [Bool](repeating: false, count: 128)
            for ch in chars { set[Int(ch.value)] = true }
            return Rows.strings(c) { b, out in
                var s = 0, e = b.count
                if left { while s < e, b[s] < 0x80, set[Int(b[s])] { s += 1 } }
                if right { while e > s, b[e - 1] < 0x80, set[Int(b[e - 1])] { e -= 1 } }
                out.append(contentsOf: b[s..<e])
            }
        }
        let set = Set(chars)
        return Rows.strings(c) { b, out in
            var u = Array(String(decoding: b, as: UTF8.self).unicodeScalars)[...]
            if left { while let f = u.first, set.contains(f) { u = u.dropFirst() } }
            if right { while let l = u.last, set.contains(l) { u = u.dropLast() } }
            out.append(contentsOf: String(String.UnicodeScalarView(u)).utf8)
        }
    }

    /// Byte offset of the `k`-th scalar (0-based) in `b`, or `b.count` past the end.
    @inline(__always)
    static func byteOffset(_ b: UnsafeBufferPointer<UInt8>, scalar k: Int) -> Int {
        if k <= 0 { return 0 }
        var seen = 0
        for i in 0..<b.count where b[i] & 0xC0 != 0x80 {
            if seen == k { return i }
            seen += 1
        }
        return b.count
    }

    static func substring(_ args: [Column], _ n: Int) -> Column {
        let v = args[0].strings
        let starts = args[1].int64s
        let lens = args.count == 3 ? args[2].int64s : nil
        let validity = Validity.all(args.map(\.validity), count: n)
        var out = ByteArrays()
        out.reserve(values: n, bytes: v.bytes.count)
        v.bytes.withUnsafeBufferPointer { all in
            for i in 0..<n {
                if let validity, !validity[i] { out.appendEmpty(); continue }
                let b = UnsafeBufferPointer(rebasing: all[v.range(i)])
                let start = starts[i]
                var begin: Int64
                if start > 0 { begin = start - 1 } else if start < 0 { begin = Int64(scalarCount(b)) + start } else { begin = -1 }
                var end = Int64.max
                if let lens {
                    let (e, o) = begin.addingReportingOverflow(lens[i])
                    end = lens[i] < 0 ? begin : (o ? Int64.max : e)
                }
                begin = max(begin, 0)
                if end <= begin { out.appendEmpty(); continue }
                let from = byteOffset(b, scalar: Int(clamping: begin))
                let to = end == Int64.max ? b.count : byteOffset(b, scalar: Int(clamping: end))
                out.append(UnsafeBufferPointer(rebasing: b[from..<max(from, to)]))
            }
        }
        return Column(type: .string, values: .bytes(out), validity: validity)
    }
}

enum StringKernels {
    /// Concatenates columns row by row. `skipNulls`: NULL parts are left out (concat_ws);
    /// otherwise any NULL part makes the row NULL. A NULL separator makes the row NULL.
    static func concat(_ parts: [Column], count n: Int, skipNulls: Bool, separator: Column?) -> Column {
        let values = parts.map(\.strings)
        let sep = separator?.strings
        var validity: [Bool]? = skipNulls ? separator?.validity : Validity.all(parts.map(\.validity), count: n)
        if skipNulls, let s = separator?.validity { validity = s }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.reduce(0) { $0 + $1.bytes.count })
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(n + 1)
        let nulls = parts.map { $0.validity }
        for i in 0..<n {
            if let validity, !validity[i] { offsets.append(Int32(bytes.count)); continue }
            var first = true
            for k in 0..<values.count {
                if skipNulls, let v = nulls[k], !v[i] { continue }
                if !first, let sep { append(sep, i, to: &bytes) }
                first = false
                append(values[k], i, to: &bytes)
            }
            offsets.append(Int32(bytes.count))
        }
        return Column(type: .string, values: .bytes(ByteArrays(offsets: offsets, bytes: bytes)), validity: validity)
    }

    @inline(__always)
    private static func append(_ v: ByteArrays, _ i: Int, to out: inout [UInt8]) {
        let r = v.range(i)
        if r.isEmpty { return }
        v.bytes.withUnsafeBufferPointer { out.append(contentsOf: UnsafeBufferPointer(rebasing: $0[r])) }
    }
}

/// A regular expression compiled once per expression (NSRegularExpression is immutable and
/// safe to share between threads).
final class CompiledRegex: @unchecked Sendable {
    let regex: NSRegularExpression

    init(_ regex: NSRegularExpression) { self.regex = regex }

    var groups: Int { regex.numberOfCaptureGroups }

    func firstMatch(_ s: String) -> NSTextCheckingResult? {
        regex.firstMatch(in: s, options: [], range: NSRange(location: 0, length: s.utf16.count))
    }

    func replaceAll(_ s: String, with template: String) -> String {
        regex.stringByReplacingMatches(in: s, options: [], range: NSRange(location: 0, length: s.utf16.count), withTemplate: template)
    }
}
