import Foundation
import StrataTestSupport
import Testing

/// One source of truth, checked by property over every role × table × column: `access explain`,
/// `policy audit` and a governed read (`show --as`) agree, on the demo lake and on a generated one.
@Suite(.serialized, .enabled(if: oraclesAvailable))
struct AccessAgreementEndToEndTests {
    static let checker = """
    import sys, json, subprocess
    root, strata = sys.argv[1], sys.argv[2]
    def run(*args):
        p = subprocess.run([strata, *args], cwd=root, capture_output=True, text=True)
        return p.returncode, p.stdout, p.stderr
    def lines(text):
        return [json.loads(l) for l in text.splitlines() if l.strip()]
    roles = ["data_engineer", "analyst", "support", "marketing", "nobody"]
    tables = [t["table"] for t in json.loads(run("tables", "--json")[1])["tables"]]
    report = json.loads(run("policy", "audit", "--format", "json")[1])["tables"]
    audit = {t["table"]: {c["name"]: c["access"] for c in t["columns"]} for t in report}
    form = {t["table"]: {c["name"]: c["stored"] for c in t["columns"]} for t in report}
    problems, checks = [], 0
    def fail(*what):
        problems.append(" ".join(str(w) for w in what))
    for table in tables:
        rc, out, err = run("show", table, "--format", "json", "--limit", "1000000")
        if rc != 0:
            fail(table, "stored read failed", err); continue
        stored = lines(out)
        for role in roles:
            rc, out, err = run("access", "explain", table, "--as", role, "--json")
            explain = json.loads(out)
            if rc != (0 if explain["allowed"] else 3): fail(table, role, "explain exit", rc, "for allowed", explain["allowed"])
            rc2, out2, err2 = run("show", table, "--as", role, "--format", "json", "--limit", "1000000")
            checks += 1
            if not explain["allowed"]:
                if rc2 != 3: fail(table, role, "explain says denied, show exit", rc2)
                for col in explain["columns"]:
                    if role in audit.get(table, {}).get(col["column"], {}) and audit[table][col["column"]][role] != "denied":
                        fail(table, role, col["column"], "audit says", audit[table][col["column"]][role])
                continue
            if rc2 != 0:
                fail(table, role, "explain allows, show exit", rc2, err2); continue
            shown = lines(out2)
            sees = {c["column"]: c["sees"] for c in explain["columns"]}
            visible = sorted(c for c, s in sees.items() if s != "hidden")
            if shown and sorted(shown[0].keys()) != visible:
                fail(table, role, "columns shown", sorted(shown[0].keys()), "explain", visible)
            filtered = explain.get("row_filter") not in (None, "", "all")
            if not filtered and len(shown) != len(stored):
                fail(table, role, "rows", len(shown), "of", len(stored), "without a row filter")
            for col, s in sees.items():
                checks += 1
                a = audit.get(table, {}).get(col, {}).get(role)
                if a != s: fail(table, role, col, "explain", s, "audit", a)
                if s == "hidden": continue
                raw = [r.get(col) for r in stored]
                got = [r.get(col) for r in shown]
                # Shown as stored: clear, a clear view of a masked column, or the very mask it is stored with.
                if s == "clear" or s.endswith(", as stored)") or s == "masked (%s)" % form.get(table, {}).get(col):
                    if filtered:
                        pool = {}
                        for v in raw: pool[json.dumps(v)] = pool.get(json.dumps(v), 0) + 1
                        for v in got:
                            k = json.dumps(v)
                            if pool.get(k, 0) == 0: fail(table, role, col, "shows a value that is not stored"); break
                            pool[k] -= 1
                    elif sorted(map(json.dumps, got)) != sorted(map(json.dumps, raw)):
                        fail(table, role, col, "clear values differ from the stored ones")
                elif s == "masked (null)":
                    if any(v is not None for v in got): fail(table, role, col, "null mask shows values")
                elif not s.startswith("masked (generalize"):
                    rawset = {json.dumps(v) for v in raw if v is not None and str(v).strip("0- .:") != ""}
                    leaked = [v for v in got if v is not None and json.dumps(v) in rawset]
                    if leaked: fail(table, role, col, s, "shows", len(leaked), "stored values unmasked")
    print(json.dumps({"tables": len(tables), "checks": checks, "problems": problems[:30]}))
    """

    func check(_ p: StrataProject, minTables: Int) throws {
        let out = try p.pythonJSON(Self.checker, [TestPaths.strataBinary]) as! [String: Any]
        #expect((out["tables"] as! Int) >= minTables, "\(out)")
        #expect((out["checks"] as! Int) > 200, "\(out)")
        #expect((out["problems"] as! [String]).isEmpty, "\(out["problems"]!)")
    }

    @Test func demoLakeReportsAgreeWithGovernedReads() throws {
        let p = try GovernanceEndToEndTests.ranDemo()
        try check(p, minTables: 14)
    }

    @Test func generatedLakeReportsAgreeWithGovernedReads() throws {
        let p = try StrataProject("generated")
        try FileManager.default.copyItem(atPath: TestPaths.packageRoot + "/pipelines.yaml", toPath: p.root + "/pipelines.yaml")
        try FileManager.default.copyItem(atPath: TestPaths.packageRoot + "/policies", toPath: p.root + "/policies")
        let g = try p.strata("generate", "ecommerce", "--rows", "3000", "--out", "datalake/landing", "--seed", "7", "--days", "5")
        #expect(g.status == 0, "\(g.stderr)")
        let r = try p.strata("run")
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        try check(p, minTables: 14)
    }
}
