import Foundation
import StrataTestSupport
import Testing

/// `strata docs generate|serve`: from `strata init` to a browsable site in five commands; the site
/// agrees with `access explain`, the lineage queries, the quarantine tables and the expectations'
/// results; in headless Chromium its pages load without console errors, search finds a column and
/// clicking a column highlights its lineage.
@Suite(.serialized)
struct DocsEndToEndTests {
    static var browserUsable: Bool { BrowserDriver.chromium != nil || PythonOracle.required }

    /// The five commands of the README's "Your own project".
    /// The project (its folder lives as long as it does) and the folder of the initialized one.
    static func initializedProject(_ name: String) throws -> (StrataProject, String) {
        let p = try StrataProject(name)
        #expect(try p.strata("init", "shop").status == 0)
        let dir = p.root + "/shop"
        for args in [["validate"], ["run", "--quiet"], ["docs", "generate"]] {
            let r = try TestProcess.run(TestPaths.strataBinary, args, cwd: dir)
            #expect(r.status == 0, "strata \(args.joined(separator: " ")): \(r.stderr)")
        }
        return (p, dir)
    }

    /// A project whose one pipeline `orders` reads `csv` through `expect` with `checks` into bronze.orders.
    static func checkedOrders(_ name: String, csv: String, description: String? = nil, checks: [String]) throws -> StrataProject {
        let p = try StrataProject(name)
        try p.write("landing/orders.csv", csv)
        try p.write("policies/roles.yaml", "roles:\n  analyst:\n    grants:\n      - tables: ['*.*']\n")
        try p.write("pipelines.yaml", """
            version: 1
            pipelines:
              orders:
            \(description.map { "    description: \($0)\n" } ?? "")    source: {type: csv, path: landing/orders.csv}
                transforms:
                  - type: expect
                    checks:
            \(checks.map { "          - " + $0 }.joined(separator: "\n"))
                sink: {type: table, table: bronze.orders}
            """)
        return p
    }

    static func catalog(_ dir: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: dir + "/docs/site/catalog.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func table(_ c: [String: Any], _ id: String) throws -> [String: Any] {
        try #require((c["tables"] as? [[String: Any]])?.first { $0["id"] as? String == id }, "no \(id) in the catalog")
    }

