/// One named, typed column of a schema.
public struct Field: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var type: DataType
    public var nullable: Bool

    public init(_ name: String, _ type: DataType, nullable: Bool = true) {
        self.name = name
        self.type = type
        self.nullable = nullable
    }

    public var description: String { "\(name) \(type)\(nullable ? "" : " not null")" }
}

/// An ordered list of uniquely named fields.
public struct Schema: Sendable, Hashable, CustomStringConvertible {
    public private(set) var fields: [Field]
    private var positions: [String: Int]

    public init(_ fields: [Field]) {
        self.fields = []
        self.positions = [:]
        for f in fields { append(f) }
    }

    public static let empty = Schema([])

    public var count: Int { fields.count }
    public var names: [String] { fields.map(\.name) }

    public subscript(i: Int) -> Field { fields[i] }

    /// The position of the named field, or nil.
    public func index(of name: String) -> Int? { positions[name] }

    public func field(named name: String) -> Field? { positions[name].map { fields[$0] } }

    /// Appends a field; a field of the same name replaces the earlier one in place.
    public mutating func append(_ field: Field) {
        if let i = positions[field.name] {
            fields[i] = field
        } else {
            positions[field.name] = fields.count
            fields.append(field)
        }
    }

    /// `(a int64, b string)`.
    public var description: String { "(" + fields.map(\.description).joined(separator: ", ") + ")" }

    /// Throws a helpful error when `name` is not a field.
    public func require(_ name: String, location: SourceLocation? = nil, path: String? = nil, table: String? = nil) throws -> Int {
        if let i = positions[name] { return i }
        let what = table.map { "'\(name)' is not a column of \($0)" } ?? "'\(name)' is not a column"
        throw StrataError(.schemaMismatch, what, location: location, path: path,
                          hint: Suggest.hint(for: name, in: names) ?? "columns are \(names.joined(separator: ", "))")
    }
}
