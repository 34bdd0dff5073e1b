@testable import StrataGovernance
import StrataCore
import StrataFormats
import Foundation
import Testing

@Suite struct LineageGraphTests {
    let graph = LineageFixture.graph

    @Test func graphHasDatasetsJobsAndStatuses() throws {
        #expect(graph.datasets.map(\.id) == [
            "datalake/landing/orders.csv", "datalake/landing/users.csv", "bronze.orders", "bronze.users",
            "silver.users", "gold.broken", "gold.user_sales",
        ])
        #expect(graph.jobs.map(\.name) == ["bronze_orders", "bronze_users", "gold_broken", "gold_user_sales", "silver_users"])
        let broken = try #require(graph.jobs.first { $0.name == "gold_broken" })
        #expect(broken.status == .fail && broken.error?.contains("unknown column") == true)
        #expect(graph.jobs.filter { $0.status == .complete }.count == 4)
        #expect(graph.dataset("bronze.users")?.tags["email"] == ["pii.email"])
        #expect(graph.dataset("silver.users")?.fields.map(\.name) == ["id", "email_hash", "name", "signup_year"])
        #expect(graph.edges.contains(LineageGraph.Edge(from: "datalake/silver/users", to: "datalake/gold/user_sales", job: "gold_user_sales")))
    }

    @Test func latestCompleteRunWinsAndFailKeepsItsEdges() throws {
        // A later failed run of silver_users: status FAIL, edges still from the last COMPLETE.
        var events = LineageFixture.events
        var fail = OpenLineageRunEvent(eventType: .fail, eventTime: LineageFixture.t0 + 3_600_000_000, runId: UUID().uuidString.lowercased(),
                                       jobName: "silver_users", inputs: [LineageDataset(name: "datalake/bronze/users")],
                                       outputs: [LineageDataset(name: "datalake/silver/users")], errorMessage: "disk full")
        fail.parentRunId = nil
        events.append(fail)
        let g = LineageGraph(events: events)
        let job = try #require(g.jobs.first { $0.name == "silver_users" })
        #expect(job.status == .fail && job.error == "disk full" && job.runId == fail.runId)
        #expect(g.columnEdges.contains { $0.job == "silver_users" && $0.masking })
        #expect(g.latestEvents.filter { $0.jobName == "silver_users" }.map(\.eventType) == [.fail])
    }

    /// Each gold column's upstream is what its expression reads (direct) plus the join/group keys.
    @Test func goldColumnLineageMatchesItsExpressions() throws {
        func up(_ s: String, depth: Int? = 1) throws -> Set<String> {
            Set(graph.upstream(of: try graph.node(s), depth: depth).map { "\($0.datasetId).\($0.node.column ?? "*") \($0.subtype?.rawValue ?? "")" })
        }
        let keys: Set = ["bronze.orders.user_id JOIN", "silver.users.id JOIN"]
        #expect(try up("gold.user_sales.total") == keys.union(["bronze.orders.amount AGGREGATION"]))
        #expect(try up("gold.user_sales.orders") == keys.union(["bronze.orders.order_id AGGREGATION"]))
        #expect(try up("gold.user_sales.user_id") == ["bronze.orders.user_id IDENTITY", "silver.users.id JOIN"])
        #expect(try up("gold.user_sales.email_hash") == keys.union(["silver.users.email_hash IDENTITY"]))
        // All the way back: email_hash comes from the landing file's email, masked on the way.
        let deep = graph.upstream(of: try graph.node("gold.user_sales.email_hash"))
        let email = try #require(deep.first { $0.datasetId == "bronze.users" && $0.node.column == "email" })
        #expect(email.masking && email.subtype == .transformation)
        #expect(deep.contains { $0.datasetId == "datalake/landing/users.csv" && $0.node.column == "email" })
        // The silver filter column is an indirect input of every silver column.
        #expect(deep.contains { $0.datasetId == "bronze.users" && $0.node.column == "signup_date" && $0.type == .indirect })
    }

    @Test func downstreamAndDepth() throws {
        let email = try graph.node("datalake/landing/users.csv")
        #expect(graph.downstream(of: email, depth: 1).map(\.datasetId) == ["bronze.users"])
        #expect(graph.downstream(of: email).map(\.datasetId) == ["bronze.users", "silver.users", "gold.broken", "gold.user_sales"])
        let col = graph.downstream(of: try graph.node("bronze.users.email"))
        #expect(col.map { "\($0.datasetId).\($0.node.column ?? "*")@\($0.distance)" } == ["silver.users.email_hash@1", "gold.user_sales.email_hash@2"])
        #expect(col[0].masking)
        // A filter column reaches the whole silver table, then everything downstream of it.
        let filter = graph.downstream(of: try graph.node("bronze.users.signup_date"))
        #expect(filter.contains { $0.datasetId == "silver.users" && $0.node.column == nil && $0.subtype == .filter })
        #expect(filter.contains { $0.datasetId == "gold.user_sales" && $0.node.column == nil })
        #expect(graph.upstream(of: try graph.node("bronze.users"), depth: 0).isEmpty)
    }

    @Test func unknownNodesSuggestTheFix() throws {
        let e1 = try #require(throws: StrataError.self) { try graph.node("gold.user_sale") }
        #expect(e1.code == .notFound && e1.hint?.contains("gold.user_sales") == true)
        let e2 = try #require(throws: StrataError.self) { try graph.node("gold.user_sales.totl") }
        #expect(e2.hint?.contains("total") == true)
    }

    // MARK: exports

    @Test func dotSnapshot() throws {
        let s = try LineageFixture.snapshot("graph.dot", graph.export(.dot))
        #expect(s.actual == s.expected)
        #expect(s.actual.contains("\"bronze.users\":c1 -> \"silver.users\":c1 [style=dashed, color=\"#cc0000\", label=\"TRANSFORMATION masked\"];"))
    }

    /// Graphviz, when installed, lays the DOT out without errors or lost edges.
    @Test(.enabled(if: GovProcess.which(["dot"]) != nil)) func dotRendersWithGraphviz() throws {
        let dir = try GovTempDir("lineage-dot")
        try graph.export(.dot).write(toFile: dir.file("g.dot"), atomically: true, encoding: .utf8)
        let r = try GovProcess.run(try #require(GovProcess.which(["dot"])), ["-Tsvg", dir.file("g.dot"), "-o", dir.file("g.svg")])
        #expect(r.status == 0 && r.stderr.isEmpty, "\(r.stderr)")
        let svg = try String(contentsOfFile: dir.file("g.svg"), encoding: .utf8)
        for d in graph.datasets { #expect(svg.contains(">\(d.id)<"), "\(d.id) missing from the drawing") }
    }

    @Test func mermaidSnapshot() throws {
        let s = try LineageFixture.snapshot("graph.mmd", graph.export(.mermaid))
        #expect(s.actual == s.expected)
        #expect(s.actual.hasPrefix("flowchart LR\n"))
    }

    @Test func jsonSnapshot() throws {
        let s = try LineageFixture.snapshot("graph.json", graph.export(.json))
        #expect(s.actual == s.expected)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(s.actual.utf8)) as? [String: Any])
        #expect((obj["columnEdges"] as? [Any])?.count == graph.columnEdges.count)
    }

    @Test(.enabled(if: OpenLineageOracle.usable)) func openLineageExportValidates() throws {
        let text = graph.export(.openlineage)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(array.count == 10) // START + terminal of each of the 5 jobs
        let dir = try GovTempDir("ol-export")
        let lines = try array.map { String(decoding: try JSONSerialization.data(withJSONObject: $0), as: UTF8.self) }
        try (lines.joined(separator: "\n") + "\n").write(toFile: dir.file("export.jsonl"), atomically: true, encoding: .utf8)
        #expect(try OpenLineageOracle.validate([dir.file("export.jsonl")]) == 10)
    }

    @Test func htmlIsSelfContained() {
        let html = graph.export(.html)
        #expect(html.hasPrefix("<!DOCTYPE html>") && html.hasSuffix("</html>\n"))
        let rest = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
            .replacingOccurrences(of: "var NS = \"http://www.w3.org/2000/svg\"", with: "")
        for banned in ["http://", "https://", "<link", " src=", "@import", "url(", "fetch(", "XMLHttpRequest"] {
            #expect(!rest.contains(banned), "the page references \(banned)")
        }
        // The data island cannot end its script early, even with a hostile name.
        var events = LineageFixture.events
        events[1].outputs[0].fields?[0].name = "x</script><b>"
        let hostile = LineageGraph(events: events).export(.html)
        #expect(hostile.components(separatedBy: "</script>").count == html.components(separatedBy: "</script>").count)
    }
}

/// Headless Chromium draws the HTML export; skipped when Chromium is absent unless
/// `STRATA_REQUIRE_ORACLES=1` (then the test fails, so CI cannot skip it silently).
@Suite struct LineageHTMLBrowserTests {
    static var chromium: String? { GovProcess.which(["chromium", "chromium-browser", "google-chrome", "chrome"]) }
    static var usable: Bool { chromium != nil || GovProcess.oraclesRequired }

    static func browse(_ chromium: String, _ args: [String]) throws -> GovProcess.Result {
        try GovProcess.run(chromium, ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                                      "--hide-scrollbars", "--virtual-time-budget=5000"] + args, timeout: 90)
    }

    /// The value of `name="…"` on the `<body>` tag of a DOM dump.
    static func bodyAttribute(_ dom: String, _ name: String) -> String? {
        guard let start = dom.range(of: "<body"), let end = dom[start.upperBound...].firstIndex(of: ">") else { return nil }
        let tag = dom[start.upperBound..<end]
        guard let r = tag.range(of: " \(name)=\"") else { return nil }
        return String(tag[r.upperBound...].prefix { $0 != "\"" })
    }

    @Test(.enabled(if: usable)) func pageDrawsEveryNodeAndHighlightsLineage() throws {
        let chromium = try #require(LineageHTMLBrowserTests.chromium, "chromium is required (apt-get install chromium)")
        let graph = LineageFixture.graph
        let dir = try GovTempDir("lineage-html")
        let page = dir.file("lineage.html")
        try graph.export(.html).write(toFile: page, atomically: true, encoding: .utf8)

        let r = try LineageHTMLBrowserTests.browse(chromium, ["--dump-dom", "file://\(page)#select=gold.user_sales.total"])
        #expect(r.status == 0, "\(r.stderr)")
        let dom = r.stdout
        #expect(LineageHTMLBrowserTests.bodyAttribute(dom, "data-error") == nil, "script error: \(LineageHTMLBrowserTests.bodyAttribute(dom, "data-error") ?? "")")
        #expect(LineageHTMLBrowserTests.bodyAttribute(dom, "data-rendered") == String(graph.datasets.count))
        #expect(LineageHTMLBrowserTests.bodyAttribute(dom, "data-columns") == String(graph.datasets.reduce(0) { $0 + $1.fields.count }))
        #expect(LineageHTMLBrowserTests.bodyAttribute(dom, "data-edges") == String(graph.edges.count + graph.columnEdges.count))
        // Every dataset was drawn as an SVG group, every column as a row.
        for d in graph.datasets {
            #expect(dom.contains("data-node=\"\(d.id)\""), "\(d.id) not drawn")
            for f in d.fields { #expect(dom.contains("data-column=\"\(d.id).\(f.name)\"")) }
        }
        // The #select hook ran the same impact query as the Swift graph.
        let expectedUp = graph.upstream(of: try graph.node("gold.user_sales.total")).count
        #expect(LineageHTMLBrowserTests.bodyAttribute(dom, "data-selected") == "gold.user_sales.total")
        #expect(LineageHTMLBrowserTests.bodyAttribute(dom, "data-upstream") == String(expectedUp))
        #expect(LineageHTMLBrowserTests.bodyAttribute(dom, "data-downstream") == "0")
        #expect(dom.contains("class=\"col sel\"") && dom.contains("class=\"col up\""))

        // A screenshot: the table headers' layer colours are on the picture.
        let png = dir.file("lineage.png")
        let s = try LineageHTMLBrowserTests.browse(chromium, ["--screenshot=\(png)", "--window-size=1500,900", "file://\(page)"])
        #expect(s.status == 0, "\(s.stderr)")
        #expect(FileManager.default.fileExists(atPath: png))
        if GovProcess.python != nil || GovProcess.oraclesRequired {
            let counts = try GovProcess.python(PNGColors.script, [png, "f1dcc7", "e4e6ec", "f6e7b0", "ececec"])
            let values = counts.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            #expect(values.count == 4 && values.allSatisfy { $0 > 500 }, "header colour pixel counts: \(counts)")
        }
    }
}

/// Counts pixels of given colours in a PNG (8-bit RGB/RGBA, non-interlaced), with the standard
/// library only: inflate the IDAT stream and undo the per-row filters.
enum PNGColors {
    static let script = #"""
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
pos, idat = 8, b""
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    pos += 12 + n
assert depth == 8 and ctype in (2, 6) and interlace == 0, (depth, ctype, interlace)
bpp = 3 if ctype == 2 else 4
raw = zlib.decompress(idat)
stride = w * bpp
prev = bytearray(stride)
want = {bytes.fromhex(c): 0 for c in sys.argv[2:]}
i = 0
for y in range(h):
    f = raw[i]; row = bytearray(raw[i + 1:i + 1 + stride]); i += 1 + stride
    for x in range(stride):
        a = row[x - bpp] if x >= bpp else 0
        b = prev[x]
        c = prev[x - bpp] if x >= bpp else 0
        if f == 1: row[x] = (row[x] + a) & 255
        elif f == 2: row[x] = (row[x] + b) & 255
        elif f == 3: row[x] = (row[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            row[x] = (row[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
    for x in range(0, stride, bpp):
        px = bytes(row[x:x + 3])
        if px in want: want[px] += 1
    prev = row
print(" ".join(str(v) for v in want.values()))
"""#
}
