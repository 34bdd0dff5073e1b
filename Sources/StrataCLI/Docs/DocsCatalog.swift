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
/// Columns and role visibility come from the same schema and decision `access explain` and
/// governed reads use, so the site shows a role exactly what it reads. No row values are read,
/// except the quarantine tables' `_reason` column (reasons carry no values) and, for a table no
/// commit recorded detections for, the detector's sample (nothing of it reaches the site).
enum DocsCatalog {
    /// The last commits listed per table.
    static let historyLimit = 50

    static func build(_ project: Project, generatedAt: Date = Date()) throws -> JSONValue {
        let governance = try GovernedRead.governance(project)
        let lake = Lake(root: project.lakeRoot)
        let events = try LineageStore(projectRoot: project.root).events()
        let graph = try LineageCommand.graph(project, events: events)
        let lakeTables = lake.tables()
        var unreadable: [TableRef: String] = [:]
        var inputs: [AuditTableInput] = []
        for t in GovernedTables.all(project) {
            // One table strata cannot read is shown with its error; the rest of the site is built.
            do { inputs.append(try GovernedTables.auditInput(t, lake: lake, governance: governance)) } catch {
                unreadable[t.table] = StrataError.wrap(error, .corruptData, "cannot read \(t.table)").description
            }
        }
        let audit = PolicyAudit.build(governance, tables: inputs)
        let roles = governance.policies.roles
        let writers = Dictionary(project.pipelines.map { ($0.writes, $0) }, uniquingKeysWith: { a, _ in a })
        let jobs = Dictionary(graph.jobs.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        let terminal = terminalEvents(events)

        var pipelines: [JSONValue] = []
        var checksByPipeline: [String: JSONValue] = [:]
        for p in project.pipelines {
            let checks = checkResults(p, events: terminal[p.name] ?? [])
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
        for t in lakeTables where !tableRefs.contains(t) { tableRefs.append(t) }
        // A table whose schema is only known once its pipeline ran (inferred from the data) is listed too.
        for p in project.pipelines where !tableRefs.contains(p.writes) { tableRefs.append(p.writes) }
        let auditByTable = Dictionary(audit.tables.map { ($0.table, $0) }, uniquingKeysWith: { a, _ in a })
        var tables: [JSONValue] = []
        for t in tableRefs.sorted() {
            let writer = writers[t]
            var m: [JSONMember] = [
                JSONMember("id", .string(t.description)),
                // A table a sink serves outside the lake is listed apart, governed as its layer.
                JSONMember("layer", .string(t.isExternal ? "served" : t.layer.rawValue)),
                JSONMember("governed_as", str(t.isExternal ? t.layer.rawValue : nil)),
                JSONMember("exists", .bool(lake.exists(t))),
                JSONMember("description", str(writer?.description ?? (t.layer == .quarantine ? "Rows rejected by the pipeline that writes \(quarantineTarget(t)), with the reason." : nil))),
                JSONMember("pipeline", str(writer?.name)),
                JSONMember("reads", .array((writer?.reads ?? []).map { .string($0.description) })),
                JSONMember("read_by", .array(project.pipelines.filter { $0.reads.contains(t) }.map { .string($0.name) })),
            ]
            m += storage(t, lake: lake, error: unreadable[t])
            var columnList: JSONValue = .array([]), access: JSONValue = .array([]), quarantined: JSONValue = .null
            do {
                let decisions = try roleDecisions(t, lake: lake, project: project, governance: governance, roles: roles)
                columnList = columns(t, schema: decisions.schema, audit: auditByTable[t], decisions: decisions.byRole)
                access = t.isExternal ? .array([]) : self.access(decisions.byRole)
                quarantined = try quarantine(for: t, lake: lake)
            } catch {
                if unreadable[t] == nil { m.append(JSONMember("error", .string(StrataError.wrap(error, .corruptData, "cannot read \(t)").description))) }
            }
            m.append(JSONMember("columns", columnList))
            m.append(JSONMember("roles", access))
            m.append(JSONMember("checks", writer.flatMap { checksByPipeline[$0.name] } ?? .array([])))
            m.append(JSONMember("history", history(t, lake: lake)))
            m.append(JSONMember("quarantine", quarantined))
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

    /// Per pipeline, its COMPLETE/FAIL/ABORT events, oldest first (file order breaks ties of time).
    static func terminalEvents(_ events: [OpenLineageRunEvent]) -> [String: [OpenLineageRunEvent]] {
        var out: [String: [OpenLineageRunEvent]] = [:]
        for e in events where e.eventType.isTerminal && e.jobType != "DAG" { out[e.jobName, default: []].append(e) }
        return out.mapValues { list in list.enumerated().sorted { ($0.element.eventTime, $0.offset) < ($1.element.eventTime, $1.offset) }.map(\.element) }
    }

    /// The pipeline's declared checks, each with the result of the latest run that reported it
    /// (the data-quality assertions of its terminal lineage events, matched in order by kind and
    /// column): a run that stopped at a failing check reports that check, an up-to-date run none.
    static func checkResults(_ p: PipelineSpec, events: [OpenLineageRunEvent]) -> JSONValue {
        let declared = p.transforms.flatMap(\.declaredChecks)
        var last = [JSONValue](repeating: .null, count: declared.count)
        for e in events {
            var assertions = e.inputs.first?.assertions ?? []
            for (i, c) in declared.enumerated() {
                guard let k = assertions.firstIndex(where: { $0.assertion == c.kind && $0.column == c.column }) else { continue }
                let a = assertions.remove(at: k)
                last[i] = .object([JSONMember("success", .bool(a.success)), JSONMember("time", .string(time(micros: e.eventTime))),
                                   JSONMember("run_id", .string(e.runId)), JSONMember("run_status", .string(e.eventType.rawValue))])
            }
        }
        return .array(declared.enumerated().map { i, c in
            .object([
                JSONMember("name", .string(c.name)), JSONMember("kind", .string(c.kind)), JSONMember("column", str(c.column)),
                JSONMember("action", .string(c.action)), JSONMember("rule", .string(c.rule)), JSONMember("last", last[i]),
            ])
        })
    }

    /// Version, rows, files, bytes and partitioning of a table that exists.
    static func storage(_ t: TableRef, lake: Lake, error known: String?) -> [JSONMember] {
        guard lake.exists(t) else { return [JSONMember("version", .null)] }
        let s: DeltaSnapshot
        do {
            s = try lake.snapshot(t)
        } catch {
            return [JSONMember("version", .null), JSONMember("error", .string(known ?? StrataError.wrap(error, .corruptData, "cannot read \(t)").description))]
        }
        var m: [JSONMember] = [
            JSONMember("version", .int(s.version)),
            JSONMember("rows", .int(Int64(s.files.reduce(0) { $0 + ($1.numRecords ?? 0) }))),
            JSONMember("files", .int(Int64(s.files.count))),
            JSONMember("bytes", .int(Int64(s.files.reduce(0) { $0 + $1.size }))),
            JSONMember("partition_by", .array(s.metadata.partitionColumns.map(JSONValue.string))),
        ]
        if let known { m.append(JSONMember("error", .string(known))) }
        return m
    }

    /// Columns of the schema reads deliver, with type, tags by origin, stored form and, per role,
    /// what it sees and why (the decisions `access explain` prints).
    static func columns(_ t: TableRef, schema: Schema?, audit: PolicyAuditReport.TableAudit?,
                        decisions: [(String, AccessDecision)]) -> JSONValue {
        guard let schema else { return .array([]) }
        return .array(schema.fields.map { f in
            let c = audit?.columns.first { $0.name == f.name }
            // Tags and stored form of the decision (role-independent) where the audit has no such column.
            let decided = decisions.first?.1.columns.first { $0.name == f.name }
            var sees: [JSONMember] = []
            // Who reads a served table is the database's grants: Strata's roles decide nothing there.
            for (role, d) in decisions where !t.isExternal {
                // A denied table: every column is denied by the table's rule, not a column rule.
                let row = d.isDenied ? nil : d.explain().first { $0.column == f.name }
                sees.append(JSONMember(role, .object([JSONMember("sees", .string(row?.sees ?? (d.isDenied ? "denied" : "hidden"))),
                                                      JSONMember("rule", str(row?.rule ?? d.rule?.description))])))
            }
            return .object([
                JSONMember("name", .string(f.name)),
                JSONMember("type", .string(f.type.description)),
                JSONMember("tags", .object([
                    JSONMember("declared", .array((c?.declared ?? decided?.tags ?? []).map { .string($0.name) })),
                    JSONMember("detected", .array((c?.detected ?? []).map { .string($0.tag.name) })),
                    JSONMember("propagated", .array((c?.propagated ?? []).map { .string($0.name) })),
                ])),
                JSONMember("stored", str(c?.stored ?? decided.map { $0.stored.map { "\($0)" } ?? "raw" })),
                JSONMember("access", .object(sees)),
            ])
        })
    }

    /// The schema reads deliver (stored, else planned) and each role's decision on it.
    static func roleDecisions(_ t: TableRef, lake: Lake, project: Project, governance: Governance,
                              roles: [Role]) throws -> (schema: Schema?, byRole: [(String, AccessDecision)]) {
        let schema: Schema
        if lake.exists(t) {
            schema = try lake.snapshot(t).schema
        } else if let planned = GovernedTables.all(project).first(where: { $0.table == t })?.schema {
            schema = planned
        } else {
            return (nil, [])
        }
        return (schema, try roles.map { ($0.name, try GovernedRead.decide(t, role: $0.name, schema: schema, project: project, governance: governance)) })
    }

    static func access(_ decisions: [(String, AccessDecision)]) -> JSONValue {
        .array(decisions.map { role, d in
            var m = [JSONMember("role", .string(role)), JSONMember("allowed", .bool(!d.isDenied)), JSONMember("rule", str(d.rule?.description))]
            if case .denied(let why) = d.outcome { m.append(JSONMember("reason", .string(why))) }
            m.append(JSONMember("row_filter", str(d.rowFilter?.text)))
            return .object(m)
        })
    }

    static func history(_ t: TableRef, lake: Lake) -> JSONValue {
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
