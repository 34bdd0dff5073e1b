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
            // The scale is a signed 11-bit field (PostgreSQL 15 allows numeric(10,-2), numeric(5,30)).
            let p = Int((typmod - 4) >> 16), s = (Int((typmod - 4) & 0x7FF) ^ 1024) - 1024
            guard s >= 0, s <= p else { return .unsupported("numeric(\(p),\(s)) has a scale outside 0…\(p): cast it in a `query` (to numeric(\(p),0) or text)") }
            guard p <= 18 else { return .unsupported("numeric(\(p),\(s)) has more than 18 digits: cast it in a `query` (to numeric(18,\(min(s, 18))) or text)") }
            return .type(.decimal(precision: p, scale: s))
        case 17: return .type(.binary) // bytea
        case 1082: return .type(.date)
        case 1114, 1184: return .type(.timestamp) // timestamptz arrives in UTC (the session's time zone)
        // text-like: text, varchar, bpchar, char, name, json, jsonb, uuid, xml,
        // time, timetz, interval, inet, cidr, macaddr, money, bit, varbit
        case 25, 1043, 1042, 18, 19, 114, 3802, 2950, 142, 1083, 1266, 1186, 869, 650, 829, 790, 1560, 1562:
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

    /// `"schema"."table"` from `schema.table` or `table`, each part quoted.
    static func quotedName(_ name: String) -> String {
        name.split(separator: ".", omittingEmptySubsequences: false).map(quoted).joined(separator: ".")
    }

    static func quoted<S: StringProtocol>(_ identifier: S) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
