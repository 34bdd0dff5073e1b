/// Type-checks an `Expr` against an input schema into a `TypedExpr`, before any data is read.
///
/// Typing rules (documented for users in the README):
/// - int64 `+ - * %` int64 is int64 (overflow is a row failure); `/` on two int64s is double.
/// - int64 with decimal is decimal: `+ -` scale max(s1,s2), integer digits max+1; `*` scale s1+s2;
///   `/` scale max(s1, 6) with p1−s1+s2 integer digits, or double when that passes 18 digits
///   (e.g. an int64 column divided by a decimal); `%` scale max(s1,s2).
///   Precision is capped at 18 digits (results that do not fit are row failures); a `*` whose
///   scale would pass 18 falls back to double. Anything with a double is double.
/// - Division or modulo by zero is NULL. date ± int64 is a date; date − date is int64 days.
/// - Comparisons need comparable types: numbers with numbers, strings, bools, dates with
///   timestamps (a date becomes midnight). A string literal compared with a date, timestamp,
///   number or bool column is converted once, here.
/// - `||` converts non-string operands to string. NULL literals take the type their context needs.
/// Errors are `ExprError`s with the offset of the offending node.
public enum ExpressionCompiler {
    public static func compile(_ e: Expr, schema: Schema, tableName: String? = nil) throws(ExprError) -> TypedExpr {
        var b = Binder(schema: schema, tableName: tableName)
        let root = try b.bind(e)
        return TypedExpr(expr: e, root: root, inputs: b.inputs)
    }

    /// Parses and compiles `text`.
    public static func compile(_ text: String, schema: Schema, tableName: String? = nil) throws(ExprError) -> TypedExpr {
        try compile(ExpressionParser.parse(text), schema: schema, tableName: tableName)
    }

    /// Compiles a condition (filter, check, row filter): the expression must be boolean.
    public static func compilePredicate(_ e: Expr, schema: Schema, tableName: String? = nil) throws(ExprError) -> TypedExpr {
        let t = try compile(e, schema: schema, tableName: tableName)
        guard t.type == .bool else {
            throw ExprError(.typeMismatch, "a condition must be boolean, this expression is \(t.type)", at: e.offset,
                            hint: "compare it, e.g. \(e.sql) IS NOT NULL")
        }
        return t
    }
}

/// Resolves names and types, inserting implicit conversions and folding constants.
struct Binder {
    let schema: Schema
    let tableName: String?
    private(set) var inputs: [Field] = []
    private var slots: [String: Int] = [:]

    init(schema: Schema, tableName: String?) {
        self.schema = schema
        self.tableName = tableName
    }

    // MARK: nodes

    /// A column reference; a binary column only where `allowBinary` (under IS [NOT] NULL).
    mutating func bindColumn(_ name: String, _ e: Expr, allowBinary: Bool) throws(ExprError) -> TNode {
        guard let field = schema.field(named: name) else {
            let table = tableName.map { " of \($0)" } ?? ""
            throw ExprError(.schemaMismatch, "'\(name)' is not a column\(table)", at: e.offset,
                            hint: Suggest.hint(for: name, in: schema.names)
                                ?? (schema.count <= 12 ? "columns are " + schema.names.joined(separator: ", ") : nil))
        }
        // Raw bytes have no operators or functions here; they pass through select, rename and drop.
        guard field.type != .binary || allowBinary else {
            throw ExprError(.typeMismatch, "'\(name)' is a binary column: expressions cannot read binary values", at: e.offset,
                            hint: "only IS [NOT] NULL reads it; select, rename or drop it otherwise")
        }
        let slot: Int
        if let s = slots[name] {
            slot = s
        } else {
            slot = inputs.count
            slots[name] = slot
            inputs.append(field)
        }
        return TNode(.column(slot: slot, name: name), field.type, nullable: field.nullable, offset: e.offset)
    }

