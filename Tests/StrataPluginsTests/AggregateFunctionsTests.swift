import StrataCore
@testable import StrataPlugins
import Testing

/// count_distinct's bitmaps, their widening and the switch to a hash set count exactly what a Set does.
struct CountDistinctTests {
    /// Feeds batches of (group, value) rows to the accumulator and to a reference of Sets.
    static func check(_ batches: [[(Int32, Value)]], type: DataType) -> CountDistinctAcc {
        let acc = CountDistinctAcc()
        var reference: [Int: Set<Value>] = [:]
        var groupCount = 0
        for rows in batches {
            var b = ColumnBuilder(type: type)
            for (_, v) in rows { b.append(v) }
            let groups = rows.map(\.0)
            groupCount = max(groupCount, Int((groups.max() ?? -1) + 1))
            try? acc.update(groups: groups, groupCount: groupCount, column: b.finish())
            for (g, v) in rows where v != .null { reference[Int(g), default: []].insert(v) }
        }
        let got = acc.result(type: .int64, groupCount: groupCount)
        let want = (0..<groupCount).map { Value.int(Int64(reference[$0]?.count ?? 0)) }
        #expect((0..<groupCount).map { got.value($0) } == want)
        return acc
    }

    static func int(_ g: Int, _ v: Int64?) -> (Int32, Value) { (Int32(g), v.map { Value.int($0) } ?? Value.null) }
    static func str(_ g: Int, _ v: String?) -> (Int32, Value) { (Int32(g), v.map { Value.string($0) } ?? Value.null) }

    @Test func denseIdsStayInBitmapsWhileTheRangeWidensBothWays() {
        let first: [(Int32, Value)] = (0..<500).map { i in Self.int(i % 3, Int64(1_000 + i % 97)) }
        // Lower and higher values, and more groups.
        let second: [(Int32, Value)] = (0..<500).map { i in Self.int(i % 5, i % 11 == 0 ? nil : Int64(900 + i % 300)) }
        let third: [(Int32, Value)] = (0..<300).map { i in Self.int(i % 2, Int64(5_000 - i)) }
        let batches = [first, second, third]
        let acc = Self.check(batches, type: .int64)
        #expect(acc.dense)
    }

    @Test func aWideRangeMovesToTheHashSetWithoutLosingCounts() {
        let first: [(Int32, Value)] = (0..<400).map { i in Self.int(i % 4, Int64(i % 50)) }
        // Far too wide a range for bitmaps.
        let second: [(Int32, Value)] = (0..<400).map { i in Self.int(i % 4, Int64(i % 60) * 1_000_000_007) }
        let third: [(Int32, Value)] = (0..<400).map { i in Self.int(i % 6, Int64(i % 70)) }
        let extremes: [(Int32, Value)] = [Self.int(0, .min), Self.int(0, .max), Self.int(1, .min)]
        let batches = [first, second, third, extremes]
        let acc = Self.check(batches, type: .int64)
        #expect(!acc.dense)
    }

    @Test func stringsCountByTheirIds() {
        let first: [(Int32, Value)] = (0..<300).map { i in Self.str(i % 3, i % 13 == 0 ? nil : "user-\(i % 40)@example.com") }
        let second: [(Int32, Value)] = (0..<300).map { i in Self.str(i % 4, i % 2 == 0 ? "" : "x\(i % 90)") }
        let batches = [first, second]
        _ = Self.check(batches, type: .string)
    }
}
