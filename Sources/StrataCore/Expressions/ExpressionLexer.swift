/// A token of the expression language, with its 0-based character position.
struct Token: Sendable, Equatable {
    enum Kind: Sendable, Equatable {
        /// A bare identifier (`amount`, `page.url`) or keyword; `text` keeps the spelling.
        case word
        /// A `"quoted"` or `` `quoted` `` identifier; `text` is the unquoted name.
        case quotedName
        case integer
        case decimal
        case double
        case string
        /// Punctuation and operators: `( ) , + - * / % || = <> != < <= > >=`.
        case symbol
        case end
    }

    var kind: Kind
    var text: String
    /// 0-based index of the first character.
    var position: Int

    func isWord(_ w: String) -> Bool { kind == .word && text.uppercased() == w }
    func isSymbol(_ s: String) -> Bool { kind == .symbol && text == s }
}

/// Splits expression text into tokens. Positions count Unicode scalars, like YAML columns.
struct ExpressionLexer {
    private let chars: [Unicode.Scalar]
    private var i = 0

    init(_ text: String) { chars = Array(text.unicodeScalars) }

    static func tokens(_ text: String) throws(ExprError) -> [Token] {
        var lexer = ExpressionLexer(text)
        var out: [Token] = []
        while true {
            let t = try lexer.next()
            out.append(t)
            if t.kind == .end { return out }
        }
    }

    private func peek(_ k: Int = 0) -> Unicode.Scalar? { i + k < chars.count ? chars[i + k] : nil }

    static func isIdentStart(_ c: Unicode.Scalar) -> Bool {
        (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || c == "_"
    }

    static func isIdentPart(_ c: Unicode.Scalar) -> Bool { isIdentStart(c) || isDigit(c) }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    private mutating func next() throws(ExprError) -> Token {
        while let c = peek(), c == " " || c == "\t" || c == "\n" || c == "\r" { i += 1 }
        let start = i
        guard let c = peek() else { return Token(kind: .end, text: "", position: i) }
        if Self.isIdentStart(c) {
            // Dotted names (`page.url`) are one identifier: flattened JSON produces such columns.
            while let d = peek() {
                if Self.isIdentPart(d) {
                    i += 1
                } else if d == ".", let e = peek(1), Self.isIdentStart(e) {
                    i += 1
                } else {
                    break
                }
            }
            return Token(kind: .word, text: text(start, i), position: start)
        }
        if Self.isDigit(c) || (c == "." && peek(1).map(Self.isDigit) == true) {
            return try number(start)
        }
        if c == "'" { return try quoted(start, quote: "'", kind: .string, what: "string") }
        if c == "\"" { return try quoted(start, quote: "\"", kind: .quotedName, what: "quoted name") }
        if c == "`" { return try quoted(start, quote: "`", kind: .quotedName, what: "quoted name") }
        i += 1
        let two = peek().map { String(c) + String($0) }
        if let two, ["||", "<>", "!=", "<=", ">=", "::"].contains(two) {
            i += 1
            return Token(kind: .symbol, text: two, position: start)
        }
        if "(),+-*/%=<>".unicodeScalars.contains(c) {
            return Token(kind: .symbol, text: String(c), position: start)
        }
        throw ExprError(.invalidConfig, "unexpected character '\(c)'", at: start + 1,
                        hint: c == "|" ? "write || to concatenate strings" : c == "!" ? "write NOT or <>" : nil)
    }

    private func text(_ a: Int, _ b: Int) -> String {
        var s = String.UnicodeScalarView()
        s.append(contentsOf: chars[a..<b])
        return String(s)
    }

    private mutating func number(_ start: Int) throws(ExprError) -> Token {
        var kind = Token.Kind.integer
        while let d = peek(), Self.isDigit(d) { i += 1 }
        if peek() == "." {
            kind = .decimal
            i += 1
            while let d = peek(), Self.isDigit(d) { i += 1 }
        }
        if let e = peek(), e == "e" || e == "E" {
            var j = 1
            if let s = peek(1), s == "+" || s == "-" { j = 2 }
            if let d = peek(j), Self.isDigit(d) {
                kind = .double
                i += j
                while let d = peek(), Self.isDigit(d) { i += 1 }
            }
        }
        if let c = peek(), Self.isIdentPart(c) {
            throw ExprError(.invalidConfig, "malformed number", at: start + 1,
                            hint: "quote names that start with a digit: \"\(text(start, i))\(c)...\"")
        }
        return Token(kind: kind, text: text(start, i), position: start)
    }

    /// A quoted token; the quote character doubled inside stands for itself.
    private mutating func quoted(_ start: Int, quote: Unicode.Scalar, kind: Token.Kind, what: String) throws(ExprError) -> Token {
        i += 1
        var s = String.UnicodeScalarView()
        while true {
            guard let c = peek() else {
                throw ExprError(.invalidConfig, "unterminated \(what)", at: start + 1,
                                hint: "close it with \(quote); write \(quote)\(quote) for a \(quote) inside")
            }
            i += 1
            if c == quote {
                if peek() == quote {
                    s.append(quote)
                    i += 1
                    continue
                }
                break
            }
            s.append(c)
        }
        if kind == .quotedName && s.isEmpty {
            throw ExprError(.invalidConfig, "empty quoted name", at: start + 1)
        }
        return Token(kind: kind, text: String(s), position: start)
    }
}
