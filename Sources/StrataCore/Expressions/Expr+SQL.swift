extension Expr {
    /// The expression as SQL text that `ExpressionParser.parse` reads back to an equal `Expr`.
    ///
    /// Keywords are upper-case, functions lower-case, parentheses only where precedence needs them.
    /// Names that are not plain identifiers, or that contain dots, are quoted with backticks (Spark
    /// style; `page.url` prints as `` `page.url` `` so Spark reads one column, not a struct field).
    /// Types print with Spark/DuckDB names (`BIGINT`, `DECIMAL(10,2)`, `STRING`). String literals use
    /// standard SQL quoting (`'it''s'`); a Spark back end must re-escape quotes and backslashes.
    public var sql: String { SQLPrinter.print(self, 0) }
}

extension DataType {
    /// The SQL name of the type (Spark and DuckDB both read these).
    public var sqlName: String {
        switch self {
        case .bool: return "BOOLEAN"
        case .int64: return "BIGINT"
        case .double: return "DOUBLE"
        case let .decimal(p, s): return "DECIMAL(\(p),\(s))"
        case .string: return "STRING"
        case .binary: return "BINARY"
        case .date: return "DATE"
        case .timestamp: return "TIMESTAMP"
        }
    }
}

enum SQLPrinter {
    /// Binding strength of a node; primaries are 9.
    static func precedence(_ e: Expr) -> Int {
        switch e.node {
        case .binary(let op, _, _): return op.precedence
        case .not: return 3
        case .isNull, .inList, .between, .like: return 4
        case .negate: return 8
        case .literal(let v):
            // A negative number prints with its sign; keep it from gluing onto a minus before it.
            switch v {
            case .int(let i): return i < 0 ? 8 : 9
            case .decimal(let i, _): return i < 0 ? 8 : 9
            case .double(let d): return d.sign == .minus ? 8 : 9
            default: return 9
            }
        default: return 9
        }
    }

    static func print(_ e: Expr, _ minimum: Int) -> String {
        let s = body(e)
        return precedence(e) < minimum ? "(" + s + ")" : s
    }

    private static func body(_ e: Expr) -> String {
        switch e.node {
        case .literal(let v): return literal(v)
        case .column(let name): return identifier(name)
        case .negate(let x):
            // `-(5)` stays a negation of 5 (bare `-5` reads back as the literal -5).
            if case .literal = x.node { return "-(" + body(x) + ")" }
            let inner = print(x, 8)
            return inner.hasPrefix("-") ? "-(" + inner + ")" : "-" + inner
        case .not(let x): return "NOT " + print(x, 3)
        case .binary(let op, let a, let b):
            let p = op.precedence
            return print(a, p) + " " + op.rawValue + " " + print(b, p + 1)
        case .isNull(let x, let negated):
            return print(x, 4) + (negated ? " IS NOT NULL" : " IS NULL")
        case .inList(let x, let items, let negated):
            return print(x, 4) + (negated ? " NOT IN (" : " IN (") + items.map { print($0, 0) }.joined(separator: ", ") + ")"
        case .between(let x, let lo, let hi, let negated):
            return print(x, 4) + (negated ? " NOT BETWEEN " : " BETWEEN ") + print(lo, 5) + " AND " + print(hi, 5)
        case .like(let x, let p, let esc, let negated, let ci):
            var s = print(x, 4) + (negated ? " NOT " : " ") + (ci ? "ILIKE " : "LIKE ") + print(p, 5)
            if let esc { s += " ESCAPE " + print(esc, 5) }
            return s
        case .caseWhen(let subject, let branches, let otherwise):
            var s = "CASE"
            if let subject { s += " " + print(subject, 0) }
            for b in branches { s += " WHEN " + print(b.when, 0) + " THEN " + print(b.then, 0) }
            if let otherwise { s += " ELSE " + print(otherwise, 0) }
            return s + " END"
        case .cast(let x, let type, let isTry):
            return (isTry ? "TRY_CAST(" : "CAST(") + print(x, 0) + " AS " + type.sqlName + ")"
        case .call(let name, let args):
            if args.isEmpty, name == "current_date" || name == "current_timestamp" { return name.uppercased() }
            return name + "(" + args.map { print($0, 0) }.joined(separator: ", ") + ")"
        }
    }

    static func literal(_ v: Value) -> String {
        switch v {
        case .null: return "NULL"
        case .bool(let b): return b ? "TRUE" : "FALSE"
        case .int(let i): return String(i)
        case let .decimal(u, s): return s == 0 ? String(u) + "." : Decimal64.format(u, scale: s)
        case .double(let d):
            // Always with an exponent, so it reads back as a double rather than a decimal.
            let t = "\(d)"
            return t.contains("e") ? t : t + "e0"
        case .string(let s): return "'" + s.replacing("'", with: "''") + "'"
        case .binary(let b): return "X'" + Value.hex(b).dropFirst(2) + "'"
        case .date(let d): return "DATE '" + Temporal.formatDate(days: d) + "'"
        case .timestamp(let t): return "TIMESTAMP '" + CastKernels.timestampText(t) + "'"
        }
    }

    static func identifier(_ name: String) -> String {
        let plain = name.unicodeScalars.first.map(ExpressionLexer.isIdentStart) == true
            && name.unicodeScalars.allSatisfy(ExpressionLexer.isIdentPart)
            && !ExpressionParser.reserved.contains(name.uppercased())
        if plain { return name }
        return "`" + name.replacing("`", with: "``") + "`"
    }
}
