import StrataCore
import StrataEngine
import StrataFormats

/// `strata tables [--names]`: the lake's tables with version, rows, files and size, or only their names.
enum TablesCommand {
    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "tables")
        let project = try env.loadProject()
        let lake = Lake(root: project.lakeRoot)
        if a.has("--names") {
            // One per line, no snapshot read: what shell completion offers for TABLE.
            for t in lake.tables() { Output.out(t.description) }
            return 0
        }
        var rows: [[String]] = []
        var items: [[String: Any]] = []
        for t in lake.tables() {
            // One table strata cannot read (another writer's feature, a damaged log) is reported
            // in its row; the rest of the lake is listed as usual.
            let s: DeltaSnapshot
            do {
                s = try lake.snapshot(t)
            } catch {
                let e = StrataError.wrap(error, .corruptData, "cannot read \(t)")
                Output.err("warning: \(t): \(e)")
                rows.append([t.description, "-", "-", "-", "-", "unreadable"])
                items.append(["table": t.description, "error": e.description])
                continue
            }
            let n = s.files.reduce(0) { $0 + ($1.numRecords ?? 0) }
            let bytes = s.files.reduce(0) { $0 + $1.size }
            rows.append([t.description, String(s.version), Output.number(n), String(s.files.count), Output.bytes(bytes),
                         String(s.schema.count)])
            items.append(["table": t.description, "version": s.version, "rows": n, "files": s.files.count, "bytes": bytes,
                          "columns": s.schema.count, "partition_by": s.metadata.partitionColumns])
        }
        if env.global.json {
            Output.out(Output.json(["tables": items]))
        } else if rows.isEmpty {
            Output.out("no tables in \(project.lakeRoot) yet; run `strata run`")
        } else {
            Output.out(Output.table(["table", "version", "rows", "files", "size", "columns"], rows, rightAlign: [1, 2, 3, 4, 5]))
        }
        return 0
    }
}
