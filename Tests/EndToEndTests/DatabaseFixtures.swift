import Foundation
import StrataTestSupport
import Testing

/// What the database sources' end-to-end tests share: a project whose one pipeline extracts
/// into `bronze.extract`, and that table read back by deltalake/pyarrow.
enum DatabaseFixtures {
    /// A project with `policies/roles.yaml` and one pipeline `extract` whose source is `type`
    /// at `dsn` (password from `SHOP_DB_PASSWORD`) with the extra `source` lines.
    static func project(_ name: String, type: String, dsn: String, source: String) throws -> StrataProject {
        let p = try StrataProject(name)
        try p.write("policies/roles.yaml", "roles:\n  analyst:\n    grants:\n      - tables: ['*.*']\n")
        try p.write("pipelines.yaml", """
            version: 1
            pipelines:
              extract:
                source:
                  type: \(type)
                  dsn: \(dsn)
                  password_env: SHOP_DB_PASSWORD
            \(source.split(separator: "\n").map { "      " + $0 }.joined(separator: "\n"))
                sink: {type: table, table: bronze.extract}
            """)
        return p
    }

    /// The bronze table's rows without Strata's `_` columns (decimals and dates as text, binary
    /// values as `\x…` hex).
    static func rows(_ p: StrataProject) throws -> [[String: Any]] {
        let script = #"""
import json, sys, datetime, decimal
from deltalake import DeltaTable
t = DeltaTable(sys.argv[1] + "/datalake/bronze/extract").to_pyarrow_table()
def plain(v):
    if isinstance(v, (datetime.datetime, datetime.date)): return v.isoformat()
    if isinstance(v, decimal.Decimal): return str(v)
    if isinstance(v, float) and v != v: return "NaN"
    if isinstance(v, bytes): return "\\x" + v.hex()
    return v
print(json.dumps([{k: plain(v) for k, v in r.items() if not k.startswith("_")} for r in t.to_pylist()]))
"""#
        return try #require(try p.pythonJSON(script) as? [[String: Any]])
    }

    /// The bronze table's columns as pyarrow types: `id=int64 n=decimal128(12, 2) …`.
    static func types(_ p: StrataProject) throws -> String {
        try p.python(#"""
import sys
from deltalake import DeltaTable
print(" ".join(f"{f.name}={f.type}" for f in DeltaTable(sys.argv[1] + "/datalake/bronze/extract").to_pyarrow_table().schema if not f.name.startswith("_")))
"""#).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The text of every lineage event the project stored.
    static func lineageText(_ p: StrataProject) throws -> String {
        let events = try FileManager.default.contentsOfDirectory(atPath: p.root + "/lineage/events")
        return try events.map { try String(contentsOfFile: p.root + "/lineage/events/" + $0, encoding: .utf8) }.joined()
    }

    /// Runs the project killed at `crash`, then again: afterwards the bronze table holds exactly
    /// `expected` rows and no (id, updated_at) row version twice.
    static func killThenRerun(_ p: StrataProject, crash: String, env: [String: String], expected: Int) throws {
        var killing = env
        killing["STRATA_CRASH_AT"] = crash
        #expect(try p.strata(args: ["run", "--quiet"], env: killing).status != 0, "\(crash): the run should have been killed")
        let rerun = try p.strata(args: ["run", "--quiet"], env: env)
        #expect(rerun.status == 0, "\(crash): \(rerun.stderr)")
        let rows = try DatabaseFixtures.rows(p)
        #expect(rows.count == expected, "after a kill at \(crash): \(rows.count) rows, expected \(expected)")
        let pairs = rows.map { "\($0["id"] ?? "")|\($0["updated_at"] ?? "")" }
        #expect(Set(pairs).count == pairs.count, "after a kill at \(crash): duplicated row versions")
    }

    /// The latest version of every row (the newest `updated_at` per id) as `id|amount`, by id:
    /// what the database's `SELECT id, amount … ORDER BY id` says when nothing was lost.
    static func latestAmounts(_ p: StrataProject) throws -> [String] {
        let latest = Dictionary(try rows(p).map { ($0["id"] as? Int ?? 0, $0) }, uniquingKeysWith: { a, b in
            (a["updated_at"] as? String ?? "") >= (b["updated_at"] as? String ?? "") ? a : b
        })
        return latest.keys.sorted().map { "\($0)|\(latest[$0]!["amount"] as? String ?? "")" }
    }
}
