import StrataCore

/// Hive-style partition folders and Delta path encoding.
///
/// Three different texts are involved for one partition value:
/// - the *value text* (`2025-01-02`, `a:b`), stored in Delta `partitionValues`;
/// - the *folder name* (`day=2025-01-02`, `city=a%3Ab`), Hive-escaped on disk;
/// - the *log path*, the relative file path URI-encoded in the Delta `add.path` field
///   (`city=a%253Ab/part-….parquet`).
public enum DeltaPartitions {
    /// The folder value Hive and Spark use for a null (or empty) partition value.
    public static let nullFolderValue = "__HIVE_DEFAULT_PARTITION__"

    private static let hex: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// True for bytes Hive escapes in folder names: control characters and `"#%'*/:=?\{[]^`.
    static func needsHiveEscape(_ c: UInt8) -> Bool {
        if c < 0x20 || c == 0x7F { return true }
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "#"), UInt8(ascii: "%"), UInt8(ascii: "'"), UInt8(ascii: "*"),
             UInt8(ascii: "/"), UInt8(ascii: ":"), UInt8(ascii: "="), UInt8(ascii: "?"), UInt8(ascii: "\\"),
             UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "^"):
            return true
        default:
            return false
        }
    }

    /// Escapes a partition value for a folder name (`a:b` → `a%3Ab`); nil or empty → `__HIVE_DEFAULT_PARTITION__`.
    public static func escapeFolderValue(_ value: String?) -> String {
        guard let value, !value.isEmpty else { return nullFolderValue }
        var out: [UInt8] = []
        out.reserveCapacity(value.utf8.count)
        for c in value.utf8 {
            if needsHiveEscape(c) {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(c >> 4)])
                out.append(hex[Int(c & 0xF)])
            } else {
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Reverses `escapeFolderValue`; `__HIVE_DEFAULT_PARTITION__` → nil.
    public static func unescapeFolderValue(_ text: String) -> String? {
        if text == nullFolderValue { return nil }
        return percentDecode(text)
    }

    /// `k1=v1/k2=v2` for the given (column, value text) pairs, keys and values Hive-escaped.
    public static func folder(_ values: [(column: String, value: String?)]) -> String {
        values.map { escapeFolderValue($0.column) + "=" + escapeFolderValue($0.value) }.joined(separator: "/")
    }

    /// A new part-file path relative to the table: `k1=v1/part-00000-<uuid>.gz.parquet`.
    ///
    /// `index` numbers files within one commit; `uuid` makes the name unique across commits.
    public static func partFilePath(partitions: [(column: String, value: String?)], index: Int, uuid: String,
                                    extension ext: String = "gz.parquet") -> String {
        var n = String(index)
        if n.count < 5 { n = String(repeating: "0", count: 5 - n.count) + n }
        let name = "part-\(n)-\(uuid.lowercased()).\(ext)"
        return partitions.isEmpty ? name : folder(partitions) + "/" + name
    }

    /// URI-encodes a relative file path for the Delta log `path` field (`a b%` → `a%20b%25`).
    ///
    /// Every byte except ASCII letters, digits, `-._~`, `/` and `=` is written as `%XX`
    /// (UTF-8 bytes for non-ASCII), which every Delta reader decodes.
    public static func encodeLogPath(_ path: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(path.utf8.count)
        for c in path.utf8 {
            switch c {
            case 48...57, 65...90, 97...122, UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"), UInt8(ascii: "/"), UInt8(ascii: "="):
                out.append(c)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(c >> 4)])
                out.append(hex[Int(c & 0xF)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes a Delta log `path` to the relative file path (`%20` → space); malformed escapes stay as written.
    public static func decodeLogPath(_ path: String) -> String { percentDecode(path) }

    static func percentDecode(_ text: String) -> String {
        guard text.utf8.contains(UInt8(ascii: "%")) else { return text }
        let b = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        func hexValue(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: return c - 48
            case 65...70: return c - 55
            case 97...102: return c - 87
            default: return nil
            }
        }
        while i < b.count {
            if b[i] == UInt8(ascii: "%"), i + 2 < b.count, let h = hexValue(b[i + 1]), let l = hexValue(b[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(b[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The Delta partition value text of a value: `2025-01-02`, `2025-01-02T03:04:05Z`, `12.34`, `true`; null → nil.
    public static func valueText(_ value: Value) -> String? {
        switch value {
        case .null: return nil
        case .timestamp(let t): return Temporal.formatTimestamp(micros: t)
        default: return value.description
        }
    }

    /// Parses a partition value text back to a typed value; nil or empty text is null.
    ///
    /// Accepts the Delta forms: ISO timestamps with `T` or a space, with or without a zone.
    public static func value(_ text: String?, type: DataType, column: String) throws -> Value {
        guard let text, !text.isEmpty else { return .null }
        let v: Value?
        switch type {
        case .bool:
            v = text == "true" ? .bool(true) : (text == "false" ? .bool(false) : nil)
        case .int64: v = Int64(text).map { .int($0) }
        case .double: v = Double(text).map { .double($0) }
        case .string: v = .string(text)
        case .binary: v = nil // a table is never partitioned by a binary column
        case .date: v = Temporal.parseDate(text).map { .date($0) }
        case .timestamp: v = Temporal.parseTimestamp(text).map { .timestamp($0) }
        case let .decimal(p, s):
            var t = text
            v = t.withUTF8 { Decimal64.parse($0, precision: p, scale: s) }.map { .decimal($0, scale: s) }
        }
        guard let v else {
            throw StrataError(.corruptData, "partition value of column '\(column)' is not a valid \(type)",
                              hint: "the table's partition folders or log were edited by hand or by another writer")
        }
        return v
    }
}