    mutating func bind(_ e: Expr) throws(ExprError) -> TNode {
        switch e.node {
        case .literal(let v):
            return Self.constant(v, offset: e.offset)
        case .column(let name):
            return try bindColumn(name, e, allowBinary: false)
        case .isNull(let x, let negated):
            // Whether a binary value is there is the one question expressions answer about it.
            let a: TNode
            if case .column(let name) = x.node { a = try bindColumn(name, x, allowBinary: true) } else { a = try bind(x) }
            return try fold(TNode(.isNull(negated: negated), .bool, nullable: false, args: [a], offset: e.offset))
        case .negate(let x):
            let a = try bind(x)
            guard a.type.isNumeric || Self.isNullLiteral(a) else {
                throw ExprError(.typeMismatch, "unary '-' expects a number, got \(a.type)", at: x.offset)
            }
            return try FunctionCatalog.bind("negate", [Self.isNullLiteral(a) ? Self.retyped(a, .int64) : a], site(e, [x]))
        case .not(let x):
            let a = try Self.boolean(bind(x), x, "NOT")
            return try fold(TNode(.not, .bool, nullable: a.nullable, args: [a], offset: e.offset))
        case .binary(let op, let x, let y):
            return try binary(op, bind(x), bind(y), e, x, y)
        case .inList(let x, let items, let negated):
            var nodes = [try bind(x)]
            for i in items { nodes.append(try bind(i)) }
            nodes = try Self.unify(nodes, [x] + items, what: "IN", comparing: true)
            let nullable = nodes.contains { $0.nullable }
            return try fold(TNode(.inList(negated: negated), .bool, nullable: nullable, args: nodes, offset: e.offset))
        case .between(let x, let lo, let hi, let negated):
            let v = try bind(x)
            let ge = try Self.compare(.greaterOrEqual, v, bind(lo), x, lo, e)
            let le = try Self.compare(.lessOrEqual, v, bind(hi), x, hi, e)
            let both = try fold(TNode(.and, .bool, nullable: ge.nullable || le.nullable, args: [ge, le], offset: e.offset))
            return negated ? try fold(TNode(.not, .bool, nullable: both.nullable, args: [both], offset: e.offset)) : both
        case .like(let x, let p, let esc, let negated, let ci):
            var subject = try bind(x)
            if Self.isNullLiteral(subject) { subject = Self.retyped(subject, .string) }
            guard subject.type == .string else {
                throw ExprError(.typeMismatch, "LIKE expects a string on its left, got \(subject.type)", at: x.offset,
                                hint: "CAST(\(x.sql) AS STRING) LIKE ...")
            }
            guard case .string(let pattern)? = try bind(p).constant else {
                throw ExprError(.typeMismatch, "the LIKE pattern must be a string literal", at: p.offset)
            }
            var escape: Unicode.Scalar?
            if let esc {
                guard case .string(let s)? = try bind(esc).constant, s.unicodeScalars.count == 1 else {
                    throw ExprError(.typeMismatch, "ESCAPE must be a one-character string literal", at: esc.offset)
                }
                escape = s.unicodeScalars.first
            }
            let compiled: LikePattern
            do {
                compiled = try LikePattern(pattern, escape: escape, caseInsensitive: ci)
            } catch {
                throw ExprError(.invalidConfig, "the LIKE pattern ends with its escape character", at: p.offset)
            }
            return try fold(TNode(.like(compiled, negated: negated), .bool, nullable: subject.nullable, args: [subject], offset: e.offset))
        case .caseWhen(let subject, let branches, let otherwise):
            var args: [TNode] = []
            var values: [TNode] = []
            var valueExprs: [Expr] = []
            let s = try subject.map { (x: Expr) throws(ExprError) -> TNode in try bind(x) }
            for br in branches {
                let cond: TNode
                if let s, let subject {
                    cond = try Self.compare(.equal, s, bind(br.when), subject, br.when, br.when)
                } else {
                    cond = try Self.boolean(bind(br.when), br.when, "WHEN")
                }
                args.append(cond)
                values.append(try bind(br.then))
                valueExprs.append(br.then)
            }
            if let otherwise {
                values.append(try bind(otherwise))
                valueExprs.append(otherwise)
            }
            values = try Self.unify(values, valueExprs, what: "CASE branches", comparing: false)
            var all: [TNode] = []
            for (i, c) in args.enumerated() { all += [c, values[i]] }
            if otherwise != nil { all.append(values[values.count - 1]) }
            let nullable = otherwise == nil || values.contains { $0.nullable }
            let type = values.first?.type ?? .string
            return try fold(TNode(.caseWhen(hasElse: otherwise != nil), type, nullable: nullable, args: all, offset: e.offset))
        case .cast(let x, let to, let isTry):
            var a = try bind(x)
            if Self.isNullLiteral(a) { return Self.retyped(a, to) }
            guard CastKernels.allowed(from: a.type, to: to) else {
                throw ExprError(.typeMismatch, "cannot CAST \(a.type) to \(to)", at: e.offset,
                                hint: a.type == .int64 && (to == .date || to == .timestamp)
                                    ? "use date_add(DATE '1970-01-01', n) for days since the epoch" : nil)
            }
            a = try fold(TNode(.cast(to: to, isTry: isTry), to, nullable: a.nullable || isTry, args: [a], offset: e.offset, label: e.sql))
            return a
        case .call(let name, let args):
            var nodes: [TNode] = []
            for a in args { nodes.append(try bind(a)) }
            return try FunctionCatalog.bind(name, nodes, site(e, args))
        }
    }

