import StrataCore

/// A role's row filter: an expression in Strata's expression language, kept as text with where
/// it was written, so errors and `access explain` can point at it.
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
            _ = try FilterLanguage.parse(text)
        } catch let e as StrataError {
            throw StrataError(.invalidConfig, "row filter: " + e.message, location: location, hint: e.hint)
        }
    }

    /// Which rows of `batch` pass (null counts as false). Throws on unknown columns or type errors,
    /// naming the filter's location and the column, never a value.
    public func evaluate(_ batch: Batch) throws -> [Bool] {
        do {
            return try FilterLanguage.parse(text).evaluate(batch)
        } catch var e as StrataError {
            if e.location == nil { e.location = location }
            e.message = "row filter: " + e.message
            throw e
        }
    }

    /// The rows of `batch` that pass.
    public func apply(to batch: Batch) throws -> Batch {
        let keep = try evaluate(batch)
        if !keep.contains(false) { return batch }
        let rows = keep.indices.filter { keep[$0] }
        var columns: [Column] = []
        for (f, c) in zip(batch.schema.fields, batch.columns) {
            var b = ColumnBuilder(type: f.type, capacity: rows.count)
            for r in rows { b.append(from: c, row: r) }
            columns.append(b.finish())
        }
        var out = Batch(schema: batch.schema, columns: columns)
        out.origin = batch.origin
        return out
    }
}
