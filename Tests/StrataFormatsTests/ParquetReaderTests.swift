import Foundation
import Testing
import StrataCore
import StrataTestSupport
@testable import StrataFormats

@Suite struct ParquetReaderTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures/parquet"

    static func readAll(_ path: String, columns: [String]? = nil) throws -> (Schema, [[Value]]) {
        let r = try ParquetReader(path: path, columns: columns)
        var rows: [[Value]] = []
        while let b = try r.next() { rows += b.rows() }
        return (r.schema, rows)
    }

    static func column(_ rows: [[Value]], _ i: Int) -> [Value] { rows.map { $0[i] } }

    static func micros(_ y: Int, _ m: Int, _ d: Int, _ s: Int64 = 0) -> Int64 {
        Int64(Temporal.days(year: y, month: m, day: d)) * Temporal.microsPerDay + s
    }

    /// Values of make_fixtures.py.
    static let expected: [String: [Value]] = [
        "i": [.int(1), .null, .int(.min), .int(.max), .int(7)],
        "i32": [.int(1), .int(2), .null, .int(-2_147_483_648), .int(2_147_483_647)],
        "b": [.bool(true), .bool(false), .null, .bool(true), .bool(true)],
        "f": [.double(1.5), .null, .double(-0.0), .double(1e300), .double(.infinity)],
        "f32": [.double(0.5), .double(1.25), .null, .double(-2), .double(3)],
        "s": [.string("a"), .string(""), .null, .string("Zürich 🎉"), .string("a")],
        "d": [.date(Int32(Temporal.days(year: 2024, month: 2, day: 29))), .null, .date(Int32(Temporal.days(year: 1900, month: 1, day: 1))),
              .date(0), .date(Int32(Temporal.days(year: 9999, month: 12, day: 31)))],
        "ts": [.timestamp(micros(2024, 1, 2, 3 * 3_600_000_000 + 4 * 60_000_000 + 5_000_006)), .null, .timestamp(-1),
               .timestamp(0), .timestamp(micros(2262, 1, 1))],
        "ms": [.timestamp(1_000_000), .timestamp(2_000_000), .null, .timestamp(-1000), .timestamp(0)],
        "dec": [.decimal(123, scale: 2), .null, .decimal(-9_999_999, scale: 2), .decimal(0, scale: 2), .decimal(1_234_567, scale: 2)],
        "dec18": [.decimal(123_456_789_012_345_678, scale: 6), .null, .decimal(-1_000_001, scale: 6), .decimal(0, scale: 6),
                  .decimal(1_000_000, scale: 6)],
        "req": [.int(10), .int(20), .int(30), .int(40), .int(50)],
    ]

    @Test(arguments: ["pyarrow_gzip.parquet", "pyarrow_none.parquet", "pyarrow_v2_gzip.parquet", "pyarrow_zstd.parquet",
                      "pyarrow_lz4raw.parquet", "pyarrow_v2_snappy.parquet", "pyarrow_delta.parquet", "pyarrow_delta_prefix.parquet"])
    func readsPyarrowFiles(name: String) throws {
        let path = Self.fixtures + "/" + name
        let (schema, rows) = try Self.readAll(path)
        #expect(schema.names == ["i", "i32", "b", "f", "f32", "s", "d", "ts", "ms", "dec", "dec18", "req"])
        #expect(schema.fields.map(\.type) == [.int64, .int64, .bool, .double, .double, .string, .date, .timestamp, .timestamp,
                                              .decimal(precision: 7, scale: 2), .decimal(precision: 18, scale: 6), .int64])
        #expect(schema.fields.map(\.nullable) == Array(repeating: true, count: 11) + [false])
        #expect(rows.count == 5)
        for (i, f) in schema.fields.enumerated() {
            #expect(Self.column(rows, i) == Self.expected[f.name]!, "column \(f.name) of \(name)")
        }
        let r = try ParquetReader(path: path)
        #expect(r.rowCount == 5)
        #expect(r.createdBy?.hasPrefix("parquet-cpp-arrow") == true)
        #expect(r.metadata["ARROW:schema"] != nil)
    }

    @Test func unsupportedCodecIsRejectedByName() throws {
        let r = try ParquetReader(path: Self.fixtures + "/pyarrow_brotli.parquet")
        do {
            _ = try r.next()
            Issue.record("expected an error")
        } catch let e as StrataError {
            #expect(e.code == .corruptData)
            #expect(e.message.contains("BROTLI"))
            #expect(e.message.contains("pyarrow_brotli.parquet"))
        }
    }

    @Test func columnSelectionAndUnknownColumn() throws {
        let (schema, rows) = try Self.readAll(Self.fixtures + "/pyarrow_gzip.parquet", columns: ["s", "i"])
        #expect(schema.names == ["s", "i"])
        #expect(Self.column(rows, 0) == Self.expected["s"]!)
        #expect(Self.column(rows, 1) == Self.expected["i"]!)
        do {
            _ = try ParquetReader(path: Self.fixtures + "/pyarrow_gzip.parquet", columns: ["ii32"])
            Issue.record("expected an error")
        } catch let e as StrataError {
            #expect(e.code == .schemaMismatch)
            #expect(e.hint == "did you mean 'i32'?")
        }
        #expect(try ParquetReader.readSchema(path: Self.fixtures + "/pyarrow_none.parquet").count == 12)
    }

    @Test func missingFileIsNotFound() {
        #expect { try ParquetReader(path: "/nonexistent/x.parquet") } throws: { ($0 as? StrataError)?.code == .notFound }
    }

    @Test(arguments: ParquetCompression.allCases, [true, false])
    func roundTripsEveryType(compression: ParquetCompression, dictionary: Bool) throws {
        let dir = try TempDir("pq-rt")
        let path = dir.file("t.parquet")
        var o = ParquetWriteOptions()
        o.compression = compression
        o.dictionary = dictionary
        o.rowGroupRows = 700
        o.pageRows = 128
        let w = try ParquetWriter(path: path, schema: ParquetTestData.schema, options: o)
        try w.write(ParquetTestData.batch(0..<1000))
        try w.write(ParquetTestData.batch(1000..<1001))
        try w.write(Batch.empty(ParquetTestData.schema))
        try w.write(ParquetTestData.batch(1001..<2500))
        let summary = try w.close()
        #expect(summary.rows == 2500)
        #expect(summary.rowGroups == 4)
        let r = try ParquetReader(path: path)
        #expect(r.schema == ParquetTestData.schema)
        #expect(r.rowCount == 2500)
        #expect(r.createdBy == "strata version 0.1.0")
        var got: [[Value]] = []
        var batches = 0
        while let b = try r.next() {
            got += b.rows()
            batches += 1
            #expect(b.columns[8].validity?.allSatisfy { !$0 } == true, "all-null column")
            #expect(b.columns[0].validity == nil, "required column has no validity")
        }
        #expect(batches == 4)
        #expect(got == (0..<2500).map(ParquetTestData.row))
    }

    @Test func emptyFileRoundTrips() throws {
        let dir = try TempDir("pq-empty")
        let path = dir.file("e.parquet")
        let s = try ParquetWriter(path: path, schema: ParquetTestData.schema, options: ParquetWriteOptions()).close()
        #expect(s.rows == 0 && s.rowGroups == 0)
        #expect(s.stats.allSatisfy { $0 == ColumnStats(nullCount: 0) })
        let r = try ParquetReader(path: path)
        #expect(r.schema == ParquetTestData.schema)
        #expect(r.rowCount == 0)
        #expect(try r.next() == nil)
    }

    /// Truncations and byte flips of valid files must throw or read, never trap.
    @Test(arguments: ParquetCompression.allCases)
    func corruptFilesThrowNeverTrap(compression: ParquetCompression) throws {
        let dir = try TempDir("pq-fuzz")
        let path = dir.file("ok.parquet")
        var o = ParquetWriteOptions()
        o.compression = compression
        o.rowGroupRows = 150
        o.pageRows = 40
        let w = try ParquetWriter(path: path, schema: ParquetTestData.schema, options: o)
        try w.write(ParquetTestData.batch(0..<300))
        _ = try w.close()
        let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let bad = dir.file("bad.parquet")
        func attempt(_ bytes: [UInt8]) throws -> Bool {
            try Data(bytes).write(to: URL(fileURLWithPath: bad))
            do {
                let r = try ParquetReader(path: bad)
                while try r.next() != nil {}
                return false
            } catch let e as StrataError {
                #expect(e.code == .corruptData || e.code == .schemaMismatch, "\(e)")
                if e.code == .corruptData { #expect(e.message.contains(bad), "\(e)") }
                return true
            }
        }
        var thrown = 0
        for cut in stride(from: 0, to: good.count, by: max(1, good.count / 150)) {
            if try attempt(Array(good.prefix(cut))) { thrown += 1 }
        }
        #expect(thrown > 100, "every truncation is detected")
        var x: UInt64 = 42
        for _ in 0..<400 {
            var bytes = good
            x = x &* 6_364_136_223_846_793_005 &+ 1
            let at = Int(x >> 33) % bytes.count
            bytes[at] ^= UInt8(truncatingIfNeeded: x >> 17) | 1
            _ = try attempt(bytes)
        }
    }

    /// Byte flips and truncations of other writers' files (ZSTD, LZ4_RAW, SNAPPY v2 pages, every
    /// DELTA encoding and BYTE_STREAM_SPLIT) read or throw `.corruptData`/`.schemaMismatch`,
    /// never trap, hang or return a column of the wrong length.
    @Test(arguments: ["pyarrow_delta.parquet", "pyarrow_delta_prefix.parquet", "pyarrow_lz4raw.parquet", "pyarrow_v2_snappy.parquet",
                      "pyarrow_zstd.parquet"])
    func damagedForeignFilesThrowNeverTrap(name: String) throws {
        let good = try [UInt8](Data(contentsOf: URL(fileURLWithPath: Self.fixtures + "/" + name)))
        let dir = try TempDir("pq-fuzz-foreign")
        let bad = dir.file("bad.parquet")
        func attempt(_ bytes: [UInt8]) throws {
            try Data(bytes).write(to: URL(fileURLWithPath: bad))
            do {
                let r = try ParquetReader(path: bad)
                while let b = try r.next() {
                    for c in b.columns { #expect(c.count == b.rowCount) }
                }
            } catch let e as StrataError {
                #expect([.corruptData, .schemaMismatch, .unsupported].contains(e.code), "\(e)")
            }
        }
        for cut in stride(from: 0, to: good.count, by: max(1, good.count / 100)) { try attempt(Array(good.prefix(cut))) }
        var x: UInt64 = 7
        for _ in 0..<600 {
            var bytes = good
            x = x &* 6_364_136_223_846_793_005 &+ 1
            bytes[Int(x >> 33) % bytes.count] ^= UInt8(truncatingIfNeeded: x >> 17) | 1
            try attempt(bytes)
        }
    }
}
