/// The logical types of Strata columns.
///
/// Storage: bool → `[Bool]`; int64, date (days since 1970-01-01), timestamp (UTC microseconds since
/// the epoch) and decimal (unscaled, precision ≤ 18) → `[Int64]`; double → `[Double]`;
/// string → UTF-8 bytes with offsets; binary → bytes with offsets (any bytes, not text).
public enum DataType: Sendable, Hashable, CustomStringConvertible {
    case bool
    case int64
    case double
    case decimal(precision: Int, scale: Int)
    case string
    /// Raw bytes (PostgreSQL bytea, MySQL BLOB/BINARY; Parquet BYTE_ARRAY without a string annotation).
    case binary
    case date
    case timestamp

    /// The name used in configs and output: `int64`, `decimal(10,2)`.
    public var description: String {
        switch self {
        case .bool: return "bool"
        case .int64: return "int64"
        case .double: return "double"
        case let .decimal(p, s): return "decimal(\(p),\(s))"
        case .string: return "string"
        case .binary: return "binary"
        case .date: return "date"
        case .timestamp: return "timestamp"
        }
    }

    /// The names `DataType(parsing:)` accepts, for docs and did-you-mean.
    public static let names = ["bool", "int64", "double", "decimal(p,s)", "string", "binary", "date", "timestamp"]

    /// Parses a type name; accepts common aliases (`int`, `bigint`, `long`, `float`, `text`, `boolean`).
    public init?(parsing text: String) {
        let t = text.trimming(" ").lowercased()
        switch t {
        case "bool", "boolean": self = .bool
        case "int", "int64", "bigint", "long", "integer", "int32": self = .int64
        case "double", "float", "float64", "real": self = .double
        case "string", "text", "varchar", "utf8": self = .string
        case "binary", "bytes", "bytea", "blob": self = .binary
        case "date": self = .date
        case "timestamp", "datetime", "timestamp_us": self = .timestamp
        default:
            guard t.hasPrefix("decimal(") || t.hasPrefix("numeric("), t.hasSuffix(")") else { return nil }
            let inner = t.drop(while: { $0 != "(" }).dropFirst().dropLast()
            let parts = inner.split(separator: ",").map { Int(String($0).trimming(" ")) }
            guard parts.count == 2, let p = parts[0], let s = parts[1], p >= 1, p <= 18, s >= 0, s <= p else { return nil }
            self = .decimal(precision: p, scale: s)
        }
    }

    /// True for types stored as `[Int64]`.
    public var isInt64Backed: Bool {
        switch self {
        case .int64, .date, .timestamp, .decimal: return true
        default: return false
        }
    }

    public var isNumeric: Bool {
        switch self {
        case .int64, .double, .decimal: return true
        default: return false
        }
    }
}

extension String {
    /// Trims the given characters from both ends.
    @inlinable
    public func trimming(_ set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s = s.dropFirst() }
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}
