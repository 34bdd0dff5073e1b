extension TypedExpr {
    /// Evaluates the expression over every row of `batch`, column-at-a-time.
    ///
    /// The batch must have the compiled columns with the compiled types (matched by name).
    /// `context` supplies `now()`; it is required when `usesContext`. The first row that fails
    /// (a CAST that does not convert, an integer overflow) throws a `StrataError` (`.parse` for
    /// conversions, `.runFailed` for arithmetic) naming the row and the failing part, never the value.
    public func evaluate(_ batch: Batch, context: EvaluationContext? = nil) throws -> Column {
        let log = FailureLog(collect: false)
        return try run(batch, context, log)
    }

    /// Evaluates like `evaluate(_:context:)`, but rows that fail become null and are listed in
    /// `failures` (sorted by row, one entry per row), so a transform can quarantine them.
    public func evaluate(_ batch: Batch, context: EvaluationContext? = nil, failures: inout [RowFailure]) throws -> Column {
        let log = FailureLog(collect: true)
        let column = try run(batch, context, log)
        failures = log.sorted()
        return column
    }

    /// Evaluates a boolean expression as a SQL `WHERE`: true keeps the row; false and NULL drop it.
    public func evaluatePredicate(_ batch: Batch, context: EvaluationContext? = nil) throws -> [Bool] {
        try Self.truth(of: evaluate(batch, context: context), expected: type)
    }

    /// `evaluatePredicate` that collects row failures (their rows are false) instead of throwing.
    public func evaluatePredicate(_ batch: Batch, context: EvaluationContext? = nil, failures: inout [RowFailure]) throws -> [Bool] {
        try Self.truth(of: evaluate(batch, context: context, failures: &failures), expected: type)
    }

    private static func truth(of column: Column, expected: DataType) throws -> [Bool] {
        guard case .bool(let values) = column.values else {
            throw StrataError(.typeMismatch, "a condition must be a boolean expression, this one is \(expected)")
        }
        guard let validity = column.validity else { return values }
        var out = values
        for i in out.indices where !validity[i] { out[i] = false }
        return out
    }

    private func run(_ batch: Batch, _ context: EvaluationContext?, _ log: FailureLog) throws -> Column {
        if usesContext && context == nil {
            throw StrataError(.internalError, "the expression uses now() or current_date but no evaluation context was given")
        }
        var columns: [Column] = []
        columns.reserveCapacity(inputs.count)
        for field in inputs {
            guard let i = batch.schema.index(of: field.name) else {
                throw StrataError(.schemaMismatch, "'\(field.name)' is not a column of the batch the expression runs on",
                                  hint: Suggest.hint(for: field.name, in: batch.schema.names))
            }
            let c = batch.columns[i]
            guard c.type == field.type else {
                throw StrataError(.schemaMismatch, "column '\(field.name)' is \(c.type) but the expression was compiled for \(field.type)")
            }
            columns.append(c)
        }
        let frame = Frame(columns: columns, count: batch.rowCount)
        let scope = EvalScope(log: log, rowMap: nil, now: context?.now)
        return try Evaluator.eval(root, frame, scope)
    }
}

/// The input columns an evaluation reads (by slot), all `count` rows long.
struct Frame {
    var columns: [Column]
    var count: Int

    func take(_ rows: [Int]) -> Frame {
        Frame(columns: columns.map { $0.take(rows) }, count: rows.count)
    }
}

/// Collects per-row failures, or turns the first into an error.
final class FailureLog {
    let collect: Bool
    var failures: [Int: String] = [:]
    /// Evaluating constants at compile time: errors name no row.
    var folding = false

    init(collect: Bool) { self.collect = collect }

    func sorted() -> [RowFailure] {
        failures.keys.sorted().map { RowFailure(row: $0, message: failures[$0]!) }
    }
}

/// Where evaluation is: the failure log, how rows of the current frame map to batch rows, the clock.
struct EvalScope {
    let log: FailureLog
    /// Batch row of each frame row when evaluating a subset (CASE branches); nil for the whole batch.
    let rowMap: [Int]?
    let now: Int64?

