import StrataCore
import StrataEngine

/// `strata validate [--verbose] [--engine spark]`: config keys, plugins, DAG and schemas; reads no data.
enum ValidateCommand {
    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "validate")
        let project = try env.loadProject()
        let lake = Lake(root: project.lakeRoot)
        let plan = try Plan(project: project, existingTables: Set(lake.tables()))
        let resolver = try ProjectSchemaResolver.check(project: project, lake: lake)
        // Pipelines that compute on Spark must compile: what Spark cannot compute exactly exits 2 here.
        var options = RunOptions()
        if let e = a.values["--engine"] {
            guard let v = Engine(rawValue: e) else {
                throw StrataError(.usage, "no engine '\(e)'", hint: Suggest.hint(for: e, in: Engine.allCases.map(\.rawValue)) ?? "engines: native, spark")
            }
            options.engine = v
        }
        let compiler = SparkCompiler(project: project, lake: lake, governance: try project.loadGovernance())
        var sparkChecked = 0
        // As `run` would choose: with --engine spark, ingestion stays native.
        for p in plan.order where options.engine(for: p) == .spark {
            do {
                _ = try compiler.compile(p)
                sparkChecked += 1
            } catch let e as StrataError where e.code == .invalidPlan {
                continue // an input schema known only at run time: compiled when it runs
            }
        }
        var items: [[String: Any]] = []
        var lines: [String] = []
        for p in plan.order {
            let schema = resolver.outputs[p.name]
            var item: [String: Any] = ["pipeline": p.name, "writes": p.writes.description, "reads": p.reads.map(\.description)]
            let gov = resolver.governance[p.name]
            if let schema {
                item["schema"] = schema.fields.map { f -> [String: Any] in
                    var o: [String: Any] = ["name": f.name, "type": f.type.description, "nullable": f.nullable]
                    if let t = gov?.tags[f.name], !t.isEmpty { o["tags"] = t.map(\.name).sorted() }
                    if let m = gov?.masks[f.name] { o["mask"] = m.description }
                    return o
                }
            }
            items.append(item)
            lines.append("  \(p.name) → \(p.writes)")
            if a.has("--verbose") {
                if let schema {
                    for f in schema.fields {
                        var line = "      \(f.name): \(f.type)\(f.nullable ? "" : " not null")"
                        if let t = gov?.tags[f.name], !t.isEmpty {
                            line += "   [" + t.map(\.name).sorted().joined(separator: ", ")
                            line += gov?.masks[f.name].map { " → stored \($0)" } ?? " → stored raw"
                            line += "]"
                        }
                        lines.append(line)
                    }
                } else {
                    lines.append("      (schema inferred from the data at run time)")
                }
            }
        }
        let remask = try lake.remaskNeeds(governance: try project.loadGovernance())
        if env.global.json {
            Output.out(Output.json(["valid": true, "config": project.configPath, "pipelines": items, "remask": remask.map(\.summary)]))
        } else {
            Output.out("\(project.configPath): valid, \(plan.order.count) pipeline\(plan.order.count == 1 ? "" : "s")")
            for l in lines { Output.out(l) }
            for n in remask { Output.out("needs re-masking: " + n.summary) }
            if sparkChecked > 0 { Output.out("compiled for Spark: \(sparkChecked) pipeline\(sparkChecked == 1 ? "" : "s")") }
        }
        return 0
    }
}
