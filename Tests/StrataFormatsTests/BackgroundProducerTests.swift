import Foundation
import Testing
import StrataCore
import StrataTestSupport
@testable import StrataFormats

/// Readers that parse ahead on their own thread give exactly what reading inline gives.
@Suite struct BackgroundProducerTests {
    struct Boom: Error {}

    final class Source: @unchecked Sendable {
        var next = 0
        let last: Int
        init(last: Int) { self.last = last }
    }

    @Test func itemsInOrderThenLast() throws {
        let s = Source(last: 50)
        let p = BackgroundProducer<Int>(depth: 2) {
            s.next += 1
            return (s.next, s.next == s.last)
        }
        var got: [Int] = []
        while true {
            let (v, last) = try p.next()
            got.append(v)
            if last { break }
        }
        #expect(got == Array(1...50))
    }

    @Test func errorIsDelivered() {
        let p = BackgroundProducer<Int>(depth: 1) { throw Boom() }
        #expect(throws: Boom.self) { try p.next() }
    }

    @Test func releasingEarlyStopsTheProducer() throws {
        let s = Source(last: Int.max)
        var p: BackgroundProducer<Int>? = BackgroundProducer(depth: 2) {
            s.next += 1
            return (s.next, false)
        }
        _ = try p!.next()
        p = nil
        Thread.sleep(forTimeInterval: 0.2)
        let stopped = s.next
        Thread.sleep(forTimeInterval: 0.2)
        #expect(s.next == stopped)
        #expect(stopped <= 5)
    }

    static let csvSchema = Schema([
        Field("id", .int64, nullable: false), Field("amount", .decimal(precision: 10, scale: 2)),
        Field("name", .string), Field("at", .timestamp),
    ])

    static func csvText(rows: Int) -> String {
        var s = "id,amount,name,at\n"
        for i in 0..<rows {
            if i % 97 == 5 { s += "\(i),not a number,x,2024-01-01T00:00:00Z\n"; continue }  // quarantined
            if i % 89 == 7 { s += ",1.00,missing id,2024-01-01T00:00:00Z\n"; continue }       // quarantined
            s += "\(i),\(i % 1000).\(i % 100),\"name, \(i % 13)\",2024-01-\(String(format: "%02d", i % 28 + 1))T10:00:00Z\n"
        }
        return s
    }

    @Test func csvBackgroundEqualsInline() throws {
        let dir = try TempDir()
        let text = Self.csvText(rows: 20_000)
        var results: [ReadResult] = []
        for background in [false, true] {
            let o = CSVTest.options { $0.background = background; $0.batchRows = 1_000; $0.chunkSize = 4_096 }
            results.append(try CSVTest.read(text, schema: Self.csvSchema, options: o, dir: dir))
        }
        #expect(results[0].batches == results[1].batches)
        #expect(results[0].quarantined.map(\.line) == results[1].quarantined.map(\.line))
        #expect(results[0].quarantined.map(\.reason) == results[1].quarantined.map(\.reason))
        #expect(results[1].quarantined.count > 300)
        #expect(results[1].rows.count + results[1].quarantined.count == 20_000)
    }

    @Test func csvCountersFollowTheBatches() throws {
        let dir = try TempDir()
        let path = try dir.write("c.csv", Self.csvText(rows: 5_000))
        let r = try CSVReader(path: path, displayPath: "c.csv", schema: Self.csvSchema,
                              options: CSVTest.options { $0.batchRows = 1_000 }, quarantine: { _ in })
        var good = 0
        while let b = try r.next() {
            good += b.rowCount
            #expect(r.rowsRead - r.rowsQuarantined == good)
        }
        #expect(r.rowsRead == 5_000)
        #expect(try r.next() == nil)
    }

    @Test func jsonlBackgroundEqualsInline() throws {
        let dir = try TempDir()
        var text = ""
        for i in 0..<10_000 {
            if i % 101 == 3 { text += "{not json\n"; continue }
            text += #"{"id": \#(i), "page": {"url": "/p/\#(i % 50)"}, "v": \#(Double(i) / 4)}"# + "\n"
        }
        let schema = Schema([Field("id", .int64), Field("page.url", .string), Field("v", .double)])
        var results: [ReadResult] = []
        for background in [false, true] {
            var o = JSONLOptions()
            o.background = background
            o.batchRows = 700
            results.append(try JSONLTest.read(text, schema: schema, options: o, dir: dir))
        }
        #expect(results[0].batches == results[1].batches)
        #expect(results[0].quarantined.map(\.line) == results[1].quarantined.map(\.line))
        #expect(results[1].quarantined.count == 99)
    }

    @Test func jsonlInferenceOverManyFilesMatchesFileOrder() throws {
        let dir = try TempDir()
        var paths: [String] = []
        for f in 0..<7 {
            var text = ""
            for i in 0..<2_000 {
                var fields = [#""id": \#(i)"#]
                fields.append(f == 5 && i == 1_999 ? #""n": 1.5"# : #""n": \#(i)"#)
                fields.append(f == 2 && i == 10 ? #""d": "soon""# : #""d": "2024-02-0\#(i % 9 + 1)""#)
                if f >= 3 { fields.append(#""f\#(f)": true"#) }
                if f == 6 { fields.insert(#""first_in_six": null"#, at: 0) }
                text += "{" + fields.joined(separator: ", ") + "}\n"
            }
            paths.append(try dir.write("f\(f).jsonl", text))
        }
        let s = try JSONLSchemaInference.infer(files: paths, options: JSONLOptions())
        #expect(s == Schema([
            Field("id", .int64), Field("n", .double), Field("d", .string),
            Field("f3", .bool), Field("f4", .bool), Field("f5", .bool), Field("first_in_six", .string), Field("f6", .bool),
        ]))
    }
}
