import StrataCore
import StrataEngine
import StrataGovernance
import Foundation

/// `strata lineage export|upstream|downstream`: the lake's lineage graph from `lineage/events/`;
/// `strata lineage replay`: sends the events an unreachable endpoint missed (`lineage/outbox/`).
enum LineageCommand {
    static let usage = """
        usage: strata lineage export [--format openlineage|json|dot|mermaid|html] [--out FILE]
               strata lineage upstream TABLE[.COLUMN] [--depth N]
               strata lineage downstream TABLE[.COLUMN] [--depth N]
               strata lineage replay [--url URL]
        """

    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        guard let sub = args.first else { throw StrataError(.usage, "lineage needs a subcommand", hint: usage) }
        let rest = Array(args.dropFirst())
        switch sub {
        case "export": return try export(rest, env)
        case "upstream": return try impact(rest, env, forward: false)
        case "downstream": return try impact(rest, env, forward: true)
        case "replay": return try replay(rest, env)
        default:
            throw StrataError(.usage, "unknown lineage subcommand '\(sub)'",
                              hint: Suggest.hint(for: sub, in: ["export", "upstream", "downstream", "replay"]) ?? usage)
        }
    }

    /// The graph of the project's stored events.
    ///
    /// Column tags are each table's governance tags: what its last write recorded plus what the
    /// policies declare now (the same tags `access explain` shows).
    static func graph(_ env: CommandEnvironment) throws -> (LineageGraph, Project) {
        let project = try env.loadProject()
        return (try graph(project, events: try LineageStore(projectRoot: project.root).events()), project)
    }

    static func graph(_ project: Project, events: [OpenLineageRunEvent]) throws -> LineageGraph {
        let lake = Lake(root: project.lakeRoot)
        let governance = try GovernedRead.governance(project)
        var tags: [TableRef: [String: [String]]] = [:]
        for t in lake.tables() {
            guard let schema = try? lake.snapshot(t).schema else { continue }
            let recorded = try lake.governance(of: t).tags
            let all = governance.tags(table: t, schema: schema, propagated: recorded).filter { !$0.value.isEmpty }
            if !all.isEmpty { tags[t] = all.mapValues { $0.map(\.name).sorted() } }
        }
        return LineageGraph(events: events, tags: tags, root: project.root)
    }

    /// Sends the outbox's events, oldest first, to the configured endpoint (or `--url`); exits 1
    /// when some could not be sent (they stay, in order, for the next replay or run).
    static func replay(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "lineage", "replay")
        guard a.positionals.isEmpty else { throw StrataError(.usage, "lineage replay takes no arguments", hint: "strata lineage replay [--url URL]") }
        let project = try env.loadProject()
        var endpoint = project.lineageEndpoint
        if let url = a.values["--url"] {
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else { throw StrataError(.usage, "'\(url)' is not an http(s) URL") }
            endpoint = LineageEndpoint(url: url, timeout: project.lineageTimeout, attempts: project.lineageAttempts)
        }
        let outbox = LineageOutbox(projectRoot: project.root)
        let waiting = try outbox.count()
        guard let endpoint else {
            if waiting == 0 { Output.out(env.global.json ? Output.json(["sent": 0, "rejected": 0, "left": 0]) : "no lineage events wait to be sent"); return 0 }
            throw StrataError(.usage, "\(waiting) lineage event(s) wait in lineage/outbox/, but no endpoint is configured",
                              hint: "set `lineage: {url: ...}` in pipelines.yaml, or pass --url URL")
        }
        guard waiting > 0 else {
            Output.out(env.global.json ? Output.json(["sent": 0, "rejected": 0, "left": 0]) : "no lineage events wait to be sent")
            return 0
        }
        let r = try outbox.replay(endpoint)
        if env.global.json {
            var o: [String: Any] = ["sent": r.sent, "rejected": r.rejected, "left": r.left]
            if let f = r.failure { o["error"] = f }
            Output.out(Output.json(o))
        } else {
            Output.out("sent \(r.sent) of \(waiting) lineage event(s) to \(endpoint.displayURL)" + (r.left > 0 ? "; \(r.left) still wait in lineage/outbox/" : ""))
        }
        if r.rejected > 0 { Output.err("warning: the endpoint rejected \(r.rejected) event(s) (HTTP 4xx); they stay in lineage/events/ only") }
        if let f = r.failure {
            Output.err("error: \(f); run `strata lineage replay` again when it is up")
            return 1
        }
        return 0
    }

    /// The format named by `--format`, else by the `--out` file's extension, else JSON.
    static func format(_ text: String?, out: String?) throws -> LineageExportFormat {
        if let text {
            guard let f = LineageExportFormat(rawValue: text) else {
                throw StrataError(.usage, "unknown lineage format '\(text)'",
                                  hint: Suggest.hint(for: text, in: LineageExportFormat.allCases.map(\.rawValue))
                                    ?? "formats: " + LineageExportFormat.allCases.map(\.rawValue).joined(separator: ", "))
            }
            return f
        }
        switch out.map({ ($0 as NSString).pathExtension.lowercased() }) {
        case "html", "htm": return .html
        case "dot", "gv": return .dot
        case "mmd", "mermaid": return .mermaid
        default: return .json
        }
    }

    static func export(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "lineage", "export")
        guard a.positionals.isEmpty else { throw StrataError(.usage, "lineage export takes no positional arguments", hint: usage) }
        let out = a.values["--out"]
        let fmt = try format(a.values["--format"], out: out)
        let (g, _) = try graph(env)
        let text = g.export(fmt)
        guard let out else {
            FileHandle.standardOutput.write(Data(text.utf8))
            return 0
        }
        let dir = (out as NSString).deletingLastPathComponent
        do {
            if !dir.isEmpty { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
            try text.write(toFile: out, atomically: true, encoding: .utf8)
        } catch {
            throw StrataError(.io, "cannot write \(out)", cause: "\(error)")
        }
        let summary = "\(g.datasets.count) datasets, \(g.jobs.count) pipelines, \(g.columnEdges.count) column edges"
        if env.global.json {
            Output.out(Output.json(["out": out, "format": fmt.rawValue, "datasets": g.datasets.count, "jobs": g.jobs.count,
                                    "column_edges": g.columnEdges.count]))
        } else {
            Output.out("wrote \(out) (\(fmt.rawValue): \(summary))")
            if g.jobs.isEmpty { Output.err("note: no lineage events yet in lineage/events/; run `strata run` first") }
        }
        return 0
    }

    static func impact(_ args: [String], _ env: CommandEnvironment, forward: Bool) throws -> Int32 {
        let a = try CommandTable.arguments(args, "lineage", "upstream")
        let name = forward ? "downstream" : "upstream"
        guard a.positionals.count == 1 else { throw StrataError(.usage, "usage: strata lineage \(name) TABLE[.COLUMN] [--depth N]") }
        let depth = try a.int("--depth")
        if let depth, depth < 1 { throw StrataError(.usage, "--depth must be 1 or more") }
        let (g, _) = try graph(env)
        let node = try g.node(a.positionals[0])
        let hits = forward ? g.downstream(of: node, depth: depth) : g.upstream(of: node, depth: depth)
        let start = (g.dataset(node.dataset)?.id ?? node.dataset) + (node.column.map { "." + $0 } ?? "")
        func label(_ h: LineageHit) -> String { h.datasetId + (h.node.column.map { "." + $0 } ?? "") }
        if env.global.json {
            Output.out(Output.json(["node": start, "direction": name, "results": hits.map { h -> [String: Any] in
                var o: [String: Any] = ["node": label(h), "dataset": h.datasetId, "distance": h.distance, "type": h.type.rawValue,
                                        "masking": h.masking, "job": h.job]
                if let c = h.node.column { o["column"] = c }
                if let s = h.subtype { o["subtype"] = s.rawValue }
                return o
            }]))
            return 0
        }
        guard !hits.isEmpty else {
            Output.out("nothing \(name) of \(start)")
            return 0
        }
        Output.out("\(name) of \(start):")
        Output.out(Output.table(["depth", name == "upstream" ? "reads from" : "read by", "type", "masked", "pipeline"],
                                hits.map { h in
                                    [String(h.distance), label(h), h.type.rawValue + (h.subtype.map { "/" + $0.rawValue } ?? ""),
                                     h.masking ? "yes" : "", h.job]
                                }, rightAlign: [0]))
        return 0
    }
}