    /// Every table and role of the catalog in `dir`: the site's columns and what the role sees of
    /// each are exactly `access explain`'s; returns how many columns were compared.
    static func agreesWithAccessExplain(_ dir: String, catalog c: [String: Any]) throws -> Int {
        let roles = try #require(c["roles"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        var compared = 0
        for t in try #require(c["tables"] as? [[String: Any]]) {
            let id = try #require(t["id"] as? String)
            let access = try #require(t["roles"] as? [[String: Any]])
            let columns = try #require(t["columns"] as? [[String: Any]])
            for role in roles {
                let r = try TestProcess.run(TestPaths.strataBinary, ["access", "explain", id, "--as", role, "--json"], cwd: dir)
                let explain = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stderr)")
                let entry = try #require(access.first { $0["role"] as? String == role })
                #expect(entry["allowed"] as? Bool == explain["allowed"] as? Bool, "\(id) as \(role)")
                #expect((entry["row_filter"] as? String) == (explain["row_filter"] as? String), "\(id) as \(role)")
                let explained = try #require(explain["columns"] as? [[String: Any]])
                #expect(columns.compactMap { $0["name"] as? String } == explained.compactMap { $0["column"] as? String }, "\(id) as \(role): the same columns")
                for e in explained {
                    let name = try #require(e["column"] as? String)
                    let col = try #require(columns.first { $0["name"] as? String == name }, "\(id).\(name) missing")
                    let sees = ((col["access"] as? [String: Any])?[role] as? [String: Any])?["sees"] as? String
                    #expect(sees == e["sees"] as? String, "\(id).\(name) as \(role): site \(sees ?? "nil"), explain \(e["sees"] ?? "")")
                    #expect((col["type"] as? String) == (e["type"] as? String), "\(id).\(name)")
                    compared += 1
                }
            }
        }
        return compared
    }

    @Test func aSecondRunAndAnEditedConfigKeepTheSiteTrue() throws {
        let (project, dir) = try Self.initializedProject("docs-rerun")
        defer { withExtendedLifetime(project) {} }
        func strata(_ args: String...) throws -> TestProcess.Result { try TestProcess.run(TestPaths.strataBinary, args, cwd: dir) }
        let edgesBefore = try Self.catalog(dir)["lineage"].flatMap { ($0 as? [String: Any])?["columnEdges"] as? [Any] }?.count ?? 0
        #expect(edgesBefore > 10)
        // Nothing new: every pipeline is up to date, and lineage keeps its column edges.
        let again = try strata("run", "--quiet")
        #expect(again.status == 0 && again.stdout.contains("up-to-date"), "\(again.stdout)")
        #expect(try strata("docs", "generate").status == 0)
        let edgesAfter = try Self.catalog(dir)["lineage"].flatMap { ($0 as? [String: Any])?["columnEdges"] as? [Any] }?.count ?? 0
        #expect(edgesAfter == edgesBefore, "an up-to-date run must not erase the column lineage")
        let up = try strata("lineage", "upstream", "gold.customers_by_country.lifetime_value")
        #expect(up.status == 0, "\(up.stderr)")
        // pipelines.yaml changes after the run (silver gains a column): the site shows the table as
        // stored, as reads and `access explain` do, not the plan.
        var config = try String(contentsOfFile: dir + "/pipelines.yaml", encoding: .utf8)
        config = config.replacingOccurrences(of: "          email: lower(trim(email))\n", with: "          email: lower(trim(email))\n          domain: split_part(email, '@', 2)\n")
        config = config.replacingOccurrences(of: "columns: [customer_id, email, full_name, country, signup_date, lifetime_value]", with: "columns: [customer_id, email, domain, full_name, country, signup_date, lifetime_value]")
        try config.write(toFile: dir + "/pipelines.yaml", atomically: true, encoding: .utf8)
        #expect(try strata("validate").status == 0)
        #expect(try strata("docs", "generate").status == 0)
        let c = try Self.catalog(dir)
        let silver = try Self.table(c, "silver.customers")
        #expect(!((silver["columns"] as? [[String: Any]])?.contains { $0["name"] as? String == "domain" } ?? true))
        #expect(try Self.agreesWithAccessExplain(dir, catalog: c) > 20)
    }

    @Test func theSiteIsSelfContainedAndAgreesWithAccessExplain() throws {
        let (project, dir) = try Self.initializedProject("docs-agree")
        defer { withExtendedLifetime(project) {} }
        let html = try String(contentsOfFile: dir + "/docs/site/index.html", encoding: .utf8)
        // Opens from disk: nothing loaded from anywhere (the SVG namespace is a name, not a load).
        let scrubbed = html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "")
        for banned in ["http://", "https://", " src=", "@import", "url(", "fetch(", "XMLHttpRequest"] {
            #expect(!scrubbed.contains(banned), "the page references \(banned)")
        }
        let c = try Self.catalog(dir)
        let roles = try #require(c["roles"] as? [[String: Any]]).compactMap { $0["name"] as? String }
        #expect(roles.count >= 2)
        let tables = try #require(c["tables"] as? [[String: Any]])
        #expect(Set(tables.compactMap { $0["id"] as? String }).isSuperset(of: ["bronze.customers", "silver.customers", "gold.customers_by_country", "quarantine.bronze_customers"]))
        // What every role sees of every column is exactly what `access explain` says.
        let compared = try Self.agreesWithAccessExplain(dir, catalog: c)
        #expect(compared > 20)
        // The stored form and tags of the e-mail column, and the quarantine count of bronze.
        let silver = try Self.table(c, "silver.customers")
        let email = try #require((silver["columns"] as? [[String: Any]])?.first { $0["name"] as? String == "email" })
        #expect(email["stored"] as? String == "hash")
        #expect(((email["tags"] as? [String: Any])?["declared"] as? [String]) == ["pii.email"])
        let bronze = try Self.table(c, "bronze.customers")
        let q = try #require(bronze["quarantine"] as? [String: Any])
        #expect(q["rows"] as? Int == 1)
        #expect((bronze["history"] as? [[String: Any]])?.first?["pipeline"] as? String == "bronze_customers")
        #expect(silver["version"] as? Int == 0)
    }

    @Test func expectationsShowTheirLastResultAndQuarantineCountsByReason() throws {
        let p = try Self.checkedOrders("docs-checks", csv: "order_id,amount,status\n1,10.5,paid\n2,,paid\n3,7,lost\n4,3,paid\n",
                                       description: "Orders with checked amounts.", checks: [
                                           "{check: not_null, column: amount, action: quarantine}",
                                           "{check: accepted_values, column: status, values: [paid], action: quarantine}",
                                           "{check: range, column: order_id, min: 1, action: warn}",
                                       ])
        #expect(try p.strata("docs", "generate", "--out", "site").status == 0, "a project never run still documents")
        let before = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: p.root + "/site/catalog.json"))) as? [String: Any])
        let planned = try Self.table(before, "bronze.orders")
        #expect(planned["exists"] as? Bool == false)
        #expect((planned["checks"] as? [[String: Any]])?.allSatisfy { $0["last"] is NSNull } == true)

        #expect(try p.strata("run", "--quiet").status == 0)
        let r = try p.strata("docs", "generate", "--out", "site", "--json")
        #expect(r.status == 0, "\(r.stderr)")
        let c = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: p.root + "/site/catalog.json"))) as? [String: Any])
        let t = try Self.table(c, "bronze.orders")
        #expect(t["description"] as? String == "Orders with checked amounts.")
        let checks = try #require(t["checks"] as? [[String: Any]])
        let results = Dictionary(uniqueKeysWithValues: checks.compactMap { ch -> (String, Bool)? in
            guard let n = ch["name"] as? String, let last = ch["last"] as? [String: Any], let ok = last["success"] as? Bool else { return nil }
            return (n, ok)
        })
        #expect(results == ["not_null(amount)": false, "accepted_values(status)": false, "range(order_id)": true], "\(checks)")
        // Two rows quarantined, one per failing check, counted by reason as the quarantine table holds them.
        let q = try #require(t["quarantine"] as? [String: Any])
        #expect(q["rows"] as? Int == 2)
        let shown = try p.strata("show", "quarantine.bronze_orders", "--format", "json", "--columns", "_reason")
        let reasons = shown.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["_reason"] as? String // a non-JSON line fails the count below
        }
        let counted = (q["reasons"] as? [[String: Any]] ?? []).reduce(into: [String: Int]()) { $0[$1["reason"] as? String ?? ""] = $1["rows"] as? Int }
        #expect(counted == reasons.reduce(into: [String: Int]()) { $0[$1, default: 0] += 1 })
        #expect(counted.count == 2)
        let pipelines = try #require(c["pipelines"] as? [[String: Any]])
        #expect(pipelines.first?["status"] as? String == "COMPLETE")
    }

    @Test(.enabled(if: browserUsable)) func inChromiumSearchFindsAColumnAndAClickHighlightsItsLineage() throws {
        let (project, dir) = try Self.initializedProject("docs-browser")
        defer { withExtendedLifetime(project) {} }
        let page = "file://" + dir + "/docs/site/index.html"
        let up = try TestProcess.run(TestPaths.strataBinary, ["lineage", "upstream", "gold.customers_by_country.lifetime_value", "--json"], cwd: dir)
        let upstream = try #require(try JSONSerialization.jsonObject(with: Data(up.stdout.utf8)) as? [String: Any], "\(up.stderr)")
        let expectedUp = try #require(upstream["results"] as? [Any], "\(upstream.keys)").count
        let shots = try TempDir("docs-shots")
        var steps: [BrowserDriver.Step] = [.open(page)]
        /// Adds a step that reads the page; returns where its answer will be.
        func ask(_ expr: String) -> Int { steps.append(.eval(expr)); return steps.count - 1 }
        let landing = ask("document.body.dataset.page")
        let navLinks = ask("document.querySelectorAll('nav a').length")
        // Search, as a user types it: the column is offered; clicking it opens its table.
        steps += [.type("#q", "email"), .wait("document.querySelector('#results a[data-result=\"silver.customers.email\"]')")]
        let results = ask("Number(document.body.dataset.results)")
        steps += [.click("#results a[data-result=\"silver.customers.email\"]"),
                  .wait("document.body.dataset.page === 'table' && document.querySelector('tr.focus')")]
        let focused = ask("document.querySelector('tr.focus').dataset.col")
        let heading = ask("document.querySelector('h1').textContent")
        steps.append(.screenshot(shots.file("docs-table.png")))
        // The lineage page: a click on a column highlights what it comes from.
        steps += [.click("nav a[href=\"#/lineage\"]"), .wait("document.body.dataset.page === 'lineage' && document.body.dataset.rendered"),
                  .click("[data-column=\"gold.customers_by_country.lifetime_value\"]"), .wait("document.body.dataset.selected")]
        // At 1400 px the whole lake fits: the quarantine column is not cut off.
        let quarantineVisible = ask("document.querySelector('[data-node^=\"quarantine.\"]').getBoundingClientRect().right <= document.getElementById('canvas').getBoundingClientRect().right")
        let selected = ask("document.body.dataset.selected")
        let upCount = ask("document.body.dataset.upstream")
        let upMarked = ask("document.querySelectorAll('.lin-svg .col.up').length")
        let sourceClass = ask("document.querySelector('[data-column=\"silver.customers.lifetime_value\"]').getAttribute('class')")
        steps.append(.screenshot(shots.file("docs-lineage.png")))
        // Search and zoom in the graph.
        steps.append(.type("#lin-q", "pii.email"))
        let matches = ask("Number(document.body.dataset.matches)")
        let zoomBefore = ask("parseInt(document.querySelector('.lin-tools .zoom').textContent, 10)")
        steps.append(.click("#zoom-in"))
        let zoom = ask("parseInt(document.querySelector('.lin-tools .zoom').textContent, 10)")
        // Every other page renders too.
        steps += [.eval("location.hash = '#/role/analyst'"), .wait("document.body.dataset.page === 'role'")]
        let roleRows = ask("document.querySelectorAll('main tbody tr').length")
        steps += [.eval("location.hash = '#/pipeline/silver_customers'"), .wait("document.body.dataset.page === 'pipeline'")]
        let pipelineHeading = ask("document.querySelector('h1').textContent")
        steps += [.eval("location.hash = '#/'"), .wait("document.body.dataset.page === 'overview'")]
        let grids = ask("document.querySelectorAll('table.grid').length")
        let s = try BrowserDriver.run(steps)
        #expect(s.errors.isEmpty, "console errors: \(s.errors)")
        #expect(s.results[landing] == "\"overview\"")
        #expect(Int(s.results[navLinks]) ?? 0 >= 8, "nav links: \(s.results[navLinks])")
        #expect(Int(s.results[results]) ?? 0 >= 2, "results: \(s.results[results])")
        #expect(s.results[focused] == "\"email\"")
        #expect(s.results[heading].contains("silver.customers"))
        #expect(s.results[quarantineVisible] == "true")
        #expect(s.results[selected] == "\"gold.customers_by_country.lifetime_value\"")
        #expect(s.results[upCount] == "\"\(expectedUp)\"", "the page's upstream count is the CLI's")
        #expect(Int(s.results[upMarked]) ?? 0 >= 2)
        #expect(s.results[sourceClass].contains("up"))
        #expect(Int(s.results[matches]) ?? 0 >= 2, "the e-mail columns of bronze and silver carry pii.email")
        #expect(abs((Double(s.results[zoom]) ?? 0) - (Double(s.results[zoomBefore]) ?? 0) * 1.25) <= 1.5, "zoom \(s.results[zoomBefore]) → \(s.results[zoom])")
        #expect(Int(s.results[roleRows]) ?? 0 >= 4, "one row per table")
        #expect(s.results[pipelineHeading].contains("silver_customers"))
        #expect(Int(s.results[grids]) ?? 0 >= 2)
        for shot in ["docs-table.png", "docs-lineage.png"] {
            let data = try Data(contentsOf: URL(fileURLWithPath: shots.file(shot)))
            #expect(data.count > 20_000, "\(shot) looks empty (\(data.count) bytes)")
            #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]))
            // `STRATA_DOCS_SCREENSHOTS=docs/img` (scripts/docs-screenshots) keeps them for the README.
            if let keep = ProcessInfo.processInfo.environment["STRATA_DOCS_SCREENSHOTS"] {
                try data.write(to: URL(fileURLWithPath: keep + "/" + shot))
            }
        }
    }

    @Test(.enabled(if: browserUsable)) func theLineageExportSearchesZoomsAndFitsAWholeLake() throws {
        let (project, dir) = try Self.initializedProject("docs-lineage-html")
        defer { withExtendedLifetime(project) {} }
        let r = try TestProcess.run(TestPaths.strataBinary, ["lineage", "export", "--format", "html", "--out", "lineage.html"], cwd: dir)
        #expect(r.status == 0, "\(r.stderr)")
        var steps: [BrowserDriver.Step] = [.open("file://" + dir + "/lineage.html", wait: "document.body.dataset.rendered !== '0'")]
        func ask(_ expr: String) -> Int { steps.append(.eval(expr)); return steps.count - 1 }
        let fits = ask("document.querySelector('[data-node^=\"quarantine.\"]').getBoundingClientRect().right <= document.getElementById('canvas').getBoundingClientRect().right")
        // Tags sit on their own line: no tag text overlaps its column's type.
        let overlaps = ask("Array.prototype.filter.call(document.querySelectorAll('.col'), function (g) { var t = g.querySelector('.tags'), y = g.querySelector('.type'); if (!t) return false; var a = t.getBoundingClientRect(), b = y.getBoundingClientRect(); return a.right > b.left && a.bottom > b.top && b.bottom > a.top; }).length")
        steps.append(.type("#search", "email"))
        let matches = ask("Number(document.body.dataset.matches)")
        steps.append(.key("Enter"))
        let selected = ask("document.body.dataset.selected || ''")
        let zoomBefore = ask("parseInt(document.getElementById('zoom').textContent, 10)")
        steps.append(.click("#zoom-out"))
        let zoom = ask("parseInt(document.getElementById('zoom').textContent, 10)")
        steps.append(.click("[data-column=\"silver.customers.email\"]"))
        let clicked = ask("document.body.dataset.selected")
        let down = ask("Number(document.body.dataset.downstream)")
        let s = try BrowserDriver.run(steps)
        #expect(s.errors.isEmpty, "console errors: \(s.errors)")
        #expect(s.results[fits] == "true")
        #expect(s.results[overlaps] == "0")
        #expect(Int(s.results[matches]) ?? 0 >= 2, "email columns in landing, bronze and silver")
        #expect(s.results[selected].contains(".email"), "Enter selects the first match: \(s.results[selected])")
        #expect(abs((Double(s.results[zoom]) ?? 0) - (Double(s.results[zoomBefore]) ?? 0) * 0.8) <= 1.5, "zoom \(s.results[zoomBefore]) → \(s.results[zoom])")
        #expect(s.results[clicked] == "\"silver.customers.email\"")
        let cli = try TestProcess.run(TestPaths.strataBinary, ["lineage", "downstream", "silver.customers.email", "--json"], cwd: dir)
        let expected = ((try JSONSerialization.jsonObject(with: Data(cli.stdout.utf8)) as? [String: Any])?["results"] as? [Any])?.count
        #expect(Int(s.results[down]) == expected, "the page's downstream count is the CLI's")
    }

    @Test func aCheckThatStopsTheRunShowsAsFailed() throws {
        let p = try Self.checkedOrders("docs-fail", csv: "order_id,amount\n1,10\n2,-5\n",
                                       checks: ["{check: range, column: amount, min: 0, action: fail}"])
        let run = try p.strata("run", "--quiet")
        #expect(run.status == 1, "\(run.stderr)")
        #expect(try p.strata("docs", "generate", "--out", "site").status == 0)
        let c = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: p.root + "/site/catalog.json"))) as? [String: Any])
        let pipeline = try #require((c["pipelines"] as? [[String: Any]])?.first)
        #expect(pipeline["status"] as? String == "FAIL")
        let last = try #require(((pipeline["checks"] as? [[String: Any]])?.first)?["last"] as? [String: Any], "the failing check has a result")
        #expect(last["success"] as? Bool == false)
        #expect(last["run_status"] as? String == "FAIL")
    }

    @Test(.enabled(if: browserUsable)) func textThatLooksLikeMarkupCannotBreakThePage() throws {
        let (project, dir) = try Self.initializedProject("docs-hostile")
        defer { withExtendedLifetime(project) {} }
        var config = try String(contentsOfFile: dir + "/pipelines.yaml", encoding: .utf8)
        config = config.replacingOccurrences(of: "description: One row per customer, e-mail addresses normalised.",
                                             with: "description: \"One row <!-- <script> per customer </script><b>x</b> & more\"")
        try config.write(toFile: dir + "/pipelines.yaml", atomically: true, encoding: .utf8)
        #expect(try TestProcess.run(TestPaths.strataBinary, ["docs", "generate"], cwd: dir).status == 0)
        let s = try BrowserDriver.run([.open("file://" + dir + "/docs/site/index.html#/table/silver.customers"),
                                       .eval("document.querySelector('main p').textContent")])
        #expect(s.errors.isEmpty, "console errors: \(s.errors)")
        #expect(s.results[1] == "\"One row <!-- <script> per customer </script><b>x</b> & more\"", "shown as text: \(s.results[1])")
    }

    @Test(.enabled(if: browserUsable)) func serveAnswersOnLocalhostAndThePageLoadsFromIt() throws {
        let (project, dir) = try Self.initializedProject("docs-serve")
        defer { withExtendedLifetime(project) {} }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: TestPaths.strataBinary)
        p.arguments = ["docs", "serve", "--port", "0", "--quiet"]
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { p.terminate(); p.waitUntilExit() }
        // The first line names the address; reading it waits until the server listens.
        var line = Data()
        var buf = [UInt8](repeating: 0, count: 4096)
        while !line.contains(0x0A) {
            let n = read(out.fileHandleForReading.fileDescriptor, &buf, buf.count)
            if n <= 0 { break }
            line += buf[0..<n]
        }
        let text = String(decoding: line, as: UTF8.self)
        let url = try #require(text.range(of: "http://127.0.0.1:[0-9]+/", options: .regularExpression).map { String(text[$0]) }, "\(text)")
        let fetch = #"""
