/// Builds a column value by value. Validity is allocated only once a null arrives.
public struct ColumnBuilder: Sendable {
    public let type: DataType
    private var bools: [Bool] = []
    private var ints: [Int64] = []
    private var doubles: [Double] = []
    private var bytes = ByteArrays()
    private var validity: [Bool]? = nil
    public private(set) var count = 0

    public init(type: DataType, capacity: Int = 0) {
        self.type = type
        switch type {
        case .bool: bools.reserveCapacity(capacity)
        case .double: doubles.reserveCapacity(capacity)
        case .string, .binary: bytes.offsets.reserveCapacity(capacity + 1)
        default: ints.reserveCapacity(capacity)
        }
    }

    @inline(__always)
    private mutating func markValid() {
        if validity != nil { validity!.append(true) }
        count += 1
    }

    public mutating func appendNull() {
        if validity == nil { validity = [Bool](repeating: true, count: count) }
        validity!.append(false)
        count += 1
        switch type {
        case .bool: bools.append(false)
        case .double: doubles.append(0)
        case .string, .binary: bytes.appendEmpty()
        default: ints.append(0)
        }
    }

    /// Takes back the last value appended (a row found bad after some of its columns were added).
    public mutating func removeLast() {
        guard count > 0 else { return }
        count -= 1
        if validity != nil { validity!.removeLast() }
        switch type {
        case .bool: bools.removeLast()
        case .double: doubles.removeLast()
        case .string, .binary: bytes.removeLast()
        default: ints.removeLast()
        }
    }

    public mutating func append(_ v: Bool) { bools.append(v); markValid() }
    public mutating func append(_ v: Int64) { ints.append(v); markValid() }
    public mutating func append(_ v: Double) { doubles.append(v); markValid() }
    public mutating func append(_ v: String) { bytes.append(v); markValid() }
    public mutating func append(bytes v: UnsafeBufferPointer<UInt8>) { bytes.append(v); markValid() }
    public mutating func append<C: Collection>(bytesOf v: C) where C.Element == UInt8 { bytes.append(v); markValid() }

    /// Appends a `Value`, converting where the storage allows; a mismatched value appends null.
    public mutating func append(_ v: Value) {
        switch (v, type) {
        case (.null, _): appendNull()
        case (.bool(let b), .bool): append(b)
        case (.int(let i), .int64), (.timestamp(let i), .timestamp): append(i)
        case (.int(let i), .double): append(Double(i))
        case (.date(let d), .date): append(Int64(d))
        case (.decimal(let u, let s), .decimal(_, let ts)):
            append(s == ts ? u : (s < ts ? u * Decimal64.powersOf10[ts - s] : u / Decimal64.powersOf10[s - ts]))
        case (.int(let i), .decimal(_, let s)): append(i * Decimal64.powersOf10[s])
        case (.double(let d), .double): append(d)
        case (.string(let s), .string): append(s)
        case (.binary(let b), .binary): append(bytesOf: b)
        default: appendNull()
        }
    }

    /// Appends row `i` of `column` (which must have this builder's type).
    public mutating func append(from column: Column, row i: Int) {
        if column.isNull(i) { appendNull(); return }
        switch column.values {
        case .bool(let v): append(v[i])
        case .int64(let v): append(v[i])
        case .double(let v): append(v[i])
        case .bytes(let v):
            let r = v.range(i)
            bytes.append(v.bytes[r])
            markValid()
        }
    }

    public func finish() -> Column {
        let values: ColumnValues
        switch type {
        case .bool: values = .bool(bools)
        case .double: values = .double(doubles)
        case .string, .binary: values = .bytes(bytes)
        default: values = .int64(ints)
        }
        return Column(type: type, values: values, validity: validity)
    }
}
