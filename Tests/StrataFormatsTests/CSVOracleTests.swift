import Foundation
import StrataCore
import StrataFormats
import StrataTestSupport
import Testing

/// Reads a generated CSV full of tricky content with our reader and with pyarrow.csv, and
/// compares every value.
@Suite(.enabled(if: PythonOracle.available)) struct CSVOracleTests {
    /// A small deterministic generator (SplitMix64), so failures reproduce.
    struct Rng {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }
    }

    static func quoted(_ s: String) -> String { "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }

    static func generate(rows: Int) -> String {
        var rng = Rng(state: 42)
        let names = ["plain", "with, comma", "say \"hi\"", "multi\nline", "crlf\r\ninside", "Zoë", "日本語", "🎉 party",
                     " padded ", "", "\"", ",", "a\"\"b", "tab\there", "x"]
        let doubles = ["0", "-0.0", "1.5", "123.456", "1e-5", "-2.5E+10", "0.1", "3.141592653589793", "1234567.891", ".5", "7."]
        var out = "id,amount,name,ts,flag,day\n"
        for i in 0..<rows {
            var f: [String] = [String(i)]
            f.append(rng.int(10) == 0 ? "" : rng.pick(doubles))
            let name = rng.pick(names)
            let needsQuote = name.unicodeScalars.contains(where: { ",\"\n\r".unicodeScalars.contains($0) }) || name.isEmpty && rng.int(2) == 0
            f.append(rng.int(12) == 0 ? "" : (needsQuote || rng.int(4) == 0 ? quoted(name) : name))
            let y = 1970 + rng.int(80), mo = 1 + rng.int(12), d = 1 + rng.int(28)
            let frac = rng.int(3) == 0 ? String(format: ".%06d", rng.int(1_000_000)) : ""
            f.append(rng.int(10) == 0 ? "" : String(format: "%04d-%02d-%02dT%02d:%02d:%02d", y, mo, d, rng.int(24), rng.int(60), rng.int(60)) + frac + "Z")
            f.append(rng.int(10) == 0 ? "" : rng.pick(["true", "false"]))
            f.append(rng.int(10) == 0 ? "" : String(format: "%04d-%02d-%02d", y, mo, d))
            out += f.joined(separator: ",") + (rng.int(3) == 0 ? "\r\n" : "\n")
        }
        return out
    }

    @Test func matchesPyarrow() throws {
        let dir = try TempDir()
        let path = try dir.write("tricky.csv", Self.generate(rows: 3000))
        let schema = Schema([Field("id", .int64), Field("amount", .double), Field("name", .string),
                             Field("ts", .timestamp), Field("flag", .bool), Field("day", .date)])
        var options = CSVOptions()
        options.chunkSize = 7
        options.batchRows = 500
        let ours = try CSVTest.readFile(path, schema: schema, options: options)
        #expect(ours.quarantined.count == 0, "first: \(ours.quarantined.first.map { "\($0.line): \($0.reason)" } ?? "")")

        let script = """
        import sys, json, datetime
        import pyarrow as pa, pyarrow.csv as csv
        types = {"id": pa.int64(), "amount": pa.float64(), "name": pa.string(), "ts": pa.timestamp("us", tz="UTC"),
                 "flag": pa.bool_(), "day": pa.date32()}
        t = csv.read_csv(sys.argv[1], convert_options=csv.ConvertOptions(column_types=types, null_values=[""],
                         strings_can_be_null=True, quoted_strings_can_be_null=True, true_values=["true"], false_values=["false"]),
                         parse_options=csv.ParseOptions(newlines_in_values=True))
        epoch = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)
        rows = []
        for r in t.to_pylist():
            ts = r["ts"]
            rows.append([r["id"], None if r["amount"] is None else repr(r["amount"]), r["name"],
                         None if ts is None else (ts - epoch) // datetime.timedelta(microseconds=1),
                         r["flag"], None if r["day"] is None else (r["day"] - datetime.date(1970, 1, 1)).days])
        print(json.dumps(rows))
        """
        let theirs = try PythonOracle.json(script, [path]) as! [[Any]]
        #expect(theirs.count == ours.rows.count)
        var mismatches = 0
        for (mine, other) in zip(ours.rows, theirs) {
            let expected: [Value] = [
                (other[0] as? NSNumber).map { .int($0.int64Value) } ?? .null,
                (other[1] as? String).map { .double(Double($0)!) } ?? .null,
                (other[2] as? String).map { .string($0) } ?? .null,
                (other[3] as? NSNumber).map { .timestamp($0.int64Value) } ?? .null,
                (other[4] as? NSNumber).map { .bool($0.boolValue) } ?? .null,
                (other[5] as? NSNumber).map { .date($0.int32Value) } ?? .null,
            ]
            if mine != expected {
                mismatches += 1
                if mismatches <= 5 { Issue.record("row differs: ours \(mine) vs pyarrow \(expected)") }
            }
        }
        #expect(mismatches == 0)
    }
}
