import Testing
import StrataCore
@testable import StrataFormats

@Suite struct DeltaPartitionsTests {
    @Test(arguments: [
        ("US", "US"),
        ("a b", "a b"),
        ("a:b/c", "a%3Ab%2Fc"),
        ("100%", "100%25"),
        ("x=y?z#w", "x%3Dy%3Fz%23w"),
        ("\"q'*\\{[]^", "%22q%27%2A%5C%7B%5B%5D%5E"),
        ("tab\there\n", "tab%09here%0A"),
        ("\u{7F}", "%7F"),
        ("Café", "Café"),
        ("2025-01-02T03:04:05Z", "2025-01-02T03%3A04%3A05Z"),
    ])
    func hiveFolderEscaping(_ raw: String, _ escaped: String) {
        #expect(DeltaPartitions.escapeFolderValue(raw) == escaped)
        #expect(DeltaPartitions.unescapeFolderValue(escaped) == raw)
    }

    @Test func nullAndEmptyUseTheHiveDefaultPartition() {
        #expect(DeltaPartitions.escapeFolderValue(nil) == "__HIVE_DEFAULT_PARTITION__")
        #expect(DeltaPartitions.escapeFolderValue("") == "__HIVE_DEFAULT_PARTITION__")
        #expect(DeltaPartitions.unescapeFolderValue("__HIVE_DEFAULT_PARTITION__") == nil)
    }

    @Test func partFilePaths() {
        let uuid = "ABCDEF01-2222-3333-4444-555555555555"
        #expect(DeltaPartitions.partFilePath(partitions: [], index: 7, uuid: uuid)
                == "part-00007-abcdef01-2222-3333-4444-555555555555.gz.parquet")
        #expect(DeltaPartitions.partFilePath(partitions: [("day", "2025-01-02"), ("city", "a/b"), ("x", nil)], index: 123456, uuid: uuid)
                == "day=2025-01-02/city=a%2Fb/x=__HIVE_DEFAULT_PARTITION__/part-123456-abcdef01-2222-3333-4444-555555555555.gz.parquet")
    }

    @Test(arguments: [
        ("part-0.parquet", "part-0.parquet"),
        ("k=a b/part-0.parquet", "k=a%20b/part-0.parquet"),
        ("k=a%3Ab/p.parquet", "k=a%253Ab/p.parquet"),
        ("k=é/p", "k=%C3%A9/p"),
        ("k=a+b&c/p", "k=a%2Bb%26c/p"),
    ])
    func logPathEncoding(_ path: String, _ encoded: String) {
        #expect(DeltaPartitions.encodeLogPath(path) == encoded)
        #expect(DeltaPartitions.decodeLogPath(encoded) == path)
    }

    @Test func valueTextPerType() throws {
        #expect(DeltaPartitions.valueText(.date(Int32(Temporal.days(year: 2025, month: 1, day: 2)))) == "2025-01-02")
        #expect(DeltaPartitions.valueText(.timestamp(Int64(Temporal.days(year: 2025, month: 1, day: 2)) * Temporal.microsPerDay + 3_600_000_001))
                == "2025-01-02T01:00:00.000001Z")
        #expect(DeltaPartitions.valueText(.decimal(-1205, scale: 2)) == "-12.05")
        #expect(DeltaPartitions.valueText(.bool(true)) == "true")
        #expect(DeltaPartitions.valueText(.int(-42)) == "-42")
        #expect(DeltaPartitions.valueText(.string("a/b")) == "a/b")
        #expect(DeltaPartitions.valueText(.null) == nil)

        #expect(try DeltaPartitions.value("2025-01-02", type: .date, column: "d") == .date(Int32(Temporal.days(year: 2025, month: 1, day: 2))))
        // Delta also allows the space-separated timestamp form.
        #expect(try DeltaPartitions.value("1970-01-01 00:00:01.5", type: .timestamp, column: "t") == .timestamp(1_500_000))
        #expect(try DeltaPartitions.value("-12.05", type: .decimal(precision: 10, scale: 2), column: "m") == .decimal(-1205, scale: 2))
        #expect(try DeltaPartitions.value(nil, type: .int64, column: "i") == .null)
        #expect(try DeltaPartitions.value("", type: .string, column: "s") == .null)
        let e = #expect(throws: StrataError.self) { try DeltaPartitions.value("12x", type: .int64, column: "qty") }
        #expect(e?.code == .corruptData)
        #expect(e?.message.contains("qty") == true)
        #expect(e?.message.contains("12x") == false)
    }
}

@Suite struct DeltaSchemaTests {
    @Test func schemaStringIsDeltaShaped() throws {
        let s = Schema([Field("id", .int64, nullable: false), Field("price", .decimal(precision: 12, scale: 2)), Field("ok", .bool),
                        Field("d", .date), Field("t", .timestamp), Field("x", .double), Field("s", .string)])
        let text = DeltaSchema.schemaString(s)
        #expect(text == #"{"type":"struct","fields":[{"name":"id","type":"long","nullable":false,"metadata":{}},"#
                + #"{"name":"price","type":"decimal(12,2)","nullable":true,"metadata":{}},{"name":"ok","type":"boolean","nullable":true,"metadata":{}},"#
                + #"{"name":"d","type":"date","nullable":true,"metadata":{}},{"name":"t","type":"timestamp","nullable":true,"metadata":{}},"#
                + #"{"name":"x","type":"double","nullable":true,"metadata":{}},{"name":"s","type":"string","nullable":true,"metadata":{}}]}"#)
        #expect(try DeltaSchema.parse(text, file: "f") == s)
    }

