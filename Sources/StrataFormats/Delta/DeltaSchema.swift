import StrataCore

/// Converts between Strata schemas and the Delta `schemaString` (a Spark struct type in JSON).
public enum DeltaSchema {
    /// The Delta type name of a Strata type: `long`, `decimal(12,2)`, `timestamp`.
    public static func typeName(_ type: DataType) -> String {
        switch type {
        case .bool: return "boolean"
        case .int64: return "long"
        case .double: return "double"
        case let .decimal(p, s): return "decimal(\(p),\(s))"
        case .string: return "string"
        case .binary: return "binary"
        case .date: return "date"
        case .timestamp: return "timestamp"
        }
    }

    /// The Strata type of a Delta primitive type name; nil for types Strata does not store.
    ///
    /// Narrower integers and floats widen (`integer` → int64, `float` → double);
    /// `timestamp_ntz` reads as timestamp (UTC).
    public static func dataType(deltaName name: String) -> DataType? {
        switch name {
        case "long", "integer", "short", "byte": return .int64
        case "double", "float": return .double
        case "string": return .string
        case "binary": return .binary
        case "boolean": return .bool
        case "date": return .date
        case "timestamp", "timestamp_ntz": return .timestamp
        default:
            guard name.hasPrefix("decimal(") else { return nil }
            let t = DataType(parsing: name)
            if case .decimal = t { return t }
            return nil
        }
    }

    /// The schema as a Delta struct type value; a field's metadata is `fieldMetadata[name]`
    /// (kept from another writer), else `{}`.
    public static func json(_ schema: Schema, fieldMetadata: [String: JSONValue] = [:]) -> JSONValue {
        .object([
            "type": .string("struct"),
            "fields": .array(schema.fields.map { f in
                .object([
                    "name": .string(f.name),
                    "type": .string(typeName(f.type)),
                    "nullable": .bool(f.nullable),
                    "metadata": fieldMetadata[f.name] ?? .object([]),
                ])
            }),
        ])
    }

    /// The `schemaString` text for a schema.
    public static func schemaString(_ schema: Schema, fieldMetadata: [String: JSONValue] = [:]) -> String {
        json(schema, fieldMetadata: fieldMetadata).serialized
    }

    /// Parses a `schemaString`; throws for nested or other types Strata does not store.
    public static func parse(_ schemaString: String, file: String) throws -> Schema {
        try parseWithMetadata(schemaString, file: file).schema
    }

    /// Parses a `schemaString` and keeps each field's non-empty `metadata` object.
    public static func parseWithMetadata(_ schemaString: String, file: String) throws -> (schema: Schema, fieldMetadata: [String: JSONValue]) {
        let v = try JSONValue.parse(schemaString, file: file)
        guard v["type"]?.stringValue == "struct", let fields = v["fields"]?.elements else {
            throw StrataError(.corruptData, "the table schema in \(file) is not a Delta struct type")
        }
        var out: [Field] = []
        var metadata: [String: JSONValue] = [:]
        for f in fields {
            guard let name = f["name"]?.stringValue, let typeValue = f["type"] else {
                throw StrataError(.corruptData, "a field of the table schema in \(file) has no name or type")
            }
            guard let typeName = typeValue.stringValue, let type = dataType(deltaName: typeName) else {
                let shown = typeValue.stringValue ?? (typeValue["type"]?.stringValue ?? "nested")
                throw StrataError(.schemaMismatch, "column '\(name)' has Delta type '\(shown)', which strata does not support",
                                  hint: "strata reads boolean, integer, long, float, double, string, date, timestamp and decimal(p≤18,s) columns")
            }
            out.append(Field(name, type, nullable: f["nullable"]?.boolValue ?? true))
            if let m = f["metadata"], let members = m.members, !members.isEmpty { metadata[name] = m }
        }
        return (Schema(out), metadata)
    }
}