    private func site(_ e: Expr, _ args: [Expr]) -> CallSite {
        CallSite(offset: e.offset, argExprs: args, label: e.sql)
    }

    // MARK: operators

    private mutating func binary(_ op: BinaryOperator, _ a: TNode, _ b: TNode, _ e: Expr, _ x: Expr, _ y: Expr) throws(ExprError) -> TNode {
        switch op {
        case .and, .or:
            let l = try Self.boolean(a, x, op.rawValue), r = try Self.boolean(b, y, op.rawValue)
            return try fold(TNode(op == .and ? .and : .or, .bool, nullable: l.nullable || r.nullable, args: [l, r], offset: e.offset))
        case .concat:
            let l = try Self.coerce(a, .string, x), r = try Self.coerce(b, .string, y)
            return try fold(TNode(.concat, .string, nullable: l.nullable || r.nullable, args: [l, r], offset: e.offset))
        case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual:
            return try Self.compare(op, a, b, x, y, e)
        default:
            return try Self.arithmetic(op, a, b, x, y, e)
        }
    }

    static func boolean(_ a: TNode, _ x: Expr, _ what: String) throws(ExprError) -> TNode {
        if Self.isNullLiteral(a) { return Self.retyped(a, .bool) }
        guard a.type == .bool else {
            throw ExprError(.typeMismatch, "\(what) expects a boolean condition, got \(a.type)", at: x.offset,
                            hint: a.type == .string ? "compare it, e.g. \(x.sql) = 'yes'" : "compare it, e.g. \(x.sql) > 0")
        }
        return a
    }

    static func compare(_ op: BinaryOperator, _ a: TNode, _ b: TNode, _ x: Expr, _ y: Expr, _ e: Expr) throws(ExprError) -> TNode {
        let pair = try Self.unify([a, b], [x, y], what: "'\(op.rawValue)'", comparing: true)
        return try foldStatic(TNode(.compare(op), .bool, nullable: pair[0].nullable || pair[1].nullable, args: pair, offset: e.offset))
    }

