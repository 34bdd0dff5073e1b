import StrataCore

/// How field text becomes dates and timestamps: ISO 8601 by default, or compiled patterns.
struct TemporalParsers: Sendable {
    var date: TemporalFormat?
    var timestamp: TemporalFormat?

    init(dateFormat: String?, timestampFormat: String?) throws {
        date = try dateFormat.map { try TemporalFormat($0, option: "dateFormat") }
        timestamp = try timestampFormat.map { try TemporalFormat($0, option: "timestampFormat") }
    }

    @inline(__always)
    func parseDate(_ b: UnsafeBufferPointer<UInt8>) -> Int32? {
        if let date { return date.parseDays(b) }
        return Temporal.parseDate(b)
    }

    @inline(__always)
    func parseTimestamp(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        if let timestamp { return timestamp.parseMicros(b) }
        return Temporal.parseTimestamp(b)
    }
}

/// Converts text fields straight into one column's storage, without a `Value` or `String` per field.
///
/// `append` returns false (appending nothing) when the bytes are not a value of the column's type;
/// `appendNull` returns false when the column is not nullable. `removeLast` undoes the last append,
/// so a reader can drop a half-converted row. `finish` hands the storage over as a `Column` and
/// starts an empty one.
struct TextColumnAppender {
    enum Kind {
        case bool, int64, double, string, binary, date, timestamp
        case decimal(precision: Int, scale: Int)
    }

    let field: Field
    let kind: Kind
    let temporal: TemporalParsers
    private let capacity: Int
    private var bools: [Bool] = []
    private var ints: [Int64] = []
    private var doubles: [Double] = []
    private var bytes: [UInt8] = []
    private var offsets: [Int32] = [0]
    private var validity: [Bool]? = nil
    private(set) var count = 0

    init(field: Field, temporal: TemporalParsers, capacity: Int) {
        self.field = field
        self.temporal = temporal
        self.capacity = capacity
        switch field.type {
        case .bool: kind = .bool
        case .int64: kind = .int64
        case .double: kind = .double
        case .string: kind = .string
        case .binary: kind = .binary
        case .date: kind = .date
        case .timestamp: kind = .timestamp
        case let .decimal(p, s): kind = .decimal(precision: p, scale: s)
        }
        reserve()
    }

    private mutating func reserve() {
        switch kind {
        case .bool: bools.reserveCapacity(capacity)
        case .double: doubles.reserveCapacity(capacity)
        case .string, .binary:
            offsets.reserveCapacity(capacity + 1)
            bytes.reserveCapacity(capacity * 16)
        default: ints.reserveCapacity(capacity)
        }
    }

    /// String bytes held so far (readers end a batch early when this grows large).
    var byteCount: Int { bytes.count }

    /// The reason a value is rejected: `column 'amount': expected decimal(10,2)`.
    var expectedReason: String {
        if case .string = kind { return "column '\(field.name)': invalid UTF-8" }
        if case .binary = kind { return "column '\(field.name)': expected binary as hex digits (`\\x00ff` or `00ff`)" }
        return "column '\(field.name)': expected \(field.type)"
    }

    var nullReason: String { "column '\(field.name)': null in a not-null column" }

    @inline(__always)
    private mutating func markValid() {
        if validity != nil { validity!.append(true) }
        count += 1
    }

    /// Appends the value the bytes spell; false (nothing appended) when they spell none.
    @inline(__always)
    mutating func append(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        switch kind {
        case .int64:
            guard let v = TextParsing.parseInt64(b) else { return false }
            ints.append(v)
        case .string:
            guard TextParsing.isValidUTF8(b) else { return false }
            bytes.append(contentsOf: b)
            guard bytes.count <= Int(Int32.max) else { bytes.removeLast(b.count); return false }
            offsets.append(Int32(truncatingIfNeeded: bytes.count))
        case .binary:
            guard TextParsing.appendHex(b, to: &bytes), bytes.count <= Int(Int32.max) else { return false }
            offsets.append(Int32(truncatingIfNeeded: bytes.count))
        case .double:
            guard let v = TextParsing.parseDouble(b) else { return false }
            doubles.append(v)
        case let .decimal(p, s):
            guard let v = Decimal64.parse(b, precision: p, scale: s) else { return false }
            ints.append(v)
        case .timestamp:
            guard let v = temporal.parseTimestamp(b) else { return false }
            ints.append(v)
        case .date:
            guard let v = temporal.parseDate(b) else { return false }
            ints.append(Int64(v))
        case .bool:
            guard let v = TextParsing.parseBool(b) else { return false }
            bools.append(v)
        }
        markValid()
        return true
    }

    /// Appends a null (placeholder value, validity false); false when the column is not nullable.
    mutating func appendNull() -> Bool {
        guard field.nullable else { return false }
        if validity == nil {
            validity = []
            validity!.reserveCapacity(capacity)
            validity!.append(contentsOf: repeatElement(true, count: count))
        }
        validity!.append(false)
        count += 1
        switch kind {
        case .bool: bools.append(false)
        case .double: doubles.append(0)
        case .string, .binary: offsets.append(Int32(truncatingIfNeeded: bytes.count))
        default: ints.append(0)
        }
        return true
    }

    /// Undoes the last append (of a value or a null).
    mutating func removeLast() {
        precondition(count > 0)
        count -= 1
        if validity != nil { validity!.removeLast() }
        switch kind {
        case .bool: bools.removeLast()
        case .double: doubles.removeLast()
        case .string, .binary:
            offsets.removeLast()
            bytes.removeLast(bytes.count - Int(offsets[offsets.count - 1]))
        default: ints.removeLast()
        }
    }

    /// The column built so far; the appender starts over empty.
    mutating func finish() -> Column {
        let values: ColumnValues
        switch kind {
        case .bool: values = .bool(bools); bools = []
        case .double: values = .double(doubles); doubles = []
        case .string, .binary:
            values = .bytes(ByteArrays(offsets: offsets, bytes: bytes))
            offsets = [0]
            bytes = []
        default: values = .int64(ints); ints = []
        }
        let column = Column(type: field.type, values: values, validity: validity)
        validity = nil
        count = 0
        reserve()
        return column
    }
}
