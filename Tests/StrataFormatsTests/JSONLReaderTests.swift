import Foundation
import StrataCore
import StrataFormats
import StrataTestSupport
import Testing

enum JSONLTest {
    static func read(_ text: String, schema: Schema, options: JSONLOptions = JSONLOptions(), dir: TempDir) throws -> ReadResult {
        let path = try dir.write("in-\(UUID().uuidString.prefix(6)).jsonl", text)
        let log = QuarantineLog()
        let reader = try JSONLReader(path: path, displayPath: "in.jsonl", schema: schema, options: options, quarantine: log.add)
        var batches: [Batch] = []
        while let b = try reader.next() { batches.append(b) }
        return ReadResult(rows: batches.flatMap { $0.rows() }, quarantined: log.records, batches: batches)
    }
}

/// JSON Lines reading: parsing, escapes, conversion, flattening, quarantine.
@Suite struct JSONLReaderTests {
    @Test func readsScalarsOfEveryType() throws {
        let dir = try TempDir()
        let schema = Schema([Field("b", .bool), Field("i", .int64), Field("d", .double), Field("m", .decimal(precision: 10, scale: 2)),
                             Field("s", .string), Field("dt", .date), Field("ts", .timestamp)])
        let text = """
        {"b": true, "i": 42, "d": 1.5e2, "m": 12.30, "s": "x", "dt": "2024-01-31", "ts": "2024-01-31T00:00:01Z"}
        {"ts": null, "s": 7, "m": "0.015", "d": -0, "i": -9223372036854775808, "b": false}

           \t
        {}
        """
        for size in [1, 3, 8 << 20] {
            var o = JSONLOptions()
            o.chunkSize = size
            let r = try JSONLTest.read(text, schema: schema, options: o, dir: dir)
            #expect(r.quarantined.isEmpty)
            let days = Int64(Temporal.days(year: 2024, month: 1, day: 31))
            #expect(r.rows == [
                [.bool(true), .int(42), .double(150), .decimal(1230, scale: 2), .string("x"), .date(Int32(days)), .timestamp(days * Temporal.microsPerDay + 1_000_000)],
                [.bool(false), .int(.min), .double(0), .decimal(2, scale: 2), .string("7"), .null, .null],
                [.null, .null, .null, .null, .null, .null, .null],
            ], "chunk size \(size)")
        }
    }

    @Test func unescapesStrings() throws {
        let dir = try TempDir()
        let text = #"{"s": "q\"b\\s\/n\nt\tu\u00e9\u65e5 pair\ud83c\udf89 end", "k\u0031": "plain"}"# + "\n"
        let r = try JSONLTest.read(text, schema: Schema([Field("s", .string), Field("k1", .string)]), dir: dir)
        #expect(r.rows == [[.string("q\"b\\s/n\nt\tué日 pair🎉 end"), .string("plain")]])
    }

    @Test func flattensNestedObjectsAndKeepsArraysAsText() throws {
        let dir = try TempDir()
        let text = #"{"a": {"b": 1, "c": {"d": "x"}}, "tags": [1, "two", {"k": null}], "e": {}}"# + "\n"
        let schema = Schema([Field("a.b", .int64), Field("a.c.d", .string), Field("tags", .string)])
        let r = try JSONLTest.read(text, schema: schema, dir: dir)
        #expect(r.rows == [[.int(1), .string("x"), .string(#"[1, "two", {"k": null}]"#)]])

        var o = JSONLOptions()
        o.flatten = false
        let r2 = try JSONLTest.read(text, schema: Schema([Field("a", .string), Field("a.b", .int64)]), options: o, dir: dir)
        #expect(r2.rows == [[.string(#"{"b": 1, "c": {"d": "x"}}"#), .null]])

        o.flatten = true
        o.separator = "__"
        let r3 = try JSONLTest.read(text, schema: Schema([Field("a__c__d", .string)]), options: o, dir: dir)
        #expect(r3.rows == [[.string("x")]])
    }

    @Test func extraFieldsIgnoredMissingAreNullLastDuplicateWins() throws {
        let dir = try TempDir()
        let text = """
        {"id": 1, "extra": "ignored", "v": "a"}
        {"v": "b", "id": 2}
        {"id": 3}
        {"id": 4, "v": "first", "v": "last"}
        """
        let r = try JSONLTest.read(text, schema: Schema([Field("id", .int64), Field("v", .string)]), dir: dir)
        #expect(r.rows == [[.int(1), .string("a")], [.int(2), .string("b")], [.int(3), .null], [.int(4), .string("last")]])
    }

    @Test func badLinesGoToQuarantine() throws {
        let dir = try TempDir()
        let deep = String(repeating: "[", count: 70) + String(repeating: "]", count: 70)
        let text = """
        {"id": 1, "amount": "1.00"}
        not json at all
        [1, 2]
        {"id": 2, "amount": "secret-text"}
        {"id": "x", "amount": 1}
        {"id": null, "amount": 1}
        {"id": 3, "amount": 1} trailing
        {"id": 4, "deep": \(deep)}
        {"id": 5, "s": "\\ud800 lone"}
        {"id": 6, "amount": 12345678901.5}
        {"id": 7, "amount": 1,}
        {"id": 8, "amount": 2.5}
        """
        let schema = Schema([Field("id", .int64, nullable: false), Field("amount", .decimal(precision: 10, scale: 2))])
        let r = try JSONLTest.read(text, schema: schema, dir: dir)
        #expect(r.rows == [[.int(1), .decimal(100, scale: 2)], [.int(8), .decimal(250, scale: 2)]])
        #expect(r.quarantined.map { "\($0.line): \($0.reason)" } == [
            "2: line is not a JSON object",
            "3: line is not a JSON object",
            "4: column 'amount': expected decimal(10,2)",
            "5: column 'id': expected int64",
            "6: column 'id': null in a not-null column",
            "7: text after the JSON object",
            "8: nesting deeper than 64 levels",
            "9: lone surrogate in \\u escape",
            "10: column 'amount': expected decimal(10,2)",
            "11: expected a quoted key",
        ])
        #expect(r.quarantined[2].raw == #"{"id": 2, "amount": "secret-text"}"#)
        #expect(!r.quarantined.contains { $0.reason.contains("secret") })
    }

    @Test func nestingLimitIsSixtyFourLevels() throws {
        let dir = try TempDir()
        func nested(_ levels: Int) -> String {
            String(repeating: #"{"a":"#, count: levels) + "1" + String(repeating: "}", count: levels)
        }
        let name = Array(repeating: "a", count: 64).joined(separator: ".")
        let r = try JSONLTest.read(nested(64) + "\n" + nested(65) + "\n", schema: Schema([Field(name, .int64)]), dir: dir)
        #expect(r.rows == [[.int(1)]])
        #expect(r.quarantined.map { "\($0.line): \($0.reason)" } == ["2: nesting deeper than 64 levels"])
    }

    @Test func crlfAndMissingFinalNewline() throws {
        let dir = try TempDir()
        let r = try JSONLTest.read("{\"a\":1}\r\n\r\n{\"a\":2}", schema: Schema([Field("a", .int64)]), dir: dir)
        #expect(r.rows == [[.int(1)], [.int(2)]])
        #expect(r.batches.allSatisfy { $0.origin == "in.jsonl" })
    }
}

