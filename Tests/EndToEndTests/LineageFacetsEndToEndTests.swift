import Foundation
import StrataTestSupport
import Testing

/// What Marquez users look for in Strata's events: absolute dataset names, each dataset's Delta
/// version, what a commit wrote, the expect checks as data-quality assertions, the processing
/// engine and job type, the `strata run` as the parent run, and events for pipelines that had
/// nothing to do or were skipped. The events stay valid for openlineage-python's spec classes.
@Suite(.serialized, .enabled(if: oraclesAvailable))
struct LineageFacetsEndToEndTests {
    static let pipelines = """
    version: 1
    policies: none
    pipelines:
      bronze_orders:
        source: {type: csv, path: landing/orders-*.csv}
        sink: {type: table, table: bronze.orders}
      silver_orders:
        source: {type: table, table: bronze.orders}
        transforms:
          - type: expect
            checks:
              - {check: not_null, column: id, action: warn}
              - {check: row_count, min: 1, action: warn}
        sink: {type: table, table: silver.orders}
      gold_totals:
        source: {type: table, table: silver.orders, incremental: false}
        transforms:
          - {type: aggregate, group_by: [country], aggregates: {orders: count(*)}}
        sink: {type: table, table: gold.totals, mode: overwrite}

    """

    static let inspect = #"""
    import sys, json, glob, os
    root = sys.argv[1]
    events = [json.loads(l) for f in sorted(glob.glob(root + "/lineage/events/*.jsonl")) for l in open(f) if l.strip()]
    runs = [e for e in events if e["job"]["name"] == "strata_run"]
    out = {"runs": [(e["eventType"], e["run"]["runId"], e["job"]["facets"]["jobType"]["jobType"]) for e in runs], "pipelines": []}
    for e in events:
        if e["job"]["name"] == "strata_run": continue
        def ds(d):
            return {"name": d["name"], "version": d.get("facets", {}).get("version", {}).get("datasetVersion"),
                    "stats": d.get("outputFacets", {}).get("outputStatistics"),
                    "assertions": d.get("inputFacets", {}).get("dataQualityAssertions", {}).get("assertions")}
        out["pipelines"].append({"job": e["job"]["name"], "type": e["eventType"], "parent": e["run"]["facets"]["parent"]["run"]["runId"],
                                 "engine": e["run"]["facets"]["processing_engine"]["name"], "jobType": e["job"]["facets"]["jobType"]["jobType"],
                                 "error": e["run"]["facets"].get("errorMessage", {}).get("message"),
                                 "inputs": [ds(d) for d in e["inputs"]], "outputs": [ds(d) for d in e["outputs"]]})
    print(json.dumps(out))
    """#

    @Test func eventsCarryVersionsStatisticsAssertionsAndTheirParent() throws {
        let p = try StrataProject("lineage-facets")
        try p.write("pipelines.yaml", Self.pipelines)
        try p.write("landing/orders-1.csv", "id,country\n1,NL\n2,DE\n3,NL\n")
        #expect(try p.strata("run").status == 0)
        #expect(try p.strata("run").status == 0)  // nothing new: silver and gold are up to date
        var out = try p.pythonJSON(Self.inspect) as! [String: Any]
        let runs = out["runs"] as! [[Any]]
        #expect(runs.map { $0[0] as! String } == ["START", "COMPLETE", "START", "COMPLETE"])
        #expect(runs.allSatisfy { $0[2] as? String == "DAG" })
        var events = out["pipelines"] as! [[String: Any]]
        let parents = Set(runs.map { $0[1] as! String })
        #expect(events.allSatisfy { parents.contains($0["parent"] as! String) && $0["engine"] as? String == "strata" && $0["jobType"] as? String == "JOB" })
        func datasets(_ e: [String: Any], _ key: String) -> [[String: Any]] { e[key] as! [[String: Any]] }
        let root = URL(fileURLWithPath: p.root).resolvingSymlinksInPath().path
        for e in events {
            for d in datasets(e, "inputs") + datasets(e, "outputs") {
                #expect((d["name"] as! String).hasPrefix("/"), "\(d["name"]!)")
            }
        }
        let completes = events.filter { $0["type"] as? String == "COMPLETE" }
        let bronze = try #require(completes.first { $0["job"] as? String == "bronze_orders" })
        #expect(datasets(bronze, "inputs").first?["name"] as? String == root + "/landing", "a glob's dataset is its folder")
        let written = try #require(datasets(bronze, "outputs").first)
        #expect(written["name"] as? String == root + "/datalake/bronze/orders")
        #expect(written["version"] as? String == "0")
        #expect((written["stats"] as? [String: Any])?["rowCount"] as? Int == 3)
        #expect((written["stats"] as? [String: Any])?["fileCount"] as? Int == 1)
        let silver = completes.filter { $0["job"] as? String == "silver_orders" }
        #expect(silver.count == 2, "the second run, up to date, is reported too")
        let assertions = try #require(datasets(silver[0], "inputs").first?["assertions"] as? [[String: Any]])
        #expect(assertions.map { $0["assertion"] as! String } == ["not_null", "row_count"])
        #expect(assertions.allSatisfy { $0["success"] as? Bool == true })
        #expect(assertions.first?["column"] as? String == "id")
        #expect(datasets(silver[0], "inputs").first?["version"] as? String == "0")
        #expect(datasets(silver[1], "outputs").first?["version"] as? String == "0")
        #expect(datasets(silver[1], "outputs").first?["stats"] is NSNull, "an up-to-date run wrote nothing")

        // A failing silver skips gold: FAIL for silver, START and ABORT (with why) for gold, FAIL for the run.
        try p.write("pipelines.yaml", Self.pipelines.replacingOccurrences(of: "{check: row_count, min: 1, action: warn}",
                                                                          with: "{check: row_count, max: 1, action: fail}"))
        try p.write("landing/orders-2.csv", "id,country\n4,FR\n5,FR\n")
        #expect(try p.strata("run").status == 1)
        out = try p.pythonJSON(Self.inspect) as! [String: Any]
        events = out["pipelines"] as! [[String: Any]]
        let gold = events.filter { $0["job"] as? String == "gold_totals" }.suffix(2)
        #expect(gold.map { $0["type"] as! String } == ["START", "ABORT"])
        #expect((gold.last?["error"] as? String)?.contains("upstream pipeline 'silver_orders'") == true)
        #expect((out["runs"] as! [[Any]]).last?[0] as? String == "FAIL")
        let files = try FileManager.default.contentsOfDirectory(atPath: p.root + "/lineage/events").map { p.root + "/lineage/events/" + $0 }
        let n = try PythonOracle.run(OpenLineageValidator.script, files).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Int(n) == events.count + (out["runs"] as! [[Any]]).count, "every event valid: \(n)")
        // The graph shows file datasets relative to the project, and one node per table.
        let graph = try p.strata("lineage", "export", "--format", "json")
        #expect(graph.stdout.contains("\"id\":\"landing\""), "\(graph.stdout.prefix(300))")
        #expect(graph.stdout.components(separatedBy: "\"id\":\"bronze.orders\"").count == 2)
        #expect(!graph.stdout.contains("strata_run"))
    }
}