    static func arithmetic(_ op: BinaryOperator, _ a0: TNode, _ b0: TNode, _ x: Expr, _ y: Expr, _ e: Expr) throws(ExprError) -> TNode {
        var a = a0, b = b0
        if Self.isNullLiteral(a) { a = Self.retyped(a, Self.isNullLiteral(b) ? .int64 : (b.type == .date ? .int64 : b.type)) }
        if Self.isNullLiteral(b) { b = Self.retyped(b, a.type == .date ? .int64 : a.type) }
        let nullable = a.nullable || b.nullable || op == .divide || op == .modulo
        let label = e.sql
        func node(_ type: DataType, _ l: TNode, _ r: TNode) throws(ExprError) -> TNode {
            try foldStatic(TNode(.arith(op), type, nullable: nullable, args: [l, r], offset: e.offset, label: label))
        }
        switch (a.type, b.type, op) {
        case (.date, .int64, .add), (.date, .int64, .subtract): return try node(.date, a, b)
        case (.int64, .date, .add): return try node(.date, b, a)
        case (.date, .date, .subtract): return try node(.int64, a, b)
        default: break
        }
        guard a.type.isNumeric, b.type.isNumeric else {
            let bad = a.type.isNumeric ? y : x
            let hint: String?
            if op == .add && (a.type == .string || b.type == .string) {
                hint = "use || to concatenate strings"
            } else if a.type == .date || a.type == .timestamp || b.type == .date || b.type == .timestamp {
                hint = "use date_add(x, n, 'unit') or date_diff('unit', a, b)"
            } else {
                hint = "CAST(\(bad.sql) AS DOUBLE)"
            }
            throw ExprError(.typeMismatch, "'\(op.rawValue)' expects numbers, got \(a.type) and \(b.type)", at: bad.offset, hint: hint)
        }
        if a.type == .double || b.type == .double || (a.type == .int64 && b.type == .int64 && op == .divide) {
            return try node(.double, Self.coerce(a, .double, x), Self.coerce(b, .double, y))
        }
        if a.type == .int64 && b.type == .int64 { return try node(.int64, a, b) }
        let (p1, s1) = Self.decimalShape(a), (p2, s2) = Self.decimalShape(b)
        switch op {
        case .add, .subtract, .modulo:
            let s = max(s1, s2)
            let digits = max(p1 - s1, p2 - s2) + (op == .modulo ? 0 : 1)
            let p = max(s, min(18, digits + s))
            let l = try Self.coerce(a, .decimal(precision: 18, scale: s), x)
            let r = try Self.coerce(b, .decimal(precision: 18, scale: s), y)
            return try node(.decimal(precision: max(p, 1), scale: s), l, r)
        case .multiply:
            let s = s1 + s2
            if s > 18 { return try node(.double, Self.coerce(a, .double, x), Self.coerce(b, .double, y)) }
            return try node(.decimal(precision: max(s, min(18, p1 + p2)), scale: s), a, b)
        default:
            // Integer digits of the quotient, and a scale of at least 6; no room for both → double.
            let digits = p1 - s1 + s2
            let s = max(s1, 6)
            if digits + s > 18 { return try node(.double, Self.coerce(a, .double, x), Self.coerce(b, .double, y)) }
            return try node(.decimal(precision: digits + s, scale: s), a, b)
        }
    }

    // MARK: types

    /// (precision, scale) of a decimal or int64 operand (an int literal counts only its digits).
    static func decimalShape(_ n: TNode) -> (Int, Int) {
        switch n.type {
        case .decimal(let p, let s): return (p, s)
        default:
            if case .int(let v)? = n.constant { return (max(1, String(v.magnitude).count), 0) }
            return (18, 0)
        }
    }

    static func isNullLiteral(_ n: TNode) -> Bool {
        if case .constant(.null) = n.op { return true }
        return false
    }

    static func constant(_ v: Value, offset: Int) -> TNode {
        let type: DataType
        switch v {
        case .null, .string: type = .string
        case .binary: type = .binary
        case .bool: type = .bool
        case .int: type = .int64
        case .double: type = .double
        case .date: type = .date
        case .timestamp: type = .timestamp
        case let .decimal(u, s): type = .decimal(precision: max(s, String(u.magnitude).count, 1), scale: s)
        }
        return TNode(.constant(v), type, nullable: v.isNull, offset: offset)
    }

    static func retyped(_ n: TNode, _ t: DataType) -> TNode {
        var m = n
        m.type = t
        return m
    }

    /// `n` converted to `t`: NULL literals are retyped, constants converted now, others get a CAST node.
    static func coerce(_ n: TNode, _ t: DataType, _ e: Expr) throws(ExprError) -> TNode {
        if n.type == t { return n }
        if isNullLiteral(n) { return retyped(n, t) }
        guard CastKernels.allowed(from: n.type, to: t) else {
            throw ExprError(.typeMismatch, "expected \(t), got \(n.type)", at: e.offset)
        }
        let c = TNode(.cast(to: t, isTry: false), t, nullable: n.nullable, args: [n], offset: e.offset, label: e.sql)
        return try foldStatic(c)
    }

