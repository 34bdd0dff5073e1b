import Foundation

/// `+ - * / %` over columns of the operand types the compiler chose.
///
/// int64 overflow and decimal results beyond their precision are row failures (never traps);
/// division or modulo by zero gives NULL.
enum Arithmetic {
    static func scale(_ t: DataType) -> Int {
        if case .decimal(_, let s) = t { return s }
        return 0
    }

    static func eval(_ op: BinaryOperator, _ n: TNode, _ a: Column, _ b: Column, _ s: EvalScope) throws -> Column {
        var validity = Validity.and(a.validity, b.validity)
        let count = a.count
        if case .double = n.type {
            let x = a.doubles, y = b.doubles
            var out = [Double](repeating: 0, count: count)
            switch op {
            case .add: for i in 0..<count { out[i] = x[i] + y[i] }
            case .subtract: for i in 0..<count { out[i] = x[i] - y[i] }
            case .multiply: for i in 0..<count { out[i] = x[i] * y[i] }
            case .divide, .modulo:
                for i in 0..<count {
                    if y[i] == 0 { Validity.clear(&validity, i, count: count); continue }
                    out[i] = op == .divide ? x[i] / y[i] : fmod(x[i], y[i])
                }
            default: preconditionFailure("not arithmetic")
            }
            return Column(type: n.type, values: .double(out), validity: validity)
        }
        let x = a.int64s, y = b.int64s
        if op == .divide {
            return try decimalDivide(x, scale(n.args[0].type), y, scale(n.args[1].type), n, &validity, s)
        }
        var out = [Int64](repeating: 0, count: count)
        var bound = Int64.max
        switch n.type {
        case .decimal(let p, _): bound = p > 18 ? Int64.max : Decimal64.powersOf10[p] - 1
        case .date: bound = Int64(Int32.max)
        default: break
        }
        for i in 0..<count {
            let r: (partialValue: Int64, overflow: Bool)
            switch op {
            case .add: r = x[i].addingReportingOverflow(y[i])
            case .subtract: r = x[i].subtractingReportingOverflow(y[i])
            case .multiply: r = x[i].multipliedReportingOverflow(by: y[i])
            default:
                if y[i] == 0 { Validity.clear(&validity, i, count: count); continue }
                r = x[i].remainderReportingOverflow(dividingBy: y[i])
            }
            if r.overflow || r.partialValue > bound || r.partialValue < -bound {
                if let v = validity, !v[i] { continue }
                try s.fail(i, .runFailed, "\(n.label): result does not fit \(n.type)")
                Validity.clear(&validity, i, count: count)
                continue
            }
            out[i] = r.partialValue
        }
        return Column(type: n.type, values: .int64(out), validity: validity)
    }

    /// a / b for decimals (or an int and a decimal): exact, rounded half away from zero to the result scale.
    private static func decimalDivide(_ x: [Int64], _ sa: Int, _ y: [Int64], _ sb: Int, _ n: TNode,
                                      _ validity: inout [Bool]?, _ s: EvalScope) throws -> Column {
        guard case .decimal(let p, let sr) = n.type else { preconditionFailure("decimal division typed \(n.type)") }
        let count = x.count
        var factor: Int128 = 1
        for _ in 0..<(sr - sa + sb) { factor *= 10 }
        let bound = Int128(Decimal64.powersOf10[min(p, 18)])
        var out = [Int64](repeating: 0, count: count)
        for i in 0..<count {
            if y[i] == 0 { Validity.clear(&validity, i, count: count); continue }
            let (num, overflow) = Int128(x[i]).multipliedReportingOverflow(by: factor)
            var ok = !overflow
            if ok {
                let d = Int128(y[i])
                var q = num / d
                let r = num % d
                if r.magnitude * 2 >= d.magnitude { q += (num < 0) == (d < 0) ? 1 : -1 }
                if q.magnitude < bound.magnitude { out[i] = Int64(q) } else { ok = false }
            }
            if !ok {
                if let v = validity, !v[i] { continue }
                try s.fail(i, .runFailed, "\(n.label): result does not fit \(n.type)")
                Validity.clear(&validity, i, count: count)
            }
        }
        return Column(type: n.type, values: .int64(out), validity: validity)
    }
}

/// `= <> < <= > >=` over two columns of comparable types (SQL: NULL if either side is NULL).
enum Comparison {
    @inline(__always)
    static func holds(_ op: BinaryOperator, _ c: Int) -> Bool {
        switch op {
        case .equal: return c == 0
        case .notEqual: return c != 0
        case .less: return c < 0
        case .lessOrEqual: return c <= 0
        case .greater: return c > 0
        default: return c >= 0
        }
    }