    /// Reports that `row` (of the current frame) failed. Throws unless collecting; the caller then
    /// makes the row null.
    func fail(_ row: Int, _ code: StrataError.Code, _ message: String) throws {
        let batchRow = rowMap.map { $0[row] } ?? row
        if log.folding { throw StrataError(code == .parse ? .typeMismatch : code, message) }
        if !log.collect {
            throw StrataError(code, "\(message), in row \(batchRow + 1) of the batch")
        }
        if log.failures[batchRow] == nil { log.failures[batchRow] = message }
    }

    func subset(_ rows: [Int]) -> EvalScope {
        EvalScope(log: log, rowMap: rowMap.map { m in rows.map { m[$0] } } ?? rows, now: now)
    }
}

/// Validity helpers: `nil` means all valid.
enum Validity {
    static func and(_ a: [Bool]?, _ b: [Bool]?) -> [Bool]? {
        guard let a else { return b }
        guard let b else { return a }
        var out = a
        for i in out.indices where !b[i] { out[i] = false }
        return out
    }

    static func all(_ list: [[Bool]?], count: Int) -> [Bool]? {
        var acc: [Bool]? = nil
        for v in list where v != nil { acc = and(acc, v) }
        return acc
    }

    /// Marks row `i` null in `v`, allocating it on first use.
    @inline(__always)
    static func clear(_ v: inout [Bool]?, _ i: Int, count: Int) {
        if v == nil { v = [Bool](repeating: true, count: count) }
        v![i] = false
    }
}

extension Column {
    var int64s: [Int64] { if case .int64(let v) = values { return v } else { preconditionFailure("not an int64-backed column") } }
    var doubles: [Double] { if case .double(let v) = values { return v } else { preconditionFailure("not a double column") } }
    var bools: [Bool] { if case .bool(let v) = values { return v } else { preconditionFailure("not a bool column") } }
    var strings: ByteArrays { if case .bytes(let v) = values { return v } else { preconditionFailure("not a string column") } }

    /// Null slots hold placeholders; this keeps placeholders at the storage default.
    static func make(_ type: DataType, _ values: ColumnValues, _ validity: [Bool]?) -> Column {
        Column(type: type, values: values, validity: validity)
    }
}

enum Evaluator {
    static func eval(_ n: TNode, _ f: Frame, _ s: EvalScope) throws -> Column {
        switch n.op {
        case .constant(let v):
            return constant(v, n.type, f.count)
        case .column(let slot, _):
            return f.columns[slot]
        case .now:
            return Column(type: .timestamp, values: .int64([Int64](repeating: s.now ?? 0, count: f.count)))
        case .arith(let op):
            return try Arithmetic.eval(op, n, try eval(n.args[0], f, s), try eval(n.args[1], f, s), s)
        case .compare(let op):
            let a = try eval(n.args[0], f, s)
            if let v = n.args[1].constant, case .string(let str) = v {
                return Comparison.compare(op, a, scalar: Array(str.utf8))
            }
            return Comparison.compare(op, a, n.args[0].type, try eval(n.args[1], f, s), n.args[1].type)
        case .and, .or:
            return Logic.combine(isAnd: { if case .and = n.op { return true } else { return false } }(),
                                 try eval(n.args[0], f, s), try eval(n.args[1], f, s))
        case .not:
            let a = try eval(n.args[0], f, s)
            return Column(type: .bool, values: .bool(a.bools.map { !$0 }), validity: a.validity)
        case .concat:
            return StringKernels.concat([try eval(n.args[0], f, s), try eval(n.args[1], f, s)], count: f.count, skipNulls: false, separator: nil)
        case .isNull(let negated):
            let a = try eval(n.args[0], f, s)
            guard let v = a.validity else { return Column(type: .bool, values: .bool([Bool](repeating: negated, count: f.count))) }
            return Column(type: .bool, values: .bool(negated ? v : v.map { !$0 }))
        case .inList(let negated):
            return try inList(n, f, s, negated: negated)
        case .like(let pattern, let negated):
            let a = try eval(n.args[0], f, s)
            return pattern.evaluate(a, negated: negated)
        case .caseWhen(let hasElse):
            return try caseWhen(n, f, s, hasElse: hasElse)
        case .coalesce:
            return try coalesce(n, f, s)
        case .cast(let to, let isTry):
            let a = try eval(n.args[0], f, s)
            return try CastKernels.cast(a, to: to, isTry: isTry, label: n.label, scope: s)
        case .function(let fn):
            let args = try n.args.map { try eval($0, f, s) }
            return try fn.kernel(args, f.count, s)
        }
    }

