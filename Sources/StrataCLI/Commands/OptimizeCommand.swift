import StrataCore
import StrataEngine

/// `strata optimize [TABLE...] [--target-size MB] [--zorder-by a,b] [--dry-run]`: compacts small
/// files into files of about the target size (`dataChange: false`, audited, no lineage).
enum OptimizeCommand {
    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "optimize")
        let project = try env.loadProject()
        var o = OptimizeOptions()
        o.tables = try a.positionals.map { try TableRef(parsing: $0) }
        if let mb = try a.int("--target-size") {
            guard mb >= 1, mb <= 1 << 20 else { throw StrataError(.usage, "--target-size takes megabytes from 1 to 1048576, got \(mb)") }
            o.targetBytes = mb << 20
        }
        o.zorderBy = a.values["--zorder-by"].map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } } ?? []
        o.actor = env.global.actor
        o.dryRun = a.has("--dry-run")
        let lake = Lake(root: project.lakeRoot)
        for t in o.tables where !lake.exists(t) {
            throw StrataError(.notFound, "\(t) does not exist", hint: Suggest.hint(for: t.description, in: lake.tables().map(\.description)))
        }
        let results = try Runner(project: project).optimize(o)
        if env.global.json {
            Output.out(Output.json(["dry_run": o.dryRun, "tables": results.map {
                ["table": $0.table.description, "version": $0.version as Any, "files_removed": $0.filesRemoved, "files_added": $0.filesAdded,
                 "bytes_removed": $0.bytesRemoved, "bytes_added": $0.bytesAdded, "rows": $0.rows] as [String: Any]
            }]))
        } else {
            Output.out(Output.table(["table", o.dryRun ? "would compact" : "compacted", "into", "size before", "size after", "version"], results.map {
                [$0.table.description, "\($0.filesRemoved) file(s)", o.dryRun ? "-" : "\($0.filesAdded) file(s)", Output.bytes($0.bytesRemoved),
                 o.dryRun ? "-" : Output.bytes($0.bytesAdded), $0.version.map(String.init) ?? "-"]
            }, rightAlign: [1, 2, 3, 4, 5]))
        }
        return 0
    }
}
