import StrataCore

/// The aggregate functions of `aggregate` and `window`.
enum AggregateFunction: String, CaseIterable, Sendable {
    case count, count_distinct, sum, avg, min, max, first, last

    /// The result type for an argument type (nil argument: `count(*)`).
    func resultType(_ arg: DataType?) throws -> (DataType, nullable: Bool) {
        switch self {
        case .count, .count_distinct: return (.int64, false)
        case .sum:
            switch arg {
            case .int64: return (.int64, true)
            case .double: return (.double, true)
            case .decimal(_, let s): return (.decimal(precision: 18, scale: s), true)
            default: throw StrataError(.typeMismatch, "sum needs a number, got \(arg.map { "\($0)" } ?? "*")")
            }
        case .avg:
            guard let a = arg, a.isNumeric else { throw StrataError(.typeMismatch, "avg needs a number, got \(arg.map { "\($0)" } ?? "*")") }
            return (.double, true)
        case .min, .max, .first, .last:
            guard let a = arg else { throw StrataError(.typeMismatch, "\(rawValue) needs a column, not *") }
            return (a, true)
        }
    }

    func makeAccumulator(arg: DataType?) -> any Accumulator {
        switch self {
        case .count: return CountAcc(star: arg == nil)
        case .count_distinct: return CountDistinctAcc()
        case .sum:
            if arg == .double { return SumDoubleAcc() }
            return SumIntAcc()
        case .avg:
            if case .decimal(_, let s) = arg { return AvgAcc(scale: s) }
            return AvgAcc(scale: nil)
        case .min: return ExtremeAcc(wantMax: false)
        case .max: return ExtremeAcc(wantMax: true)
        case .first: return PickAcc(last: false)
        case .last: return PickAcc(last: true)
        }
    }
}

/// Per-group state of one aggregate. `groups[i]` is the group of row `i` of `column`.
protocol Accumulator: AnyObject {
    func update(groups: [Int32], groupCount: Int, column: Column?) throws
    func result(type: DataType, groupCount: Int) -> Column
}

final class CountAcc: Accumulator {
    let star: Bool
    var counts: [Int64] = []
    init(star: Bool) { self.star = star }

    func update(groups: [Int32], groupCount: Int, column: Column?) throws {
        if counts.count < groupCount { counts += [Int64](repeating: 0, count: groupCount - counts.count) }
        if star || column?.validity == nil {
            for g in groups { counts[Int(g)] += 1 }
        } else if let v = column?.validity {
            for (i, g) in groups.enumerated() where v[i] { counts[Int(g)] += 1 }
        }
    }

    func result(type: DataType, groupCount: Int) -> Column {
        var c = counts
        if c.count < groupCount { c += [Int64](repeating: 0, count: groupCount - c.count) }
        return Column(type: .int64, values: .int64(c))
    }
}

/// Distinct non-null values per group. Values are integers: integer-backed columns by value,
/// others by the value's id in a per-column `KeyIndex` (ids are dense: 0, 1, 2, ...).
///
/// While the values seen span a small range, each group has a bitmap over that range (one bit per
/// possible value; ids and surrogate keys are usually dense), so a row costs one bit test. Once
/// the bitmaps would exceed `maxBits` in all, the set bits move into one hash set of (group,
/// value) pairs and counting goes on there. Both give exact counts.
final class CountDistinctAcc: Accumulator {
    /// Bits that all groups' bitmaps may hold together (16 MiB).
    static let maxBits = 1 << 27
    var counts: [Int64] = []
    var values: KeyIndex?
    // Dense mode: bitmaps over [lo, lo + 64 * stride), `stride` words per group, group after group.
    var dense = true
    var lo: Int64 = 0
    var stride = 0
    var bits: [UInt64] = []
    var bitmapGroups = 0
    // Sparse mode.
    var pairs: KeyIndex?

    func update(groups: [Int32], groupCount: Int, column: Column?) throws {
        if counts.count < groupCount { counts += [Int64](repeating: 0, count: groupCount - counts.count) }
        guard let column else { return }
        let v: [Int64]
        if case .int64(let ints) = column.values {
            v = ints
        } else {
            if values == nil { values = KeyIndex(types: [column.type]) }
            v = values!.assign([column], rows: column.count).map { Int64($0) }
        }
        let validity = column.validity
        if dense { prepareBitmaps(v, validity, groupCount: groupCount) }
        if dense {
            let lo = self.lo, stride = self.stride
            bits.withUnsafeMutableBufferPointer { b in
                counts.withUnsafeMutableBufferPointer { c in
                    v.withUnsafeBufferPointer { vp in
                        groups.withUnsafeBufferPointer { gp in
                            for r in 0..<vp.count {
                                if let validity, !validity[r] { continue }
                                let off = Int(vp[r] &- lo)
                                let g = Int(gp[r])
                                let w = g * stride + off >> 6
                                let bit: UInt64 = 1 << UInt64(off & 63)
                                if b[w] & bit == 0 {
                                    b[w] |= bit
                                    c[g] += 1
                                }
                            }
                        }
                    }
                }
            }
            return
        }
        counts.withUnsafeMutableBufferPointer { c in
            pairs!.insertPairs(groups: groups, values: v, validity: validity) { _, g in c[Int(g)] += 1 }
        }
    }

