"""Regenerates the pyarrow-written fixtures read by ParquetReaderTests (test oracle only).

Run: python make_fixtures.py  (pyarrow 26). The values are mirrored in ParquetReaderTests.swift.
"""
import datetime, decimal
import pyarrow as pa, pyarrow.parquet as pq

utc = datetime.timezone.utc
table = pa.table({
    "i": pa.array([1, None, -9223372036854775808, 9223372036854775807, 7], pa.int64()),
    "i32": pa.array([1, 2, None, -2147483648, 2147483647], pa.int32()),
    "b": pa.array([True, False, None, True, True], pa.bool_()),
    "f": pa.array([1.5, None, -0.0, 1e300, float("inf")], pa.float64()),
    "f32": pa.array([0.5, 1.25, None, -2.0, 3.0], pa.float32()),
    "s": pa.array(["a", "", None, "Zürich 🎉", "a"], pa.string()),
    "d": pa.array([datetime.date(2024, 2, 29), None, datetime.date(1900, 1, 1), datetime.date(1970, 1, 1), datetime.date(9999, 12, 31)], pa.date32()),
    "ts": pa.array([datetime.datetime(2024, 1, 2, 3, 4, 5, 6, tzinfo=utc), None, datetime.datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=utc),
                    datetime.datetime(1970, 1, 1, tzinfo=utc), datetime.datetime(2262, 1, 1, tzinfo=utc)], pa.timestamp("us", tz="UTC")),
    "ms": pa.array([1000, 2000, None, -1, 0], pa.timestamp("ms", tz="UTC")),
    "dec": pa.array([decimal.Decimal("1.23"), None, decimal.Decimal("-99999.99"), decimal.Decimal("0.00"), decimal.Decimal("12345.67")], pa.decimal128(7, 2)),
    "dec18": pa.array([decimal.Decimal("123456789012.345678"), None, decimal.Decimal("-1.000001"), decimal.Decimal("0"), decimal.Decimal("1")], pa.decimal128(18, 6)),
    "req": pa.array([10, 20, 30, 40, 50], pa.int64()),
})
schema = table.schema.set(table.schema.get_field_index("req"), pa.field("req", pa.int64(), nullable=False))
table = table.cast(schema)
pq.write_table(table, "pyarrow_gzip.parquet", compression="gzip")
pq.write_table(table, "pyarrow_none.parquet", compression="none", use_dictionary=False)
pq.write_table(table, "pyarrow_v2_gzip.parquet", compression="gzip", data_page_version="2.0")

# Codecs and encodings other writers use (issue 12): each must read equal to the values above.
pq.write_table(table, "pyarrow_zstd.parquet", compression="zstd")
pq.write_table(table, "pyarrow_lz4raw.parquet", compression="lz4")
pq.write_table(table, "pyarrow_v2_snappy.parquet", compression="snappy", data_page_version="2.0")
ints = ["i", "i32", "d", "ts", "ms", "req"]
pq.write_table(table, "pyarrow_delta.parquet", compression="zstd", use_dictionary=False, data_page_version="2.0",
               store_decimal_as_integer=True,
               column_encoding={**{c: "DELTA_BINARY_PACKED" for c in ints + ["dec", "dec18"]}, "s": "DELTA_LENGTH_BYTE_ARRAY",
                                "f": "BYTE_STREAM_SPLIT", "f32": "BYTE_STREAM_SPLIT", "b": "RLE"})
pq.write_table(table, "pyarrow_delta_prefix.parquet", compression="snappy", use_dictionary=False,
               column_encoding={"s": "DELTA_BYTE_ARRAY", "dec": "BYTE_STREAM_SPLIT", "dec18": "BYTE_STREAM_SPLIT",
                                "i": "BYTE_STREAM_SPLIT", "i32": "BYTE_STREAM_SPLIT"})
pq.write_table(table, "pyarrow_brotli.parquet", compression="brotli")  # a codec Strata rejects by name
