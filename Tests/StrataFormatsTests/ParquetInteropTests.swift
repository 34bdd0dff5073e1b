import Foundation
import Testing
import StrataCore
import StrataTestSupport
@testable import StrataFormats

/// Parquet files other writers produce, with every codec and encoding they use, read by Strata
/// and compared value by value with what the writer was given (issue 12). The fixtures in
/// `Fixtures/parquet` pin small files; these write tens of thousands of rows at test time, so
/// many pages, dictionary fallbacks and full DELTA blocks are exercised too.
@Suite struct ParquetInteropTests {
    static let rows = 30_000

    /// Builds the table (seeded), writes `variants`, prints the source columns as JSON.
    static let generator = ParquetWriterTests.pyConv + """
    import random, pyarrow as pa, pyarrow.parquet as pq
    out_dir, n = sys.argv[1], int(sys.argv[2])
    rnd = random.Random(12)
    utc = datetime.timezone.utc
    def maybe(v): return None if rnd.random() < 0.1 else v
    words = ['alpha', 'alphabet', 'alpine', 'beta', 'betamax', 'Zürich', '東京', '', 'x' * 40]
    base = 1_700_000_000_000_000
    cols = {
      'i': [maybe(rnd.choice([rnd.randint(-2**63, 2**63 - 1), i * 3, -i])) for i in range(n)],
      'sorted': list(range(5_000_000, 5_000_000 + n)),
      'i32': [maybe(rnd.randint(-2**31, 2**31 - 1)) for _ in range(n)],
      'b': [maybe(rnd.random() < 0.3) for _ in range(n)],
      'f': [maybe(rnd.choice([rnd.uniform(-1e9, 1e9), 0.5, -0.0, float('inf')])) for _ in range(n)],
      'f32': [maybe(float(rnd.randint(-1000, 1000)) / 4) for _ in range(n)],
      's': [maybe(rnd.choice(words) + str(rnd.randint(0, 10 ** rnd.randint(0, 6)))) for _ in range(n)],
      'low': [rnd.choice(words) for _ in range(n)],
      'd': [maybe(datetime.date(1970, 1, 1) + datetime.timedelta(days=rnd.randint(-40000, 40000))) for _ in range(n)],
      'ts': [maybe(datetime.datetime.fromtimestamp((base + rnd.randint(-10**15, 10**15)) / 1e6, utc)) for _ in range(n)],
      'dec': [maybe(decimal.Decimal(rnd.randint(-10**8, 10**8)) / 100) for _ in range(n)],
      'dec18': [maybe(decimal.Decimal(rnd.randint(-10**17, 10**17)) / 10000) for _ in range(n)],
    }
    types = {'i': pa.int64(), 'sorted': pa.int64(), 'i32': pa.int32(), 'b': pa.bool_(), 'f': pa.float64(), 'f32': pa.float32(),
             's': pa.string(), 'low': pa.string(), 'd': pa.date32(), 'ts': pa.timestamp('us', tz='UTC'),
             'dec': pa.decimal128(9, 2), 'dec18': pa.decimal128(18, 4)}
    t = pa.table({k: pa.array(v, types[k]) for k, v in cols.items()})
    files = []
    def pa_write(name, **kw):
        pq.write_table(t, f'{out_dir}/{name}.parquet', row_group_size=12_000, data_page_size=16_384, **kw)
        files.append(name)
    for codec in ['snappy', 'zstd', 'gzip', 'lz4', 'none']:
        pa_write(f'pyarrow_{codec}_v1', compression=codec)
        pa_write(f'pyarrow_{codec}_v2', compression=codec, data_page_version='2.0')
    ints = ['i', 'sorted', 'i32', 'd', 'ts', 'dec', 'dec18']
    pa_write('pyarrow_delta', compression='zstd', use_dictionary=False, data_page_version='2.0', store_decimal_as_integer=True,
             column_encoding={**{c: 'DELTA_BINARY_PACKED' for c in ints}, 's': 'DELTA_LENGTH_BYTE_ARRAY',
                              'low': 'DELTA_BYTE_ARRAY', 'f': 'BYTE_STREAM_SPLIT', 'f32': 'BYTE_STREAM_SPLIT', 'b': 'RLE'})
    pa_write('pyarrow_split', compression='snappy', use_dictionary=False,
             column_encoding={'s': 'DELTA_BYTE_ARRAY', 'low': 'DELTA_LENGTH_BYTE_ARRAY', 'dec': 'BYTE_STREAM_SPLIT',
                              'dec18': 'BYTE_STREAM_SPLIT', 'i': 'BYTE_STREAM_SPLIT', 'i32': 'BYTE_STREAM_SPLIT',
                              'ts': 'BYTE_STREAM_SPLIT', 'f': 'BYTE_STREAM_SPLIT'})
    import duckdb
    con = duckdb.connect()
    con.execute("SET TimeZone='UTC'")
    con.register('t', t)
    for codec in ['snappy', 'zstd', 'gzip', 'lz4_raw', 'uncompressed']:
        for version in ['V1', 'V2']:
            name = f'duckdb_{codec}_{version.lower()}'
            con.execute(f"COPY (SELECT * FROM t) TO '{out_dir}/{name}.parquet' (FORMAT parquet, COMPRESSION {codec}, PARQUET_VERSION {version}, ROW_GROUP_SIZE 10000)")
            files.append(name)
    encodings = {}
    for name in files:
        md = pq.ParquetFile(f'{out_dir}/{name}.parquet').metadata
        encodings[name] = sorted({e for g in range(md.num_row_groups) for c in range(md.num_columns) for e in md.row_group(g).column(c).encodings})
    print(json.dumps({'files': files, 'encodings': encodings, 'cols': {k: [conv(v) for v in t.column(k).to_pylist()] for k in t.column_names}}))
    """

