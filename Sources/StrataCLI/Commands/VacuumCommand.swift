import StrataCore
import StrataEngine
import StrataGovernance
import Foundation

/// `strata vacuum [TABLE...] [--retain-versions N] [--retain HOURS] [--dry-run]`: deletes files no
/// longer in a table's recent versions (or removed more than HOURS ago), so plain Parquet
/// readers see exactly the table.
enum VacuumCommand {
    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "vacuum")
        let project = try env.loadProject()
        let lake = Lake(root: project.lakeRoot)
        let retain = try a.int("--retain-versions") ?? 0
        guard retain >= 0 else { throw StrataError(.usage, "--retain-versions must be 0 or more") }
        var hours: Double?
        if let text = a.values["--retain"] {
            guard let h = Double(text), h >= 0, h.isFinite else {
                throw StrataError(.usage, "--retain takes a number of hours (0 or more), got '\(text)'", hint: "e.g. --retain 168 keeps a week")
            }
            hours = h
        }
        let tables = try a.positionals.isEmpty ? lake.tables() : a.positionals.map { try TableRef(parsing: $0) }
        let dry = a.has("--dry-run")
        var results: [Lake.VacuumResult] = []
        // Never beside a run: a live run's staged files look like leftovers.
        let lock = try LakeLock(lakeRoot: project.lakeRoot, purpose: "strata vacuum") { Output.err("note: " + $0) }
        for t in tables { results.append(try lake.vacuum(t, retainVersions: Int64(retain), retainHours: hours, dryRun: dry)) }
        if a.positionals.isEmpty {
            for t in lake.crashedFirstWrites() { results.append(try lake.removeCrashedFirstWrite(t, dryRun: dry)) }
            // Staging folders of runs that were killed (the Spark engine's job files and parts): no live run holds them under the lock.
            let tmp = project.lakeRoot + "/_tmp"
            if let leftovers = try? FileManager.default.contentsOfDirectory(atPath: tmp), !leftovers.isEmpty {
                if !dry { try? FileManager.default.removeItem(atPath: tmp) }
                Output.err("note: \(dry ? "would remove" : "removed") \(leftovers.count) staging folder(s) of interrupted runs in \(tmp)")
            }
        }
        withExtendedLifetime(lock) {}
        if !dry {
            let log = AuditLog(lakeRoot: project.lakeRoot, key: try AuditKey.fromEnvironment())
            let actor = AuditActor.resolve(flag: env.global.actor)
            _ = try log.append(results.filter { !$0.files.isEmpty }.map { r in
                var e = AuditEvent(actor: actor, action: .vacuum, resource: r.table.description, files: Int64(r.files.count),
                                   bytes: Int64(r.bytes))
                e.details = ["oldestReadableVersion": String(r.oldestReadableVersion)]
                return e
            })
        }
        if env.global.json {
            Output.out(Output.json(["dry_run": dry, "tables": results.map {
                ["table": $0.table.description, "files": $0.files, "bytes": $0.bytes, "oldest_readable_version": $0.oldestReadableVersion] as [String: Any]
            }]))
        } else {
            Output.out(Output.table(["table", dry ? "would delete" : "deleted", "size", "time travel from"], results.map {
                [$0.table.description, "\($0.files.count) file(s)", Output.bytes($0.bytes), "version \($0.oldestReadableVersion)"]
            }, rightAlign: [1, 2]))
        }
        return 0
    }
}