    /// A column repeating one value (or NULL) `count` times.
    static func constant(_ v: Value, _ type: DataType, _ count: Int) -> Column {
        if v.isNull { return Column.nulls(type, count: count) }
        switch (v, type) {
        case (.bool(let b), .bool): return Column(type: type, values: .bool([Bool](repeating: b, count: count)))
        case (.double(let d), .double): return Column(type: type, values: .double([Double](repeating: d, count: count)))
        case (.int(let i), .int64), (.timestamp(let i), .timestamp): return Column(type: type, values: .int64([Int64](repeating: i, count: count)))
        case (.date(let d), .date): return Column(type: type, values: .int64([Int64](repeating: Int64(d), count: count)))
        case (.string(let s), .string):
            let bytes = Array(s.utf8)
            var all: [UInt8] = []
            all.reserveCapacity(bytes.count * count)
            for _ in 0..<count { all.append(contentsOf: bytes) }
            let offsets = (0...count).map { Int32($0 * bytes.count) }
            return Column(type: type, values: .bytes(ByteArrays(offsets: offsets, bytes: all)))
        default: return Column.repeating(v, type: type, count: count)
        }
    }

    /// `x IN (a, b, ..)`: true if any equal; else NULL if x or any item is NULL; else false.
    private static func inList(_ n: TNode, _ f: Frame, _ s: EvalScope, negated: Bool) throws -> Column {
        let subject = try eval(n.args[0], f, s)
        var anyTrue = [Bool](repeating: false, count: f.count)
        var anyNull = subject.validity.map { $0.map { !$0 } } ?? [Bool](repeating: false, count: f.count)
        for item in n.args.dropFirst() {
            let eq: Column
            if let v = item.constant, case .string(let str) = v {
                eq = Comparison.compare(.equal, subject, scalar: Array(str.utf8))
            } else {
                eq = Comparison.compare(.equal, subject, n.args[0].type, try eval(item, f, s), item.type)
            }
            let values = eq.bools
            for i in 0..<f.count {
                if eq.isNull(i) { anyNull[i] = true } else if values[i] { anyTrue[i] = true }
            }
        }
        var validity: [Bool]? = nil
        for i in 0..<f.count where !anyTrue[i] && anyNull[i] { Validity.clear(&validity, i, count: f.count) }
        let out = negated ? anyTrue.map { !$0 } : anyTrue
        return Column(type: .bool, values: .bool(validity.map { v in out.indices.map { out[$0] && v[$0] } } ?? out), validity: validity)
    }

    /// One piece of a lazily assembled result: `column` holds the values of `rows` (frame rows).
    private struct Piece {
        var rows: [Int]
        var column: Column
    }

    /// Evaluates `n` on the rows `rows` of `f` only (all rows when nil).
    private static func evalOn(_ n: TNode, _ f: Frame, _ s: EvalScope, _ rows: [Int]?) throws -> Column {
        guard let rows else { return try eval(n, f, s) }
        if case .constant(let v) = n.op { return constant(v, n.type, rows.count) }
        return try eval(n, f.take(rows), s.subset(rows))
    }

    /// Builds a column of `count` rows from pieces; rows no piece covers are null.
    private static func assemble(_ pieces: [Piece], type: DataType, count: Int) -> Column {
        if pieces.count == 1, pieces[0].rows.count == count, pieces[0].column.type == type { return pieces[0].column }
        if type != .string {
            // Fixed-width storage: scatter straight into the arrays.
            var valid = [Bool](repeating: false, count: count)
            for p in pieces {
                for (j, r) in p.rows.enumerated() { valid[r] = !p.column.isNull(j) }
            }
            let validity: [Bool]? = valid.allSatisfy { $0 } ? nil : valid
            switch type {
            case .bool:
                var out = [Bool](repeating: false, count: count)
                for p in pieces { let v = p.column.bools; for (j, r) in p.rows.enumerated() { out[r] = v[j] } }
                return Column(type: type, values: .bool(out), validity: validity)
            case .double:
                var out = [Double](repeating: 0, count: count)
                for p in pieces { let v = p.column.doubles; for (j, r) in p.rows.enumerated() { out[r] = v[j] } }
                return Column(type: type, values: .double(out), validity: validity)
            default:
                var out = [Int64](repeating: 0, count: count)
                for p in pieces { let v = p.column.int64s; for (j, r) in p.rows.enumerated() { out[r] = v[j] } }
                return Column(type: type, values: .int64(out), validity: validity)
            }
        }
        var source = [Int32](repeating: -1, count: count)
        var local = [Int32](repeating: 0, count: count)
        for (p, piece) in pieces.enumerated() {
            for (j, r) in piece.rows.enumerated() {
                source[r] = Int32(p)
                local[r] = Int32(j)
            }
        }
        var b = ColumnBuilder(type: type, capacity: count)
        for r in 0..<count {
            if source[r] < 0 { b.appendNull() } else { b.append(from: pieces[Int(source[r])].column, row: Int(local[r])) }
        }
        return b.finish()
    }

