import Foundation
import Testing
import StrataCore
import StrataTestSupport
@testable import StrataFormats

@Suite struct ParquetWriterTests {
    /// A value as the oracle scripts print it: everything as text (exact for 64-bit ints),
    /// dates as days, timestamps as epoch micros, decimals as Python's `str(Decimal)`.
    static func text(_ v: Value) -> String? {
        switch v {
        case .null: return nil
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return Temporal.formatDouble(d)
        case .string(let s): return s
        case .binary(let b): return Value.hex(b)
        case .date(let d): return String(d)
        case .timestamp(let t): return String(t)
        case let .decimal(u, s): return Decimal64.format(u, scale: s)
        }
    }

    /// Normalizes an oracle's text for a double column (Python repr → Swift text).
    static func normalize(_ s: String?, _ type: DataType) -> String? {
        guard let s, type == .double else { return s }
        return Double(s).map(Temporal.formatDouble) ?? s
    }

    static let pyConv = """
    import sys, json, datetime, decimal
    EPOCH_D = datetime.date(1970, 1, 1)
    EPOCH_T = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
    def conv(v):
        if v is None: return None
        if isinstance(v, bool): return 'true' if v else 'false'
        if isinstance(v, datetime.datetime):
            d = v - EPOCH_T
            return str((d.days * 86400 + d.seconds) * 1000000 + d.microseconds)
        if isinstance(v, datetime.date): return str((v - EPOCH_D).days)
        if isinstance(v, float): return repr(v)
        if isinstance(v, bytes): return '\\\\x' + v.hex()
        return str(v)

    """

    /// Expected (nullCount, min, max) of rows, by Parquet's orders (strings as unsigned bytes).
    static func expectedStats(_ values: [Value]) -> ColumnStats {
        var s = ColumnStats()
        func less(_ a: Value, _ b: Value) -> Bool {
            switch (a, b) {
            case let (.int(x), .int(y)), let (.timestamp(x), .timestamp(y)), let (.decimal(x, _), .decimal(y, _)): return x < y
            case let (.date(x), .date(y)): return x < y
            case let (.double(x), .double(y)): return x < y
            case let (.bool(x), .bool(y)): return !x && y
            case let (.string(x), .string(y)): return Array(x.utf8).lexicographicallyPrecedes(Array(y.utf8))
            default: return false
            }
        }
        for v in values {
            if v.isNull { s.nullCount += 1; continue }
            if case .double(let d) = v, d.isNaN { continue }
            if s.min == nil || less(v, s.min!) { s.min = v }
            if s.max == nil || less(s.max!, v) { s.max = v }
        }
        return s
    }

    static func write(_ path: String, rows: Range<Int>, options: ParquetWriteOptions = ParquetWriteOptions(),
                      batchRows: Int = 333) throws -> ParquetFileSummary {
        let w = try ParquetWriter(path: path, schema: ParquetTestData.schema, options: options)
        var i = rows.lowerBound
        while i < rows.upperBound {
            let e = min(rows.upperBound, i + batchRows)
            try w.write(ParquetTestData.batch(i..<e))
            i = e
        }
        return try w.close()
    }

    @Test func summaryMatchesFileAndData() throws {
        let dir = try TempDir("pq-w")
        let path = dir.file("t.parquet")
        var o = ParquetWriteOptions()
        o.rowGroupRows = 400
        let s = try Self.write(path, rows: 0..<1000, options: o)
        #expect(s.rows == 1000)
        #expect(s.rowGroups == 3)
        #expect(s.bytes == (try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int))
        let rows = (0..<1000).map(ParquetTestData.row)
        for (c, f) in ParquetTestData.schema.fields.enumerated() {
            #expect(s.stats[c] == Self.expectedStats(rows.map { $0[c] }), "stats of \(f.name)")
        }
        #expect(s.stats[2].min == .double(-7), "min double")
        #expect(s.stats[3].min == .string(""), "empty string is the smallest")
        #expect(s.stats[3].max == .string("日本語"), "UTF-8 byte order (E6 > C3 > 5A)")
        #expect(s.stats[8] == ColumnStats(nullCount: 1000), "all-null column")
    }

