import Foundation
import StrataTestSupport
import Testing
@testable import StrataCore

/// Evaluates expressions over a small table with Strata and with DuckDB and compares the answers.
///
/// Only expressions whose semantics agree are compared. Deliberate differences (documented in the
/// function docs) are not oracle-tested: division by zero (NULL here; DuckDB errors, or gives inf
/// for `/` with `error_on_division_by_zero=false`), decimal `/` (decimal here, double in DuckDB;
/// compared numerically), `concat` with NULLs (NULL here, skipped in DuckDB), `regexp_replace`
/// (all matches here, DuckDB needs the 'g' flag), `date_trunc` on a date (date here, timestamp in DuckDB).
@Suite(.enabled(if: PythonOracle.available)) struct ExpressionOracleTests {
    static let schema = Schema([
        Field("i", .int64), Field("j", .int64), Field("d", .double), Field("m", .decimal(precision: 10, scale: 2)),
        Field("s", .string), Field("dt", .date), Field("ts", .timestamp), Field("b", .bool),
    ])

    /// Rows as SQL-castable text (nil = NULL).
    static let rows: [[String?]] = [
        ["1", "2", "1.5", "12.50", "Hello World", "2024-02-29", "2024-02-29 13:45:30.25", "true"],
        [nil, "0", nil, "-0.05", nil, nil, "1969-12-31 23:59:59", "false"],
        ["-7", "3", "-2.5", nil, "  padded  ", "1900-03-01", nil, nil],
        ["42", "-1", "0.0", "99999.99", "Ünïcode é", "1969-12-31", "2000-01-01 00:00:00", "true"],
        ["100", "7", "1e10", "0.01", "a,b,,c", "2000-02-29", "1999-12-31 23:59:59.999999", "false"],
        ["0", "5", "-0.1", "-123.45", "", "2100-12-31", "1900-01-01 12:00:00", nil],
    ]

    /// (Strata expression, DuckDB expression when it is spelled differently).
    static let expressions: [(String, String?)] = [
        ("i + j", nil), ("i * j - 3", nil), ("i % j", nil), ("i / 4", nil), ("m * 2", nil), ("m + i", nil),
        ("m / 4", nil), ("d * 2 + 1", nil), ("-d", nil), ("abs(i - 50)", nil), ("round(m, 1)", nil), ("round(d)", nil),
        ("floor(m)", nil), ("ceil(d)", nil), ("sign(d)", nil), ("sqrt(abs(d))", nil), ("ln(j + 2)", nil), ("power(j, 2)", nil),
        ("i BETWEEN 0 AND 50", nil), ("i IN (1, 42, NULL)", nil), ("i NOT IN (1, 2)", nil), ("m > 10", nil), ("d < i", nil),
        ("s LIKE '%o%'", nil), ("s ILIKE 'h%'", nil), ("s NOT LIKE '_'", nil),
        ("lower(s)", nil), ("upper(s)", nil), ("trim(s)", nil), ("length(s)", nil), ("substr(s, 2, 3)", nil),
        ("substr(s, -3)", nil), ("s || '!'", nil), ("concat_ws('-', s, i)", nil), ("replace(s, 'l', 'L')", nil),
        ("split_part(s, ',', 3)", nil), ("starts_with(s, 'He')", nil), ("contains(s, 'o')", nil), ("lpad(s, 8, '*')", nil),
        ("rpad(s, 3)", "rpad(s, 3, ' ')"), ("strpos(s, 'o')", nil), ("left(s, 3)", nil), ("reverse(s)", nil),
        ("regexp_extract(s, '[a-z]+')", nil), ("regexp_replace(s, '[aeiou]', '_')", "regexp_replace(s, '[aeiou]', '_', 'g')"),
        ("regexp_like(s, '^[A-Z]')", "regexp_matches(s, '^[A-Z]')"),
        ("coalesce(i, j * 10)", nil), ("nullif(j, 0)", nil), ("ifnull(s, 'none')", nil),
        ("CASE WHEN i > 10 THEN 'big' WHEN i > 0 THEN 'small' ELSE 'neg' END", nil),
        ("CASE j WHEN 0 THEN 'zero' WHEN 2 THEN 'two' END", nil),
        ("greatest(i, j)", nil), ("least(d, 0.5)", nil), ("if(b, i, j)", nil),
        ("s IS NULL OR b", nil), ("NOT b AND i > 0", nil), ("b OR i > 50", nil),
        ("year(dt)", nil), ("month(ts)", nil), ("day(dt)", nil), ("day_of_week(dt)", "isodow(dt)"),
        ("day_of_year(dt)", "dayofyear(dt)"), ("week(dt)", nil), ("quarter(ts)", nil),
        ("hour(ts)", nil), ("minute(ts)", nil), ("second(ts)", nil), ("date(ts)", "CAST(ts AS DATE)"),
        ("date_trunc('month', ts)", nil), ("date_trunc('week', ts)", nil), ("date_trunc('quarter', ts)", nil),
        ("date_diff('day', dt, DATE '2024-03-01')", nil), ("date_diff('month', dt, DATE '2024-03-01')", nil),
        ("date_diff('hour', ts, TIMESTAMP '2024-03-01 00:00:00')", nil), ("date_diff('year', ts, TIMESTAMP '2024-03-01 00:00:00')", nil),
        ("date_diff('week', dt, DATE '2024-03-01')", nil),
        ("date_add(dt, 1, 'month')", "CAST(dt + INTERVAL 1 MONTH AS DATE)"),
        ("date_add(ts, 90, 'minute')", "ts + INTERVAL 90 MINUTE"), ("date_add(ts, -1, 'year')", "ts - INTERVAL 1 YEAR"),
        ("dt + 1", nil), ("dt - DATE '2000-01-01'", nil), ("dt < '2000-01-01'", nil), ("ts >= dt", nil),
        ("CAST(m AS BIGINT)", nil), ("TRY_CAST(d AS DECIMAL(12,2))", nil), ("CAST(dt AS TIMESTAMP)", nil), ("CAST(ts AS DATE)", nil),
        ("CAST(ts AS STRING)", nil), ("CAST(i AS STRING) || s", nil), ("CAST(m AS DOUBLE)", nil), ("TRY_CAST(s AS BIGINT)", nil),
        ("TRY_CAST(split_part(s, ',', 1) AS DATE)", nil),
        ("strftime(ts, '%Y/%m/%d %H:%M:%S')", nil), ("to_date('29/02/2024', '%d/%m/%Y')", "strptime('29/02/2024', '%d/%m/%Y')::DATE"),
    ]

    static let script = #"""
import duckdb, json, sys, datetime, decimal
rows = json.loads(sys.argv[1]); exprs = json.loads(sys.argv[2])
con = duckdb.connect()
con.execute("SET error_on_division_by_zero=false")
con.execute("CREATE TABLE t (n INTEGER, i BIGINT, j BIGINT, d DOUBLE, m DECIMAL(10,2), s VARCHAR, dt DATE, ts TIMESTAMP, b BOOLEAN)")
for k, r in enumerate(rows):
    con.execute("INSERT INTO t SELECT ?, CAST(? AS BIGINT), CAST(? AS BIGINT), CAST(? AS DOUBLE), CAST(? AS DECIMAL(10,2)), ?, CAST(? AS DATE), CAST(? AS TIMESTAMP), CAST(? AS BOOLEAN)", [k] + r)
def text(v):
    if v is None: return "NULL"
    if isinstance(v, bool): return "true" if v else "false"
    if isinstance(v, float): return repr(v)
    return str(v)
out = []
for e in exprs:
    try:
        out.append([text(r[0]) for r in con.execute(f"SELECT {e} FROM t ORDER BY n").fetchall()])
    except duckdb.Error as err:
        out.append(["duckdb error: " + str(err).splitlines()[0]])
print(json.dumps(out))
"""#

    static func strataText(_ v: Value) -> String {
        switch v {
        case .null: return "NULL"
        case .timestamp(let t):
            // Python prints datetimes as `YYYY-MM-DD HH:MM:SS[.ffffff]`.
            return String(Temporal.formatTimestamp(micros: t).dropLast()).replacing("T", with: " ")
        default: return v.description
        }
    }

    static func same(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard let x = Double(a), let y = Double(b) else { return false }
        return abs(x - y) <= 1e-9 * max(1, abs(x), abs(y))
    }

    @Test func agreesWithDuckDB() throws {
        let batch = ExprFixture.make(Self.schema, Self.rows.map { r in
            zip(Self.schema.fields, r).map { f, v -> Value in
                guard let v else { return .null }
                switch f.type {
                case .int64: return .int(Int64(v)!)
                case .double: return .double(Double(v)!)
                case .decimal(_, let s):
                    var text = v
                    return .decimal(text.withUTF8 { Decimal64.parse($0, precision: 10, scale: s)! }, scale: s)
                case .string: return .string(v)
                case .date: return ExprFixture.date(v)
                case .timestamp: return ExprFixture.ts(v)
                case .bool: return .bool(v == "true")
                case .binary: return .binary(Array(v.utf8))
                }
            }
        })
        let rowsJSON = String(decoding: try JSONSerialization.data(withJSONObject: Self.rows.map { $0.map { $0 ?? NSNull() as Any } }), as: UTF8.self)
        let duck = Self.expressions.map { $0.1 ?? $0.0 }
        let exprJSON = String(decoding: try JSONSerialization.data(withJSONObject: duck), as: UTF8.self)
        let answer = try #require(try PythonOracle.json(Self.script, [rowsJSON, exprJSON]) as? [[String]])
        #expect(answer.count == Self.expressions.count)
        #expect(Self.expressions.count >= 40)
        for (k, (text, _)) in Self.expressions.enumerated() {
            let t = try ExpressionCompiler.compile(text, schema: Self.schema)
            let c = try t.evaluate(batch)
            let ours = (0..<c.count).map { Self.strataText(c.value($0)) }
            let agree = zip(ours, answer[k]).allSatisfy { Self.same($0, $1) }
            #expect(agree, "\(text): strata \(ours) duckdb \(answer[k])")
        }
    }
}