    /// Widens the bitmaps to cover this batch's values and groups, or leaves dense mode.
    func prepareBitmaps(_ v: [Int64], _ validity: [Bool]?, groupCount: Int) {
        var bmin = Int64.max, bmax = Int64.min
        for r in v.indices {
            if let validity, !validity[r] { continue }
            bmin = min(bmin, v[r])
            bmax = max(bmax, v[r])
        }
        var newLo = lo, newStride = stride
        if bmin <= bmax {
            let hi = stride == 0 ? bmin : lo &+ Int64(stride * 64) &- 1
            if stride == 0 || bmin < lo || bmax > hi {
                let low = stride == 0 ? bmin : min(lo, bmin)
                let high = stride == 0 ? bmax : max(hi, bmax)
                let (span, overflow) = high.subtractingReportingOverflow(low)
                guard !overflow, span < Int64(Self.maxBits) else { return toSparse() }
                // Grow at least twice over, so a slowly widening range rebuilds rarely.
                newStride = max(Int(span) / 64 + 1, 2 * stride)
                newLo = low
            }
        }
        guard newStride * 64 * max(groupCount, 1) <= Self.maxBits else { return toSparse() }
        if newStride != stride || newLo != lo {
            var fresh = [UInt64](repeating: 0, count: newStride * groupCount)
            if stride > 0 {
                let shift = Int(lo - newLo)  // bits; the old range starts `shift` bits into the new one
                for g in 0..<bitmapGroups {
                    for w in 0..<stride where bits[g * stride + w] != 0 {
                        var word = bits[g * stride + w]
                        while word != 0 {
                            let b = word.trailingZeroBitCount
                            word &= word - 1
                            let off = shift + w * 64 + b
                            fresh[g * newStride + off >> 6] |= 1 << UInt64(off & 63)
                        }
                    }
                }
            }
            bits = fresh
            lo = newLo
            stride = newStride
        } else if groupCount > bitmapGroups {
            bits += [UInt64](repeating: 0, count: (groupCount - bitmapGroups) * stride)
        }
        bitmapGroups = max(bitmapGroups, groupCount)
    }

    /// Moves every set bit into the pair set (the counts stay as they are).
    func toSparse() {
        dense = false
        let p = KeyIndex(integerKeys: true)
        for g in 0..<bitmapGroups {
            var gs: [Int32] = []
            var vs: [Int64] = []
            for w in 0..<stride {
                var word = bits[g * stride + w]
                while word != 0 {
                    let b = word.trailingZeroBitCount
                    word &= word - 1
                    gs.append(Int32(g))
                    vs.append(lo + Int64(w * 64 + b))
                }
            }
            if !gs.isEmpty { p.insertPairs(groups: gs, values: vs, validity: nil) { _, _ in } }
        }
        pairs = p
        bits = []
        stride = 0
    }

    func result(type: DataType, groupCount: Int) -> Column {
        Column(type: .int64, values: .int64((0..<groupCount).map { $0 < counts.count ? counts[$0] : 0 }))
    }
}

final class SumIntAcc: Accumulator {
    var sums: [Int64] = []
    var has: [Bool] = []

    func update(groups: [Int32], groupCount: Int, column: Column?) throws {
        if sums.count < groupCount {
            sums += [Int64](repeating: 0, count: groupCount - sums.count)
            has += [Bool](repeating: false, count: groupCount - has.count)
        }
        guard let column, case .int64(let v) = column.values else { return }
        for (i, g) in groups.enumerated() where !column.isNull(i) {
            let (s, o) = sums[Int(g)].addingReportingOverflow(v[i])
            if o { throw StrataError(.runFailed, "sum overflowed 64 bits", hint: "cast the column to double first") }
            sums[Int(g)] = s
            has[Int(g)] = true
        }
    }

    func result(type: DataType, groupCount: Int) -> Column {
        var b = ColumnBuilder(type: type, capacity: groupCount)
        for g in 0..<groupCount {
            if g < has.count && has[g] { b.append(sums[g]) } else { b.appendNull() }
        }
        return b.finish()
    }
}

final class SumDoubleAcc: Accumulator {
    var sums: [Double] = []
    var has: [Bool] = []

    func update(groups: [Int32], groupCount: Int, column: Column?) throws {
        if sums.count < groupCount {
            sums += [Double](repeating: 0, count: groupCount - sums.count)
            has += [Bool](repeating: false, count: groupCount - has.count)
        }
        guard let column, case .double(let v) = column.values else { return }
        for (i, g) in groups.enumerated() where !column.isNull(i) {
            sums[Int(g)] += v[i]
            has[Int(g)] = true
        }
    }

