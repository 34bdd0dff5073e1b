import Foundation
import StrataCore
import StrataFormats
import StrataTestSupport
import Testing

/// CSV schema inference: names from headers, types from samples.
@Suite struct TypeInferenceTests {
    @Test func infersNarrowestTypes() throws {
        let dir = try TempDir()
        let path = try dir.write("a.csv", """
        flag,n,x,day,at,name,empty,mixed,zeros
        true,1,1,2024-01-01,2024-01-01T10:00:00Z,a,,1,0
        FALSE,-2,2.5,2024-01-02,2024-01-02,b,,true,1
        ,,,,,,,,
        true,3,1e3,2024-01-03,2024-01-03 11:00,c,,x,0
        """)
        let s = try CSVSchemaInference.infer(files: [path], options: CSVOptions())
        #expect(s == Schema([
            Field("flag", .bool), Field("n", .int64), Field("x", .double), Field("day", .date), Field("at", .timestamp),
            Field("name", .string), Field("empty", .string), Field("mixed", .string), Field("zeros", .int64),
        ]))
    }

    @Test func sampleRowsLimitsWhatIsRead() throws {
        let dir = try TempDir()
        let path = try dir.write("a.csv", "n\n1\n2\nnot-a-number\n")
        var o = CSVOptions()
        o.sampleRows = 2
        #expect(try CSVSchemaInference.infer(files: [path], options: o) == Schema([Field("n", .int64)]))
        o.sampleRows = 3
        #expect(try CSVSchemaInference.infer(files: [path], options: o) == Schema([Field("n", .string)]))
    }

    @Test func headerlessFilesGetPositionalNames() throws {
        let dir = try TempDir()
        let path = try dir.write("a.csv", "1,x\n2,y\n")
        var o = CSVOptions()
        o.header = false
        #expect(try CSVSchemaInference.infer(files: [path], options: o) == Schema([Field("col_1", .int64), Field("col_2", .string)]))
    }

    @Test func typesWidenAcrossFiles() throws {
        let dir = try TempDir()
        let a = try dir.write("a.csv", "id,v\n1,1\n")
        let b = try dir.write("b.csv", "v,id\n2.5,2\n")
        #expect(try CSVSchemaInference.infer(files: [a, b], options: CSVOptions()) == Schema([Field("id", .int64), Field("v", .double)]))
    }

    @Test func headersThatDisagreeNeedAllowMissingColumns() throws {
        let dir = try TempDir()
        let a = try dir.write("a.csv", "id,v\n1,1\n")
        let b = try dir.write("b.csv", "id,w\n2,x\n")
        #expect(throws: StrataError.self) { try CSVSchemaInference.infer(files: [a, b], options: CSVOptions()) }
        var o = CSVOptions()
        o.allowMissingColumns = true
        let s = try CSVSchemaInference.infer(files: [a, b], options: o)
        #expect(s == Schema([Field("id", .int64), Field("v", .int64), Field("w", .string)]))
        // The union schema reads both files.
        let r = try CSVTest.readFile(a, schema: s, options: o)
        #expect(r.rows == [[.int(1), .int(1), .null]])
    }

    @Test func inferredSchemaReadsItsOwnFile() throws {
        let dir = try TempDir()
        let path = try dir.write("a.csv", "a,a,\n1,2.5,x\n")
        let s = try CSVSchemaInference.infer(files: [path], options: CSVOptions())
        #expect(s.names == ["a", "a_2", "col_3"])
        let r = try CSVTest.readFile(path, schema: s, options: CSVOptions())
        #expect(r.rows == [[.int(1), .double(2.5), .string("x")]])
    }

    @Test func emptyInputIsAClearError() throws {
        let dir = try TempDir()
        let path = try dir.write("a.csv", "")
        do {
            _ = try CSVSchemaInference.infer(files: [path], options: CSVOptions())
            Issue.record("expected an error")
        } catch let e as StrataError {
            #expect(e.code == .parse)
            #expect(e.hint == "declare the columns")
        }
    }
}