import json, sys, urllib.request, urllib.error
base = sys.argv[1]
out = {}
for path in ["", "catalog.json", "nope"]:
    try:
        r = urllib.request.urlopen(base + path, timeout=10)
        out[path] = [r.status, r.headers.get("Content-Type"), len(r.read())]
    except urllib.error.HTTPError as e:
        out[path] = [e.code, e.headers.get("Content-Type"), 0]
# A page of another site whose name points at 127.0.0.1 (DNS rebinding) sends its own Host.
import http.client
host, port = base.split("//")[1].rstrip("/").split(":")
c = http.client.HTTPConnection(host, int(port), timeout=10)
c.request("GET", "/catalog.json", headers={"Host": "attacker.example:" + port})
out["rebound"] = [c.getresponse().status, "", 0]
print(json.dumps(out))
"""#
        let python = PythonOracle.python ?? "/usr/bin/python3"
        let r = try TestProcess.run(python, ["-c", fetch, url])
        let got = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: [Any]], "\(r.stderr)")
        #expect(got[""]?[0] as? Int == 200 && (got[""]?[1] as? String)?.hasPrefix("text/html") == true)
        #expect(got["catalog.json"]?[0] as? Int == 200 && got["catalog.json"]?[1] as? String == "application/json")
        #expect(got["nope"]?[0] as? Int == 404)
        #expect(got["rebound"]?[0] as? Int == 403)
        let s = try BrowserDriver.run([.open(url + "#/table/silver.customers"), .eval("document.querySelectorAll('tr[data-col]').length")])
        #expect(s.errors.isEmpty, "console errors: \(s.errors)")
        #expect(s.results[1] == "6")
        // Bad options are usage errors.
        let bad = try TestProcess.run(TestPaths.strataBinary, ["docs", "serve", "--port", "http"], cwd: dir)
        #expect(bad.status == 2 && bad.stderr.contains("--port needs a number"), "\(bad.stderr)")
        let typo = try TestProcess.run(TestPaths.strataBinary, ["docs", "genrate"], cwd: dir)
        #expect(typo.status == 2 && typo.stderr.contains("did you mean 'generate'?"), "\(typo.stderr)")
    }
}
