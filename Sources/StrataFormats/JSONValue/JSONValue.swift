/// A JSON document as a value, with object members kept in the order they were written.
///
/// Used for small metadata documents (Delta log actions, stats, commit info) where a stable,
/// byte-identical serialization matters more than speed. Numbers keep their exactness:
/// integers that fit `Int64` parse as `.int`, other numbers as `.double`, and `.number` carries
/// a numeric literal verbatim (decimals such as `12.34` written without binary rounding).
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    /// A numeric literal written as is; the text must be a valid JSON number.
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([JSONMember])

    /// The member named `key` of an object (the first one, if repeated); nil otherwise.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first(where: { $0.key == key })?.value
    }

    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The value as an Int64 when it is an integral number (or a numeric literal that is one).
    public var int64Value: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d): return d.rounded() == d && abs(d) < 9.2e18 ? Int64(d) : nil
        case .number(let s): return Int64(s)
        default: return nil
        }
    }

    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .number(let s): return Double(s)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The members of an object, or nil.
    public var members: [JSONMember]? {
        if case .object(let m) = self { return m }
        return nil
    }

    /// The elements of an array, or nil.
    public var elements: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// An object from ordered `(key, value)` pairs.
    public static func object(_ pairs: KeyValuePairs<String, JSONValue>) -> JSONValue {
        .object(pairs.map { JSONMember($0.key, $0.value) })
    }

    /// An object of strings with keys sorted, for deterministic output of dictionaries.
    public static func sortedObject(_ dict: [String: JSONValue]) -> JSONValue {
        .object(dict.keys.sorted().map { JSONMember($0, dict[$0]!) })
    }
}

/// One `"key": value` member of a JSON object.
public struct JSONMember: Sendable, Hashable {
    public var key: String
    public var value: JSONValue

    public init(_ key: String, _ value: JSONValue) {
        self.key = key
        self.value = value
    }
}
