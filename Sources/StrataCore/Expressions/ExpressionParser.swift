/// Parses expression text into an `Expr`.
///
/// Grammar (loosest first): `OR`; `AND`; `NOT`; comparisons `= <> != < <= > >=`, `IS [NOT] NULL`,
/// `[NOT] IN (..)`, `[NOT] BETWEEN a AND b`, `[NOT] LIKE|ILIKE p [ESCAPE e]`; `||`; `+ -`; `* / %`;
/// unary `- +`; postfix casts `x::type` (as PostgreSQL, DuckDB and delta-rs write them); then
/// literals, names, `( )`, `CASE`, `CAST`/`TRY_CAST`, `DATE '..'`, `TIMESTAMP '..'`,
/// `EXTRACT(field FROM x)` and function calls.
///
/// Literals: `42` is int64; `12.50` is decimal(4,2) (more than 18 digits: double); `1e3` is double;
/// `'it''s'` is a string; `TRUE FALSE NULL`. Names are bare (`amount`, `page.url` names the column
/// "page.url") or quoted with `"` or `` ` `` (`"order date"`). Keywords are case-insensitive.
/// Errors are `ExprError`s carrying the 1-based character offset of the offending token.
public struct ExpressionParser {
    private var tokens: [Token]
    private var pos = 0
    /// How deep the tree under construction is (nesting plus operator chains).
    private var depth = 0

    /// The deepest expression tree accepted: type checking, evaluation, lineage and SQL printing
    /// recurse over the tree, so a deeper one is refused with a clear error instead of
    /// overflowing the stack.
    public static let maxDepth = 256
    /// The longest expression text accepted, in bytes.
    public static let maxLength = 65_536

    /// Words that cannot be bare column names (quote them: `"end"`).
    static let reserved: Set<String> = [
        "AND", "OR", "NOT", "IS", "NULL", "IN", "BETWEEN", "LIKE", "ILIKE", "ESCAPE", "CASE", "WHEN", "THEN",
        "ELSE", "END", "CAST", "TRY_CAST", "TRUE", "FALSE", "AS", "CURRENT_DATE", "CURRENT_TIMESTAMP", "FROM",
    ]

    /// Parses one whole expression; trailing text is an error.
    public static func parse(_ text: String) throws(ExprError) -> Expr {
        guard text.utf8.count <= maxLength else {
            throw ExprError(.invalidConfig, "expression is \(text.utf8.count) bytes long; the limit is \(maxLength)", at: 0,
                            hint: "split it into several derived columns")
        }
        var p = ExpressionParser(tokens: try ExpressionLexer.tokens(text))
        if p.tokens.count == 1 { throw ExprError(.invalidConfig, "empty expression", at: 0) }
        let e = try p.expression()
        guard p.current.kind == .end else {
            throw p.unexpected("end of expression")
        }
        return e
    }

    private init(tokens: [Token]) { self.tokens = tokens }

    private var current: Token { tokens[pos] }
    private func peek(_ k: Int) -> Token { tokens[min(pos + k, tokens.count - 1)] }
    private mutating func advance() -> Token {
        let t = tokens[pos]
        if pos < tokens.count - 1 { pos += 1 }
        return t
    }

    private func describe(_ t: Token) -> String {
        switch t.kind {
        case .end: return "end of expression"
        case .string: return "a string"
        case .integer, .decimal, .double: return "number \(t.text)"
        case .quotedName: return "name \"\(t.text)\""
        case .word: return Self.reserved.contains(t.text.uppercased()) ? t.text.uppercased() : "'\(t.text)'"
        case .symbol: return "'\(t.text)'"
        }
    }

    private func unexpected(_ expected: String, hint: String? = nil) -> ExprError {
        ExprError(.invalidConfig, "expected \(expected), found \(describe(current))", at: current.position + 1, hint: hint)
    }

    private mutating func expectSymbol(_ s: String) throws(ExprError) {
        guard current.isSymbol(s) else { throw unexpected("'\(s)'") }
        _ = advance()
    }

    private mutating func expectWord(_ w: String) throws(ExprError) {
        guard current.isWord(w) else { throw unexpected(w) }
        _ = advance()
    }

    private mutating func acceptWord(_ w: String) -> Bool {
        if current.isWord(w) { _ = advance(); return true }
        return false
    }

    mutating func expression() throws(ExprError) -> Expr {
        try enter()
        defer { depth -= 1 }
        return try orExpr()
    }

