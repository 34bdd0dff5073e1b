public import StrataFormats
import StrataCore

/// The formats `strata lineage export` writes.
public enum LineageExportFormat: String, Sendable, CaseIterable {
    case openlineage, json, dot, mermaid, html
}

extension LineageGraph {
    /// The graph in `format` (text ending with a newline).
    public func export(_ format: LineageExportFormat) -> String {
        switch format {
        case .openlineage: return openLineageJSON()
        case .json: return graphJSON.serialized + "\n"
        case .dot: return dot()
        case .mermaid: return mermaid()
        case .html: return html()
        }
    }

    /// The latest run's events of every job, as a JSON array (one event per line).
    public func openLineageJSON() -> String {
        "[\n" + latestEvents.map(\.serialized).joined(separator: ",\n") + "\n]\n"
    }

    /// Nodes and edges as JSON: `datasets`, `jobs`, `edges`, `columnEdges`.
    public var graphJSON: JSONValue {
        func str(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func id(_ name: String) -> String { dataset(name)?.id ?? name }
        func node(_ n: ColumnNode) -> JSONValue {
            .object([JSONMember("dataset", .string(id(n.dataset))), JSONMember("column", str(n.column))])
        }
        return .object([
            JSONMember("datasets", .array(datasets.map { d in
                .object([
                    JSONMember("id", .string(d.id)), JSONMember("namespace", .string(d.namespace)), JSONMember("name", .string(d.name)),
                    JSONMember("table", str(d.table?.description)), JSONMember("layer", .string(d.layer)),
                    JSONMember("columns", .array(d.fields.map { f in
                        .object([JSONMember("name", .string(f.name)), JSONMember("type", .string(f.type)),
                                 JSONMember("tags", .array((d.tags[f.name] ?? []).map(JSONValue.string)))])
                    })),
                ])
            })),
            JSONMember("jobs", .array(jobs.map { j in
                .object([
                    JSONMember("name", .string(j.name)), JSONMember("description", str(j.description)),
                    JSONMember("status", .string(j.eventType)), JSONMember("runId", .string(j.runId)),
                    JSONMember("time", .string(UTCTime.millis(j.time))), JSONMember("error", str(j.error)),
                    JSONMember("inputs", .array(j.inputs.map { .string(id($0)) })),
                    JSONMember("outputs", .array(j.outputs.map { .string(id($0)) })),
                ])
            })),
            JSONMember("edges", .array(edges.map { e in
                .object([JSONMember("from", .string(id(e.from))), JSONMember("to", .string(id(e.to))), JSONMember("job", .string(e.job))])
            })),
            JSONMember("columnEdges", .array(columnEdges.map { e in
                .object([
                    JSONMember("from", node(e.from)), JSONMember("to", node(e.to)),
                    JSONMember("type", .string(e.type.rawValue)), JSONMember("subtype", .string(e.subtype.rawValue)),
                    JSONMember("description", str(e.description)), JSONMember("masking", .bool(e.masking)),
                    JSONMember("job", .string(e.job)),
                ])
            })),
        ])
    }

    /// Graphviz DOT: tables as HTML-like tables with one port per column, clustered by layer; jobs as
    /// boxes between them; column edges dashed (red when masked, dotted for dataset-wide ones).
    public func dot() -> String {
        func q(_ s: String) -> String {
            // In DOT strings only \" is an escape; a backslash before anything else stays as written.
            "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        func html(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        let headColor = ["source": "#ececec", "bronze": "#f1dcc7", "silver": "#e4e6ec", "gold": "#f6e7b0", "quarantine": "#f4cccc", "served": "#d5ead8"]
        var lines = ["digraph lineage {", "  rankdir=LR;", "  node [fontname=\"Helvetica\", fontsize=10];",
                     "  edge [fontname=\"Helvetica\", fontsize=8];"]
        var port: [ColumnNode: String] = [:]
        let layers = ["source"] + Layer.allCases.map(\.rawValue) + ["served"]
        for layer in layers {
            let ds = datasets.filter { $0.layer == layer }
            guard !ds.isEmpty else { continue }
            lines.append("  subgraph \(q("cluster_" + layer)) {")
            lines.append("    label=\(q(layer)); style=\"rounded\"; color=\"#999999\";")
            for d in ds {
                // An HTML-like label: one row per column, each a port for column edges.
                var rows = ["<tr><td bgcolor=\"\(headColor[layer] ?? "#e3e9f5")\"><b>\(html(d.id))</b></td></tr>"]
                for (i, f) in d.fields.enumerated() {
                    port[ColumnNode(dataset: d.name, column: f.name)] = "c\(i)"
                    let tags = (d.tags[f.name] ?? []).isEmpty ? "" : " [" + d.tags[f.name]!.joined(separator: ",") + "]"
                    rows.append("<tr><td port=\"c\(i)\" align=\"left\">\(html(f.name + (f.type.isEmpty ? "" : ": " + f.type) + tags))</td></tr>")
                }
                lines.append("    \(q(d.id)) [shape=plaintext, label=<<table border=\"0\" cellborder=\"1\" cellspacing=\"0\">\(rows.joined())</table>>];")
            }
            lines.append("  }")
        }
        for j in jobs {
            let color = j.status == .complete ? "#d9f2d9" : (j.status == .fail || j.status == .abort ? "#f8d0d0" : "#eeeeee")
            lines.append("  \(q("job:" + j.name)) [shape=box, style=\"rounded,filled\", fillcolor=\(q(color)), label=\(q(j.name + "\\n" + j.status.rawValue))];")
        }
        func id(_ name: String) -> String { dataset(name)?.id ?? name }
        var jobEdges = Set<String>()
        for e in edges {
            jobEdges.insert("  \(q(id(e.from))) -> \(q("job:" + e.job));")
            jobEdges.insert("  \(q("job:" + e.job)) -> \(q(id(e.to)));")
        }
        lines += jobEdges.sorted()
        for e in columnEdges {
            let from = q(id(e.from.dataset)) + (port[e.from].map { ":" + $0 } ?? "")
            let to = q(id(e.to.dataset)) + (port[e.to].map { ":" + $0 } ?? "")
            var label = e.subtype.rawValue
            if e.masking { label += " masked" }
            let style = e.to.column == nil ? "dotted" : (e.type == .indirect ? "dotted" : "dashed")
            let color = e.masking ? "#cc0000" : (e.type == .indirect ? "#888888" : "#3366cc")
            lines.append("  \(from) -> \(to) [style=\(style), color=\(q(color)), label=\(q(label))];")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Mermaid flowchart: one subgraph per dataset holding its columns, column edges between them
    /// (`-->` DIRECT, `-.->` INDIRECT, labelled with the subtype and `masked`).
    public func mermaid() -> String {
        func label(_ s: String) -> String {
            "\"" + s.replacingOccurrences(of: "\"", with: "#quot;").replacingOccurrences(of: "<", with: "#lt;")
                .replacingOccurrences(of: ">", with: "#gt;") + "\""
        }
        var lines = ["flowchart LR"]
        var nodeId: [ColumnNode: String] = [:]
        var tableId: [String: String] = [:]
        let producers = Dictionary(grouping: jobs.flatMap { j in j.outputs.map { ($0, j) } }, by: \.0).mapValues { $0.map(\.1) }
        for (i, d) in datasets.enumerated() {
            let t = "t\(i)"
            tableId[d.name] = t
            var title = d.id
            if let js = producers[d.name] { title += " ← " + js.map { "\($0.name) (\($0.status.rawValue))" }.joined(separator: ", ") }
            lines.append("  subgraph \(t)[\(label(title))]")
            lines.append("    direction TB")
            for (k, f) in d.fields.enumerated() {
                let n = "\(t)c\(k)"
                nodeId[ColumnNode(dataset: d.name, column: f.name)] = n
                let tags = (d.tags[f.name] ?? []).isEmpty ? "" : " [" + d.tags[f.name]!.joined(separator: ",") + "]"
                lines.append("    \(n)[\(label(f.name + tags))]")
            }
            lines.append("  end")
        }
        for e in columnEdges {
            let toNode = e.to.column == nil ? nil : nodeId[e.to]
            guard let from = nodeId[e.from] ?? tableId[e.from.dataset], let to = toNode ?? tableId[e.to.dataset] else { continue }
            let arrow = e.type == .direct ? "-->" : "-.->"
            let text = e.subtype.rawValue + (e.masking ? " masked" : "")
            lines.append("  \(from) \(arrow)|\(label(text))| \(to)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension LineageGraph.Job {
    var eventType: String { status.rawValue }
}
