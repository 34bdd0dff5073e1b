/// How an output value depends on an input column (OpenLineage's column-lineage subtypes).
///
/// `identity` and `transformation` are DIRECT (the column's value flows into the output);
/// `conditional` is INDIRECT (the column only decides which value is chosen, e.g. in
/// `CASE WHEN status = 'paid' THEN amount END`, or filters the rows).
/// Ordered weakest to strongest, so a column used both ways reports the stronger kind.
public enum LineageKind: String, Sendable, Hashable, Comparable, CaseIterable {
    case conditional = "CONDITIONAL"
    case transformation = "TRANSFORMATION"
    case identity = "IDENTITY"

    /// True for IDENTITY and TRANSFORMATION (OpenLineage type DIRECT); false for INDIRECT.
    public var isDirect: Bool { self != .conditional }

    public static func < (a: LineageKind, b: LineageKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

extension TypedExpr {
    /// Which input columns the value depends on, and how.
    ///
    /// A bare column is IDENTITY. Columns whose values flow into the result through operators or
    /// functions are TRANSFORMATION. Columns read only to choose a value (CASE conditions and
    /// the CASE subject, the condition of `if`, the second argument of `nullif`) are CONDITIONAL.
    /// When the whole expression is used as a filter, callers record every column as a filter.
    public func lineage() -> [String: LineageKind] { expr.lineage() }
}

extension Expr {
    /// See `TypedExpr.lineage()`; computed from the syntax alone.
    public func lineage() -> [String: LineageKind] {
        var out: [String: LineageKind] = [:]
        if case .column(let name) = node {
            out[name] = .identity
            return out
        }
        Self.walk(self, direct: true, into: &out)
        return out
    }

    private static func walk(_ e: Expr, direct: Bool, into out: inout [String: LineageKind]) {
        switch e.node {
        case .column(let name):
            let kind: LineageKind = direct ? .transformation : .conditional
            out[name] = max(out[name] ?? kind, kind)
        case .caseWhen(let subject, let branches, let otherwise):
            if let subject { walk(subject, direct: false, into: &out) }
            for b in branches {
                walk(b.when, direct: false, into: &out)
                walk(b.then, direct: direct, into: &out)
            }
            if let otherwise { walk(otherwise, direct: direct, into: &out) }
        case .call("if", let args) where args.count == 3:
            walk(args[0], direct: false, into: &out)
            walk(args[1], direct: direct, into: &out)
            walk(args[2], direct: direct, into: &out)
        case .call("nullif", let args) where args.count == 2:
            walk(args[0], direct: direct, into: &out)
            walk(args[1], direct: false, into: &out)
        default:
            for c in e.children { walk(c, direct: direct, into: &out) }
        }
    }
}