    /// The common type of `nodes` and each node converted to it.
    ///
    /// `comparing`: the nodes are compared with each other, so decimals keep their own scales
    /// (compared exactly) and a string literal may convert to its partners' type.
    static func unify(_ nodes: [TNode], _ exprs: [Expr], what: String, comparing: Bool) throws(ExprError) -> [TNode] {
        let typed = nodes.indices.filter { !Self.isNullLiteral(nodes[$0]) }
        guard let first = typed.first else { return nodes.map { Self.retyped($0, .string) } }
        // Non-literal strings decide first; string literals adapt to a date/number partner.
        let anchors = typed.filter { !(nodes[$0].isConstant && nodes[$0].type == .string) }
        let kinds = (anchors.isEmpty ? typed : anchors).map { nodes[$0].type }
        var target = nodes[anchors.first ?? first].type
        for (k, t) in kinds.enumerated() where k > 0 {
            guard let m = Self.supertype(target, t) else {
                let bad = (anchors.isEmpty ? typed : anchors)[k]
                throw ExprError(.typeMismatch, "\(what) mixes \(target) and \(t)", at: exprs[bad].offset,
                                hint: "CAST(\(exprs[bad].sql) AS \(target.sqlName))")
            }
            target = m
        }
        var out: [TNode] = []
        for (i, n) in nodes.enumerated() {
            if Self.isNullLiteral(n) { out.append(Self.retyped(n, target)); continue }
            if n.type == target { out.append(n); continue }
            if comparing, n.type.isNumeric, target.isNumeric, target != .double { out.append(n); continue }
            if n.type == .string, n.isConstant, comparing || target == .date || target == .timestamp {
                // A string literal next to a date, number or bool: convert it now.
                let c = TNode(.cast(to: target, isTry: false), target, nullable: false, args: [n], offset: exprs[i].offset, label: exprs[i].sql)
                do {
                    out.append(try Self.foldStatic(c))
                } catch {
                    throw ExprError(.typeMismatch, "\(exprs[i].sql) is not a valid \(target)", at: exprs[i].offset,
                                    hint: target == .date ? "write dates as 'YYYY-MM-DD'" : target == .timestamp ? "write timestamps as 'YYYY-MM-DD HH:MM:SS'" : nil)
                }
                continue
            }
            if n.type == .string || target == .string {
                throw ExprError(.typeMismatch, "\(what) mixes \(target) and \(n.type)", at: exprs[i].offset,
                                hint: "CAST(\(exprs[i].sql) AS \(target.sqlName))")
            }
            out.append(try Self.coerce(n, target, exprs[i]))
        }
        return out
    }

    /// The type both `a` and `b` convert to without loss of meaning, or nil.
    static func supertype(_ a: DataType, _ b: DataType) -> DataType? {
        if a == b { return a }
        switch (a, b) {
        case (.date, .timestamp), (.timestamp, .date): return .timestamp
        case (.double, _) where b.isNumeric, (_, .double) where a.isNumeric: return .double
        case (.int64, .decimal(let p, let s)), (.decimal(let p, let s), .int64):
            return .decimal(precision: min(18, max(18 - s, p - s) + s), scale: s)
        case (.decimal(let p1, let s1), .decimal(let p2, let s2)):
            let s = max(s1, s2)
            return .decimal(precision: min(18, max(p1 - s1, p2 - s2) + s), scale: s)
        default: return nil
        }
    }

    // MARK: folding

    func fold(_ n: TNode) throws(ExprError) -> TNode { try Self.foldStatic(n) }

    /// Replaces a node whose arguments are all constants by its value.
    static func foldStatic(_ n: TNode) throws(ExprError) -> TNode {
        switch n.op {
        case .constant, .column, .now: return n
        default: break
        }
        guard n.args.allSatisfy(\.isConstant), !n.usesContext else { return n }
        do {
            let log = FailureLog(collect: false)
            log.folding = true
            let c = try Evaluator.eval(n, Frame(columns: [], count: 1), EvalScope(log: log, rowMap: nil, now: nil))
            let v = c.value(0)
            return TNode(.constant(v), n.type, nullable: v.isNull, offset: n.offset, label: n.label)
        } catch let e as StrataError {
            throw ExprError(offset: n.offset, e)
        } catch {
            throw ExprError(.internalError, "\(error)", at: n.offset)
        }
    }
}

/// Where a function call is, for argument errors.
struct CallSite {
    var offset: Int
    var argExprs: [Expr]
    var label: String
}
