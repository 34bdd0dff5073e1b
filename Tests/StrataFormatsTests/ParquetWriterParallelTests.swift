import Foundation
import Testing
import StrataCore
import StrataTestSupport
@testable import StrataFormats

/// Parallel encoding: the bytes of a file do not depend on the thread count or on how batches arrive.
@Suite struct ParquetWriterParallelTests {
    static func bytes(_ path: String) throws -> [UInt8] { Array(try Data(contentsOf: URL(fileURLWithPath: path))) }

    static func options(threads: Int, rowGroupRows: Int = 1_000, rowGroupBytes: Int = 64 << 20, level: Int = 1) -> ParquetWriteOptions {
        var o = ParquetWriteOptions()
        o.threads = threads
        o.rowGroupRows = rowGroupRows
        o.rowGroupBytes = rowGroupBytes
        o.pageRows = 300
        o.compressionLevel = level
        return o
    }

    @Test(arguments: [(1_000, 64 << 20), (10_000_000, 20_000)])
    func sameBytesForAnyThreadCount(rowGroupRows: Int, rowGroupBytes: Int) throws {
        let dir = try TempDir()
        var files: [[UInt8]] = []
        var summaries: [ParquetFileSummary] = []
        for threads in [1, 2, 3, 8] {
            let path = dir.file("t\(threads).parquet")
            let o = Self.options(threads: threads, rowGroupRows: rowGroupRows, rowGroupBytes: rowGroupBytes)
            summaries.append(try ParquetWriterTests.write(path, rows: 0..<5_000, options: o, batchRows: 777))
            files.append(try Self.bytes(path))
        }
        #expect(summaries[0].rowGroups > 3, "the test must cover several row groups in flight")
        for (f, s) in zip(files.dropFirst(), summaries.dropFirst()) {
            #expect(f == files[0])
            #expect(s == summaries[0])
        }
        // And the file reads back as written.
        let r = try ParquetReader(path: dir.file("t2.parquet"))
        var rows: [[Value]] = []
        while let b = try r.next() { rows += b.rows() }
        #expect(rows == ParquetTestData.batch(0..<5_000).rows())
    }

    @Test func batchSizesDoNotChangeTheFile() throws {
        let dir = try TempDir()
        let o = Self.options(threads: 2, rowGroupRows: 1_200)
        _ = try ParquetWriterTests.write(dir.file("a.parquet"), rows: 0..<4_000, options: o, batchRows: 1)
        _ = try ParquetWriterTests.write(dir.file("b.parquet"), rows: 0..<4_000, options: o, batchRows: 4_000)
        #expect(try Self.bytes(dir.file("a.parquet")) == Self.bytes(dir.file("b.parquet")))
    }

    @Test func rowGroupBytesBoundsEachRowGroup() throws {
        let dir = try TempDir()
        let path = dir.file("small.parquet")
        let budget = 40_000
        let s = try ParquetWriterTests.write(path, rows: 0..<6_000, options: Self.options(threads: 2, rowGroupRows: 1_000_000, rowGroupBytes: budget), batchRows: 500)
        let perRow = RowGroupBuffer.bytes(of: ParquetTestData.batch(0..<6_000).columns) / 6_000
        #expect(s.rowGroups >= 6_000 * perRow / budget)
        #expect(s.rows == 6_000)
        let r = try ParquetReader(path: path)
        #expect(r.rowGroupCount == s.rowGroups)
    }

    @Test func sharedPoolServesSeveralWriters() throws {
        let dir = try TempDir()
        let pool = WorkerPool(threads: 2)
        let o = Self.options(threads: 2, rowGroupRows: 500)
        let writers = try (0..<3).map { try ParquetWriter(path: dir.file("w\($0).parquet"), schema: ParquetTestData.schema, options: o, pool: pool) }
        for start in stride(from: 0, to: 3_000, by: 250) {
            try writers[(start / 250) % 3].write(ParquetTestData.batch(start..<(start + 250)))
        }
        let summaries = try writers.map { try $0.close() }
        #expect(summaries.map(\.rows) == [1_000, 1_000, 1_000])
        let alone = try ParquetWriterTests.write(dir.file("alone.parquet"), rows: 0..<250, options: Self.options(threads: 1, rowGroupRows: 500))
        #expect(alone.rows == 250)
    }

    @Test func encodingErrorsSurfaceFromCloseAndLeaveNoHang() throws {
        let dir = try TempDir()
        let schema = Schema([Field("id", .int64, nullable: false)])
        let w = try ParquetWriter(path: dir.file("bad.parquet"), schema: schema, options: Self.options(threads: 2, rowGroupRows: 10))
        // A null in a not-null column is found by the encoder, on a worker thread.
        let col = Column(type: .int64, values: .int64(Array(0..<25)), validity: (0..<25).map { $0 != 17 })
        var error: StrataError?
        do {
            try w.write(Batch(schema: schema, columns: [col]))
            _ = try w.close()
        } catch let e as StrataError {
            error = e
        }
        #expect(error?.code == .schemaMismatch)
    }

    @Test func threadsMustBePositive() throws {
        var o = ParquetWriteOptions()
        o.threads = 0
        #expect(throws: StrataError.self) { try o.validate() }
        o.threads = 1
        o.rowGroupBytes = 0
        #expect(throws: StrataError.self) { try o.validate() }
    }
}
