import Foundation

/// Math functions.
///
/// `round(x [, d])` rounds half away from zero (d may be negative); on a decimal the result has
/// scale min(d, s). `floor`/`ceil` keep doubles double and make decimals decimal(p−s+1, 0).
/// `sign` is -1, 0 or 1 (int64). `sqrt`, `ln`, `log10` of numbers outside their domain and a
/// `power` that is not a real number give NULL. `mod(a, b)` is `a % b` (sign of a; NULL when b is 0).
enum MathFunctions {
    static func bind(_ name: String, _ a: inout Args) throws(ExprError) -> TNode? {
        switch name {
        case "negate", "abs":
            try a.numeric(0)
            let type = a.nodes[0].type
            let label = a.site.label
            let isAbs = name == "abs"
            return a.node(type) { args, n, scope in
                let c = args[0]
                if case .double(let v) = c.values {
                    return Column(type: type, values: .double(isAbs ? v.map { Swift.abs($0) } : v.map { -$0 }), validity: c.validity)
                }
                let v = c.int64s
                var out = [Int64](repeating: 0, count: n)
                var validity = c.validity
                for i in 0..<n {
                    if isAbs && v[i] >= 0 { out[i] = v[i]; continue }
                    let (r, o) = Int64(0).subtractingReportingOverflow(v[i])
                    if o && !c.isNull(i) {
                        try scope.fail(i, .runFailed, "\(label): result does not fit \(type)")
                        Validity.clear(&validity, i, count: n)
                    } else {
                        out[i] = o ? 0 : r
                    }
                }
                return Column(type: type, values: .int64(out), validity: validity)
            }
        case "round":
            try a.numeric(0)
            var digits: Int64 = 0
            if a.count == 2 {
                try a.integer(1)
                digits = try a.constInt(1)
                guard abs(digits) <= 18 else { throw a.error(1, "round() digits must be between -18 and 18") }
            }
            let d = Int(digits)
            let label = a.site.label
            switch a.nodes[0].type {
            case .double:
                let f = pow(10.0, Double(d))
                return a.node(.double) { args, _, _ in Rows.doubles(args[0]) { ($0 * f).rounded(.toNearestOrAwayFromZero) / f } }
            case .decimal(let p, let s):
                let target = max(0, min(d, s))
                let type = DataType.decimal(precision: p, scale: target)
                return a.node(type) { args, _, _ in
                    Rows.ints(args[0], type) { v in
                        // Round to d digits (d may be below 0), then express at the target scale.
                        let drop = s - d
                        if drop <= 0 { return v }
                        let r = drop <= 18 ? (CastKernels.rescale(v, from: drop, to: 0, precision: 19) ?? 0) : 0
                        if d >= 0 { return r }
                        return r.multipliedReportingOverflow(by: Decimal64.powersOf10[-d]).partialValue
                    }
                }
            default:
                if d >= 0 { return a.node(.int64) { args, _, _ in args[0] } }
                let p = Decimal64.powersOf10[-d]
                return a.node(.int64) { args, n, scope in
                    let v = args[0].int64s
                    var out = [Int64](repeating: 0, count: n)
                    var validity = args[0].validity
                    for i in 0..<n where validity?[i] ?? true {
                        let q = v[i] / p, r = v[i] % p
                        let adj = r.magnitude * 2 >= p.magnitude ? (v[i] < 0 ? q - 1 : q + 1) : q
                        let (m, o) = adj.multipliedReportingOverflow(by: p)
                        if o {
                            try scope.fail(i, .runFailed, "\(label): result does not fit int64")
                            Validity.clear(&validity, i, count: n)
                        } else {
                            out[i] = m
                        }
                    }
                    return Column(type: .int64, values: .int64(out), validity: validity)
                }
            }
        case "floor", "ceil", "ceiling":
            try a.numeric(0)
            let up = name != "floor"
            switch a.nodes[0].type {
            case .double:
                return a.node(.double) { args, _, _ in Rows.doubles(args[0]) { up ? $0.rounded(.up) : $0.rounded(.down) } }
            case .decimal(let p, let s):
                let type = DataType.decimal(precision: min(18, max(1, p - s + 1)), scale: 0)
                let f = Decimal64.powersOf10[s]
                return a.node(type) { args, _, _ in
                    Rows.ints(args[0], type) { v in
                        let q = v / f, r = v % f
                        if r == 0 { return q }
                        return up ? (v > 0 ? q + 1 : q) : (v < 0 ? q - 1 : q)
                    }
                }
            default:
                return a.node(.int64) { args, _, _ in args[0] }
            }
        case "sign":
            try a.numeric(0)
            return a.node(.int64, nullable: a.anyNullable || a.nodes[0].type == .double) { args, n, _ in
                let c = args[0]
                if case .double(let v) = c.values {
                    var validity = c.validity
                    var out = [Int64](repeating: 0, count: n)
                    for i in 0..<n {
                        if v[i].isNaN { Validity.clear(&validity, i, count: n) } else { out[i] = v[i] > 0 ? 1 : v[i] < 0 ? -1 : 0 }
                    }
                    return Column(type: .int64, values: .int64(out), validity: validity)
                }
                return Rows.ints(c, .int64) { $0.signum() }
            }
        case "sqrt", "ln", "log10", "exp":
            try a.double(0)
            return a.node(.double, nullable: name == "exp" ? a.anyNullable : true) { args, _, _ in
                switch name {
                case "sqrt": return Rows.doubles(args[0], nullOutside: { $0 >= 0 }) { $0.squareRoot() }
                case "ln": return Rows.doubles(args[0], nullOutside: { $0 > 0 }) { Foundation.log($0) }
                case "log10": return Rows.doubles(args[0], nullOutside: { $0 > 0 }) { Foundation.log10($0) }
                default: return Rows.doubles(args[0]) { Foundation.exp($0) }
                }
            }
        case "power", "pow":
            try a.double(0)
            try a.double(1)
            return a.node(.double, nullable: true) { args, n, _ in
                let x = args[0].doubles, y = args[1].doubles
                var validity = Validity.and(args[0].validity, args[1].validity)
                var out = [Double](repeating: 0, count: n)
                for i in 0..<n where validity?[i] ?? true {
                    let r = Foundation.pow(x[i], y[i])
                    if r.isNaN && !x[i].isNaN && !y[i].isNaN { Validity.clear(&validity, i, count: n) } else { out[i] = r }
                }
                return Column(type: .double, values: .double(out), validity: validity)
            }
        case "mod":
            return try Binder.arithmetic(.modulo, a.nodes[0], a.nodes[1], a.site.argExprs[0], a.site.argExprs[1],
                                         Expr(.call("mod", a.site.argExprs), offset: a.site.offset))
        default:
            return nil
        }
    }
}
