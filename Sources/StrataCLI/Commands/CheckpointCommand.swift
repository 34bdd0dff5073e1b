import StrataCore
import StrataEngine

/// `strata checkpoint [TABLE...]`: writes a Delta checkpoint of each table's latest version, so
/// readers start from it instead of replaying every JSON commit.
enum CheckpointCommand {
    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "checkpoint")
        let project = try env.loadProject()
        let lake = Lake(root: project.lakeRoot)
        let tables = try a.positionals.isEmpty ? lake.tables() : a.positionals.map { try TableRef(parsing: $0) }
        let lock = try LakeLock(lakeRoot: project.lakeRoot, purpose: "strata checkpoint") { Output.err("note: " + $0) }
        defer { withExtendedLifetime(lock) {} }
        var rows: [[String]] = []
        var items: [[String: Any]] = []
        for t in tables {
            let cp = try lake.checkpoint(t)
            rows.append([t.description, String(cp.version)])
            items.append(["table": t.description, "version": cp.version])
        }
        if env.global.json {
            Output.out(Output.json(["checkpoints": items]))
        } else {
            Output.out(Output.table(["table", "checkpoint of version"], rows, rightAlign: [1]))
        }
        return 0
    }
}
