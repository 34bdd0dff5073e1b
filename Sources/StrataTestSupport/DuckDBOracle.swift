import Foundation
import StrataCore
import StrataFormats

/// Asks DuckDB (from `.venv`) the SQL equivalent of what a Strata step computed.
///
/// Inputs are written as Parquet files by Strata's own writer and exposed to the SQL as views
/// with the given names. Results on both sides are normalised to the same text form
/// (`OracleRows`), so comparisons are exact for ints, decimals, strings, dates and timestamps
/// and to 9 significant digits for doubles.
public enum DuckDBOracle {
    public static func query(_ sql: String, inputs: [String: Batch]) throws -> [[String]] {
        let dir = try TempDir("oracle")
        var views = ""
        for (name, batch) in inputs {
            let path = dir.file("\(name).parquet")
            let w = try ParquetWriter(path: path, schema: batch.schema, options: ParquetWriteOptions())
            try w.write(batch)
            _ = try w.close()
            views += "con.execute(\"create view \(name) as select * from read_parquet('\(path)')\")\n"
        }
        let script = """
        import sys, json, duckdb, datetime, decimal, math, os
        con = duckdb.connect()
        con.execute("SET TimeZone='UTC'")
        \(views)
        def norm(v):
            if v is None: return None
            if isinstance(v, bool): return "true" if v else "false"
            if isinstance(v, int): return str(v)
            if isinstance(v, float):
                if math.isnan(v): return "NaN"
                return format(v, ".9g")
            if isinstance(v, decimal.Decimal): return str(v)
            if isinstance(v, datetime.datetime):
                if v.tzinfo is not None: v = v.astimezone(datetime.timezone.utc).replace(tzinfo=None)
                s = v.strftime("%Y-%m-%dT%H:%M:%S")
                if v.microsecond: s += ".%06d" % v.microsecond
                return s + "Z"
            if isinstance(v, datetime.date): return v.isoformat()
            return str(v)
        rows = con.execute(sys.argv[1]).fetchall()
        print(json.dumps([[norm(x) for x in r] for r in rows]))
        os._exit(0)
        """
        let out = try PythonOracle.json(script, [sql]) as? [[Any]] ?? []
        return out.map { $0.map { ($0 as? String) ?? "NULL" } }
    }

    /// Strata values in the oracle's text form.
    public static func normalize(_ rows: [[Value]]) -> [[String]] {
        rows.map { $0.map(normalize) }
    }

    public static func normalize(_ v: Value) -> String {
        switch v {
        case .null: return "NULL"
        case .double(let d):
            if d.isNaN { return "NaN" }
            return String(format: "%.9g", d)
        default: return v.description
        }
    }
}