    @Test func outputIsDeterministic() throws {
        let dir = try TempDir("pq-det")
        var o = ParquetWriteOptions()
        o.rowGroupRows = 500
        o.keyValueMetadata = ["b": "2", "a": "1", "c": "3"]
        _ = try Self.write(dir.file("a.parquet"), rows: 0..<1200, options: o, batchRows: 100)
        _ = try Self.write(dir.file("b.parquet"), rows: 0..<1200, options: o, batchRows: 777)
        let a = try Data(contentsOf: URL(fileURLWithPath: dir.file("a.parquet")))
        let b = try Data(contentsOf: URL(fileURLWithPath: dir.file("b.parquet")))
        #expect(a == b, "batch boundaries do not change the bytes")
        #expect(a.count > 1000)
    }

    @Test func nullInRequiredColumnIsRefused() throws {
        let dir = try TempDir("pq-req")
        let schema = Schema([Field("id", .int64, nullable: false)])
        let w = try ParquetWriter(path: dir.file("r.parquet"), schema: schema, options: ParquetWriteOptions())
        try w.write(Batch(schema: schema, columns: [Column(type: .int64, values: .int64([1, 2]), validity: [true, false])]))
        #expect { _ = try w.close() } throws: { ($0 as? StrataError)?.code == .schemaMismatch }
    }

    @Test func wrongBatchSchemaIsRefused() throws {
        let dir = try TempDir("pq-schema")
        let w = try ParquetWriter(path: dir.file("r.parquet"), schema: Schema([Field("a", .int64)]), options: ParquetWriteOptions())
        let other = Schema([Field("a", .string)])
        #expect { try w.write(Batch.empty(other)) } throws: { ($0 as? StrataError)?.code == .schemaMismatch }
    }

    @Test func invalidOptionsAreRefused() throws {
        let dir = try TempDir("pq-opt")
        var o = ParquetWriteOptions()
        o.compressionLevel = 23  // zstd (the default) takes 1…22
        #expect { _ = try ParquetWriter(path: dir.file("x.parquet"), schema: ParquetTestData.schema, options: o) }
            throws: { ($0 as? StrataError)?.code == .invalidConfig }
        o = ParquetWriteOptions()
        o.pageRows = 0
        #expect { _ = try ParquetWriter(path: dir.file("x.parquet"), schema: ParquetTestData.schema, options: o) }
            throws: { ($0 as? StrataError)?.code == .invalidConfig }
    }

    @Test func dictionaryFallsBackToPlain() throws {
        let schema = Schema([Field("low", .string), Field("high", .string), Field("ids", .int64), Field("codes", .int64)])
        var low = ColumnBuilder(type: .string), high = ColumnBuilder(type: .string)
        var ids = ColumnBuilder(type: .int64), codes = ColumnBuilder(type: .int64)
        for i in 0..<50_000 {
            low.append("category-\(i % 10)")
            high.append("unique-value-\(i)")
            ids.append(Int64(i))
            codes.append(Int64(i % 7) * 1_000_000_007)
        }
        let batch = Batch(schema: schema, columns: [low.finish(), high.finish(), ids.finish(), codes.finish()])
        let enc = try ParquetChunkEncoder(options: ParquetWriteOptions())
        let group = try enc.encodeRowGroup(batch.columns, schema: schema)
        let dictionaryUsed = group.chunks.map { $0.metaData.encodings.contains(Encoding.rleDictionary) }
        #expect(dictionaryUsed == [true, false, false, true])
        #expect(group.chunks[0].metaData.dictionaryPageOffset == 0)
        #expect(group.chunks[1].metaData.dictionaryPageOffset == nil)

        // A low-cardinality column falls back when its dictionary passes the page limit.
        var o = ParquetWriteOptions()
        o.dictionaryPageLimit = 100
        let small = try ParquetChunkEncoder(options: o).encodeRowGroup(batch.columns, schema: schema)
        #expect(small.chunks[0].metaData.encodings.contains(Encoding.rleDictionary) == false)

        // Both forms read back the same.
        let dir = try TempDir("pq-dict")
        for (name, options) in [("d", ParquetWriteOptions()), ("p", o)] {
            let w = try ParquetWriter(path: dir.file(name), schema: schema, options: options)
            try w.write(batch)
            _ = try w.close()
            let r = try ParquetReader(path: dir.file(name))
            let back = try #require(try r.next())
            #expect(back.columns == batch.columns)
        }
    }

    // MARK: - Oracles