    /// `CASE`: each branch's value is computed only for the rows that reach it, so a CAST in an
    /// untaken branch cannot fail.
    private static func caseWhen(_ n: TNode, _ f: Frame, _ s: EvalScope, hasElse: Bool) throws -> Column {
        var remaining: [Int]? = nil  // nil = every row
        var pieces: [Piece] = []
        let pairs = (n.args.count - (hasElse ? 1 : 0)) / 2
        for k in 0..<pairs {
            let rowsNow = remaining ?? Array(0..<f.count)
            if rowsNow.isEmpty { break }
            let cond = try evalOn(n.args[2 * k], f, s, remaining)
            let cv = cond.bools
            var hit: [Int] = []
            var miss: [Int] = []
            for j in 0..<rowsNow.count {
                if cv[j] && !cond.isNull(j) { hit.append(rowsNow[j]) } else { miss.append(rowsNow[j]) }
            }
            if !hit.isEmpty {
                let all = hit.count == f.count
                pieces.append(Piece(rows: hit, column: try evalOn(n.args[2 * k + 1], f, s, all ? nil : hit)))
            }
            remaining = miss
        }
        let rest = remaining ?? Array(0..<f.count)
        if hasElse, !rest.isEmpty {
            let all = rest.count == f.count
            pieces.append(Piece(rows: rest, column: try evalOn(n.args[n.args.count - 1], f, s, all ? nil : rest)))
        }
        return assemble(pieces, type: n.type, count: f.count)
    }

    /// `coalesce(a, b, ..)`: later arguments run only on rows still null.
    private static func coalesce(_ n: TNode, _ f: Frame, _ s: EvalScope) throws -> Column {
        var remaining: [Int]? = nil
        var pieces: [Piece] = []
        for arg in n.args {
            let rowsNow = remaining ?? Array(0..<f.count)
            if rowsNow.isEmpty { break }
            let c = try evalOn(arg, f, s, remaining)
            var hit: [Int] = [], hitLocal: [Int] = [], miss: [Int] = []
            for j in 0..<rowsNow.count {
                if c.isNull(j) { miss.append(rowsNow[j]) } else { hit.append(rowsNow[j]); hitLocal.append(j) }
            }
            if !hit.isEmpty {
                pieces.append(Piece(rows: hit, column: hit.count == rowsNow.count ? c : c.take(hitLocal)))
            }
            remaining = miss
        }
        return assemble(pieces, type: n.type, count: f.count)
    }
}

/// Three-valued AND / OR.
enum Logic {
    static func combine(isAnd: Bool, _ a: Column, _ b: Column) -> Column {
        let av = a.bools, bv = b.bools
        let n = av.count
        if a.validity == nil && b.validity == nil {
            var out = [Bool](repeating: false, count: n)
            if isAnd { for i in 0..<n { out[i] = av[i] && bv[i] } } else { for i in 0..<n { out[i] = av[i] || bv[i] } }
            return Column(type: .bool, values: .bool(out))
        }
        var out = [Bool](repeating: false, count: n)
        var validity = [Bool](repeating: true, count: n)
        for i in 0..<n {
            let an = a.isNull(i), bn = b.isNull(i)
            let x = av[i] && !an, y = bv[i] && !bn
            if isAnd {
                // false if either is a known false; null if either is null; else true.
                if (!an && !av[i]) || (!bn && !bv[i]) { out[i] = false } else if an || bn { validity[i] = false } else { out[i] = true }
            } else {
                if x || y { out[i] = true } else if an || bn { validity[i] = false } else { out[i] = false }
            }
        }
        return Column(type: .bool, values: .bool(out), validity: validity)
    }
}
