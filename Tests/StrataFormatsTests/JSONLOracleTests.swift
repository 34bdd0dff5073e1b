import Foundation
import StrataCore
import StrataFormats
import StrataTestSupport
import Testing

/// Python's json module writes lines with every kind of escape (ASCII-only output, so all
/// non-ASCII text arrives as \uXXXX, astral characters as surrogate pairs); our parser must
/// read back exactly the strings and numbers Python wrote.
@Suite(.enabled(if: PythonOracle.available)) struct JSONLOracleTests {
    @Test func readsWhatPythonWrites() throws {
        let dir = try TempDir()
        let path = dir.file("py.jsonl")
        let script = """
        import json, random, sys
        random.seed(5)
        alphabet = ['a', 'Z', ' ', '"', '\\\\', '/', '\\b', '\\f', '\\n', '\\r', '\\t', '\\x01', 'é', 'ß', '日', '€', '🎉', '𝄞', '\\u2028']
        expected = []
        with open(sys.argv[1], 'w') as f:
            for i in range(2000):
                s = ''.join(random.choice(alphabet) for _ in range(random.randint(0, 12)))
                x = random.choice([0.1, -2.5e-7, 1e300, 123456.789, random.random() * 1e6])
                row = {"i": i, "s": s, "x": x, "nested": {"s": s[::-1], "n": None}, "arr": [i, s]}
                f.write(json.dumps(row, ensure_ascii=random.random() < 0.7) + ("\\r\\n" if i % 5 == 0 else "\\n"))
                expected.append([i, s, repr(x), s[::-1], json.dumps([i, s], ensure_ascii=False)])
        print(json.dumps(expected, ensure_ascii=False))
        """
        let expected = try PythonOracle.json(script, [path]) as! [[Any]]
        let schema = Schema([Field("i", .int64), Field("s", .string), Field("x", .double), Field("nested.s", .string),
                             Field("nested.n", .string), Field("arr", .string)])
        let log = QuarantineLog()
        var options = JSONLOptions()
        options.chunkSize = 5
        let reader = try JSONLReader(path: path, displayPath: "py.jsonl", schema: schema, options: options, quarantine: log.add)
        var rows: [[Value]] = []
        while let b = try reader.next() { rows += b.rows() }
        #expect(log.records.isEmpty)
        #expect(rows.count == expected.count)
        var mismatches = 0
        for (mine, e) in zip(rows, expected) {
            let want: [Value] = [.int((e[0] as! NSNumber).int64Value), .string(e[1] as! String), .double(Double(e[2] as! String)!),
                                 .string(e[3] as! String), .null]
            // Arrays keep their text as written; compare values by re-parsing both sides.
            let arrOK: Bool = {
                guard case .string(let text) = mine[5],
                      let a = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any],
                      let b = try? JSONSerialization.jsonObject(with: Data((e[4] as! String).utf8)) as? [Any] else { return false }
                return (a as NSArray).isEqual(to: b)
            }()
            if Array(mine[0..<5]) != want || !arrOK {
                mismatches += 1
                if mismatches <= 3 { Issue.record("row differs: \(mine) vs \(want)") }
            }
        }
        #expect(mismatches == 0)
    }
}
