import StrataCore

/// A typed min or max before it becomes Parquet bytes or a `Value`.
enum StatBound: Sendable, Equatable {
    case int(Int64)
    case double(Double)
    case bool(Bool)
    case bytes([UInt8])

    /// `a < b` in Parquet's type order (signed ints, IEEE doubles, false < true, unsigned bytes).
    static func less(_ a: StatBound, _ b: StatBound) -> Bool {
        switch (a, b) {
        case let (.int(x), .int(y)): return x < y
        case let (.double(x), .double(y)): return x < y
        case let (.bool(x), .bool(y)): return !x && y
        case let (.bytes(x), .bytes(y)): return x.lexicographicallyPrecedes(y)
        default: return false
        }
    }
}

/// Null count and min/max of one column chunk (or, merged, of one file).
struct ChunkStatistics: Sendable, Equatable {
    var nullCount: Int = 0
    var min: StatBound?
    var max: StatBound?

    mutating func merge(_ o: ChunkStatistics) {
        nullCount += o.nullCount
        if let m = o.min { if let cur = min { if StatBound.less(m, cur) { min = m } } else { min = m } }
        if let m = o.max { if let cur = max { if StatBound.less(cur, m) { max = m } } else { max = m } }
    }

    /// PLAIN bytes of a bound for a column stored as `physical`.
    static func plainBytes(_ b: StatBound, physical: Int32) -> [UInt8] {
        switch b {
        case .int(let v):
            if physical == PhysicalType.int32 { return withUnsafeBytes(of: Int32(truncatingIfNeeded: v).littleEndian) { Array($0) } }
            return withUnsafeBytes(of: v.littleEndian) { Array($0) }
        case .double(let d): return withUnsafeBytes(of: d.bitPattern.littleEndian) { Array($0) }
        case .bool(let v): return [v ? 1 : 0]
        case .bytes(let v): return v
        }
    }

    /// The footer `Statistics` (null_count always; min/max when some value is not null).
    func parquet(physical: Int32) -> Statistics {
        Statistics(nullCount: Int64(nullCount),
                   maxValue: max.map { Self.plainBytes($0, physical: physical) },
                   minValue: min.map { Self.plainBytes($0, physical: physical) })
    }

    /// The `Value` form of a bound for a column of `type`.
    static func value(_ b: StatBound, _ type: DataType) -> Value {
        switch (b, type) {
        case let (.int(v), .date): return .date(Int32(truncatingIfNeeded: v))
        case let (.int(v), .timestamp): return .timestamp(v)
        case let (.int(v), .decimal(_, s)): return .decimal(v, scale: s)
        case let (.int(v), _): return .int(v)
        case let (.double(d), _): return .double(d)
        case let (.bool(v), _): return .bool(v)
        case let (.bytes(v), .binary): return .binary(v)
        case let (.bytes(v), _): return .string(String(decoding: v, as: UTF8.self))
        }
    }

    /// A binary column's bounds stay in the Parquet footer only: Delta stats carry no binary bounds.
    func columnStats(_ type: DataType) -> ColumnStats {
        if type == .binary { return ColumnStats(nullCount: nullCount) }
        return ColumnStats(nullCount: nullCount, min: min.map { Self.value($0, type) }, max: max.map { Self.value($0, type) })
    }
}

/// Min/max scans over the non-null values of a column.
enum StatisticsScan {
    static func int64(_ v: UnsafeBufferPointer<Int64>, _ valid: UnsafeBufferPointer<Bool>?) -> (Int64, Int64)? {
        var lo = Int64.max, hi = Int64.min
        var any = false
        if let valid {
            for i in 0..<v.count where valid[i] {
                let x = v[i]
                if x < lo { lo = x }
                if x > hi { hi = x }
                any = true
            }
        } else {
            for x in v {
                if x < lo { lo = x }
                if x > hi { hi = x }
            }
            any = v.count > 0
        }
        return any ? (lo, hi) : nil
    }

