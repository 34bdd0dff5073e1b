/// A columnar slice of a table: a schema and one column per field, all of `rowCount` rows.
public struct Batch: Sendable, Hashable {
    /// Rows per batch that sources aim for.
    public static let preferredRows = 65_536

    public var schema: Schema
    public var columns: [Column]
    public private(set) var rowCount: Int
    /// Where the rows came from (a source file path relative to the project), when one file did.
    public var origin: String?

    public init(schema: Schema, columns: [Column]) {
        precondition(schema.count == columns.count, "schema has \(schema.count) fields, batch \(columns.count) columns")
        let n = columns.first?.count ?? 0
        for c in columns { precondition(c.count == n, "columns of different lengths in one batch") }
        self.schema = schema
        self.columns = columns
        self.rowCount = n
    }

    /// A batch with the given row count and no columns (a `count(*)` input, say).
    public init(rowCount: Int) {
        self.schema = .empty
        self.columns = []
        self.rowCount = rowCount
    }

    public static func empty(_ schema: Schema) -> Batch {
        Batch(schema: schema, columns: schema.fields.map { Column(type: $0.type, values: .empty(for: $0.type)) })
    }

    public func column(named name: String) -> Column? { schema.index(of: name).map { columns[$0] } }

    /// The value at (row, column), slow path.
    public func value(row: Int, column: Int) -> Value { columns[column].value(row) }

    /// Rows as `[Value]` arrays, slow path (display, tests).
    public func rows() -> [[Value]] {
        (0..<rowCount).map { r in columns.map { $0.value(r) } }
    }

    /// Adds or replaces a column.
    public mutating func set(_ field: Field, _ column: Column) {
        precondition(column.count == rowCount || schema.count == 0, "column length differs from batch")
        if let i = schema.index(of: field.name) {
            schema.append(field)
            columns[i] = column
        } else {
            schema.append(field)
            columns.append(column)
        }
        rowCount = column.count
    }

    /// The batch restricted to the given fields, in that order.
    public func project(_ indices: [Int]) -> Batch {
        var b = Batch(schema: Schema(indices.map { schema[$0] }), columns: indices.map { columns[$0] })
        if indices.isEmpty { b.rowCount = rowCount }
        return b
    }
}
