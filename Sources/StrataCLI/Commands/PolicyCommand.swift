import Foundation
import StrataCore
import StrataEngine
import StrataGovernance

/// `strata policy scan [TABLE...]`, `strata policy audit [--format text|markdown|json]`,
/// `strata policy test`: the governance reviewer's commands.
enum PolicyCommand {
    static let usage = "usage: strata policy scan [TABLE...] | audit [--format text|markdown|json] | test"

    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        guard let sub = args.first else { throw StrataError(.usage, usage) }
        let rest = Array(args.dropFirst())
        switch sub {
        case "scan": return try scan(rest, env)
        case "audit": return try audit(rest, env)
        case "test": return try test(rest, env)
        default:
            throw StrataError(.usage, "unknown policy command '\(sub)'", hint: Suggest.hint(for: sub, in: ["scan", "audit", "test"]) ?? usage)
        }
    }

    /// Reports the columns holding personal data, tagged or not, with evidence: kinds, counts,
    /// confidence and a masked example (never a value).
    static func scan(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "policy", "scan")
        let project = try env.loadProject()
        let governance = try GovernedRead.governance(project)
        let lake = Lake(root: project.lakeRoot)
        let tables = try a.positionals.isEmpty ? lake.tables() : a.positionals.map { try TableRef(parsing: $0) }
        var rows: [[String]] = []
        var items: [[String: Any]] = []
        let enforce = governance.policies.detection.mode == .enforce
        for t in tables {
            if !a.positionals.isEmpty { _ = try lake.snapshot(t) } // a named table must exist
            let detections = try GovernedTables.detect(t, lake: lake, policies: governance.policies, wholeTable: true)
            let schema = try lake.snapshot(t).schema
            let declared = governance.policies.declaredTags(table: t, columns: schema.names)
            let recorded = try lake.governance(of: t).tags
            for d in detections {
                let tagged = declared[d.column]?[d.tag] != nil || recorded[d.column]?.contains(d.tag) == true
                let status = tagged ? "tagged" : (enforce ? "untagged (enforced)" : "UNTAGGED")
                rows.append([t.description, d.column, d.embedded ? "text with \(d.kind)" : d.kind.rawValue, d.confidence.description,
                             "\(d.hits)/\(d.scanned)", d.example ?? "", d.tag.name, status])
                var item: [String: Any] = ["table": t.description, "column": d.column, "kind": d.kind.rawValue, "embedded": d.embedded,
                                           "confidence": d.confidence.description, "hits": d.hits, "sampled": d.sampled, "scanned": d.scanned,
                                           "tag": d.tag.name, "tagged": tagged]
                if let e = d.example { item["example"] = e }
                items.append(item)
            }
        }
        if env.global.json {
            Output.out(Output.json(["detections": items]))
        } else if rows.isEmpty {
            Output.out("no columns holding personal data found in \(tables.count) table(s)")
        } else {
            Output.out(Output.table(["table", "column", "holds", "confidence", "values", "example", "tag", "status"], rows))
        }
        return 0
    }

    static func audit(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "policy", "audit")
        let text = a.values["--format"] ?? (env.global.json ? "json" : "text")
        guard let format = PolicyAuditReport.Format(rawValue: text) else {
            throw StrataError(.usage, "unknown format '\(text)'", hint: Suggest.hint(for: text, in: PolicyAuditReport.Format.allCases.map(\.rawValue)) ?? "formats: text, markdown, json")
        }
        let project = try env.loadProject()
        let governance = try GovernedRead.governance(project)
        let inputs = try GovernedTables.auditInputs(project, governance: governance)
        Output.out(PolicyAudit.build(governance, tables: inputs).render(format))
        return 0
    }

    /// Runs the policies' `tests:`; exit 1 when any fails.
    static func test(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        _ = try CommandTable.arguments(args, "policy", "test")
        let project = try env.loadProject()
        let governance = try GovernedRead.governance(project)
        guard !governance.policies.tests.isEmpty else {
            throw StrataError(.usage, "no policy tests in \(project.policiesRoot)", hint: "add a `tests:` section; see docs/policies.md")
        }
        let lake = Lake(root: project.lakeRoot)
        let tables = Dictionary(GovernedTables.all(project).map { ($0.table, $0.schema) }, uniquingKeysWith: { a, _ in a })
        let runner = PolicyTestRunner(governance: governance, tables: tables, read: { role, table in
            guard lake.exists(table) else { return nil }
            return try GovernedRead.open(table, role: role, project: project, governance: governance).readAll()
        })
        let results = runner.run()
        let failed = results.filter { !$0.passed }
        if env.global.json {
            Output.out(Output.json(["passed": results.count - failed.count, "failed": failed.count,
                                    "tests": results.map { ["name": $0.test.name, "passed": $0.passed, "details": $0.details,
                                                            "source": $0.test.source.description] as [String: Any] }]))
        } else {
            for r in results {
                Output.out("\(r.passed ? "PASS" : "FAIL")  \(r.test.name)")
                if !r.passed {
                    Output.out("      \(r.test.source)")
                    for d in r.details { Output.out("      " + d) }
                }
            }
            Output.out("\(results.count - failed.count) passed, \(failed.count) failed")
        }
        return failed.isEmpty ? 0 : 1
    }
}
