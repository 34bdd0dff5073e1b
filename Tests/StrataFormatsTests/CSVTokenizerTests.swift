import Foundation
import StrataCore
import StrataFormats
import StrataTestSupport
import Testing

/// RFC 4180 tokenizing, checked at every read-chunk size so rows and fields split across reads.
@Suite struct CSVTokenizerTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var input: String
        var expected: [[String?]]
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "plain LF", input: "a,b\n1,2\n3,4\n", expected: [["1", "2"], ["3", "4"]]),
        Case(name: "CRLF", input: "a,b\r\n1,2\r\n3,4\r\n", expected: [["1", "2"], ["3", "4"]]),
        Case(name: "lone CR", input: "a,b\r1,2\r3,4", expected: [["1", "2"], ["3", "4"]]),
        Case(name: "no final newline", input: "a,b\n1,2\n3,4", expected: [["1", "2"], ["3", "4"]]),
        Case(name: "empty lines skipped", input: "\n\na,b\n\n1,2\r\n\r\n3,4\n\n", expected: [["1", "2"], ["3", "4"]]),
        Case(name: "quoted delimiter", input: "a,b\n\"x,y\",2\n", expected: [["x,y", "2"]]),
        Case(name: "doubled quotes", input: "a,b\n\"say \"\"hi\"\"\",\"\"\"\"\n", expected: [["say \"hi\"", "\""]]),
        Case(name: "embedded newlines", input: "a,b\n\"l1\nl2\r\nl3\",z\n", expected: [["l1\nl2\r\nl3", "z"]]),
        Case(name: "quoted last field at EOF", input: "a,b\n1,\"q\"", expected: [["1", "q"]]),
        Case(name: "empty fields are null", input: "a,b,c\n,,\n\"\",x,\n", expected: [[nil, nil, nil], [nil, "x", nil]]),
        Case(name: "trailing delimiter at EOF", input: "a,b\n1,", expected: [["1", nil]]),
        Case(name: "quote inside unquoted field is literal", input: "a,b\nab\"c,d\n", expected: [["ab\"c", "d"]]),
        Case(name: "BOM", input: "\u{FEFF}a,b\n1,2\n", expected: [["1", "2"]]),
        Case(name: "unicode", input: "a,b\nZoë,日本語 🎉\n", expected: [["Zoë", "日本語 🎉"]]),
        Case(name: "quoted CRLF row end", input: "a,b\r\n\"1\",\"2\"\r\n\"3\",\"4\"", expected: [["1", "2"], ["3", "4"]]),
    ]

    @Test(arguments: cases)
    func tokenizes(_ c: Case) throws {
        let dir = try TempDir()
        let header = c.input.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" })
            .first { !$0.isEmpty }.map(String.init)!
            .replacingOccurrences(of: "\u{FEFF}", with: "")
        let schema = Schema(header.split(separator: ",").map { Field(String($0), .string) })
        for size in CSVTest.chunkSizes {
            let r = try CSVTest.read(c.input, schema: schema, options: CSVTest.options { $0.chunkSize = size }, dir: dir)
            let got = r.rows.map { $0.map { v -> String? in v.isNull ? nil : v.description } }
            #expect(got == c.expected, "chunk size \(size)")
            #expect(r.quarantined.isEmpty, "chunk size \(size)")
        }
    }

    @Test func customDelimiterQuoteAndEscape() throws {
        let dir = try TempDir()
        let input = "a;b\n'it\\'s';'x;y'\n'two\\\\';\"plain\"\n"
        for size in CSVTest.chunkSizes {
            let opts = CSVTest.options {
                $0.delimiter = UInt8(ascii: ";"); $0.quote = UInt8(ascii: "'"); $0.escape = UInt8(ascii: "\\"); $0.chunkSize = size
            }
            let r = try CSVTest.read(input, schema: CSVTest.strings("a", "b"), options: opts, dir: dir)
            #expect(r.rows == [[.string("it's"), .string("x;y")], [.string("two\\"), .string("\"plain\"")]], "chunk size \(size)")
        }
    }

    @Test func trimSpacesKeepsQuotedContent() throws {
        let dir = try TempDir()
        let r = try CSVTest.read("a , b\n  1 ,  \" x \"  \n", schema: CSVTest.strings("a", "b"),
                                 options: CSVTest.options { $0.trimSpaces = true }, dir: dir)
        #expect(r.rows == [[.string("1"), .string(" x ")]])
    }

    @Test func customNullTokens() throws {
        let dir = try TempDir()
        let r = try CSVTest.read("a,b\nNA,\nnull,x\n", schema: CSVTest.strings("a", "b"),
                                 options: CSVTest.options { $0.nullTokens = ["NA", "null"] }, dir: dir)
        #expect(r.rows == [[.null, .string("")], [.null, .string("x")]])
    }

    @Test func rowLongerThanManyChunks() throws {
        let dir = try TempDir()
        let long = String(repeating: "x", count: 100_000)
        let r = try CSVTest.read("a,b\n\(long),\"\(long)\"\"\"\n1,2\n", schema: CSVTest.strings("a", "b"),
                                 options: CSVTest.options { $0.chunkSize = 4096 }, dir: dir)
        #expect(r.rows == [[.string(long), .string(long + "\"")], [.string("1"), .string("2")]])
    }

    @Test func batchesHoldBatchRowsAndOrigin() throws {
        let dir = try TempDir()
        let text = "n\n" + (0..<10).map(String.init).joined(separator: "\n")
        let r = try CSVTest.read(text, schema: Schema([Field("n", .int64)]), options: CSVTest.options { $0.batchRows = 4 }, dir: dir)
        #expect(r.batches.map(\.rowCount) == [4, 4, 2])
        #expect(r.batches.allSatisfy { $0.origin == "in.csv" })
        #expect(r.rows.map { $0[0] } == (0..<10).map { Value.int(Int64($0)) })
    }

    @Test func headerlessFilesArePositional() throws {
        let dir = try TempDir()
        let r = try CSVTest.read("1,x\n2,y\n", schema: Schema([Field("n", .int64), Field("s", .string)]),
                                 options: CSVTest.options { $0.header = false }, dir: dir)
        #expect(r.rows == [[.int(1), .string("x")], [.int(2), .string("y")]])
    }

    @Test func emptyFileHasNoBatches() throws {
        let dir = try TempDir()
        for text in ["", "\n\n", "a,b\n"] {
            let r = try CSVTest.read(text, schema: CSVTest.strings("a", "b"), options: CSVTest.options(), dir: dir)
            #expect(r.batches.isEmpty, "input \(text.debugDescription)")
        }
    }
}