    /// One level deeper; refused past `maxDepth`.
    private mutating func enter() throws(ExprError) {
        depth += 1
        try checkDepth(depth)
    }

    private func checkDepth(_ d: Int) throws(ExprError) {
        guard d <= Self.maxDepth else {
            throw ExprError(.invalidConfig, "expression is nested or chained more than \(Self.maxDepth) levels deep",
                            at: current.position, hint: "split it into several derived columns, or use in (...) for long lists")
        }
    }

    private mutating func orExpr() throws(ExprError) -> Expr {
        let base = depth
        defer { depth = base }
        var left = try andExpr()
        while current.isWord("OR") {
            depth += 1 // a chain deepens the tree like nesting does
            try checkDepth(depth)
            let at = advance().position + 1
            left = Expr(.binary(.or, left, try andExpr()), offset: left.offset > 0 ? left.offset : at)
        }
        return left
    }

    private mutating func andExpr() throws(ExprError) -> Expr {
        let base = depth
        defer { depth = base }
        var left = try notExpr()
        while current.isWord("AND") {
            depth += 1 // a chain deepens the tree like nesting does
            try checkDepth(depth)
            _ = advance()
            left = Expr(.binary(.and, left, try notExpr()), offset: left.offset)
        }
        return left
    }

    private mutating func notExpr() throws(ExprError) -> Expr {
        if current.isWord("NOT") {
            let at = advance().position + 1
            try enter()
            defer { depth -= 1 }
            return Expr(.not(try notExpr()), offset: at)
        }
        return try predicate()
    }

    private static let comparisons: [String: BinaryOperator] = [
        "=": .equal, "<>": .notEqual, "!=": .notEqual, "<": .less, "<=": .lessOrEqual, ">": .greater, ">=": .greaterOrEqual,
    ]

    private mutating func predicate() throws(ExprError) -> Expr {
        var left = try concatExpr()
        while true {
            let t = current
            if t.kind == .symbol, let op = Self.comparisons[t.text] {
                _ = advance()
                left = Expr(.binary(op, left, try concatExpr()), offset: left.offset)
                continue
            }
            if t.isWord("IS") {
                _ = advance()
                let negated = acceptWord("NOT")
                guard current.isWord("NULL") else {
                    throw unexpected("NULL", hint: "write IS NULL or IS NOT NULL; compare booleans with =")
                }
                _ = advance()
                left = Expr(.isNull(left, negated: negated), offset: left.offset)
                continue
            }
            var negated = false
            if t.isWord("NOT"), peek(1).isWord("IN") || peek(1).isWord("BETWEEN") || peek(1).isWord("LIKE") || peek(1).isWord("ILIKE") {
                _ = advance()
                negated = true
            } else if !(t.isWord("IN") || t.isWord("BETWEEN") || t.isWord("LIKE") || t.isWord("ILIKE")) {
                return left
            }
            let kw = advance()
            if kw.isWord("IN") {
                try expectSymbol("(")
                if current.isSymbol(")") { throw unexpected("a value", hint: "IN needs at least one value") }
                var items = [try expression()]
                while current.isSymbol(",") {
                    _ = advance()
                    items.append(try expression())
                }
                try expectSymbol(")")
                left = Expr(.inList(left, items, negated: negated), offset: left.offset)
            } else if kw.isWord("BETWEEN") {
                let low = try concatExpr()
                try expectWord("AND")
                let high = try concatExpr()
                left = Expr(.between(left, low: low, high: high, negated: negated), offset: left.offset)
            } else {
                let pattern = try concatExpr()
                var escape: Expr?
                if acceptWord("ESCAPE") { escape = try concatExpr() }
                left = Expr(.like(left, pattern: pattern, escape: escape, negated: negated, caseInsensitive: kw.isWord("ILIKE")),
                            offset: left.offset)
            }
        }
    }

    private mutating func concatExpr() throws(ExprError) -> Expr {
        let base = depth
        defer { depth = base }
        var left = try additive()
        while current.isSymbol("||") {
            depth += 1 // a chain deepens the tree like nesting does
            try checkDepth(depth)
            _ = advance()
            left = Expr(.binary(.concat, left, try additive()), offset: left.offset)
        }
        return left
    }

    private mutating func additive() throws(ExprError) -> Expr {
        let base = depth
        defer { depth = base }
        var left = try multiplicative()
        while current.isSymbol("+") || current.isSymbol("-") {
            depth += 1 // a chain deepens the tree like nesting does
            try checkDepth(depth)
            let op: BinaryOperator = advance().text == "+" ? .add : .subtract
            left = Expr(.binary(op, left, try multiplicative()), offset: left.offset)
        }
        return left
    }