/// JSON Lines schema inference across lines and files.
@Suite struct JSONLSchemaInferenceTests {
    @Test func unifiesAcrossLinesAndFiles() throws {
        let dir = try TempDir()
        let a = try dir.write("a.jsonl", """
        {"id": 1, "price": 2, "ok": true, "name": "x", "at": "2024-01-01T00:00:00Z", "day": "2024-01-01", "user": {"id": 7}}
        {"id": 2, "price": 2.5, "ok": false, "name": null, "at": "2024-01-02", "day": "2024-01-02", "mixed": 1}
        """)
        let b = try dir.write("b.jsonl", """
        {"id": 3, "mixed": "one", "tags": ["a"], "user": {"id": 8, "email": "e"}, "late": null}
        {"id": 4, "only_null": null, "odd": "2024-01-01", "later": 1.5}
        {"odd": "not a date"}
        """)
        let s = try JSONLSchemaInference.infer(files: [a, b], options: JSONLOptions())
        #expect(s == Schema([
            Field("id", .int64), Field("price", .double), Field("ok", .bool), Field("name", .string), Field("at", .timestamp),
            Field("day", .date), Field("user.id", .int64), Field("mixed", .string), Field("tags", .string),
            Field("user.email", .string), Field("late", .string), Field("only_null", .string), Field("odd", .string), Field("later", .double),
        ]))
        // The inferred schema reads every file.
        let r = try JSONLTest.read(try String(contentsOfFile: b, encoding: .utf8), schema: s, dir: dir)
        #expect(r.quarantined.isEmpty)
        #expect(r.rows.count == 3)
        #expect(r.rows[0][s.index(of: "tags")!] == .string(#"["a"]"#))
    }

    @Test func optionsChangeInference() throws {
        let dir = try TempDir()
        let a = try dir.write("a.jsonl", #"{"at": "2024-01-01T10:00:00Z", "o": {"k": 1}, "big": 99999999999999999999}"# + "\n")
        var o = JSONLOptions()
        o.inferTimestamps = false
        o.flatten = false
        #expect(try JSONLSchemaInference.infer(files: [a], options: o) == Schema([Field("at", .string), Field("o", .string), Field("big", .string)]))
    }

    /// An integer beyond int64 is never rounded to a double: the column is text holding its digits.
    @Test func integersBeyondInt64StayExact() throws {
        let dir = try TempDir()
        let a = try dir.write("a.jsonl", "{\"n\": 12345678901234567890, \"m\": 1.5}\n{\"n\": -7, \"m\": 2}\n")
        let s = try JSONLSchemaInference.infer(files: [a], options: JSONLOptions())
        #expect(s == Schema([Field("n", .string), Field("m", .double)]))
        let c = try dir.write("a.csv", "n,m\n12345678901234567890,1\n-7,2\n")
        #expect(try CSVSchemaInference.infer(files: [c], options: CSVOptions()) == Schema([Field("n", .string), Field("m", .int64)]))
        let d = try dir.write("b.csv", "n\n1.5\n99999999999999999999\n")
        #expect(try CSVSchemaInference.infer(files: [d], options: CSVOptions()) == Schema([Field("n", .string)]), "a big integer among decimals is not rounded either")
    }

    @Test func sampleRowsIsPerFile() throws {
        let dir = try TempDir()
        let a = try dir.write("a.jsonl", "{\"n\": 1}\n{\"n\": \"x\"}\n")
        let b = try dir.write("b.jsonl", "{\"m\": 1}\n")
        var o = JSONLOptions()
        o.sampleRows = 1
        #expect(try JSONLSchemaInference.infer(files: [a, b], options: o) == Schema([Field("n", .int64), Field("m", .int64)]))
    }

    @Test func noObjectsIsAnError() throws {
        let dir = try TempDir()
        let a = try dir.write("a.jsonl", "\n[1]\n")
        #expect(throws: StrataError.self) { try JSONLSchemaInference.infer(files: [a], options: JSONLOptions()) }
    }
}
