import StrataConfig
import StrataCore
@testable import StrataEngine
import StrataPlugins
import Testing

@Suite struct PlanTests {
    func project(_ yaml: String) throws -> Project {
        try Project.parse(yaml, file: "pipelines.yaml", configPath: "/tmp/x/pipelines.yaml", registry: .builtin(), environment: [:])
    }

    static let chain = """
    pipelines:
      c_gold:
        source: {type: table, table: silver.b}
        sink: {type: table, table: gold.c}
      a_bronze:
        source: {type: csv, path: a.csv}
        sink: {type: table, table: bronze.a}
      b_silver:
        source: {type: table, table: bronze.a}
        sink: {type: table, table: silver.b}
      d_other:
        source: {type: csv, path: d.csv}
        sink: {type: table, table: bronze.d}
    """

    @Test func ordersByTableDependencies() throws {
        let plan = try Plan(project: try project(Self.chain))
        #expect(plan.order.map(\.name) == ["a_bronze", "b_silver", "c_gold", "d_other"])
    }

    @Test func selectorsPickUpstreamAndDownstream() throws {
        let plan = try Plan(project: try project(Self.chain))
        #expect(try plan.select(["+gold.c"]).map(\.name) == ["a_bronze", "b_silver", "c_gold"])
        #expect(try plan.select(["b_silver+"]).map(\.name) == ["b_silver", "c_gold"])
        #expect(try plan.select(["d_other"]).map(\.name) == ["d_other"])
        #expect(try plan.select([]).count == 4)
        let e = #expect(throws: StrataError.self) { try plan.select(["b_silvr"]) }
        #expect(e?.hint == "did you mean 'b_silver'?")
    }

    @Test func cycleIsAnError() throws {
        let yaml = """
        pipelines:
          x:
            source: {type: table, table: silver.y}
            sink: {type: table, table: silver.x}
          y:
            source: {type: table, table: silver.x}
            sink: {type: table, table: silver.y}
        """
        let e = #expect(throws: StrataError.self) { try Plan(project: try project(yaml)) }
        #expect(e?.code == .invalidPlan)
        #expect(e?.message.contains("cycle") == true)
        #expect(e?.exitCode == 2)
    }

    @Test func readingATableNothingWritesIsAnError() throws {
        let yaml = """
        pipelines:
          x:
            source: {type: table, table: bronze.usr}
            sink: {type: table, table: silver.x}
          u:
            source: {type: csv, path: u.csv}
            sink: {type: table, table: bronze.users}
        """
        let e = #expect(throws: StrataError.self) { try Plan(project: try project(yaml)) }
        #expect(e?.message == "pipeline 'x' reads bronze.usr, which no pipeline writes")
        #expect(e?.hint == "did you mean 'bronze.users'?")
        #expect(e?.location?.description == "pipelines.yaml:2:3")
        // A table already in the lake may be read without a writer.
        _ = try Plan(project: try project(yaml), existingTables: [TableRef(layer: .bronze, name: "usr")])
    }

    @Test func twoWritersOfOneTableIsAnError() throws {
        let yaml = """
        pipelines:
          a:
            source: {type: csv, path: a.csv}
            sink: {type: table, table: bronze.a}
          b:
            source: {type: csv, path: b.csv}
            sink: {type: table, table: bronze.a}
        """
        let e = #expect(throws: StrataError.self) { try project(yaml) }
        #expect(e?.message == "bronze.a is written by both 'a' and 'b'")
    }
}