    @inline(__always)
    static func order<T: Comparable>(_ a: T, _ b: T) -> Int { a < b ? -1 : (a == b ? 0 : 1) }

    /// Doubles order with NaN above every number and equal to itself (as Spark and DuckDB do).
    @inline(__always)
    static func order(_ a: Double, _ b: Double) -> Int {
        if a.isNaN || b.isNaN { return a.isNaN ? (b.isNaN ? 0 : 1) : -1 }
        return a < b ? -1 : (a == b ? 0 : 1)
    }

    @inline(__always)
    static func order(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(a.count, b.count)
        if n > 0 {
            let c = memcmp(a.baseAddress!, b.baseAddress!, n)
            if c != 0 { return c < 0 ? -1 : 1 }
        }
        return order(a.count, b.count)
    }

    static func compare(_ op: BinaryOperator, _ a: Column, _ ta: DataType, _ b: Column, _ tb: DataType) -> Column {
        let n = a.count
        var out = [Bool](repeating: false, count: n)
        switch (a.values, b.values) {
        case (.int64(let x), .int64(let y)):
            let sa = Arithmetic.scale(ta), sb = Arithmetic.scale(tb)
            if sa == sb {
                x.withUnsafeBufferPointer { px in
                    y.withUnsafeBufferPointer { py in
                        switch op {
                        case .equal: for i in 0..<n { out[i] = px[i] == py[i] }
                        case .notEqual: for i in 0..<n { out[i] = px[i] != py[i] }
                        case .less: for i in 0..<n { out[i] = px[i] < py[i] }
                        case .lessOrEqual: for i in 0..<n { out[i] = px[i] <= py[i] }
                        case .greater: for i in 0..<n { out[i] = px[i] > py[i] }
                        default: for i in 0..<n { out[i] = px[i] >= py[i] }
                        }
                    }
                }
            } else {
                // Different decimal scales: compare exactly in 128 bits.
                let fa = Int128(Decimal64.powersOf10[max(sa, sb) - sa]), fb = Int128(Decimal64.powersOf10[max(sa, sb) - sb])
                for i in 0..<n { out[i] = holds(op, order(Int128(x[i]) * fa, Int128(y[i]) * fb)) }
            }
        case (.double(let x), .double(let y)):
            for i in 0..<n { out[i] = holds(op, order(x[i], y[i])) }
        case (.bool(let x), .bool(let y)):
            for i in 0..<n { out[i] = holds(op, order(x[i] ? 1 : 0, y[i] ? 1 : 0)) }
        case (.bytes(let x), .bytes(let y)):
            x.bytes.withUnsafeBufferPointer { px in
                y.bytes.withUnsafeBufferPointer { py in
                    for i in 0..<n {
                        out[i] = holds(op, order(UnsafeBufferPointer(rebasing: px[x.range(i)]), UnsafeBufferPointer(rebasing: py[y.range(i)])))
                    }
                }
            }
        default:
            preconditionFailure("comparing \(ta) with \(tb)")
        }
        return finish(out, Validity.and(a.validity, b.validity))
    }

    /// A string column against one constant string (no need to repeat the constant per row).
    static func compare(_ op: BinaryOperator, _ a: Column, scalar: [UInt8]) -> Column {
        let x = a.strings
        let n = a.count
        var out = [Bool](repeating: false, count: n)
        x.bytes.withUnsafeBufferPointer { px in
            scalar.withUnsafeBufferPointer { ps in
                if op == .equal || op == .notEqual {
                    let want = op == .equal
                    for i in 0..<n {
                        let r = x.range(i)
                        out[i] = (r.count == ps.count && (r.isEmpty || memcmp(px.baseAddress! + r.lowerBound, ps.baseAddress!, r.count) == 0)) == want
                    }
                } else {
                    for i in 0..<n { out[i] = holds(op, order(UnsafeBufferPointer(rebasing: px[x.range(i)]), ps)) }
                }
            }
        }
        return finish(out, a.validity)
    }

    private static func finish(_ out: [Bool], _ validity: [Bool]?) -> Column {
        guard let validity else { return Column(type: .bool, values: .bool(out)) }
        var o = out
        for i in o.indices where !validity[i] { o[i] = false }
        return Column(type: .bool, values: .bool(o), validity: validity)
    }
}