    func result(type: DataType, groupCount: Int) -> Column {
        var b = ColumnBuilder(type: .double, capacity: groupCount)
        for g in 0..<groupCount {
            if g < has.count && has[g] { b.append(sums[g]) } else { b.appendNull() }
        }
        return b.finish()
    }
}

final class AvgAcc: Accumulator {
    let scale: Int?
    var sums: [Double] = []
    var counts: [Int64] = []
    init(scale: Int?) { self.scale = scale }

    func update(groups: [Int32], groupCount: Int, column: Column?) throws {
        if sums.count < groupCount {
            sums += [Double](repeating: 0, count: groupCount - sums.count)
            counts += [Int64](repeating: 0, count: groupCount - counts.count)
        }
        guard let column else { return }
        let div = scale.map { Double(Decimal64.powersOf10[$0]) } ?? 1
        switch column.values {
        case .int64(let v):
            for (i, g) in groups.enumerated() where !column.isNull(i) {
                sums[Int(g)] += Double(v[i]) / div
                counts[Int(g)] += 1
            }
        case .double(let v):
            for (i, g) in groups.enumerated() where !column.isNull(i) {
                sums[Int(g)] += v[i]
                counts[Int(g)] += 1
            }
        default: break
        }
    }

    func result(type: DataType, groupCount: Int) -> Column {
        var b = ColumnBuilder(type: .double, capacity: groupCount)
        for g in 0..<groupCount {
            if g < counts.count && counts[g] > 0 { b.append(sums[g] / Double(counts[g])) } else { b.appendNull() }
        }
        return b.finish()
    }
}

/// min / max over any type (strings by UTF-8 bytes; NaN is ignored).
final class ExtremeAcc: Accumulator {
    let wantMax: Bool
    var best: [Value] = []
    init(wantMax: Bool) { self.wantMax = wantMax }

    func update(groups: [Int32], groupCount: Int, column: Column?) throws {
        if best.count < groupCount { best += [Value](repeating: .null, count: groupCount - best.count) }
        guard let column else { return }
        switch column.values {
        case .int64(let v):
            for (i, g) in groups.enumerated() where !column.isNull(i) {
                let x = v[i]
                let gi = Int(g)
                if case .null = best[gi] { best[gi] = column.value(i); continue }
                let cur = Self.int(best[gi])
                if wantMax ? x > cur : x < cur { best[gi] = column.value(i) }
            }
        case .double(let v):
            for (i, g) in groups.enumerated() where !column.isNull(i) && !v[i].isNaN {
                let gi = Int(g)
                if case .double(let cur) = best[gi] {
                    if wantMax ? v[i] > cur : v[i] < cur { best[gi] = .double(v[i]) }
                } else {
                    best[gi] = .double(v[i])
                }
            }
        case .bool(let v):
            for (i, g) in groups.enumerated() where !column.isNull(i) {
                let gi = Int(g)
                if case .bool(let cur) = best[gi] {
                    if wantMax ? (v[i] && !cur) : (!v[i] && cur) { best[gi] = .bool(v[i]) }
                } else {
                    best[gi] = .bool(v[i])
                }
            }
        case .bytes(let b):
            for (i, g) in groups.enumerated() where !column.isNull(i) {
                let gi = Int(g)
                if case .string(let cur) = best[gi] {
                    let s = b.string(i)
                    let less = Array(s.utf8).lexicographicallyPrecedes(Array(cur.utf8))
                    let greater = Array(cur.utf8).lexicographicallyPrecedes(Array(s.utf8))
                    if wantMax ? greater : less { best[gi] = .string(s) }
                } else {
                    best[gi] = .string(b.string(i))
                }
            }
        }
    }

    static func int(_ v: Value) -> Int64 {
        switch v {
        case .int(let i), .timestamp(let i): return i
        case .date(let d): return Int64(d)
        case .decimal(let u, _): return u
        default: return 0
        }
    }

    func result(type: DataType, groupCount: Int) -> Column {
        var b = ColumnBuilder(type: type, capacity: groupCount)
        for g in 0..<groupCount { b.append(g < best.count ? best[g] : .null) }
        return b.finish()
    }
}

/// first / last row's value of each group (nulls included, as DuckDB's `first`).
final class PickAcc: Accumulator {
    let last: Bool
    var picked: [Value?] = []
    init(last: Bool) { self.last = last }

    func update(groups: [Int32], groupCount: Int, column: Column?) throws {
        if picked.count < groupCount { picked += [Value?](repeating: nil, count: groupCount - picked.count) }
        guard let column else { return }
        for (i, g) in groups.enumerated() {
            let gi = Int(g)
            if last || picked[gi] == nil { picked[gi] = column.value(i) }
        }
    }

    func result(type: DataType, groupCount: Int) -> Column {
        var b = ColumnBuilder(type: type, capacity: groupCount)
        for g in 0..<groupCount { b.append((g < picked.count ? picked[g] : nil) ?? .null) }
        return b.finish()
    }
}
