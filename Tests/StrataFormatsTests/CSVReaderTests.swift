import Foundation
import StrataCore
import StrataFormats
import StrataTestSupport
import Testing

/// Type conversion, quarantine reasons and line numbers, header matching.
@Suite struct CSVReaderTests {
    @Test func convertsEveryType() throws {
        let dir = try TempDir()
        let schema = Schema([
            Field("b", .bool), Field("i", .int64), Field("d", .double), Field("m", .decimal(precision: 10, scale: 2)),
            Field("s", .string), Field("dt", .date), Field("ts", .timestamp),
        ])
        let text = #"""
        b,i,d,m,s,dt,ts
        true,42,1.5,12.34,héllo,2024-02-29,2024-02-29T12:34:56.789Z
        NO,-9223372036854775808,-0.001,-0.5,"a,""b""",1970-01-01,2024-01-01 00:00:00+02:00
        1,9223372036854775807,1e300,7,,1969-12-31,2024-01-01
        ,,,,"",,
        Yes, +7 ,  .5 ,0.005,🎉,2000-01-01,2000-01-01T00:00
        """#
        for size in [3, 8 << 20] {
            let r = try CSVTest.read(text, schema: schema, options: CSVTest.options { $0.chunkSize = size }, dir: dir)
            #expect(r.quarantined.isEmpty)
            let day = Temporal.microsPerDay
            #expect(r.rows == [
                [.bool(true), .int(42), .double(1.5), .decimal(1234, scale: 2), .string("héllo"), .date(19782),
                 .timestamp(19782 * day + (12 * 3600 + 34 * 60 + 56) * 1_000_000 + 789_000)],
                [.bool(false), .int(.min), .double(-0.001), .decimal(-50, scale: 2), .string("a,\"b\""), .date(0),
                 .timestamp(19723 * day - 2 * 3_600_000_000)],
                [.bool(true), .int(.max), .double(1e300), .decimal(700, scale: 2), .null, .date(-1), .timestamp(19723 * day)],
                [.null, .null, .null, .null, .null, .null, .null],
                [.bool(true), .int(7), .double(0.5), .decimal(1, scale: 2), .string("🎉"), .date(10957), .timestamp(10957 * day)],
            ])
        }
    }

    @Test func doublesRoundTripExactly() throws {
        let dir = try TempDir()
        let values = ["0.1", "0.3", "123456.789", "1.7976931348623157e308", "5e-324", "2.2250738585072014E-308",
                      "9007199254740993", "0.30000000000000004", "-12.5", "1234567890.12345", "3.14159265358979323846", "NaN", "-inf"]
        let r = try CSVTest.read("d\n" + values.joined(separator: "\n"), schema: Schema([Field("d", .double)]),
                                 options: CSVTest.options(), dir: dir)
        #expect(r.quarantined.isEmpty)
        for (row, text) in zip(r.rows, values) {
            guard case .double(let got) = row[0] else { Issue.record("not a double for \(text)"); continue }
            let want = Double(text) ?? (text == "NaN" ? .nan : -.infinity)
            #expect(got.bitPattern == want.bitPattern || (got.isNaN && want.isNaN), "\(text)")
        }
    }

    @Test func customDateAndTimestampFormats() throws {
        let dir = try TempDir()
        let r = try CSVTest.read("d,t\n31/01/2024,2024.01.31 23:59:58.5 +0100\n", schema: Schema([Field("d", .date), Field("t", .timestamp)]),
                                 options: CSVTest.options { $0.dateFormat = "%d/%m/%Y"; $0.timestampFormat = "%Y.%m.%d %T.%f %z" }, dir: dir)
        #expect(r.quarantined.isEmpty)
        let days = Int64(Temporal.days(year: 2024, month: 1, day: 31))
        #expect(r.rows == [[.date(Int32(days)), .timestamp(days * Temporal.microsPerDay + (22 * 3600 + 59 * 60 + 58) * 1_000_000 + 500_000)]])
        #expect(throws: StrataError.self) {
            _ = try CSVTest.read("d\n1\n", schema: Schema([Field("d", .date)]), options: CSVTest.options { $0.dateFormat = "%Q" }, dir: dir)
        }
    }

    @Test func badRowsGoToQuarantineWithLineAndReason() throws {
        let dir = try TempDir()
        let schema = Schema([Field("id", .int64, nullable: false), Field("amount", .decimal(precision: 10, scale: 2)), Field("name", .string)])
        var bytes = Array("id,amount,name\n1,2.50,ok\n2,abc,secret-value\n\"3\",\"1.00\",\"multi\nline\"\n4,1.00\n".utf8)
        bytes += Array("5,1.00,bad".utf8) + [0xFF, 0xFE] + Array("\n,1.00,x\n99999999999999999999,1,x\n".utf8)
        bytes += Array("7,1,\"x\"y\n8,123456789.00,x\n9,1,\"never closed\n10,1,x\n".utf8)
        for size in CSVTest.chunkSizes {
            let r = try CSVTest.read(bytes, schema: schema, options: CSVTest.options { $0.chunkSize = size }, dir: dir)
            #expect(r.rows.map { $0[0] } == [.int(1), .int(3)], "chunk size \(size)")
            let got = r.quarantined.map { "\($0.line): \($0.reason)" }
            #expect(got == [
                "3: column 'amount': expected decimal(10,2)",
                "6: expected 3 fields, found 2",
                "7: column 'name': invalid UTF-8",
                "8: column 'id': null in a not-null column",
                "9: column 'id': expected int64",
                "10: text after closing quote in field 3",
                "11: column 'amount': expected decimal(10,2)",
                "12: unterminated quoted field",
            ], "chunk size \(size)")
            #expect(r.quarantined.allSatisfy { $0.sourceFile == "in.csv" })
            #expect(r.quarantined.first?.raw == "2,abc,secret-value")
            #expect(r.quarantined.last?.raw == "9,1,\"never closed\n10,1,x\n")
            #expect(!r.quarantined.contains { $0.reason.contains("secret") || $0.reason.contains("abc") })
        }
    }

    @Test func quarantineUndoesHalfConvertedRows() throws {
        let dir = try TempDir()
        let schema = Schema([Field("s", .string), Field("n", .int64)])
        let r = try CSVTest.read("s,n\nkeep,1\ndrop,x\nkeep2,2\n", schema: schema, options: CSVTest.options(), dir: dir)
        #expect(r.rows == [[.string("keep"), .int(1)], [.string("keep2"), .int(2)]])
        let col = r.batches[0].columns[0]
        guard case .bytes(let b) = col.values else { Issue.record("not bytes"); return }
        #expect(String(decoding: b.bytes, as: UTF8.self) == "keepkeep2")
    }

    @Test func columnsMatchHeaderByNameAndSkipExtras() throws {
        let dir = try TempDir()
        let schema = Schema([Field("b", .int64), Field("a", .string)])
        let r = try CSVTest.read("a,extra,b\nx,ignored,1\n", schema: schema, options: CSVTest.options(), dir: dir)
        #expect(r.rows == [[.int(1), .string("x")]])
    }

    @Test func missingDeclaredColumnIsAnErrorWithSuggestion() throws {
        let dir = try TempDir()
        let schema = Schema([Field("amount", .double)])
        do {
            _ = try CSVTest.read("id,amuont\n1,2\n", schema: schema, options: CSVTest.options(), dir: dir)
            Issue.record("expected an error")
        } catch let e as StrataError {
            #expect(e.code == .schemaMismatch)
            #expect(e.description.contains("'amount'"))
            #expect(e.description.contains("did you mean 'amuont'?"))
            #expect(e.location?.line == 1)
        }
        let r = try CSVTest.read("id\n1\n", schema: schema, options: CSVTest.options { $0.allowMissingColumns = true }, dir: dir)
        #expect(r.rows == [[.null]])
    }

    @Test func duplicateAndEmptyHeaderNamesAreRenamed() throws {
        let dir = try TempDir()
        let schema = Schema([Field("a", .string), Field("a_2", .string), Field("col_3", .string), Field("a_3", .string)])
        let r = try CSVTest.read("a,a,,a\n1,2,3,4\n", schema: schema, options: CSVTest.options(), dir: dir)
        #expect(r.rows == [[.string("1"), .string("2"), .string("3"), .string("4")]])
    }

    @Test func missingFileIsNotFound() throws {
        #expect(throws: StrataError(.notFound, "cannot open 'nope.csv'", cause: "No such file or directory")) {
            _ = try CSVReader(path: "/nonexistent/nope.csv", displayPath: "nope.csv", schema: CSVTest.strings("a"),
                              options: CSVOptions(), quarantine: { _ in })
        }
    }

    @Test func countersTrackInput() throws {
        let dir = try TempDir()
        let text = "n\n1\nx\n3\n"
        let path = try dir.write("c.csv", text)
        let reader = try CSVReader(path: path, displayPath: "c.csv", schema: Schema([Field("n", .int64)]), options: CSVOptions(), quarantine: { _ in })
        while try reader.next() != nil {}
        #expect(reader.rowsRead == 3)
        #expect(reader.rowsQuarantined == 1)
        #expect(reader.bytesRead == text.utf8.count)
    }
}
