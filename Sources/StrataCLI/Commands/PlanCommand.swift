import StrataCore
import StrataEngine

/// `strata plan [SELECTOR...]`: what would run, in order, reading and writing what.
enum PlanCommand {
    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "plan")
        let project = try env.loadProject()
        let lake = Lake(root: project.lakeRoot)
        let plan = try Plan(project: project, existingTables: Set(lake.tables()))
        let selected = try plan.select(a.positionals)
        let remask = try lake.remaskNeeds(governance: try project.loadGovernance())
        if env.global.json {
            let steps: [[String: Any]] = selected.enumerated().map { i, p in
                [
                    "step": i + 1, "pipeline": p.name, "source": p.sourceType, "transforms": p.transformTypes,
                    "sink": p.sinkType, "reads": p.reads.map(\.description), "writes": p.writes.description,
                    "after": plan.upstream[p.name] ?? [], "description": p.description ?? "",
                ]
            }
            Output.out(Output.json(["pipelines": steps, "remask": remask.map(\.summary)]))
            return 0
        }
        let rows = selected.enumerated().map { i, p -> [String] in
            let reads = p.reads.isEmpty ? p.sourceType : p.reads.map(\.description).joined(separator: ", ")
            let steps = ([p.sourceType] + p.transformTypes + [p.sinkType]).joined(separator: " → ")
            return [String(i + 1), p.name, reads, p.writes.description, steps]
        }
        for n in remask { Output.out("0. re-mask " + n.summary) }
        Output.out(Output.table(["#", "pipeline", "reads", "writes", "steps"], rows, rightAlign: [0]))
        return 0
    }
}
