import StrataCore
import StrataEngine
import StrataGovernance

/// `strata access explain TABLE --as ROLE`: per column, what the role sees and which rule decided.
/// Exits 3 when the role may not read the table (as `show --as` would), 0 otherwise.
enum AccessCommand {
    static let usage = "usage: strata access explain TABLE --as ROLE"

    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        guard args.first == "explain" else {
            throw StrataError(.usage, args.first.map { "unknown access command '\($0)'" } ?? usage,
                              hint: args.first.flatMap { Suggest.hint(for: $0, in: ["explain"]) } ?? usage)
        }
        let a = try CommandTable.arguments(Array(args.dropFirst()), "access", "explain")
        guard a.positionals.count == 1, let role = a.values["--as"] else { throw StrataError(.usage, usage) }
        let table = try TableRef(parsing: a.positionals[0])
        let project = try env.loadProject()
        let governance = try GovernedRead.governance(project)
        guard let known = GovernedTables.all(project).first(where: { $0.table == table }) else {
            _ = try Lake(root: project.lakeRoot).snapshot(table) // throws not found, with did-you-mean
            throw StrataError(.notFound, "table \(table) does not exist")
        }
        let lake = Lake(root: project.lakeRoot)
        let schema = lake.exists(table) ? try lake.snapshot(table).schema : known.schema
        let d = try GovernedRead.decide(table, role: role, schema: schema, project: project, governance: governance)
        if env.global.json {
            var o: [String: Any] = ["role": role, "table": table.description, "allowed": !d.isDenied,
                                    "columns": d.explain().map { ["column": $0.column, "type": $0.type, "tags": $0.tags, "sees": $0.sees, "rule": $0.rule] }]
            if case .denied(let why) = d.outcome { o["reason"] = why }
            if let r = d.rule { o["rule"] = r.description }
            if let f = d.rowFilter { o["row_filter"] = f.text }
            Output.out(Output.json(o))
            return d.isDenied ? 3 : 0
        }
        switch d.outcome {
        case .denied(let why):
            Output.out("role \(role) on \(table): DENIED: \(why)" + (d.rule.map { "\n  rule: \($0)" } ?? ""))
        case .allowed:
            Output.out("role \(role) on \(table): allowed by \(d.rule?.description ?? "?")")
            Output.out("rows: " + (d.rowFilter.map { "only where \($0.text)" + ($0.location.map { " (\($0))" } ?? "") } ?? "all"))
            Output.out("")
            Output.out(Output.table(["column", "type", "tags", "sees", "rule"], d.explain().map { [$0.column, $0.type, $0.tags, $0.sees, $0.rule] }))
        }
        // A denied read exits 3 like the `show --as` it explains (the explanation is still printed).
        return d.isDenied ? 3 : 0
    }
}