    @Test(.enabled(if: PythonOracle.available))
    func readsEveryCodecAndEncodingOfPyarrowAndDuckDB() throws {
        let dir = try TempDir("pq-interop")
        let out = try PythonOracle.json(Self.generator, [dir.path, String(Self.rows)]) as! [String: Any]
        let files = out["files"] as! [String]
        let expected = out["cols"] as! [String: [Any]]
        let encodings = out["encodings"] as! [String: [String]]
        let seen = Set(encodings.values.joined())
        for e in ["DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY", "BYTE_STREAM_SPLIT", "RLE_DICTIONARY"] {
            #expect(seen.contains(e), "the writers produced \(e)")
        }
        #expect(files.count == 22)
        for name in files {
            try Self.expectEqual(path: dir.file(name + ".parquet"), expected: expected, label: name)
        }
    }

    /// Reads `path` with Strata and compares every column with the source values.
    static func expectEqual(path: String, expected: [String: [Any]], label: String) throws {
        let r = try ParquetReader(path: path)
        var got: [String: [String?]] = [:]
        while let b = try r.next() {
            for (c, f) in r.schema.fields.enumerated() {
                let col = b.columns[c]
                got[f.name, default: []] += (0..<b.rowCount).map { ParquetWriterTests.text(col.value($0)) }
            }
        }
        for (name, values) in expected {
            guard let mine = got[name] else { Issue.record("\(label): column \(name) missing"); continue }
            let type = r.schema.fields.first { $0.name == name }!.type
            let theirs = values.map { ParquetWriterTests.normalize($0 as? String, type) }
            guard mine.count == theirs.count else { Issue.record("\(label).\(name): \(mine.count) rows, expected \(theirs.count)"); continue }
            if let i = mine.indices.first(where: { mine[$0] != theirs[$0] }) {
                Issue.record("\(label).\(name) row \(i): \(mine[i] ?? "null") != \(theirs[i] ?? "null")")
            }
        }
    }

    /// Spark (the external engine, here only as a writer) rewrites the source file with each
    /// codec, with parquet-mr's v2 writer (DELTA encodings, v2 pages), and with its default
    /// INT96 timestamps as well as TIMESTAMP_MICROS.
    static let sparkWriter = """
    import sys, glob, json, shutil
    from pyspark.sql import SparkSession
    src, out_dir = sys.argv[1], sys.argv[2]
    spark = (SparkSession.builder.master('local[1]').config('spark.ui.enabled', 'false')
             .config('spark.sql.session.timeZone', 'UTC').config('spark.sql.shuffle.partitions', '1').getOrCreate())
    spark.sparkContext.setLogLevel('ERROR')
    df = spark.read.parquet(src).orderBy('sorted').coalesce(1)
    files = []
    for codec in ['snappy', 'zstd', 'gzip', 'lz4_raw', 'none']:
        for writer in ['v1', 'v2']:
            for ts in ['INT96', 'TIMESTAMP_MICROS']:
                if ts == 'INT96' and writer == 'v2' and codec not in ('snappy', 'zstd'): continue
                name = f'spark_{codec}_{writer}_{ts.lower()}'
                spark.conf.set('spark.sql.parquet.outputTimestampType', ts)
                d = f'{out_dir}/{name}.dir'
                # v2 without dictionaries: DELTA_BYTE_ARRAY strings, DELTA_BINARY_PACKED numbers.
                plain = writer == 'v2' and ts == 'TIMESTAMP_MICROS'
                (df.write.mode('overwrite').option('compression', codec).option('parquet.writer.version', writer)
                   .option('parquet.enable.dictionary', 'false' if plain else 'true').parquet(d))
                part = glob.glob(d + '/part-*.parquet')
                assert len(part) == 1, part
                shutil.move(part[0], f'{out_dir}/{name}.parquet')
                files.append(name)
    print(json.dumps(files))
    """

    @Test(.enabled(if: PythonOracle.available))
    func readsEveryCodecAndEncodingSparkWrites() throws {
        let dir = try TempDir("pq-spark")
        let out = try PythonOracle.json(Self.generator, [dir.path, "20000"]) as! [String: Any]
        let expected = out["cols"] as! [String: [Any]]
        let files = try PythonOracle.json(Self.sparkWriter, [dir.file("pyarrow_none_v1.parquet"), dir.path]) as! [String]
        #expect(files.count == 17)
        let encodings = try PythonOracle.json("""
        import sys, json, pyarrow.parquet as pq
        seen = set()
        for f in sys.argv[1:]:
            md = pq.ParquetFile(f).metadata
            seen |= {e for g in range(md.num_row_groups) for c in range(md.num_columns) for e in md.row_group(g).column(c).encodings}
            seen |= {md.row_group(0).column(c).physical_type for c in range(md.num_columns)}
        print(json.dumps(sorted(seen)))
        """, files.map { dir.file($0 + ".parquet") }) as! [String]
        for e in ["DELTA_BINARY_PACKED", "DELTA_BYTE_ARRAY", "RLE_DICTIONARY", "PLAIN_DICTIONARY", "INT96"] {
            #expect(encodings.contains(e), "Spark produced \(e)")
        }
        for name in files {
            try Self.expectEqual(path: dir.file(name + ".parquet"), expected: expected, label: name)
        }
    }
}
