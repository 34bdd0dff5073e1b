/// Variable-length UTF-8 values of one column: value `i` is `bytes[offsets[i]..<offsets[i+1]]`.
public struct ByteArrays: Sendable, Hashable {
    public var offsets: [Int32]
    public var bytes: [UInt8]

    public init() {
        offsets = [0]
        bytes = []
    }

    public init(offsets: [Int32], bytes: [UInt8]) {
        precondition(offsets.first == 0 && Int(offsets.last ?? 0) == bytes.count, "ByteArrays offsets out of step")
        self.offsets = offsets
        self.bytes = bytes
    }

    public var count: Int { offsets.count - 1 }

    @inlinable
    public func range(_ i: Int) -> Range<Int> { Int(offsets[i])..<Int(offsets[i + 1]) }

    public func string(_ i: Int) -> String { String(decoding: bytes[range(i)], as: UTF8.self) }

    @inlinable
    public mutating func append<C: Collection>(_ value: C) where C.Element == UInt8 {
        bytes.append(contentsOf: value)
        offsets.append(Int32(bytes.count))
    }

    /// Appends one value from raw bytes (the hot path of readers and gathers: no generic dispatch).
    @inlinable
    public mutating func append(_ value: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: value)
        offsets.append(Int32(bytes.count))
    }

    public mutating func append(_ value: String) {
        var v = value
        v.withUTF8 { bytes.append(contentsOf: $0) }
        offsets.append(Int32(bytes.count))
    }

    public mutating func appendEmpty() { offsets.append(Int32(bytes.count)) }

    /// Takes back the last value.
    public mutating func removeLast() {
        guard offsets.count > 1 else { return }
        offsets.removeLast()
        bytes.removeSubrange(Int(offsets.last!)...)
    }

    public mutating func reserve(values: Int, bytes n: Int) {
        offsets.reserveCapacity(values + 1)
        bytes.reserveCapacity(n)
    }

    /// Calls `body` with the bytes of value `i` without copying.
    @inlinable
    public func withValue<R>(_ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let r = range(i)
        return try bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[r])) }
    }
}

/// The physical values of a column.
public enum ColumnValues: Sendable, Hashable {
    case bool([Bool])
    case int64([Int64])
    case double([Double])
    case bytes(ByteArrays)

    public var count: Int {
        switch self {
        case .bool(let v): return v.count
        case .int64(let v): return v.count
        case .double(let v): return v.count
        case .bytes(let v): return v.count
        }
    }

    /// Empty storage for a type.
    public static func empty(for type: DataType) -> ColumnValues {
        switch type {
        case .bool: return .bool([])
        case .double: return .double([])
        case .string, .binary: return .bytes(ByteArrays())
        default: return .int64([])
        }
    }
}

/// One column of a batch: its type, values and validity (`nil` = no nulls).
///
/// A null slot still holds a placeholder value (false, 0, empty string) so that
/// positions line up; readers must consult `isNull`.
public struct Column: Sendable, Hashable {
    public var type: DataType
    public var values: ColumnValues
    /// `validity[i] == false` means row i is null; `nil` means every row is valid.
    public var validity: [Bool]?

    public init(type: DataType, values: ColumnValues, validity: [Bool]? = nil) {
        precondition(validity == nil || validity!.count == values.count, "validity length differs from values")
        self.type = type
        self.values = values
        self.validity = validity
    }

    public var count: Int { values.count }

    @inlinable
    public func isNull(_ i: Int) -> Bool {
        guard let v = validity else { return false }
        return !v[i]
    }

    public var nullCount: Int {
        guard let v = validity else { return 0 }
        var n = 0
        for b in v where !b { n += 1 }
        return n
    }

    /// The value at row `i` as a `Value` (slow path: display, tests, statistics).
    public func value(_ i: Int) -> Value {
        if isNull(i) { return .null }
        switch (values, type) {
        case (.bool(let v), _): return .bool(v[i])
        case (.double(let v), _): return .double(v[i])
        case (.bytes(let v), .binary): return .binary(Array(v.bytes[v.range(i)]))
        case (.bytes(let v), _): return .string(v.string(i))
        case (.int64(let v), .date): return .date(Int32(truncatingIfNeeded: v[i]))
        case (.int64(let v), .timestamp): return .timestamp(v[i])
        case (.int64(let v), .decimal(_, let s)): return .decimal(v[i], scale: s)
        case (.int64(let v), _): return .int(v[i])
        }
    }

    /// A column of `count` nulls.
    public static func nulls(_ type: DataType, count: Int) -> Column {
        let values: ColumnValues
        switch ColumnValues.empty(for: type) {
        case .bool: values = .bool([Bool](repeating: false, count: count))
        case .int64: values = .int64([Int64](repeating: 0, count: count))
        case .double: values = .double([Double](repeating: 0, count: count))
        case .bytes: values = .bytes(ByteArrays(offsets: [Int32](repeating: 0, count: count + 1), bytes: []))
        }
        return Column(type: type, values: values, validity: count == 0 ? nil : [Bool](repeating: false, count: count))
    }

    /// A column that repeats one value.
    public static func repeating(_ value: Value, type: DataType, count: Int) -> Column {
        var one = ColumnBuilder(type: type, capacity: 1)
        one.append(value)
        let c = one.finish()
        if c.isNull(0) { return nulls(type, count: count) }
        switch c.values {
        case .bool(let v): return Column(type: type, values: .bool([Bool](repeating: v[0], count: count)))
        case .int64(let v): return Column(type: type, values: .int64([Int64](repeating: v[0], count: count)))
        case .double(let v): return Column(type: type, values: .double([Double](repeating: v[0], count: count)))
        case .bytes(let b):
            let n = b.bytes.count
            var bytes = [UInt8]()
            bytes.reserveCapacity(n * count)
            var offsets = [Int32]()
            offsets.reserveCapacity(count + 1)
            offsets.append(0)
            for i in 0..<count {
                bytes.append(contentsOf: b.bytes)
                offsets.append(Int32((i + 1) * n))
            }
            return Column(type: type, values: .bytes(ByteArrays(offsets: offsets, bytes: bytes)))
        }
    }
}
