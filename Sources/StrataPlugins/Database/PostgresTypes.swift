import StrataCore

/// How PostgreSQL's types map to Strata's, by type OID (and type modifier for numeric).
enum PostgresTypes {
    enum Mapping: Equatable {
        case type(DataType)
        /// Not mappable; the message says why and what to do.
        case unsupported(String)
        /// An OID this table does not know: decided from `pg_type.typcategory`.
        case lookUp
    }

    /// The mapping of a column of type `oid` with modifier `typmod`.
    static func map(oid: UInt32, typmod: Int32) -> Mapping {
        switch oid {
        case 16: return .type(.bool)
        case 20, 21, 23, 26: return .type(.int64) // int8, int2, int4, oid
        case 700, 701: return .type(.double)
        case 1700:
            // numeric(p,s): typmod = ((p << 16) | s) + 4; -1 when unconstrained.
            guard typmod >= 4 else { return .unsupported("numeric without a precision: declare its type in `schema:` (e.g. decimal(18,4)) or cast it in a `query`") }
            let p = Int((typmod - 4) >> 16), s = Int((typmod - 4) & 0xFFFF)
            guard p <= 18 else { return .unsupported("numeric(\(p),\(s)) has more than 18 digits: cast it in a `query` (to numeric(18,\(min(s, 18))) or text)") }
            return .type(.decimal(precision: p, scale: s))
        case 1082: return .type(.date)
        case 1114, 1184: return .type(.timestamp) // timestamptz arrives in UTC (the session's time zone)
        // text-like: text, varchar, bpchar, char, name, json, jsonb, uuid, bytea (hex text), xml,
        // time, timetz, interval, inet, cidr, macaddr, money, bit, varbit
        case 25, 1043, 1042, 18, 19, 114, 3802, 2950, 17, 142, 1083, 1266, 1186, 869, 650, 829, 790, 1560, 1562:
            return .type(.string)
        default: return .lookUp
        }
    }

    /// The mapping from a type's category (`pg_type.typcategory`) and name.
    static func map(category: String, name: String) -> Mapping {
        switch category {
        case "A": return .unsupported("\(name) is an array type: arrays are not supported; select an element or array_to_string(…) in a `query`")
        case "C": return .unsupported("\(name) is a composite type: select its fields in a `query`")
        default: return .type(.string) // enums, domains over text, geometric, network, ranges: their text form
        }
    }

    /// Appends the text `b` as a value of `type` to `builder`; false when it is not one.
    static func append(_ b: UnsafeBufferPointer<UInt8>, as type: DataType, to builder: inout ColumnBuilder) -> Bool {
        switch type {
        case .string:
            builder.append(bytes: b)
        case .bool:
            guard b.count == 1, b[0] == UInt8(ascii: "t") || b[0] == UInt8(ascii: "f") else { return false }
            builder.append(b[0] == UInt8(ascii: "t"))
        case .int64:
            guard let v = integer(b) else { return false }
            builder.append(v)
        case .double:
            guard let v = Double(String(decoding: b, as: UTF8.self)) else { return false }
            builder.append(v)
        case let .decimal(p, s):
            guard let v = Decimal64.parse(b, precision: p, scale: s) else { return false }
            builder.append(v) // unscaled, at the column's scale
        case .date:
            guard let v = Temporal.parseDate(b) else { return false }
            builder.append(Int64(v)) // days since the epoch
        case .timestamp:
            guard let v = Temporal.parseTimestamp(b) else { return false }
            builder.append(v) // UTC microseconds
        }
        return true
    }

    /// `-?[0-9]+` within Int64.
    static func integer(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        var negative = false
        if i < b.count, b[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        guard i < b.count else { return nil }
        var v: Int64 = 0
        while i < b.count {
            let d = b[i]
            guard d >= 48, d <= 57 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = negative ? m.subtractingReportingOverflow(Int64(d - 48)) : m.addingReportingOverflow(Int64(d - 48))
            guard !o1, !o2 else { return nil }
            v = a
            i += 1
        }
        return v
    }

    /// `"schema"."table"` from `schema.table` or `table`, each part quoted.
    static func quotedName(_ name: String) -> String {
        name.split(separator: ".", omittingEmptySubsequences: false).map(quoted).joined(separator: ".")
    }

    static func quoted<S: StringProtocol>(_ identifier: S) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
