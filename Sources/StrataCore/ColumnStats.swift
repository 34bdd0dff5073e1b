/// Statistics of one column of one file: what Parquet footers and Delta `add` stats carry.
public struct ColumnStats: Sendable, Hashable {
    public var nullCount: Int
    /// Smallest non-null value (strings by unsigned UTF-8 bytes; NaN excluded), nil when all null.
    public var min: Value?
    public var max: Value?

    public init(nullCount: Int = 0, min: Value? = nil, max: Value? = nil) {
        self.nullCount = nullCount
        self.min = min
        self.max = max
    }
}
