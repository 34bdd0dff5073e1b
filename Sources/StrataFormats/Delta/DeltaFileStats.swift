import StrataCore

/// Per-file statistics carried by a Delta `add` (the `stats` JSON string): row count and,
/// per column, min, max and null count. Readers prune files with them, so they must be bounds
/// that really hold.
public struct DeltaFileStats: Sendable, Hashable {
    public var numRecords: Int
    public var minValues: [String: Value]
    public var maxValues: [String: Value]
    public var nullCount: [String: Int]

    public init(numRecords: Int, minValues: [String: Value] = [:], maxValues: [String: Value] = [:], nullCount: [String: Int] = [:]) {
        self.numRecords = numRecords
        self.minValues = minValues
        self.maxValues = maxValues
        self.nullCount = nullCount
    }

    /// Stats from a file's column statistics, `columnStats[i]` describing `schema[i]`.
    ///
    /// Only row and null counts: no column value ever goes into the log. The log is immutable, so a
    /// value copied there (an e-mail, a birth date, an amount, written before a policy classified
    /// its column) could never be re-masked or purged. The Parquet files keep their own statistics.
    public init(numRecords: Int, schema: Schema, columnStats: [ColumnStats]) {
        precondition(schema.count == columnStats.count, "one ColumnStats per field")
        self.init(numRecords: numRecords)
        for (f, s) in zip(schema.fields, columnStats) { nullCount[f.name] = s.nullCount }
    }

    /// The JSON form Delta stores (as a string) in `add.stats`; keys sorted for stable output.
    public var json: JSONValue {
        .object([
            "numRecords": .int(Int64(numRecords)),
            "minValues": .sortedObject(minValues.mapValues(DeltaFileStats.jsonValue)),
            "maxValues": .sortedObject(maxValues.mapValues(DeltaFileStats.jsonValue)),
            "nullCount": .sortedObject(nullCount.mapValues { .int(Int64($0)) }),
        ])
    }

    /// Dates `YYYY-MM-DD`, timestamps `YYYY-MM-DDTHH:MM:SS.ffffffZ`, decimals as exact numbers.
    static func jsonValue(_ v: Value) -> JSONValue {
        switch v {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .binary: return .null // never a bound (`ParquetColumnStats.columnStats`)
        case .date(let d): return .string(Temporal.formatDate(days: d))
        case .timestamp(let t): return .string(formatMicros(t))
        case let .decimal(u, s): return .number(Decimal64.format(u, scale: s))
        }
    }

    /// A timestamp always with six fractional digits, so stats keep microsecond bounds.
    static func formatMicros(_ t: Int64) -> String {
        var days = t / Temporal.microsPerDay
        var rem = t % Temporal.microsPerDay
        if rem < 0 { rem += Temporal.microsPerDay; days -= 1 }
        let secs = Int(rem / 1_000_000)
        let frac = Int(rem % 1_000_000)
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return s.count >= n ? s : String(repeating: "0", count: n - s.count) + s
        }
        return Temporal.formatDate(days: Int32(days)) + "T\(pad(secs / 3600, 2)):\(pad(secs / 60 % 60, 2)):\(pad(secs % 60, 2)).\(pad(frac, 6))Z"
    }

    /// Reads stats JSON against the table schema; columns that are unknown or whose bounds do not
    /// parse as the column's type are dropped (stats are an optimization, never a source of truth).
    static func parse(_ text: String, schema: Schema) -> DeltaFileStats? {
        guard let v = try? JSONValue.parse(text), let n = v["numRecords"]?.int64Value else { return nil } // stats are optional in Delta
        var s = DeltaFileStats(numRecords: Int(n))
        func typed(_ j: JSONValue, _ type: DataType) -> Value? {
            switch (type, j) {
            case (.int64, _): return j.int64Value.map { .int($0) }
            case (.double, _): return j.doubleValue.map { .double($0) }
            case (.string, .string(let t)): return .string(t)
            case (.date, .string(let t)): return Temporal.parseDate(t).map { .date($0) }
            case (.timestamp, .string(let t)): return Temporal.parseTimestamp(t).map { .timestamp($0) }
            case let (.decimal(p, sc), _):
                let text: String
                switch j {
                case .int(let i): text = String(i)
                case .number(let t): text = t
                case .double(let d): text = "\(d)"
                default: return nil
                }
                var t = text
                return t.withUTF8 { Decimal64.parse($0, precision: p, scale: sc) }.map { .decimal($0, scale: sc) }
            default: return nil
            }
        }
        for m in v["minValues"]?.members ?? [] {
            if let f = schema.field(named: m.key), let t = typed(m.value, f.type) { s.minValues[m.key] = t }
        }
        for m in v["maxValues"]?.members ?? [] {
            if let f = schema.field(named: m.key), let t = typed(m.value, f.type) { s.maxValues[m.key] = t }
        }
        for m in v["nullCount"]?.members ?? [] {
            if schema.field(named: m.key) != nil, let c = m.value.int64Value { s.nullCount[m.key] = Int(c) }
        }
        return s
    }
}
