import StrataCore
import StrataEngine
import StrataFormats

/// `strata history TABLE`: the table's commits from its Delta log, newest first.
enum HistoryCommand {
    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "history")
        guard a.positionals.count == 1 else { throw StrataError(.usage, "usage: strata history TABLE") }
        let table = try TableRef(parsing: a.positionals[0])
        let project = try env.loadProject()
        let commits = try Lake(root: project.lakeRoot).history(table)
        if env.global.json {
            Output.out(Output.json(["table": table.description, "commits": commits.map { c -> [String: Any] in
                var o: [String: Any] = ["version": c.version, "timestamp": Temporal.formatTimestamp(micros: c.timestamp * 1000),
                                        "operation": c.operation]
                for (k, v) in c.fields where k != "strataState" { o[k] = v.stringValue ?? v.serialized }
                return o
            }]))
            return 0
        }
        let rows = commits.map { c -> [String] in
            [String(c.version), Temporal.formatTimestamp(micros: c.timestamp * 1000), c.operation,
             c.fields["strataPipeline"]?.stringValue ?? "", c.fields["strataRows"]?.stringValue ?? "",
             c.fields["strataRunId"]?.stringValue ?? ""]
        }
        Output.out(Output.table(["version", "time", "operation", "pipeline", "rows", "run id"], rows, rightAlign: [0, 4]))
        return 0
    }
}
