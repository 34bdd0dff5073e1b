/// A type-checked expression, ready to evaluate over batches of its input schema.
///
/// Made by `ExpressionCompiler.compile`. It knows its result type, whether it can be null, which
/// input columns it reads, and prints back as SQL (`sql`). Literal-only subtrees are folded once.
public struct TypedExpr: Sendable {
    /// The expression as parsed (for printing and lineage).
    public let expr: Expr
    public let type: DataType
    /// False when the result can never be null.
    public let nullable: Bool
    /// Input columns the expression reads.
    public let columns: Set<String>
    /// The input columns in slot order, with the types they were compiled against.
    let inputs: [Field]
    let root: TNode
    /// True when the value depends on the evaluation context (`now()`, `current_date`).
    public let usesContext: Bool

    init(expr: Expr, root: TNode, inputs: [Field]) {
        self.expr = expr
        self.root = root
        self.type = root.type
        self.nullable = root.nullable
        self.inputs = inputs
        self.columns = Set(inputs.map(\.name))
        self.usesContext = root.usesContext
    }

    /// The expression as SQL (see `Expr.sql`).
    public var sql: String { expr.sql }

    /// The constant value when the whole expression folded to one (e.g. `1 + 2`), else nil.
    public var constantValue: Value? {
        if case .constant(let v) = root.op { return v }
        return nil
    }
}

/// What an expression evaluation may read besides the batch: the run's clock.
public struct EvaluationContext: Sendable, Hashable {
    /// `now()` / `current_timestamp`: the run's start, UTC microseconds; the same for every row and batch.
    public var now: Int64

    public init(now: Int64) { self.now = now }

    /// The context of a pipeline run (its start time).
    public init(_ run: RunContext) { self.now = run.startedAt }
}

/// A row whose evaluation failed (a CAST that did not convert, an overflow), in `collect` mode.
public struct RowFailure: Sendable, Hashable, CustomStringConvertible {
    /// 0-based row index in the evaluated batch.
    public var row: Int
    /// What failed, naming the expression part and the expected type, never the value.
    public var message: String

    public init(row: Int, message: String) {
        self.row = row
        self.message = message
    }

    public var description: String { "row \(row + 1): \(message)" }
}

/// A compiled node: an operation on typed children.
struct TNode: Sendable {
    indirect enum Op: Sendable {
        case constant(Value)
        case column(slot: Int, name: String)
        /// The context's `now` (timestamp).
        case now
        case arith(BinaryOperator)
        case compare(BinaryOperator)
        case and, or, not
        case concat
        case isNull(negated: Bool)
        /// args[0] is the subject; the rest the list, all coerced to one type.
        case inList(negated: Bool)
        case like(LikePattern, negated: Bool)
        /// args = [when1, then1, when2, then2, ..., else?].
        case caseWhen(hasElse: Bool)
        /// First non-null argument; later arguments are evaluated only for rows still null.
        case coalesce
        case cast(to: DataType, isTry: Bool)
        case function(BoundFunction)
    }

    var op: Op
    var type: DataType
    var nullable: Bool
    var args: [TNode]
    /// Offset of the source node, for error messages.
    var offset: Int
    /// The source text of the node (for row-failure messages).
    var label: String

    init(_ op: Op, _ type: DataType, nullable: Bool, args: [TNode] = [], offset: Int = 0, label: String = "") {
        self.op = op
        self.type = type
        self.nullable = nullable
        self.args = args
        self.offset = offset
        self.label = label
    }

    var isConstant: Bool { if case .constant = op { return true } else { return false } }
    var constant: Value? { if case .constant(let v) = op { return v } else { return nil } }

    var usesContext: Bool {
        if case .now = op { return true }
        return args.contains { $0.usesContext }
    }
}

/// A function resolved for its argument types: result type and the kernel.
struct BoundFunction: Sendable {
    var name: String
    /// Computes the result from the evaluated arguments (all `count` rows long).
    var kernel: @Sendable (_ args: [Column], _ count: Int, _ scope: EvalScope) throws -> Column
}
