import StrataCore
@testable import StrataPlugins
import Testing

/// KeyIndex against a reference built from `RowKey` bytes in a Dictionary (the former implementation).
struct KeyIndexTests {
    /// A deterministic pseudo-random sequence (xorshift), so failures reproduce.
    struct Rand {
        var s: UInt64
        mutating func next(_ n: Int) -> Int {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17
            return Int(s % UInt64(n))
        }
    }

    static func column(_ type: DataType, rows: Int, distinct: Int, nulls: Bool, _ rng: inout Rand) -> Column {
        var b = ColumnBuilder(type: type, capacity: rows)
        for _ in 0..<rows {
            let k = rng.next(distinct)
            if nulls && k == 0 { b.appendNull(); continue }
            switch type {
            case .string: b.append(k == 1 ? "" : "key-\(k * 7919)")
            case .double: b.append(k == 2 ? -0.0 : Double(k) / 4)
            case .bool: b.append(k % 2 == 0)
            default: b.append(Int64(k) &* 0x1_0000_0001 - 5)
            }
        }
        return b.finish()
    }

    /// First-seen ids from RowKey bytes.
    static func reference(_ batches: [[Column]]) -> [[Int32]] {
        var seen: [[UInt8]: Int32] = [:]
        var key: [UInt8] = []
        return batches.map { cols in
            (0..<cols[0].count).map { r in
                RowKey.of(cols, r, into: &key)
                if let id = seen[key] { return id }
                let id = Int32(seen.count)
                seen[key] = id
                return id
            }
        }
    }

    @Test(arguments: [[DataType.int64], [.string], [.double], [.bool], [.date, .string], [.string, .int64, .decimal(precision: 10, scale: 2)]])
    func assignsFirstSeenIdsLikeRowKeyBytes(types: [DataType]) {
        var rng = Rand(s: 0x9e3779b97f4a7c15)
        // Several batches, enough distinct keys to grow the table many times.
        let batches: [[Column]] = (0..<5).map { i in
            types.map { Self.column($0, rows: 3_000 + i * 977, distinct: 5_000, nulls: i != 2, &rng) }
        }
        let index = KeyIndex(types: types)
        let got = batches.map { index.assign($0, rows: $0[0].count) }
        let want = Self.reference(batches)
        #expect(got == want)
        #expect(index.count == Int((want.flatMap { $0 }.max() ?? -1) + 1))
        // Row at a time gives the same ids, including for new keys.
        let single = KeyIndex(types: types)
        let rowWise = batches.map { cols in (0..<cols[0].count).map { single.assign(cols, row: $0) } }
        #expect(rowWise == want)
    }

    @Test(arguments: [[DataType.int64], [.string], [.int64, .string]])
    func lookupFindsKnownKeysAndNeverNulls(types: [DataType]) {
        var rng = Rand(s: 42)
        // Fewer distinct values per column when keys have several, so that probes still hit.
        let distinct = types.count > 1 ? 12 : 600
        let build = types.map { Self.column($0, rows: 2_000, distinct: distinct, nulls: true, &rng) }
        let probe = types.map { Self.column($0, rows: 3_000, distinct: 2 * distinct, nulls: true, &rng) }
        let index = KeyIndex(types: types)
        var ids = [Int32](repeating: -1, count: 2_000)
        for r in 0..<2_000 where !RowKey.hasNull(build, r) { ids[r] = index.assign(build, row: r) }
        var byKey: [[UInt8]: Int32] = [:]
        var key: [UInt8] = []
        for r in 0..<2_000 where ids[r] >= 0 {
            RowKey.of(build, r, into: &key)
            byKey[key] = ids[r]
        }
        let found = index.lookup(probe, rows: 3_000)
        var hits = 0, nullProbes = 0
        for r in 0..<3_000 {
            if RowKey.hasNull(probe, r) {
                nullProbes += 1
                #expect(found[r] == -1)
                continue
            }
            RowKey.of(probe, r, into: &key)
            #expect(found[r] == (byKey[key] ?? -1))
            if found[r] >= 0 { hits += 1 }
        }
        #expect(hits > 100 && nullProbes > 0)
        #expect(index.count == byKey.count)
    }

    @Test func pairsCountEachDistinctValueOncePerGroup() {
        let index = KeyIndex(integerKeys: true)
        var newPerGroup = [Int](repeating: 0, count: 3)
        let groups: [Int32] = [0, 0, 1, 1, 2, 0, 1, 2, 2]
        let values: [Int64] = [5, 5, 5, 6, -1, 6, 5, -1, 0]
        let validity = [true, true, true, true, true, true, true, true, false]
        index.insertPairs(groups: groups, values: values, validity: validity) { _, g in newPerGroup[Int(g)] += 1 }
        #expect(newPerGroup == [2, 2, 1])
        index.insertPairs(groups: [2, 2], values: [7, -1], validity: nil) { _, g in newPerGroup[Int(g)] += 1 }
        #expect(newPerGroup == [2, 2, 2])
    }
}