    @Test func otherWritersTypesMapOrFailClearly() throws {
        let text = #"{"type":"struct","fields":[{"name":"a","type":"integer","nullable":true,"metadata":{}},{"name":"b","type":"float","nullable":true,"metadata":{}},{"name":"c","type":"timestamp_ntz","nullable":true,"metadata":{}},{"name":"d","type":"short","nullable":true,"metadata":{}}]}"#
        #expect(try DeltaSchema.parse(text, file: "f") == Schema([Field("a", .int64), Field("b", .double), Field("c", .timestamp), Field("d", .int64)]))
        let nested = #"{"type":"struct","fields":[{"name":"n","type":{"type":"struct","fields":[]},"nullable":true,"metadata":{}}]}"#
        let e = #expect(throws: StrataError.self) { try DeltaSchema.parse(nested, file: "f") }
        #expect(e?.code == .schemaMismatch)
        #expect(e?.message.contains("'n'") == true)
        let wide = #"{"type":"struct","fields":[{"name":"w","type":"decimal(38,2)","nullable":true,"metadata":{}}]}"#
        #expect(throws: StrataError.self) { try DeltaSchema.parse(wide, file: "f") }
    }

    @Test func statsJSONFollowsDelta() {
        let schema = Schema([Field("ts", .timestamp), Field("d", .date), Field("m", .decimal(precision: 12, scale: 2)),
                             Field("s", .string), Field("b", .bool), Field("x", .double)])
        let long = String(repeating: "é", count: 40)
        let stats = DeltaFileStats(numRecords: 3, schema: schema, columnStats: [
            ColumnStats(nullCount: 0, min: .timestamp(1_000_000), max: .timestamp(1_000_001)),
            ColumnStats(nullCount: 1, min: .date(0), max: .date(1)),
            ColumnStats(nullCount: 0, min: .decimal(-5, scale: 2), max: .decimal(123_456, scale: 2)),
            ColumnStats(nullCount: 0, min: .string(long), max: .string(long)),
            ColumnStats(nullCount: 0, min: .bool(false), max: .bool(true)),
            ColumnStats(nullCount: 0, min: .double(-.infinity), max: .double(2.5)),
        ])
        // No values in the log, only counts: it is immutable, so it must never copy a value.
        #expect(stats.json.serialized == #"{"numRecords":3,"minValues":{},"maxValues":{},"nullCount":{"b":0,"d":1,"m":0,"s":0,"ts":0,"x":0}}"#)
        let back = DeltaFileStats.parse(stats.json.serialized, schema: schema)
        #expect(back == stats)
    }
}

@Suite struct DeltaJSONValueTests {
    @Test func roundTripsWithEscapesAndOrder() throws {
        let v = JSONValue.object([
            "z": .string("a\"b\\c\n\u{01}é😀"), "a": .array([.int(-9_223_372_036_854_775_807), .double(0.1), .bool(false), .null]),
            "n": .number("12.30"), "o": .object([]),
        ])
        let text = v.serialized
        #expect(text == #"{"z":"a\"b\\c\n\u0001é😀","a":[-9223372036854775807,0.1,false,null],"n":12.30,"o":{}}"#)
        let back = try JSONValue.parse(text)
        #expect(back["z"] == .string("a\"b\\c\n\u{01}é😀"))
        #expect(back["a"] == .array([.int(-9_223_372_036_854_775_807), .double(0.1), .bool(false), .null]))
        #expect(back["n"] == .double(12.3))
        #expect(back.members?.map(\.key) == ["z", "a", "n", "o"])
        #expect(try JSONValue.parse(#" "\ud83d\ude00\u00e9\/" "#) == .string("😀é/"))
        #expect(try JSONValue.parse("1e3") == .double(1000))
        #expect(JSONValue.double(3).serialized == "3.0")
    }

    @Test(arguments: [
        ("{\"a\":1,}", 8), ("[1 2]", 4), ("\"abc", 5), ("tru", 1), ("{\"a\" 1}", 6), ("01", 2), ("\"\\ud800\"", 8), ("-", 2), ("{} x", 4),
    ])
    func errorsPointAtTheColumn(_ text: String, _ column: Int) {
        let e = #expect(throws: StrataError.self) { try JSONValue.parse(text, file: "f.json", line: 3) }
        #expect(e?.code == .parse)
        #expect(e?.location == SourceLocation(file: "f.json", line: 3, column: column))
    }

    @Test func deepNestingIsRefusedNotCrashing() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: StrataError.self) { try JSONValue.parse(deep) }
    }
}