    @Test(.enabled(if: PythonOracle.available), arguments: ParquetCompression.allCases)
    func pyarrowReadsValuesSchemaAndStatistics(compression: ParquetCompression) throws {
        let dir = try TempDir("pq-pa")
        let path = dir.file("t.parquet")
        var o = ParquetWriteOptions()
        o.compression = compression
        o.rowGroupRows = 600
        o.pageRows = 100
        o.keyValueMetadata = ["strata.table": "bronze.t"]
        _ = try Self.write(path, rows: 0..<1500, options: o)
        let out = try PythonOracle.json(Self.pyConv + """
        import pyarrow.parquet as pq
        f = pq.ParquetFile(sys.argv[1])
        t = f.read()
        md = f.metadata
        res = {
          'schema': [str(x.type) for x in t.schema], 'nullable': [x.nullable for x in t.schema],
          'created_by': md.created_by, 'num_rows': md.num_rows, 'row_groups': md.num_row_groups,
          'kv': {k.decode(): v.decode() for k, v in (md.metadata or {}).items()},
          'codec': md.row_group(0).column(0).compression,
          'cols': {n: [conv(v) for v in t.column(n).to_pylist()] for n in t.column_names},
          'stats': [[[c.statistics.null_count, c.statistics.has_min_max,
                      conv(c.statistics.min) if c.statistics.has_min_max else None,
                      conv(c.statistics.max) if c.statistics.has_min_max else None]
                     for c in (md.row_group(g).column(i) for i in range(md.num_columns))] for g in range(md.num_row_groups)],
        }
        print(json.dumps(res))
        """, [path]) as! [String: Any]
        #expect(out["schema"] as? [String] == ["int64", "bool", "double", "string", "date32[day]", "timestamp[us, tz=UTC]",
                                                "decimal128(9, 2)", "decimal128(18, 4)", "string"])
        #expect(out["nullable"] as? [Bool] == [false] + Array(repeating: true, count: 8))
        #expect(out["created_by"] as? String == "strata version 0.1.0")
        #expect(out["num_rows"] as? Int == 1500)
        #expect(out["row_groups"] as? Int == 3)
        #expect(out["codec"] as? String == (compression == .none ? "UNCOMPRESSED" : compression.rawValue.uppercased()))
        #expect((out["kv"] as? [String: String])?["strata.table"] == "bronze.t")
        let rows = (0..<1500).map(ParquetTestData.row)
        let cols = out["cols"] as! [String: [Any]]
        for (c, f) in ParquetTestData.schema.fields.enumerated() {
            let got = cols[f.name]!.map { Self.normalize($0 as? String, f.type) }
            #expect(got == rows.map { Self.text($0[c]) }, "values of \(f.name)")
        }
        let stats = out["stats"] as! [[[Any]]]
        for g in 0..<3 {
            let slice = rows[(g * 600)..<min(1500, (g + 1) * 600)]
            for (c, f) in ParquetTestData.schema.fields.enumerated() {
                let e = Self.expectedStats(slice.map { $0[c] })
                let s = stats[g][c]
                #expect(s[0] as? Int == e.nullCount, "null_count of \(f.name) in row group \(g)")
                #expect(s[1] as? Bool == (e.min != nil), "has_min_max of \(f.name)")
                #expect(Self.normalize(s[2] as? String, f.type) == e.min.flatMap(Self.text), "min of \(f.name) in row group \(g)")
                #expect(Self.normalize(s[3] as? String, f.type) == e.max.flatMap(Self.text), "max of \(f.name) in row group \(g)")
            }
        }
    }

    @Test(.enabled(if: PythonOracle.available), arguments: ParquetCompression.allCases)
    func duckdbReadsValuesAndTypes(compression: ParquetCompression) throws {
        let dir = try TempDir("pq-duck")
        let path = dir.file("t.parquet")
        var o = ParquetWriteOptions()
        o.compression = compression
        o.rowGroupRows = 700
        o.pageRows = 256
        _ = try Self.write(path, rows: 0..<2000, options: o)
        let out = try PythonOracle.json(Self.pyConv + """
        import duckdb
        p = sys.argv[1]
        types = list(duckdb.sql(f"select typeof(COLUMNS(*)) from '{p}' limit 1").fetchall()[0])
        q = f\"\"\"select id, flag, amount, name, date_diff('day', DATE '1970-01-01', day), epoch_us(ts),
                 price::varchar, big::varchar, nothing from '{p}' order by id\"\"\"
        rows = duckdb.sql(q).fetchall()
        print(json.dumps({'types': types, 'count': len(rows), 'rows': [[conv(v) for v in r] for r in rows]}))
        """, [path]) as! [String: Any]
        #expect(out["types"] as? [String] == ["BIGINT", "BOOLEAN", "DOUBLE", "VARCHAR", "DATE", "TIMESTAMP WITH TIME ZONE",
                                               "DECIMAL(9,2)", "DECIMAL(18,4)", "VARCHAR"])
        #expect(out["count"] as? Int == 2000)
        let expected = (0..<2000).map(ParquetTestData.row).sorted { a, b in
            if case let (.int(x), .int(y)) = (a[0], b[0]) { return x < y }
            return false
        }
        let got = out["rows"] as! [[Any]]
        for (i, row) in expected.enumerated() {
            for (c, f) in ParquetTestData.schema.fields.enumerated() {
                let g = Self.normalize(got[i][c] as? String, f.type)
                if g != Self.text(row[c]) {
                    Issue.record("duckdb row \(i) column \(f.name): \(g ?? "null") != \(Self.text(row[c]) ?? "null")")
                    return
                }
            }
        }
    }

    @Test(.enabled(if: PythonOracle.available))
    func oraclesReadEmptyFile() throws {
        let dir = try TempDir("pq-empty-o")
        let path = dir.file("e.parquet")
        _ = try ParquetWriter(path: path, schema: ParquetTestData.schema, options: ParquetWriteOptions()).close()
        let out = try PythonOracle.run("""
        import sys, pyarrow.parquet as pq, duckdb
        t = pq.read_table(sys.argv[1])
        print(t.num_rows, t.num_columns, duckdb.sql(f"select count(*) from '{sys.argv[1]}'").fetchall()[0][0])
        """, [path])
        #expect(out.trimmingCharacters(in: .whitespacesAndNewlines) == "0 9 0")
    }

    /// Binary columns are BYTE_ARRAY without a string annotation: pyarrow reads `binary` with the
    /// exact bytes, and a file pyarrow writes with binary and string columns reads back as such.
    @Test(.enabled(if: PythonOracle.available))
    func binaryColumnsRoundTripThroughPyarrow() throws {
        let dir = try TempDir("pq-bin")
        let path = dir.file("b.parquet")
        let schema = Schema([Field("raw", .binary), Field("text", .string)])
        var raw = ColumnBuilder(type: .binary), text = ColumnBuilder(type: .string)
        let values: [[UInt8]?] = [[0, 255, 10], [], nil, Array("é".utf8), [0x80]]
        for v in values {
            if let v { raw.append(.binary(v)); text.append("x") } else { raw.appendNull(); text.appendNull() }
        }
        let w = try ParquetWriter(path: path, schema: schema, options: ParquetWriteOptions())
        try w.write(Batch(schema: schema, columns: [raw.finish(), text.finish()]))
        _ = try w.close()
        let out = try PythonOracle.json(Self.pyConv + """
        import pyarrow as pa, pyarrow.parquet as pq
        t = pq.read_table(sys.argv[1])
        pq.write_table(pa.table({'b': pa.array([b'\\x01\\x02', None], pa.binary()), 's': pa.array(['a', None])}), sys.argv[2])
        print(json.dumps({'types': [str(x.type) for x in t.schema], 'raw': [conv(v) for v in t.column('raw').to_pylist()]}))
        """, [path, dir.file("pa.parquet")]) as! [String: Any]
        #expect(out["types"] as? [String] == ["binary", "string"])
        #expect((out["raw"] as? [Any])?.map { $0 as? String } == values.map { $0.map(Value.hex) })
        let back = try ParquetReader(path: path)
        #expect(back.schema.fields.map(\.type) == [.binary, .string])
        let batch = try #require(try back.next())
        #expect((0..<batch.rowCount).map { batch.columns[0].value($0) } == values.map { $0.map(Value.binary) ?? .null })
        let theirs = try ParquetReader(path: dir.file("pa.parquet"))
        #expect(theirs.schema.fields.map(\.type) == [.binary, .string])
        #expect(try #require(try theirs.next()).columns[0].value(0) == .binary([1, 2]))
    }
}