    /// NaN is excluded; a zero min is written as -0.0 and a zero max as +0.0 (parquet-format's rule).
    static func double(_ v: UnsafeBufferPointer<Double>, _ valid: UnsafeBufferPointer<Bool>?) -> (Double, Double)? {
        var lo = Double.infinity, hi = -Double.infinity
        var any = false
        for i in 0..<v.count {
            if let valid, !valid[i] { continue }
            let x = v[i]
            if x.isNaN { continue }
            if x < lo { lo = x }
            if x > hi { hi = x }
            any = true
        }
        guard any else { return nil }
        if lo == 0 { lo = -0.0 }
        if hi == 0 { hi = 0.0 }
        return (lo, hi)
    }

    static func bool(_ v: UnsafeBufferPointer<Bool>, _ valid: UnsafeBufferPointer<Bool>?) -> (Bool, Bool)? {
        var seenTrue = false, seenFalse = false
        for i in 0..<v.count {
            if let valid, !valid[i] { continue }
            if v[i] { seenTrue = true } else { seenFalse = true }
            if seenTrue && seenFalse { break }
        }
        guard seenTrue || seenFalse else { return nil }
        return (!seenFalse, seenTrue)
    }

    @inline(__always)
    static func compareBytes(_ base: UnsafeRawPointer, _ a: Int, _ alen: Int, _ b: Int, _ blen: Int) -> Int32 {
        let c = memcmp(base + a, base + b, min(alen, blen))
        if c != 0 { return c }
        return alen == blen ? 0 : (alen < blen ? -1 : 1)
    }

    /// Min and max (as unsigned bytes) among the non-null values of `offsets`/`bytes`; nil when none.
    ///
    /// The PLAIN path's scan over every row: a plain loop, no generic sequence in the way.
    static func bytes(offsets: UnsafeBufferPointer<Int32>, bytes: UnsafeRawBufferPointer,
                      valid: UnsafeBufferPointer<Bool>?) -> ([UInt8], [UInt8])? {
        let n = offsets.count - 1
        var lo = -1, hi = -1
        var loStart = 0, loLen = 0, hiStart = 0, hiLen = 0
        let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        for i in 0..<max(n, 0) {
            if let valid, !valid[i] { continue }
            let s = Int(offsets[i]), l = Int(offsets[i + 1]) - s
            if lo < 0 {
                lo = i; hi = i
                loStart = s; loLen = l; hiStart = s; hiLen = l
                continue
            }
            if compareBytes(base, s, l, loStart, loLen) < 0 { lo = i; loStart = s; loLen = l }
            else if compareBytes(base, s, l, hiStart, hiLen) > 0 { hi = i; hiStart = s; hiLen = l }
        }
        guard lo >= 0 else { return nil }
        func copy(_ i: Int) -> [UInt8] { Array(UnsafeRawBufferPointer(rebasing: bytes[Int(offsets[i])..<Int(offsets[i + 1])])) }
        return (copy(lo), copy(hi))
    }

    /// Min and max (as unsigned bytes) among the values `ids` of `offsets`/`bytes`; nil when none.
    static func bytes(offsets: UnsafeBufferPointer<Int32>, bytes: UnsafeRawBufferPointer,
                      ids: some Sequence<Int>) -> ([UInt8], [UInt8])? {
        var lo = -1, hi = -1
        let base = bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
        for i in ids {
            if lo < 0 { lo = i; hi = i; continue }
            let s = Int(offsets[i]), l = Int(offsets[i + 1]) - s
            if compareBytes(base, s, l, Int(offsets[lo]), Int(offsets[lo + 1] - offsets[lo])) < 0 { lo = i }
            if compareBytes(base, s, l, Int(offsets[hi]), Int(offsets[hi + 1] - offsets[hi])) > 0 { hi = i }
        }
        guard lo >= 0 else { return nil }
        func copy(_ i: Int) -> [UInt8] { Array(UnsafeRawBufferPointer(rebasing: bytes[Int(offsets[i])..<Int(offsets[i + 1])])) }
        return (copy(lo), copy(hi))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
