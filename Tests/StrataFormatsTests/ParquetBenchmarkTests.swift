import Foundation
import Testing
import StrataCore
import StrataFormats

/// Encode + compress throughput (opt-in: `STRATA_BENCH=1 swift test -c release --filter ParquetBenchmark`).
///
/// 5M rows × (int64, string with ~1000 distinct values, double, timestamp), 64K-row batches.
@Suite struct ParquetBenchmarkTests {
    static let enabled = ProcessInfo.processInfo.environment["STRATA_BENCH"] == "1"
    /// `STRATA_BENCH_CODEC=none|gzip-1|gzip-6` runs one configuration (for profiling).
    static let configs: [(String, ParquetCompression, Int)] = {
        let all: [(String, ParquetCompression, Int)] = [("none", .none, 6), ("gzip-1", .gzip, 1), ("gzip-6", .gzip, 6)]
        guard let only = ProcessInfo.processInfo.environment["STRATA_BENCH_CODEC"] else { return all }
        return all.filter { $0.0 == only }
    }()

    static func batches(rows: Int) -> (Schema, [Batch], Int) {
        let schema = Schema([Field("id", .int64, nullable: false), Field("city", .string), Field("amount", .double), Field("ts", .timestamp)])
        var out: [Batch] = []
        var inputBytes = 0
        var x: UInt64 = 7
        var start = 0
        while start < rows {
            let n = min(Batch.preferredRows, rows - start)
            var ids = [Int64](), amounts = [Double](), ts = [Int64]()
            var city = ByteArrays()
            ids.reserveCapacity(n); amounts.reserveCapacity(n); ts.reserveCapacity(n)
            for i in start..<(start + n) {
                x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                ids.append(Int64(i))
                city.append("city-\(x >> 54)")   // 1024 distinct
                amounts.append(Double(Int(x >> 44) % 100_000) / 100)
                ts.append(1_700_000_000_000_000 + Int64(i) * 1_000_000 + Int64(x >> 60))
            }
            inputBytes += n * 24 + city.bytes.count
            out.append(Batch(schema: schema, columns: [
                Column(type: .int64, values: .int64(ids)), Column(type: .string, values: .bytes(city)),
                Column(type: .double, values: .double(amounts)), Column(type: .timestamp, values: .int64(ts)),
            ]))
            start += n
        }
        return (schema, out, inputBytes)
    }

    @Test(.enabled(if: enabled))
    func encodeThroughput() throws {
        let rows = 5_000_000
        let (schema, batches, inputBytes) = Self.batches(rows: rows)
        let dir = NSTemporaryDirectory() + "strata-bench-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (label, compression, level) in Self.configs {
            var o = ParquetWriteOptions()
            o.compression = compression
            o.compressionLevel = level
            let path = dir + "/\(label).parquet"
            let t0 = Date()
            let w = try ParquetWriter(path: path, schema: schema, options: o)
            for b in batches { try w.write(b) }
            let s = try w.close()
            let dt = Date().timeIntervalSince(t0)
            #expect(s.rows == rows)
            print(String(format: "parquet-bench %@: %.2f s, %.1f M rows/s, %.1f MB/s of input (%d MB in), file %.1f MB",
                         label, dt, Double(rows) / dt / 1e6, Double(inputBytes) / dt / 1e6, inputBytes / 1_000_000,
                         Double(s.bytes) / 1e6))
        }
    }
}