    private mutating func multiplicative() throws(ExprError) -> Expr {
        let base = depth
        defer { depth = base }
        var left = try unary()
        while current.isSymbol("*") || current.isSymbol("/") || current.isSymbol("%") {
            depth += 1 // a chain deepens the tree like nesting does
            try checkDepth(depth)
            let t = advance().text
            let op: BinaryOperator = t == "*" ? .multiply : t == "/" ? .divide : .modulo
            left = Expr(.binary(op, left, try unary()), offset: left.offset)
        }
        return left
    }

    private mutating func unary() throws(ExprError) -> Expr {
        if current.isSymbol("-") {
            let at = advance().position + 1
            // `-5` is the literal -5 (so the smallest int64 can be written).
            if [.integer, .decimal, .double].contains(current.kind) { return try number(negative: true, at: at) }
            try enter()
            defer { depth -= 1 }
            return Expr(.negate(try unary()), offset: at)
        }
        if current.isSymbol("+") {
            _ = advance()
            try enter()
            defer { depth -= 1 }
            return try unary()
        }
        var e = try primary()
        while current.isSymbol("::") {
            let at = advance().position + 1
            e = Expr(.cast(e, try typeName(), isTry: false), offset: at)
        }
        return e
    }

    private mutating func number(negative: Bool, at: Int? = nil) throws(ExprError) -> Expr {
        let t = advance()
        let offset = at ?? t.position + 1
        let text = (negative ? "-" : "") + t.text
        switch t.kind {
        case .integer:
            guard let v = Int64(text) else {
                throw ExprError(.invalidConfig, "integer literal out of the int64 range", at: offset,
                                hint: "write it as a decimal (\(t.text).0) or double (\(t.text)e0)")
            }
            return Expr(.literal(.int(v)), offset: offset)
        case .decimal:
            let digits = text.filter { $0.isNumber }.drop { $0 == "0" }
            let scale = t.text.count - 1 - (t.text.firstIndex(of: ".").map { t.text.distance(from: t.text.startIndex, to: $0) } ?? 0)
            if digits.count <= 18, scale <= 18, let v = Int64(text.replacing(".", with: "")) {
                return Expr(.literal(.decimal(v, scale: scale)), offset: offset)
            }
            return Expr(.literal(.double(Double(text) ?? .nan)), offset: offset)
        default:
            guard let d = Double(text), d.isFinite else {
                throw ExprError(.invalidConfig, "double literal out of range", at: offset)
            }
            return Expr(.literal(.double(d)), offset: offset)
        }
    }

