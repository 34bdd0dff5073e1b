/// The syntax tree of one Strata expression, as parsed, with where each node starts in the text.
///
/// Strata has one small SQL-like expression language for filters, derived columns, data-quality
/// checks and policy row filters. `ExpressionParser.parse` builds an `Expr`; `ExpressionCompiler`
/// type-checks it against a schema into a `TypedExpr` that evaluates over batches.
///
/// Equality and hashing compare meaning only: `offset` (where a node came from) is ignored, so
/// `parse(e.sql) == e` holds for every parsed expression.
public struct Expr: Sendable, Hashable, CustomStringConvertible {
    /// What the node is.
    public var node: Node
    /// 1-based character offset of the node's first character in the expression text; 0 when synthesized.
    public var offset: Int

    public init(_ node: Node, offset: Int = 0) {
        self.node = node
        self.offset = offset
    }

    /// The node kinds. Function names are stored lower-cased, as written (aliases are kept).
    public indirect enum Node: Sendable, Hashable {
        /// A constant: `.int`, `.decimal`, `.double`, `.string`, `.bool`, `.date`, `.timestamp` or `.null`.
        case literal(Value)
        /// An input column, by its exact name (`page.url` is the column named "page.url").
        case column(String)
        /// Unary minus.
        case negate(Expr)
        case not(Expr)
        case binary(BinaryOperator, Expr, Expr)
        /// `x IS NULL`, or `x IS NOT NULL` when negated.
        case isNull(Expr, negated: Bool)
        case inList(Expr, [Expr], negated: Bool)
        case between(Expr, low: Expr, high: Expr, negated: Bool)
        /// `x [NOT] LIKE|ILIKE pattern [ESCAPE e]`.
        case like(Expr, pattern: Expr, escape: Expr?, negated: Bool, caseInsensitive: Bool)
        /// `CASE [subject] WHEN .. THEN .. [ELSE ..] END`.
        case caseWhen(subject: Expr?, branches: [WhenThen], otherwise: Expr?)
        /// `CAST(x AS type)`, or `TRY_CAST` (null instead of an error) when `isTry`.
        case cast(Expr, DataType, isTry: Bool)
        /// A function call; `current_date` and `current_timestamp` are calls with no arguments.
        case call(String, [Expr])
    }

    /// One `WHEN .. THEN ..` of a `CASE`.
    public struct WhenThen: Sendable, Hashable {
        public var when: Expr
        public var then: Expr

        public init(when: Expr, then: Expr) {
            self.when = when
            self.then = then
        }
    }

    public static func == (a: Expr, b: Expr) -> Bool { a.node == b.node }
    public func hash(into h: inout Hasher) { h.combine(node) }

    public var description: String { sql }

    /// The direct children, in source order.
    public var children: [Expr] {
        switch node {
        case .literal, .column: return []
        case .negate(let e), .not(let e), .isNull(let e, _), .cast(let e, _, _): return [e]
        case .binary(_, let a, let b): return [a, b]
        case .inList(let e, let items, _): return [e] + items
        case .between(let e, let lo, let hi, _): return [e, lo, hi]
        case .like(let e, let p, let esc, _, _): return [e, p] + (esc.map { [$0] } ?? [])
        case .caseWhen(let s, let bs, let o):
            return (s.map { [$0] } ?? []) + bs.flatMap { [$0.when, $0.then] } + (o.map { [$0] } ?? [])
        case .call(_, let args): return args
        }
    }

    /// Every column name the expression mentions (known without a schema).
    public var referencedColumns: Set<String> {
        if case .column(let n) = node { return [n] }
        return children.reduce(into: Set<String>()) { $0.formUnion($1.referencedColumns) }
    }
}

/// Binary operators, from loosest to tightest binding: OR; AND; comparisons; `||`; `+ -`; `* / %`.
public enum BinaryOperator: String, Sendable, Hashable, CaseIterable {
    case or = "OR", and = "AND"
    case equal = "=", notEqual = "<>", less = "<", lessOrEqual = "<=", greater = ">", greaterOrEqual = ">="
    case concat = "||"
    case add = "+", subtract = "-"
    case multiply = "*", divide = "/", modulo = "%"

    /// Binding strength used by the parser and the printer (higher binds tighter).
    var precedence: Int {
        switch self {
        case .or: return 1
        case .and: return 2
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: return 4
        case .concat: return 5
        case .add, .subtract: return 6
        case .multiply, .divide, .modulo: return 7
        }
    }

    var isComparison: Bool { precedence == 4 }
    var isArithmetic: Bool { precedence >= 6 }
}
