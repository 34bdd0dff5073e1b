import StrataCore
import StrataConfig

/// A column named in a config, with where it was written (for plan-time errors).
struct NamedColumn: Sendable, Hashable {
    let name: String
    let location: SourceLocation
    let path: String

    /// The column's position in `schema`, or a positioned error with a did-you-mean.
    func index(in schema: Schema, table: String? = nil) throws -> Int {
        try schema.require(name, location: location, path: path, table: table)
    }
}

extension ConfigMap {
    /// A list of column names (`[a, b]` or a single name), each with its position.
    func columnList(_ key: String) throws -> [NamedColumn]? {
        guard let n = node(key) else { return nil }
        let items: [Node] = n.sequence ?? [n]
        return try items.enumerated().map { i, item in
            guard let s = item.scalar else {
                throw item.error(.typeMismatch, "expected a column name, got \(item.kindDescription)", path: keyPath(key) + "[\(i)]", hint: nil)
            }
            return NamedColumn(name: s, location: item.location, path: keyPath(key) + "[\(i)]")
        }
    }

    /// A mapping of names to scalar texts (`{new: old}`), each with the value's position.
    func namedMap(_ key: String) throws -> [(key: String, value: String, location: SourceLocation, path: String)]? {
        guard let entries = try stringMap(key) else { return nil }
        return entries.map { e in
            (e.key, e.value, SourceLocation(file: location.file, line: e.mark.line, column: e.mark.column), keyPath(key) + "." + e.key)
        }
    }
}

/// An operator that maps each batch to one batch and holds no state.
final class MapOperator: BatchOperator {
    let schema: Schema
    private let body: (Batch) throws -> Batch

    init(schema: Schema, _ body: @escaping (Batch) throws -> Batch) {
        self.schema = schema
        self.body = body
    }

    func push(_ batch: Batch) throws -> [Batch] {
        let out = try body(batch)
        return out.rowCount == 0 ? [] : [out]
    }

    func finish() throws -> [Batch] { [] }
}

/// Encodes the values of some columns of a row as bytes, so equal keys give equal bytes
/// (a null is distinct from every value; types are not mixed within one key position).
enum RowKey {
    static func append(_ column: Column, _ row: Int, to out: inout [UInt8]) {
        if column.isNull(row) {
            out.append(0)
            return
        }
        out.append(1)
        switch column.values {
        case .bool(let v): out.append(v[row] ? 1 : 0)
        case .int64(let v): withUnsafeBytes(of: v[row].littleEndian) { out.append(contentsOf: $0) }
        case .double(let v):
            let d = v[row] == 0 ? 0.0 : v[row]  // -0.0 and 0.0 are one key
            withUnsafeBytes(of: d.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        case .bytes(let b):
            let r = b.range(row)
            withUnsafeBytes(of: UInt32(r.count).littleEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: b.bytes[r])
        }
    }

    /// The key bytes of `row` over `columns`.
    static func of(_ columns: [Column], _ row: Int, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        for c in columns { append(c, row, to: &out) }
    }

    /// True when any key column is null at `row` (SQL joins never match null keys).
    static func hasNull(_ columns: [Column], _ row: Int) -> Bool {
        columns.contains { $0.isNull(row) }
    }
}
