import StrataCore

/// A role's row filter (or a policy test's `rows_where`): a condition in Strata's expression
/// language, kept as text with where it was written, so errors and `access explain` point at it.
public struct RowFilter: Sendable, Hashable, CustomStringConvertible {
    public var text: String
    public var location: SourceLocation?

    public init(_ text: String, location: SourceLocation? = nil) {
        self.text = text
        self.location = location
    }

    public var description: String { text }

    /// Checks the syntax (no schema needed); throws a positioned `.invalidConfig` error.
    public func validate() throws {
        do {
            _ = try ExpressionParser.parse(text)
        } catch {
            throw located(error, code: .invalidConfig)
        }
    }

    /// Compiles the filter against `schema` (it must be boolean and name only its columns).
    public func compile(_ schema: Schema, table: TableRef? = nil) throws -> TypedExpr {
        do {
            return try ExpressionCompiler.compilePredicate(ExpressionParser.parse(text), schema: schema, tableName: table?.description)
        } catch {
            throw located(error, code: nil)
        }
    }

    /// Which rows of `batch` pass (false and NULL drop a row). Errors name the filter's position
    /// and the column, never a value.
    public func evaluate(_ batch: Batch) throws -> [Bool] {
        let compiled = try compile(batch.schema)
        let context = compiled.usesContext ? EvaluationContext(now: Temporal.nowMicros()) : nil
        return try compiled.evaluatePredicate(batch, context: context)
    }

    /// The rows of `batch` that pass.
    public func apply(to batch: Batch) throws -> Batch {
        let keep = try evaluate(batch)
        if !keep.contains(false) { return batch }
        var out = batch.filter(keep)
        out.origin = batch.origin
        return out
    }

    private func located(_ error: ExprError, code: StrataError.Code?) -> StrataError {
        var e = location.map { error.located(at: $0, in: text) } ?? error.error
        if let code { e.code = code }
        e.message = "row filter: " + e.message
        return e
    }
}
