public import StrataCore

/// A table's CHECK constraints (`delta.constraints.*`) and column invariants (`delta.invariants`),
/// compiled with Strata's expression language against the table's schema.
///
/// A row satisfies a constraint when its expression is true: false and NULL both violate it, as
/// in Delta. A constraint Strata cannot compile makes the table unwritable (`.unsupported`): a
/// rule that cannot be checked is never skipped.
public struct DeltaConstraints: Sendable {
    public struct Check: Sendable {
        /// `CHECK constraint 'positive'` or `invariant on column 'id'`.
        public var label: String
        public var expression: String
        var compiled: TypedExpr
    }

    public let checks: [Check]
    public var isEmpty: Bool { checks.isEmpty }

    public static let none = DeltaConstraints(checks: [])

    init(checks: [Check]) { self.checks = checks }

    /// The constraints of `metadata`, compiled for rows of `schema` (the table's schema as written).
    public init(metadata: DeltaMetadata, schema: Schema, table: String) throws {
        if let bad = metadata.malformedInvariants.first {
            throw StrataError(.unsupported, "\(table): the invariant on column '\(bad)' is not readable Delta metadata",
                              hint: "fix or remove it with the tool that set it; strata will not write a table whose rules it cannot check")
        }
        var out: [Check] = []
        let rules = metadata.checkConstraints.map { ("CHECK constraint '\($0.name)'", $0.expression) }
            + metadata.invariants.map { ("invariant on column '\($0.column)'", $0.expression) }
        for (label, text) in rules {
            do {
                let e = try ExpressionCompiler.compilePredicate(try ExpressionParser.parse(text), schema: schema)
                out.append(Check(label: label, expression: text, compiled: e))
            } catch {
                throw StrataError(.unsupported, "\(table): strata cannot evaluate the \(label) (\(text))",
                                  hint: "strata will not write a table whose rules it cannot check; rewrite the constraint in terms strata supports (see `strata functions`) or drop it",
                                  cause: "\(error)")
            }
        }
        checks = out
    }

    /// For each row of `batch` that violates a constraint, the row and the first check it fails.
    public func violations(_ batch: Batch) throws -> [(row: Int, check: Check)] {
        guard !checks.isEmpty, batch.rowCount > 0 else { return [] }
        var first = [Int?](repeating: nil, count: batch.rowCount)
        for (k, c) in checks.enumerated() {
            var failures: [RowFailure] = []
            let ok = try c.compiled.evaluatePredicate(batch, failures: &failures)
            for r in 0..<batch.rowCount where !ok[r] && first[r] == nil { first[r] = k }
        }
        return first.enumerated().compactMap { r, k in k.map { (r, checks[$0]) } }
    }
}
