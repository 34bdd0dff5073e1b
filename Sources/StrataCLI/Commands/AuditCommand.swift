import StrataCore
import StrataEngine
import StrataFormats
import StrataGovernance
import Foundation

/// `strata audit verify|show|reconcile`: check, query and reconcile the lake's audit log.
enum AuditCommand {
    static let usage = """
        usage: strata audit verify                 check the hash chain, HEAD and every table commit's anchor
               strata audit show [--table T] [--since TIME] [--action A] [--result R] [--limit N]
               strata audit reconcile              table commits without audit records, and the reverse
               strata audit seal                   adopt a log written without a key under STRATA_AUDIT_KEY
        (STRATA_AUDIT_KEY enables HMAC-SHA-256; --json for machine-readable output)
        """

    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        guard let sub = args.first else { throw StrataError(.usage, "audit needs a subcommand", hint: usage) }
        let rest = Array(args.dropFirst())
        switch sub {
        case "verify": return try verify(rest, env)
        case "show": return try show(rest, env)
        case "reconcile": return try reconcile(rest, env)
        case "seal": return try seal(rest, env)
        default:
            throw StrataError(.usage, "unknown audit subcommand '\(sub)'",
                              hint: Suggest.hint(for: sub, in: ["verify", "show", "reconcile", "seal"]) ?? usage)
        }
    }

    static func open(_ env: CommandEnvironment) throws -> (AuditLog, Lake) {
        let project = try env.loadProject()
        return (AuditLog(lakeRoot: project.lakeRoot, key: try AuditKey.fromEnvironment()), Lake(root: project.lakeRoot))
    }

    /// Every commit of every table (see `Lake.tableCommits`).
    static func commits(_ lake: Lake) throws -> [TableCommit] { try lake.tableCommits() }

    static func seal(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        _ = try CommandTable.arguments(args, "audit", "seal")
        let (log, lake) = try open(env)
        let anchors = try commits(lake).compactMap { c in c.auditHash.map { AuditAnchor(table: c.table, version: c.version, hash: $0, contentDigest: c.contentDigest) } }
        let r = try log.seal(anchors: anchors)
        if let p = r.problem {
            Output.out("not sealed: the log fails verification: \(p)")
            return 1
        }
        Output.out("audit log sealed under key \(try AuditKey.fromEnvironment()?.id ?? "?"): \(r.records) records; from now on it takes keyed records only and verifies only with \(AuditKey.environmentVariable)")
        return 0
    }

    static func verify(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        _ = try CommandTable.arguments(args, "audit", "verify")
        let (log, lake) = try open(env)
        let all = try commits(lake)
        let anchors = all.compactMap { c in c.auditHash.map { AuditAnchor(table: c.table, version: c.version, hash: $0, contentDigest: c.contentDigest) } }
        let r = try log.verify(anchors: anchors, tables: all)
        if env.global.json {
            var o: [String: Any] = ["ok": r.ok, "records": r.records, "segments": r.segments, "anchors": r.anchorsChecked,
                                    "head_checked": r.headChecked, "last_seq": r.lastSeq, "algorithm": log.algorithm.rawValue]
            if let p = r.problem {
                var po: [String: Any] = ["kind": p.kind.rawValue, "message": p.message, "description": p.description]
                if let f = p.file { po["file"] = f }
                if let l = p.line { po["line"] = l }
                if let s = p.seq { po["seq"] = s }
                o["problem"] = po
            }
            Output.out(Output.json(o))
        } else if let p = r.problem {
            Output.out("audit log FAILED verification: \(p)")
            Output.out("checked \(r.records) records before it in \(r.segments) segment(s); restore \(log.directory) from a backup and investigate")
        } else {
            Output.out("audit log OK: \(r.records) records in \(r.segments) segment(s), chain \(r.keyed ? "HMAC-SHA-256" : "SHA-256")"
                       + ", HEAD \(r.headChecked ? "matches" : "absent (empty log)"), \(r.anchorsChecked) table commit anchor(s) found")
        }
        return r.ok ? 0 : 1
    }

    /// `--since`: an ISO date or timestamp (UTC), or an age such as `30m`, `12h`, `7d`.
    static func parseSince(_ text: String, now: Int64 = Temporal.nowMicros()) throws -> Int64 {
        if let t = Temporal.parseTimestamp(text) { return t }
        let units: [Character: Int64] = ["m": 60, "h": 3600, "d": 86_400]
        if let u = text.last, let mult = units[u], let n = Int64(text.dropLast()), n >= 0 {
            return now - n * mult * 1_000_000
        }
        throw StrataError(.usage, "--since expects a date, a timestamp or an age, got '\(text)'",
                          hint: "e.g. --since 2026-01-15, --since 2026-01-15T10:00:00Z, --since 12h, --since 7d")
    }

    static func show(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "audit", "show")
        guard a.positionals.isEmpty else { throw StrataError(.usage, "audit show takes no positional arguments", hint: usage) }
        var filter = AuditFilter()
        if let t = a.values["--table"] { filter.table = try TableRef(parsing: t) }
        if let s = a.values["--since"] { filter.since = try parseSince(s) }
        if let act = a.values["--action"] {
            guard let action = AuditAction(rawValue: act) else {
                throw StrataError(.usage, "unknown audit action '\(act)'",
                                  hint: Suggest.hint(for: act, in: AuditAction.allCases.map(\.rawValue))
                                    ?? "actions: " + AuditAction.allCases.map(\.rawValue).joined(separator: ", "))
            }
            filter.action = action
        }
        if let res = a.values["--result"] {
            guard let result = AuditResult(rawValue: res) else {
                throw StrataError(.usage, "unknown result '\(res)'", hint: "results: allowed, denied, failed")
            }
            filter.result = result
        }
        filter.limit = try a.int("--limit")
        let (log, _) = try open(env)
        let records = try log.query(filter)
        if env.global.json {
            // The records exactly as logged: one canonical JSON object per line.
            for r in records { Output.out(r.jsonLine) }
            return 0
        }
        guard !records.isEmpty else {
            Output.out("no audit records match")
            return 0
        }
        let rows = records.map { r -> [String] in
            let e = r.event
            return [String(r.seq), String(r.timeText.prefix(19)) + "Z", e.actor, e.action.rawValue, e.resource,
                    e.tableVersion.map(String.init) ?? "", e.rows.map { Output.number(Int($0)) } ?? "", e.result.rawValue,
                    e.masks.isEmpty ? "" : e.masks.keys.sorted().map { "\($0):\(e.masks[$0]!)" }.joined(separator: ","),
                    e.reason ?? ""]
        }
        Output.out(Output.table(["seq", "time", "actor", "action", "resource", "version", "rows", "result", "masks", "reason"],
                                rows, rightAlign: [0, 5, 6]))
        return 0
    }

    static func reconcile(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        _ = try CommandTable.arguments(args, "audit", "reconcile")
        let (log, lake) = try open(env)
        let r = try log.reconcile(commits: try commits(lake))
        func commit(_ c: TableCommit) -> [String: Any] { ["table": c.table.description, "version": c.version, "operation": c.operation] }
        if env.global.json {
            Output.out(Output.json([
                "ok": r.ok, "commits": r.commitsChecked, "records": r.recordsChecked,
                "missing_records": r.missingRecords.map(commit), "duplicate_records": r.duplicateRecords.map(commit),
                "anchor_mismatches": r.anchorMismatches.map(commit), "content_mismatches": r.contentMismatches.map(commit),
                "orphan_records": r.orphanRecords.map { ["seq": $0.seq, "resource": $0.event.resource, "version": $0.event.tableVersion ?? -1] as [String: Any] },
            ]))
            return r.ok ? 0 : 1
        }
        for c in r.missingRecords { Output.out("missing audit record: \(c.table) version \(c.version) (\(c.operation))") }
        for c in r.duplicateRecords { Output.out("more than one audit record: \(c.table) version \(c.version)") }
        for c in r.anchorMismatches { Output.out("anchor mismatch: \(c.table) version \(c.version) carries a hash that is not its audit record's") }
        for c in r.contentMismatches { Output.out("content mismatch: \(c.table) version \(c.version) does not hold the actions its audit record sealed (an action was removed or changed)") }
        for o in r.orphanRecords {
            Output.out("audit record without commit: record \(o.seq) says \(o.event.resource) version \(o.event.tableVersion.map(String.init) ?? "?")")
        }
        Output.out(r.ok ? "reconciled: \(r.commitsChecked) table commits, each with exactly one audit record"
                        : "NOT reconciled: \(r.missingRecords.count) missing, \(r.orphanRecords.count) orphan, \(r.duplicateRecords.count) duplicate, \(r.anchorMismatches.count + r.contentMismatches.count) mismatched (of \(r.commitsChecked) commits)")
        return r.ok ? 0 : 1
    }
}
