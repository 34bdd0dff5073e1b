import Foundation
import StrataTestSupport
import Testing

/// `strata export` to CSV and JSON Lines writes every value so that independent readers (DuckDB,
/// Python's json and csv) get the table back: quotes, commas, newlines, control characters and
/// non-ASCII text, nulls, exact decimals, doubles, dates and timestamps; JSON keys in column order.
@Suite(.serialized, .enabled(if: oraclesAvailable))
struct ExportEndToEndTests {
    static let check = """
    import sys, json, csv, duckdb
    root = sys.argv[1]
    rows = [json.loads(l) for l in open(f'{root}/t.jsonl')]
    with open(f'{root}/t.csv', newline='') as f:
        c = list(csv.reader(f))
    print(json.dumps({'keys': [list(r.keys()) for r in rows][:1], 'rows': rows, 'csv': c,
                      'duck': duckdb.connect().sql(f"select count(*), sum(amount) from read_json('{root}/t.jsonl', columns={{'id': 'BIGINT', 'amount': 'DECIMAL(10,2)'}})").fetchall()[0][0]}))
    """

    @Test func csvAndJSONLinesRoundTripThroughIndependentReaders() throws {
        let p = try StrataProject("export")
        try p.write("pipelines.yaml", """
        version: 1
        policies: none
        pipelines:
          bronze_t:
            source:
              type: jsonl
              path: landing/t.jsonl
              schema: {id: int64, name: string, amount: "decimal(10,2)", score: double, day: date, at: timestamp, flag: bool}
            sink: {type: table, table: bronze.t}
        """)
        // JSON-escaped as they are written in the landing file, and what they decode to.
        let escaped = [#"plain"#, #"a,b"#, #"say \"hi\""#, #"two\nlines"#, #"tab\tand\u0001ctl"#, #"héllo ✓"#, #"back\\slash"#]
        let decoded = ["plain", "a,b", "say \"hi\"", "two\nlines", "tab\tand\u{01}ctl", "héllo ✓", "back\\slash"]
        var landing = ""
        for (i, n) in escaped.enumerated() {
            landing += #"{"id": \#(i), "name": "\#(n)", "amount": "\#(i).\#(i)0", "score": \#(Double(i) / 3), "day": "2024-02-0\#(i + 1)", "at": "2024-02-01T10:00:0\#(i).25Z", "flag": \#(i % 2 == 0)}"# + "\n"
        }
        landing += #"{"id": 99}"# + "\n"
        try p.write("landing/t.jsonl", landing)
        #expect(try p.strata("run").status == 0)
        for f in ["t.jsonl", "t.csv"] {
            let r = try p.strata("export", "bronze.t", "--columns", "id,name,amount,score,day,at,flag", "--out", f)
            #expect(r.status == 0, "\(r.stderr)")
        }
        let out = try p.pythonJSON(Self.check) as! [String: Any]
        #expect((out["keys"] as! [[String]]).first == ["id", "name", "amount", "score", "day", "at", "flag"])
        let rows = out["rows"] as! [[String: Any]]
        #expect(rows.count == decoded.count + 1)
        #expect(rows.prefix(decoded.count).map { $0["name"] as? String } == decoded)
        #expect(rows[3]["amount"] as? Double == 3.3)
        #expect(rows[2]["day"] as? String == "2024-02-03")
        #expect(rows[1]["at"] as? String == "2024-02-01T10:00:01.250000Z")
        #expect(rows[0]["flag"] as? Bool == true)
        #expect(rows.last?["name"] is NSNull && rows.last?["amount"] is NSNull)
        let csv = out["csv"] as! [[String]]
        #expect(csv.first == ["id", "name", "amount", "score", "day", "at", "flag"])
        #expect(csv.dropFirst().prefix(decoded.count).map { $0[1] } == decoded)
        #expect(csv[4][2] == "3.30", "decimals keep their scale")
        #expect(csv.last == ["99", "", "", "", "", "", ""])
        #expect(out["duck"] as? Int == decoded.count + 1)
    }
}
