/// The built-in functions: names, arities, typing and kernels.
///
/// Names are case-insensitive. Unless a function says otherwise, a NULL argument gives NULL.
enum FunctionCatalog {
    /// Argument counts by name (aliases included).
    static let arity: [String: ClosedRange<Int>] = [
        // strings
        "lower": 1...1, "upper": 1...1, "trim": 1...2, "ltrim": 1...2, "rtrim": 1...2,
        "length": 1...1, "char_length": 1...1, "substr": 2...3, "substring": 2...3,
        "concat": 1...64, "concat_ws": 2...64, "replace": 3...3, "reverse": 1...1, "left": 2...2, "right": 2...2,
        "strpos": 2...2, "regexp_like": 2...2, "regexp_extract": 2...3, "regexp_replace": 3...3,
        "split_part": 3...3, "starts_with": 2...2, "ends_with": 2...2, "contains": 2...2,
        "lpad": 2...3, "rpad": 2...3,
        // nulls and choices
        "coalesce": 1...64, "nvl": 2...2, "ifnull": 2...2, "nullif": 2...2, "if": 3...3, "least": 1...64, "greatest": 1...64,
        // math
        "abs": 1...1, "round": 1...2, "floor": 1...1, "ceil": 1...1, "ceiling": 1...1, "sign": 1...1,
        "sqrt": 1...1, "power": 2...2, "pow": 2...2, "ln": 1...1, "log10": 1...1, "exp": 1...1, "mod": 2...2,
        // dates
        "date": 1...1, "year": 1...1, "month": 1...1, "day": 1...1, "hour": 1...1, "minute": 1...1, "second": 1...1,
        "day_of_week": 1...1, "isodow": 1...1, "day_of_year": 1...1, "dayofyear": 1...1, "week": 1...1, "weekofyear": 1...1,
        "quarter": 1...1, "date_trunc": 2...2, "date_diff": 3...3, "datediff": 3...3, "date_add": 2...3,
        "now": 0...0, "current_timestamp": 0...0, "current_date": 0...0, "to_date": 1...2, "to_timestamp": 1...2,
        "strftime": 2...2, "date_format": 2...2,
    ]

    /// Every callable name, for did-you-mean.
    static let names: [String] = arity.keys.sorted()

    static func isKnown(_ name: String) -> Bool { arity[name] != nil }

    /// `EXTRACT(field FROM x)` fields and the function each becomes.
    static let extractFields: [String: String] = [
        "year": "year", "quarter": "quarter", "month": "month", "week": "week", "day": "day", "hour": "hour",
        "minute": "minute", "second": "second", "isodow": "day_of_week", "doy": "day_of_year",
    ]

    static func bind(_ name: String, _ nodes: [TNode], _ site: CallSite) throws(ExprError) -> TNode {
        if name != "negate" {
            guard let range = arity[name] else {
                throw ExprError(.invalidConfig, "unknown function '\(name)'", at: site.offset, hint: Suggest.hint(for: name, in: names))
            }
            guard range.contains(nodes.count) else {
                let want = range.lowerBound == range.upperBound ? "\(range.lowerBound)"
                    : range.upperBound >= 64 ? "at least \(range.lowerBound)" : "\(range.lowerBound) to \(range.upperBound)"
                throw ExprError(.typeMismatch, "\(name)() takes \(want) argument\(range.lowerBound == 1 && (range.upperBound == 1 || range.upperBound >= 64) ? "" : "s"), got \(nodes.count)", at: site.offset)
            }
        }
        var a = Args(nodes: nodes, site: site, name: name)
        if let n = try StringFunctions.bind(name, &a) { return try Binder.foldStatic(n) }
        if let n = try MathFunctions.bind(name, &a) { return try Binder.foldStatic(n) }
        if let n = try DateFunctions.bind(name, &a) { return try Binder.foldStatic(n) }
        throw ExprError(.internalError, "function '\(name)' has no implementation", at: site.offset)
    }
}

/// Typed arguments of one call, with checks that report at the argument's offset.
struct Args {
    var nodes: [TNode]
    let site: CallSite
    let name: String

    var count: Int { nodes.count }

    func offset(_ i: Int) -> Int { i < site.argExprs.count ? site.argExprs[i].offset : site.offset }

    func error(_ i: Int, _ message: String, hint: String? = nil) -> ExprError {
        ExprError(.typeMismatch, message, at: offset(i), hint: hint)
    }

    private func ordinal(_ i: Int) -> String { count == 1 ? "its argument" : "argument \(i + 1)" }

    /// Requires argument `i` to be a string (a NULL literal becomes a string NULL).
    mutating func string(_ i: Int) throws(ExprError) {
        if Binder.isNullLiteral(nodes[i]) { nodes[i] = Binder.retyped(nodes[i], .string) }
        guard nodes[i].type == .string else {
            throw error(i, "\(name)() expects a string as \(ordinal(i)), got \(nodes[i].type)",
                        hint: "CAST(\(site.argExprs[i].sql) AS STRING)")
        }
    }

    /// Converts argument `i` to string (for concat).
    mutating func toString(_ i: Int) throws(ExprError) {
        nodes[i] = try Binder.coerce(nodes[i], .string, site.argExprs[i])
    }

