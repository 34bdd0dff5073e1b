import Foundation
import Testing
import StrataCore
import StrataTestSupport
@testable import StrataFormats

@Suite struct ParquetWriterTests {
    @Test func smokePyarrow() throws {
        let dir = try TempDir("pq")
        let path = dir.file("t.parquet")
        let w = try ParquetWriter(path: path, schema: ParquetTestData.schema, options: ParquetWriteOptions())
        try w.write(ParquetTestData.batch(0..<100))
        let s = try w.close()
        #expect(s.rows == 100)
        let out = try PythonOracle.run("""
        import sys, pyarrow.parquet as pq
        t = pq.read_table(sys.argv[1]); print(t.schema); print(t.to_pylist()[:8]); print(pq.ParquetFile(sys.argv[1]).metadata.row_group(0))
        import duckdb; print(duckdb.sql(f"select count(*), min(name), epoch_us(max(ts)), typeof(max(ts)), typeof(max(price)) from '{sys.argv[1]}'").fetchall())
        """, [path])
        print(out)
    }
}
