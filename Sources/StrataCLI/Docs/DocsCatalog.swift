import Foundation
import StrataCore
import StrataEngine
import StrataFormats
import StrataGovernance

/// Everything the docs site shows, as one JSON document (`catalog.json`, also embedded in the
/// page): the project, its roles, pipelines (with their checks and last results), tables (columns,
/// types, tags, stored forms, what each role sees, versions, quarantine counts), the policy
/// audit's findings and the lineage graph.
///
/// Role visibility comes from the same decision `access explain` and governed reads make, so the
/// site cannot show a role less than it reads. No row values are read, except the quarantine
/// tables' `_reason` column (reasons carry no values).
enum DocsCatalog {
    /// The last commits listed per table.
    static let historyLimit = 50

    static func build(_ project: Project, generatedAt: Date = Date()) throws -> JSONValue {
        let governance = try GovernedRead.governance(project)
        let lake = Lake(root: project.lakeRoot)
        let events = try LineageStore(projectRoot: project.root).events()
        let graph = try LineageCommand.graph(project, events: events)
        let audit = PolicyAudit.build(governance, tables: try GovernedTables.auditInputs(project, governance: governance))
        let roles = governance.policies.roles
        let writers = Dictionary(project.pipelines.map { ($0.writes, $0) }, uniquingKeysWith: { a, _ in a })
        let jobs = Dictionary(graph.jobs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let lastTerminal = latestTerminalEvents(events)

        var pipelines: [JSONValue] = []
        var checksByPipeline: [String: JSONValue] = [:]
        for p in project.pipelines {
            let checks = checkResults(p, last: lastTerminal[p.name])
            checksByPipeline[p.name] = checks
            let job = jobs[p.name]
            pipelines.append(.object([
                JSONMember("name", .string(p.name)),
                JSONMember("description", str(p.description)),
                JSONMember("source", .string(p.sourceType)),
                JSONMember("transforms", .array(p.transformTypes.map(JSONValue.string))),
                JSONMember("sink", .string(p.sinkType)),
                JSONMember("reads", .array(p.reads.map { .string($0.description) })),
                JSONMember("writes", .string(p.writes.description)),
                JSONMember("location", .string(p.location.description)),
                JSONMember("status", str(job.map(\.status.rawValue))),
                JSONMember("last_run", str(job.map { time(micros: $0.time) })),
                JSONMember("run_id", str(job?.runId)),
                JSONMember("error", str(job?.error)),
                JSONMember("checks", checks),
            ]))
        }

        var tableRefs = audit.tables.map(\.table)
        for t in lake.tables() where !tableRefs.contains(t) { tableRefs.append(t) }
        // A table whose schema is only known once its pipeline ran (inferred from the data) is listed too.
        for p in project.pipelines where !tableRefs.contains(p.writes) { tableRefs.append(p.writes) }
        let auditByTable = Dictionary(audit.tables.map { ($0.table, $0) }, uniquingKeysWith: { a, _ in a })
        var tables: [JSONValue] = []
        for t in tableRefs.sorted() {
            let writer = writers[t]
            var m: [JSONMember] = [
                JSONMember("id", .string(t.description)),
                JSONMember("layer", .string(t.layer.rawValue)),
                JSONMember("exists", .bool(lake.exists(t))),
                JSONMember("description", str(writer?.description ?? (t.layer == .quarantine ? "Rows rejected by the pipeline that writes \(quarantineTarget(t)), with the reason." : nil))),
                JSONMember("pipeline", str(writer?.name)),
                JSONMember("reads", .array((writer?.reads ?? []).map { .string($0.description) })),
                JSONMember("read_by", .array(project.pipelines.filter { $0.reads.contains(t) }.map { .string($0.name) })),
            ]
            m += try storage(t, lake: lake)
            m.append(JSONMember("columns", try columns(t, audit: auditByTable[t], lake: lake, project: project, governance: governance, roles: roles)))
            m.append(JSONMember("roles", try access(t, lake: lake, project: project, governance: governance, roles: roles)))
            m.append(JSONMember("checks", writer.flatMap { checksByPipeline[$0.name] } ?? .array([])))
            m.append(JSONMember("history", try history(t, lake: lake)))
            m.append(JSONMember("quarantine", try quarantine(for: t, lake: lake)))
            m.append(JSONMember("findings", .array(audit.findings.filter { subjectIs(t, $0.subject) }.map(finding))))
            tables.append(.object(m))
        }

        return .object([
            JSONMember("project", .object([
                JSONMember("name", .string(URL(fileURLWithPath: project.root).lastPathComponent)),
                JSONMember("root", .string(project.root)),
                JSONMember("config", .string(project.configPath)),
                JSONMember("lake", .string(project.lakeRoot)),
                JSONMember("generated_at", .string(time(micros: Int64(generatedAt.timeIntervalSince1970 * 1_000_000)))),
                JSONMember("strata_version", .string(StrataCLI.version)),
                JSONMember("policy_digest", .string(audit.policyDigest)),
                JSONMember("policy_files", .array(audit.files.map(JSONValue.string))),
            ])),
            JSONMember("roles", .array(roles.map { r in
                .object([JSONMember("name", .string(r.name)), JSONMember("description", str(r.description)),
                         JSONMember("can_unmask", .bool(r.canUnmask)), JSONMember("source", .string(r.source.description))])
            })),
            JSONMember("pipelines", .array(pipelines)),
            JSONMember("tables", .array(tables)),
            JSONMember("findings", .array(audit.findings.map(finding))),
            JSONMember("lineage", graph.graphJSON),
        ])
    }

    static func str(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }

    /// `2026-12-03 17:40:12 UTC`.
    static func time(micros: Int64) -> String {
        let iso = Temporal.formatTimestamp(micros: micros)
        return String(iso.prefix(19)).replacingOccurrences(of: "T", with: " ") + " UTC"
    }

    /// `quarantine.silver_users` → `silver.users`.
    static func quarantineTarget(_ t: TableRef) -> String {
        guard let u = t.name.firstIndex(of: "_") else { return t.description }
        return t.name[..<u] + "." + t.name[t.name.index(after: u)...]
    }

    static func subjectIs(_ t: TableRef, _ subject: String) -> Bool {
        subject == t.description || subject.hasPrefix(t.description + ".") || subject.hasPrefix(t.description + " ")
    }

    static func finding(_ f: PolicyAuditReport.Finding) -> JSONValue {
        .object([JSONMember("severity", .string(f.severity.rawValue)), JSONMember("kind", .string(f.kind.rawValue)),
                 JSONMember("subject", .string(f.subject)), JSONMember("message", .string(f.message))])
    }

    /// Per pipeline, its latest COMPLETE/FAIL/ABORT event (file order breaks ties of time).
    static func latestTerminalEvents(_ events: [OpenLineageRunEvent]) -> [String: OpenLineageRunEvent] {
        var out: [String: OpenLineageRunEvent] = [:]
        for e in events where e.eventType.isTerminal && e.jobType != "DAG" {
            if let old = out[e.jobName], old.eventTime > e.eventTime { continue }
            out[e.jobName] = e
        }
        return out
    }

    /// The pipeline's declared checks, each with the result its last run reported (the
    /// data-quality assertions of its last terminal lineage event, matched by kind and column).
    static func checkResults(_ p: PipelineSpec, last: OpenLineageRunEvent?) -> JSONValue {
        var assertions = last?.inputs.first?.assertions ?? []
        let declared = p.transforms.flatMap(\.declaredChecks)
        return .array(declared.map { c in
            var result: JSONValue = .null
            if let i = assertions.firstIndex(where: { $0.assertion == c.kind && $0.column == c.column }) {
                let a = assertions.remove(at: i)
                result = .object([JSONMember("success", .bool(a.success)), JSONMember("time", .string(time(micros: last!.eventTime))),
                                  JSONMember("run_id", .string(last!.runId)), JSONMember("run_status", .string(last!.eventType.rawValue))])
            }
            return .object([
                JSONMember("name", .string(c.name)), JSONMember("kind", .string(c.kind)), JSONMember("column", str(c.column)),
                JSONMember("action", .string(c.action)), JSONMember("rule", .string(c.rule)), JSONMember("last", result),
            ])
        })
    }

    /// Version, rows, files, bytes and partitioning of a table that exists.
    static func storage(_ t: TableRef, lake: Lake) throws -> [JSONMember] {
        guard lake.exists(t) else { return [JSONMember("version", .null)] }
        let s: DeltaSnapshot
        do {
            s = try lake.snapshot(t)
        } catch {
            // One unreadable table is shown as such; the rest of the site is still built.
            return [JSONMember("version", .null), JSONMember("error", .string(StrataError.wrap(error, .corruptData, "cannot read \(t)").description))]
        }
        return [
            JSONMember("version", .int(s.version)),
            JSONMember("rows", .int(Int64(s.files.reduce(0) { $0 + ($1.numRecords ?? 0) }))),
            JSONMember("files", .int(Int64(s.files.count))),
            JSONMember("bytes", .int(Int64(s.files.reduce(0) { $0 + $1.size }))),
            JSONMember("partition_by", .array(s.metadata.partitionColumns.map(JSONValue.string))),
        ]
    }

    /// Columns with type, tags by origin, stored form and, per role, what it sees and why.
    static func columns(_ t: TableRef, audit: PolicyAuditReport.TableAudit?, lake: Lake, project: Project,
                        governance: Governance, roles: [Role]) throws -> JSONValue {
        let decisions = try roleDecisions(t, lake: lake, project: project, governance: governance, roles: roles)
        let auditColumns = audit?.columns ?? []
        var names = auditColumns.map(\.name)
        if names.isEmpty, lake.exists(t), let schema = try? lake.snapshot(t).schema { names = schema.fields.map(\.name) } // unreadable: no columns listed
        return .array(names.map { name in
            let c = auditColumns.first { $0.name == name }
            var sees: [JSONMember] = []
            for (role, d) in decisions {
                // A denied table: every column is denied by the table's rule, not a column rule.
                let row = d.isDenied ? nil : d.explain().first { $0.column == name }
                sees.append(JSONMember(role, .object([JSONMember("sees", .string(row?.sees ?? (d.isDenied ? "denied" : "hidden"))),
                                                      JSONMember("rule", str(row?.rule ?? d.rule?.description))])))
            }
            return .object([
                JSONMember("name", .string(name)),
                JSONMember("type", .string(c?.type.description ?? "")),
                JSONMember("tags", .object([
                    JSONMember("declared", .array((c?.declared ?? []).map { .string($0.name) })),
                    JSONMember("detected", .array((c?.detected ?? []).map { .string($0.tag.name) })),
                    JSONMember("propagated", .array((c?.propagated ?? []).map { .string($0.name) })),
                ])),
                JSONMember("stored", str(c?.stored)),
                JSONMember("access", .object(sees)),
            ])
        })
    }

    /// Each role's decision on the table, from the schema reads deliver (stored, else planned).
    static func roleDecisions(_ t: TableRef, lake: Lake, project: Project, governance: Governance,
                              roles: [Role]) throws -> [(String, AccessDecision)] {
        let schema: Schema
        if lake.exists(t) {
            guard let s = try? lake.snapshot(t).schema else { return [] } // unreadable: reported in the table's error
            schema = s
        } else if let planned = GovernedTables.all(project).first(where: { $0.table == t })?.schema {
            schema = planned
        } else {
            return []
        }
        return try roles.map { ($0.name, try GovernedRead.decide(t, role: $0.name, schema: schema, project: project, governance: governance)) }
    }

    static func access(_ t: TableRef, lake: Lake, project: Project, governance: Governance, roles: [Role]) throws -> JSONValue {
        .array(try roleDecisions(t, lake: lake, project: project, governance: governance, roles: roles).map { role, d in
            var m = [JSONMember("role", .string(role)), JSONMember("allowed", .bool(!d.isDenied)), JSONMember("rule", str(d.rule?.description))]
            if case .denied(let why) = d.outcome { m.append(JSONMember("reason", .string(why))) }
            m.append(JSONMember("row_filter", str(d.rowFilter?.text)))
            return .object(m)
        })
    }

    static func history(_ t: TableRef, lake: Lake) throws -> JSONValue {
        guard lake.exists(t), let commits = try? lake.history(t) else { return .array([]) } // unreadable: reported in the table's error
        return .array(commits.prefix(historyLimit).map { c in
            .object([
                JSONMember("version", .int(c.version)),
                JSONMember("time", .string(time(micros: c.timestamp * 1000))),
                JSONMember("operation", .string(c.operation)),
                JSONMember("pipeline", str(c.fields["strataPipeline"]?.stringValue)),
                JSONMember("rows", str(c.fields["strataRows"]?.stringValue)),
                JSONMember("run_id", str(c.fields["strataRunId"]?.stringValue)),
            ])
        })
    }

    /// The rows the table's pipelines quarantined, counted by reason (nil when none).
    static func quarantine(for t: TableRef, lake: Lake) throws -> JSONValue {
        guard t.layer != .quarantine else { return .null }
        let q = QuarantineCollector.table(for: t)
        guard lake.exists(q) else { return .null }
        let reader = try lake.reader(q, columns: ["_reason"])
        var counts: [String: Int] = [:]
        var total = 0
        while let b = try reader.next() {
            guard let col = b.column(named: "_reason") else { continue }
            for i in 0..<b.rowCount {
                counts[col.value(i).description, default: 0] += 1
                total += 1
            }
        }
        return .object([
            JSONMember("table", .string(q.description)),
            JSONMember("rows", .int(Int64(total))),
            JSONMember("reasons", .array(counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map { r in
                .object([JSONMember("reason", .string(r.key)), JSONMember("rows", .int(Int64(r.value)))])
            })),
        ])
    }
}
