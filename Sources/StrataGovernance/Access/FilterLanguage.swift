import StrataCore

/// A small predicate language for row filters and policy tests, a subset of Strata's expression
/// language: comparisons (`= != <> < <= > >=`), `IN (…)`, `NOT IN`, `IS [NOT] NULL`, `AND`, `OR`,
/// `NOT`, parentheses, string literals in single quotes, numbers, `TRUE`/`FALSE`.
///
/// Interim: once `StrataCore/Expressions` lands, `RowFilter` compiles through `ExpressionParser`
/// instead and this file goes. Evaluation is row-at-a-time through `Value` (read path only).
indirect enum FilterLanguage: Sendable {
    case column(String)
    case literal(Value)
    case compare(String, FilterLanguage, FilterLanguage)
    case isIn(FilterLanguage, [Value], negated: Bool)
    case isNull(FilterLanguage, negated: Bool)
    case and(FilterLanguage, FilterLanguage)
    case or(FilterLanguage, FilterLanguage)
    case not(FilterLanguage)

    static func parse(_ text: String) throws -> FilterLanguage {
        var p = Parser(tokens: try tokenize(text))
        let e = try p.or()
        guard p.at >= p.tokens.count else { throw StrataError(.invalidConfig, "unexpected '\(p.tokens[p.at].text)' at character \(p.tokens[p.at].offset + 1)") }
        return e
    }

    /// The columns the expression reads.
    var columns: Set<String> {
        switch self {
        case .column(let c): return [c]
        case .literal: return []
        case .compare(_, let a, let b), .and(let a, let b), .or(let a, let b): return a.columns.union(b.columns)
        case .isIn(let a, _, _), .isNull(let a, _), .not(let a): return a.columns
        }
    }

    func evaluate(_ batch: Batch) throws -> [Bool] {
        for c in columns { _ = try batch.schema.require(c) }
        return (0..<batch.rowCount).map { truth(row: $0, batch) == true }
    }

    /// Three-valued logic: nil is SQL's unknown.
    func truth(row: Int, _ batch: Batch) -> Bool? {
        switch self {
        case .column, .literal:
            if case .bool(let b) = value(row: row, batch) { return b }
            return nil
        case let .compare(op, a, b):
            guard let o = Self.order(a.value(row: row, batch), b.value(row: row, batch)) else { return nil }
            switch op {
            case "=": return o == 0
            case "!=", "<>": return o != 0
            case "<": return o < 0
            case "<=": return o <= 0
            case ">": return o > 0
            default: return o >= 0
            }
        case let .isIn(a, list, negated):
            let v = a.value(row: row, batch)
            if v.isNull { return nil }
            let hit = list.contains { Self.order(v, $0) == 0 }
            return negated ? !hit : hit
        case let .isNull(a, negated):
            return a.value(row: row, batch).isNull != negated
        case let .and(a, b):
            let x = a.truth(row: row, batch), y = b.truth(row: row, batch)
            if x == false || y == false { return false }
            return x == true && y == true ? true : nil
        case let .or(a, b):
            let x = a.truth(row: row, batch), y = b.truth(row: row, batch)
            if x == true || y == true { return true }
            return x == false && y == false ? false : nil
        case .not(let a):
            return a.truth(row: row, batch).map { !$0 }
        }
    }

    func value(row: Int, _ batch: Batch) -> Value {
        switch self {
        case .column(let c): return batch.column(named: c)?.value(row) ?? .null
        case .literal(let v): return v
        default:
            return truth(row: row, batch).map(Value.bool) ?? .null
        }
    }

    /// Compares two values (numbers numerically, dates/timestamps against their ISO text); nil when either is null or they do not compare.
    static func order(_ a: Value, _ b: Value) -> Int? {
        func num(_ v: Value) -> Double? {
            switch v {
            case .int(let i): return Double(i)
            case .double(let d): return d
            case let .decimal(u, s): return Double(u) / Double(Decimal64.powersOf10[s])
            default: return nil
            }
        }
        switch (a, b) {
        case (.null, _), (_, .null): return nil
        case let (.string(x), .string(y)): return x == y ? 0 : (x < y ? -1 : 1)
        case let (.bool(x), .bool(y)): return x == y ? 0 : (!x ? -1 : 1)
        case (.date, .string(let s)), (.timestamp, .string(let s)):
            let other: Value = a.isDate ? Temporal.parseDate(s).map(Value.date) ?? .null : Temporal.parseTimestamp(s).map(Value.timestamp) ?? .null
            return other.isNull ? nil : order(a, other)
        case (.string, .date), (.string, .timestamp): return order(b, a).map { -$0 }
        case let (.date(x), .date(y)): return x == y ? 0 : (x < y ? -1 : 1)
        case let (.timestamp(x), .timestamp(y)): return x == y ? 0 : (x < y ? -1 : 1)
        default:
            guard let x = num(a), let y = num(b) else { return nil }
            return x == y ? 0 : (x < y ? -1 : 1)
        }
    }

    // MARK: - Tokens and parser

    struct Token {
        enum Kind { case word, string, number, symbol }
        var kind: Kind
        var text: String
        var offset: Int
    }

    static func tokenize(_ text: String) throws -> [Token] {
        let b = Array(text.utf8)
        var out: [Token] = []
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1; continue }
            let start = i
            if c == UInt8(ascii: "'") {
                var s: [UInt8] = []
                i += 1
                while true {
                    guard i < b.count else { throw StrataError(.invalidConfig, "unterminated string starting at character \(start + 1)", hint: "close it with '") }
                    if b[i] == UInt8(ascii: "'") {
                        if i + 1 < b.count, b[i + 1] == UInt8(ascii: "'") { s.append(b[i]); i += 2; continue }
                        i += 1
                        break
                    }
                    s.append(b[i])
                    i += 1
                }
                out.append(Token(kind: .string, text: String(decoding: s, as: UTF8.self), offset: start))
            } else if (c >= 48 && c <= 57) || (c == UInt8(ascii: "-") && i + 1 < b.count && b[i + 1] >= 48 && b[i + 1] <= 57) {
                i += 1
                while i < b.count, (b[i] >= 48 && b[i] <= 57) || b[i] == UInt8(ascii: ".") { i += 1 }
                out.append(Token(kind: .number, text: String(decoding: b[start..<i], as: UTF8.self), offset: start))
            } else if PIIPatterns.isLetter(c) || c == UInt8(ascii: "_") {
                while i < b.count, PIIPatterns.isAlnum(b[i]) || b[i] == UInt8(ascii: "_") || b[i] == UInt8(ascii: ".") { i += 1 }
                out.append(Token(kind: .word, text: String(decoding: b[start..<i], as: UTF8.self), offset: start))
            } else {
                let two = i + 1 < b.count ? String(decoding: b[i...(i + 1)], as: UTF8.self) : ""
                if ["<=", ">=", "!=", "<>"].contains(two) {
                    out.append(Token(kind: .symbol, text: two, offset: start))
                    i += 2
                } else if "=<>(),".utf8.contains(c) {
                    out.append(Token(kind: .symbol, text: String(UnicodeScalar(c)), offset: start))
                    i += 1
                } else {
                    throw StrataError(.invalidConfig, "unexpected character '\(String(UnicodeScalar(c)))' at character \(start + 1)")
                }
            }
        }
        return out
    }

    struct Parser {
        var tokens: [Token]
        var at = 0

        func peekWord(_ w: String) -> Bool {
            at < tokens.count && tokens[at].kind == .word && tokens[at].text.uppercased() == w
        }

        func peekSymbol(_ s: String) -> Bool { at < tokens.count && tokens[at].kind == .symbol && tokens[at].text == s }

        mutating func expectSymbol(_ s: String) throws {
            guard peekSymbol(s) else { throw unexpected("'\(s)'") }
            at += 1
        }

        func unexpected(_ wanted: String) -> StrataError {
            if at >= tokens.count { return StrataError(.invalidConfig, "the filter ends where \(wanted) was expected") }
            return StrataError(.invalidConfig, "expected \(wanted) at character \(tokens[at].offset + 1), found '\(tokens[at].text)'")
        }

        mutating func or() throws -> FilterLanguage {
            var e = try and()
            while peekWord("OR") { at += 1; e = .or(e, try and()) }
            return e
        }

        mutating func and() throws -> FilterLanguage {
            var e = try not()
            while peekWord("AND") { at += 1; e = .and(e, try not()) }
            return e
        }

        mutating func not() throws -> FilterLanguage {
            if peekWord("NOT") { at += 1; return .not(try not()) }
            return try comparison()
        }

        mutating func comparison() throws -> FilterLanguage {
            let left = try primary()
            if at < tokens.count, tokens[at].kind == .symbol, ["=", "!=", "<>", "<", "<=", ">", ">="].contains(tokens[at].text) {
                let op = tokens[at].text
                at += 1
                return .compare(op, left, try primary())
            }
            var negated = false
            if peekWord("NOT") { at += 1; negated = true; guard peekWord("IN") else { throw unexpected("IN") } }
            if peekWord("IN") {
                at += 1
                try expectSymbol("(")
                var list: [Value] = []
                repeat {
                    guard case .literal(let v) = try primary() else { throw unexpected("a literal") }
                    list.append(v)
                } while peekSymbol(",") && { at += 1; return true }()
                try expectSymbol(")")
                return .isIn(left, list, negated: negated)
            }
            if peekWord("IS") {
                at += 1
                var neg = false
                if peekWord("NOT") { at += 1; neg = true }
                guard peekWord("NULL") else { throw unexpected("NULL") }
                at += 1
                return .isNull(left, negated: neg)
            }
            return left
        }

        mutating func primary() throws -> FilterLanguage {
            guard at < tokens.count else { throw unexpected("a value") }
            let t = tokens[at]
            at += 1
            switch t.kind {
            case .string: return .literal(.string(t.text))
            case .number:
                if let i = Int64(t.text) { return .literal(.int(i)) }
                if let d = Double(t.text) { return .literal(.double(d)) }
                throw StrataError(.invalidConfig, "'\(t.text)' is not a number")
            case .word:
                switch t.text.uppercased() {
                case "TRUE": return .literal(.bool(true))
                case "FALSE": return .literal(.bool(false))
                case "NULL": return .literal(.null)
                case "AND", "OR", "NOT", "IN", "IS": at -= 1; throw unexpected("a column or value")
                default: return .column(t.text)
                }
            case .symbol:
                if t.text == "(" {
                    let e = try or()
                    try expectSymbol(")")
                    return e
                }
                at -= 1
                throw unexpected("a column or value")
            }
        }
    }
}

private extension Value {
    var isDate: Bool { if case .date = self { return true } else { return false } }
}