    private mutating func primary() throws(ExprError) -> Expr {
        let t = current
        let at = t.position + 1
        switch t.kind {
        case .integer, .decimal, .double:
            return try number(negative: false)
        case .string:
            _ = advance()
            return Expr(.literal(.string(t.text)), offset: at)
        case .quotedName:
            _ = advance()
            return Expr(.column(t.text), offset: at)
        case .symbol:
            if t.isSymbol("(") {
                _ = advance()
                var e = try expression()
                try expectSymbol(")")
                e.offset = at
                return e
            }
            throw unexpected("a value")
        case .end:
            throw unexpected("a value")
        case .word:
            break
        }
        let upper = t.text.uppercased()
        switch upper {
        case "TRUE", "FALSE":
            _ = advance()
            return Expr(.literal(.bool(upper == "TRUE")), offset: at)
        case "NULL":
            _ = advance()
            return Expr(.literal(.null), offset: at)
        case "CASE":
            _ = advance()
            return try caseExpr(at: at)
        case "CAST", "TRY_CAST":
            _ = advance()
            try expectSymbol("(")
            let e = try expression()
            try expectWord("AS")
            let type = try typeName()
            try expectSymbol(")")
            return Expr(.cast(e, type, isTry: upper == "TRY_CAST"), offset: at)
        case "CURRENT_DATE", "CURRENT_TIMESTAMP":
            _ = advance()
            if current.isSymbol("("), peek(1).isSymbol(")") { _ = advance(); _ = advance() }
            return Expr(.call(t.text.lowercased(), []), offset: at)
        case "DATE" where peek(1).kind == .string, "TIMESTAMP" where peek(1).kind == .string:
            _ = advance()
            let s = advance()
            if upper == "DATE" {
                guard let d = Temporal.parseDate(s.text) else {
                    throw ExprError(.invalidConfig, "invalid DATE literal", at: s.position + 1, hint: "write DATE 'YYYY-MM-DD'")
                }
                return Expr(.literal(.date(d)), offset: at)
            }
            guard let ts = Temporal.parseTimestamp(s.text) else {
                throw ExprError(.invalidConfig, "invalid TIMESTAMP literal", at: s.position + 1,
                                hint: "write TIMESTAMP 'YYYY-MM-DD HH:MM:SS[.ffffff][Z|+HH:MM]'")
            }
            return Expr(.literal(.timestamp(ts)), offset: at)
        case "EXTRACT" where peek(1).isSymbol("("):
            _ = advance()
            _ = advance()
            let field = current
            guard field.kind == .word, let fn = FunctionCatalog.extractFields[field.text.lowercased()] else {
                throw unexpected("a date part", hint: "parts are " + FunctionCatalog.extractFields.keys.sorted().joined(separator: ", "))
            }
            _ = advance()
            try expectWord("FROM")
            let e = try expression()
            try expectSymbol(")")
            return Expr(.call(fn, [e]), offset: at)
        default:
            break
        }
        if Self.reserved.contains(upper) {
            throw unexpected("a value", hint: "a column named like a keyword must be quoted: \"\(t.text)\"")
        }
        _ = advance()
        guard current.isSymbol("(") else { return Expr(.column(t.text), offset: at) }
        let name = t.text.lowercased()
        guard FunctionCatalog.isKnown(name) else {
            throw ExprError(.invalidConfig, "unknown function '\(t.text)'", at: at,
                            hint: Suggest.hint(for: name, in: FunctionCatalog.names) ?? "see the function list in the README")
        }
        _ = advance()
        var args: [Expr] = []
        if !current.isSymbol(")") {
            args.append(try expression())
            while current.isSymbol(",") {
                _ = advance()
                args.append(try expression())
            }
        }
        try expectSymbol(")")
        return Expr(.call(name, args), offset: at)
    }

    private mutating func caseExpr(at: Int) throws(ExprError) -> Expr {
        var subject: Expr?
        if !current.isWord("WHEN") { subject = try expression() }
        var branches: [Expr.WhenThen] = []
        while acceptWord("WHEN") {
            let w = try expression()
            try expectWord("THEN")
            branches.append(Expr.WhenThen(when: w, then: try expression()))
        }
        if branches.isEmpty { throw unexpected("WHEN") }
        var otherwise: Expr?
        if acceptWord("ELSE") { otherwise = try expression() }
        guard current.isWord("END") else { throw unexpected(otherwise == nil ? "WHEN, ELSE or END" : "END") }
        _ = advance()
        return Expr(.caseWhen(subject: subject, branches: branches, otherwise: otherwise), offset: at)
    }

    /// A type name: `int64`, `bigint`, `decimal(10,2)`, `varchar(20)` (length ignored), ...
    private mutating func typeName() throws(ExprError) -> DataType {
        let t = current
        guard t.kind == .word else { throw unexpected("a type name") }
        _ = advance()
        var text = t.text.lowercased()
        if current.isSymbol("(") {
            _ = advance()
            var parts: [String] = []
            while current.kind == .integer {
                parts.append(advance().text)
                if current.isSymbol(",") { _ = advance() } else { break }
            }
            try expectSymbol(")")
            if text == "varchar" || text == "char" {
                parts = []
            } else if (text == "decimal" || text == "numeric") && parts.count == 1 {
                parts.append("0")
            }
            if !parts.isEmpty { text += "(" + parts.joined(separator: ",") + ")" }
        } else if text == "decimal" || text == "numeric" {
            text = "decimal(18,3)"
        }
        if text == "varchar" || text == "char" { text = "string" }
        guard let type = DataType(parsing: text) else {
            throw ExprError(.invalidConfig, "unknown type '\(t.text)'", at: t.position + 1,
                            hint: Suggest.hint(for: t.text.lowercased(), in: ["bool", "boolean", "int64", "bigint", "double", "decimal", "string", "date", "timestamp"])
                                ?? "types are " + DataType.names.joined(separator: ", "))
        }
        guard type != .binary else {
            throw ExprError(.typeMismatch, "expressions have no binary values, so nothing casts to binary", at: t.position + 1,
                            hint: "binary columns come from sources (bytea, BLOB) and pass through select, rename and drop")
        }
        return type
    }
}