    mutating func integer(_ i: Int) throws(ExprError) {
        if Binder.isNullLiteral(nodes[i]) { nodes[i] = Binder.retyped(nodes[i], .int64) }
        guard nodes[i].type == .int64 else {
            throw error(i, "\(name)() expects an integer as \(ordinal(i)), got \(nodes[i].type)")
        }
    }

    mutating func numeric(_ i: Int) throws(ExprError) {
        if Binder.isNullLiteral(nodes[i]) { nodes[i] = Binder.retyped(nodes[i], .int64) }
        guard nodes[i].type.isNumeric else {
            throw error(i, "\(name)() expects a number as \(ordinal(i)), got \(nodes[i].type)")
        }
    }

    mutating func double(_ i: Int) throws(ExprError) {
        try numeric(i)
        nodes[i] = try Binder.coerce(nodes[i], .double, site.argExprs[i])
    }

    mutating func boolean(_ i: Int) throws(ExprError) {
        if Binder.isNullLiteral(nodes[i]) { nodes[i] = Binder.retyped(nodes[i], .bool) }
        guard nodes[i].type == .bool else {
            throw error(i, "\(name)() expects a boolean as \(ordinal(i)), got \(nodes[i].type)")
        }
    }

    /// Requires a date or timestamp (a NULL literal becomes a timestamp NULL).
    mutating func temporal(_ i: Int) throws(ExprError) {
        if Binder.isNullLiteral(nodes[i]) { nodes[i] = Binder.retyped(nodes[i], .timestamp) }
        guard nodes[i].type == .date || nodes[i].type == .timestamp else {
            throw error(i, "\(name)() expects a date or timestamp as \(ordinal(i)), got \(nodes[i].type)",
                        hint: nodes[i].type == .string ? "convert it first: CAST(\(site.argExprs[i].sql) AS TIMESTAMP) or to_timestamp(x, format)" : nil)
        }
    }

    /// The value of argument `i`, which must be a string literal (or fold to one).
    func constString(_ i: Int) throws(ExprError) -> String {
        guard case .string(let s)? = nodes[i].constant else {
            throw error(i, "\(name)() needs a string literal as \(ordinal(i))")
        }
        return s
    }

    func constInt(_ i: Int) throws(ExprError) -> Int64 {
        guard case .int(let v)? = nodes[i].constant else {
            throw error(i, "\(name)() needs an integer literal as \(ordinal(i))")
        }
        return v
    }

    var anyNullable: Bool { nodes.contains { $0.nullable } }

    /// The call node.
    func node(_ type: DataType, nullable: Bool? = nil,
              _ kernel: @escaping @Sendable (_ args: [Column], _ count: Int, _ scope: EvalScope) throws -> Column) -> TNode {
        TNode(.function(BoundFunction(name: name, kernel: kernel)), type, nullable: nullable ?? anyNullable,
              args: nodes, offset: site.offset, label: site.label)
    }
}

/// Loops shared by the function kernels.
enum Rows {
    /// Calls `f` for each row where no argument is NULL; `f` returns nil for a NULL result.
    /// The slow, general path (one `Value` per row).
    static func map(_ args: [Column], _ n: Int, _ type: DataType, _ f: (Int) throws -> Value?) rethrows -> Column {
        var b = ColumnBuilder(type: type, capacity: n)
        for i in 0..<n {
            var null = false
            for a in args where a.isNull(i) { null = true; break }
            if !null, let v = try f(i) { b.append(v) } else { b.appendNull() }
        }
        return b.finish()
    }

    /// A string → string map on bytes; `f` appends the result for one value to the output bytes.
    static func strings(_ c: Column, _ f: (UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Void) -> Column {
        let v = c.strings
        var bytes: [UInt8] = []
        bytes.reserveCapacity(v.bytes.count)
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(c.count + 1)
        v.bytes.withUnsafeBufferPointer { all in
            v.offsets.withUnsafeBufferPointer { offs in
                for i in 0..<c.count {
                    if !c.isNull(i) { f(UnsafeBufferPointer(rebasing: all[Int(offs[i])..<Int(offs[i + 1])]), &bytes) }
                    offsets.append(Int32(bytes.count))
                }
            }
        }
        return Column(type: .string, values: .bytes(ByteArrays(offsets: offsets, bytes: bytes)), validity: c.validity)
    }

    /// An int64-backed → int64-backed map.
    static func ints(_ c: Column, _ type: DataType, _ f: (Int64) -> Int64) -> Column {
        let v = c.int64s
        var out = [Int64](repeating: 0, count: v.count)
        if let validity = c.validity {
            for i in 0..<v.count where validity[i] { out[i] = f(v[i]) }
        } else {
            for i in 0..<v.count { out[i] = f(v[i]) }
        }
        return Column(type: type, values: .int64(out), validity: c.validity)
    }

    static func doubles(_ c: Column, nullOutside domain: ((Double) -> Bool)? = nil, _ f: (Double) -> Double) -> Column {
        let v = c.doubles
        var out = [Double](repeating: 0, count: v.count)
        var validity = c.validity
        for i in 0..<v.count where validity?[i] ?? true {
            if let domain, !domain(v[i]) { Validity.clear(&validity, i, count: v.count); continue }
            out[i] = f(v[i])
        }
        return Column(type: .double, values: .double(out), validity: validity)
    }
}

extension Column {
    /// Row `i` as a String (slow path).
    func text(_ i: Int) -> String { strings.string(i) }
}
