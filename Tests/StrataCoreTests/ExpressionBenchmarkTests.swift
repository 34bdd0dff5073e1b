import Foundation
import Testing
import StrataCore

/// Throughput of typical expressions over 1M rows; runs only with STRATA_BENCH=1
/// (`swift build -c release -Xswiftc -enable-testing --build-tests`, then `swift test -c release --skip-build --filter Benchmark`).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["STRATA_BENCH"] == "1"))
struct ExpressionBenchmarkTests {
    @Test func throughput() throws {
        let n = 1_000_000
        let schema = Schema([Field("amount", .decimal(precision: 10, scale: 2)), Field("qty", .int64),
                             Field("status", .string), Field("at", .timestamp)])
        var a = ColumnBuilder(type: .decimal(precision: 10, scale: 2), capacity: n)
        var q = ColumnBuilder(type: .int64, capacity: n)
        var s = ColumnBuilder(type: .string, capacity: n)
        var t = ColumnBuilder(type: .timestamp, capacity: n)
        let statuses = ["paid", "refunded", "pending", "failed"]
        for i in 0..<n {
            if i % 97 == 0 { a.appendNull() } else { a.append(Int64(i % 100_000)) }
            q.append(Int64(i % 13))
            s.append(statuses[i % 4])
            t.append(Int64(1_700_000_000_000_000) + Int64(i) * 1_000_000)
        }
        let batch = Batch(schema: schema, columns: [a.finish(), q.finish(), s.finish(), t.finish()])
        let context = EvaluationContext(now: 0)
        for text in ["upper(status)", "CAST(qty AS STRING)", "status || '-'", "status || status", "amount * qty + 1", "qty * 2 > 3 AND status = 'paid'", "status IN ('paid', 'refunded')",
                     "CASE WHEN status = 'paid' THEN amount ELSE 0 END", "upper(status) || '-' || CAST(qty AS STRING)",
                     "date_trunc('day', at)", "status LIKE 'p%d'", "coalesce(amount, 0) / 3"] {
            let e = try ExpressionCompiler.compile(text, schema: schema)
            _ = try e.evaluate(batch, context: context)
            let start = DispatchTime.now().uptimeNanoseconds
            let c = try e.evaluate(batch, context: context)
            let secs = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            #expect(c.count == n)
            print("bench \(text): \(Int(Double(n) / secs / 1e6)) M rows/s (\(String(format: "%.1f", secs * 1000)) ms)")
        }
    }
}
