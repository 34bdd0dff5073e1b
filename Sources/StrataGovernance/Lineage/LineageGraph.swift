public import StrataCore

/// The lake's lineage graph, built from the stored OpenLineage events: datasets with their
/// columns and tags, jobs (pipelines) with their last run status, table edges and column edges.
///
/// Per job, the latest terminal event (COMPLETE/FAIL/ABORT) gives the status; the latest COMPLETE
/// event gives the edges (a job that never completed contributes its last event's datasets).
public struct LineageGraph: Sendable {
    /// A table or file.
    public struct Dataset: Sendable, Hashable {
        /// `bronze.users` for tables, else the path.
        public var id: String
        public var namespace: String
        /// The dataset name in events (the path).
        public var name: String
        public var table: TableRef?
        public var fields: [LineageField]
        /// Column → tags (from the caller's classification).
        public var tags: [String: [String]]

        /// A dataset outside the lake that a pipeline writes (a database table a sink serves).
        public var served = false

        /// `source` for files and databases read, `served` for tables served outside the lake,
        /// else the table's layer.
        public var layer: String { table?.layer.rawValue ?? (served ? "served" : "source") }
        var layerRank: Int { table.map { Layer.allCases.firstIndex(of: $0.layer)! + 1 } ?? (served ? Layer.allCases.count + 1 : 0) }
    }

    /// A pipeline and its last run.
    public struct Job: Sendable, Hashable {
        public var name: String
        public var description: String?
        /// The latest terminal event's type; `.start`/`.running` when the run has not ended.
        public var status: LineageEventType
        public var runId: String
        /// UTC micros of the latest event.
        public var time: Int64
        public var error: String?
        public var inputs: [String]
        public var outputs: [String]
    }

    /// A dataset → dataset edge through a job.
    public struct Edge: Sendable, Hashable {
        public var from: String
        public var to: String
        public var job: String
    }

    /// A column, or a whole dataset when `column` is nil.
    public struct ColumnNode: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var dataset: String
        public var column: String?

        public init(dataset: String, column: String?) {
            self.dataset = dataset
            self.column = column
        }

        public var description: String { column.map { "\(dataset).\($0)" } ?? dataset }
        public static func < (a: ColumnNode, b: ColumnNode) -> Bool { (a.dataset, a.column ?? "") < (b.dataset, b.column ?? "") }
    }

    /// An input column → output column (or output dataset) edge.
    public struct ColumnEdge: Sendable, Hashable {
        public var from: ColumnNode
        public var to: ColumnNode
        public var type: ColumnTransformationType
        public var subtype: ColumnTransformationSubtype
        public var description: String?
        public var masking: Bool
        public var job: String
    }

    public private(set) var datasets: [Dataset] = []
    public private(set) var jobs: [Job] = []
    public private(set) var edges: [Edge] = []
    public private(set) var columnEdges: [ColumnEdge] = []
    /// The events of each job's latest run (START and its terminal event), by time.
    public private(set) var latestEvents: [OpenLineageRunEvent] = []

    /// Builds the graph; `tags` classifies columns (`[bronze.users: [email: [pii.email]]]`).
    ///
    /// With `root` (the project folder), file datasets are shown relative to it, and the names of
    /// older events (relative to the project) and newer ones (absolute) meet in one dataset.
    public init(events: [OpenLineageRunEvent], tags: [TableRef: [String: [String]]] = [:], root: String? = nil) {
        var byJob: [String: [OpenLineageRunEvent]] = [:]
        // The `strata run` parent events (type DAG) have no datasets: the graph is of pipelines.
        for e in events where e.jobType != "DAG" { byJob[e.jobName, default: []].append(e) }
        var datasetsByName: [String: Dataset] = [:]
        var datasetOrder: [String] = []
        /// One key per dataset however an event spelled it: with `root`, its absolute path (older
        /// events named datasets relative to the project); without, the name as written.
        func canonical(_ name: String) -> String {
            guard let root else { return name }
            return name.split(separator: ",").map { $0.hasPrefix("/") ? LineageNames.normalized(String($0)) : LineageNames.normalized(root + "/" + $0) }
                .joined(separator: ",")
        }
        /// Files by their canonical path; other namespaces (databases) by `namespace/name`.
        func key(_ d: LineageDataset) -> String {
            d.namespace == LineageNames.fileNamespace ? canonical(d.name) : d.namespace + "/" + d.name
        }
        func touch(_ d: LineageDataset) -> String {
            let key = key(d)
            let table = d.namespace == LineageNames.fileNamespace ? LineageNames.table(fromDatasetName: key) : nil
            if datasetsByName[key] == nil {
                let shown = table?.description ?? (d.namespace != LineageNames.fileNamespace ? key : nil) ?? root.map { r in key.split(separator: ",").map { LineageNames.relative(String($0), to: r) }.joined(separator: ",") } ?? key
                datasetsByName[key] = Dataset(id: shown, namespace: d.namespace, name: key,
                                              table: table, fields: [], tags: table.flatMap { tags[$0] } ?? [:])
                datasetOrder.append(key)
            }
            return key
        }
        func latest(_ list: [OpenLineageRunEvent], _ pred: (OpenLineageRunEvent) -> Bool) -> OpenLineageRunEvent? {
            // Stable: the last of the newest time wins (file order breaks ties).
            var best: OpenLineageRunEvent?
            for e in list where pred(e) { if best == nil || e.eventTime >= best!.eventTime { best = e } }
            return best
        }
        // Outputs' schemas are authoritative; inputs' schemas fill in tables no job here writes.
        var outputFields: [String: (time: Int64, fields: [LineageField])] = [:]
        var inputFields: [String: [LineageField]] = [:]
        for name in byJob.keys.sorted() {
            let list = byJob[name]!
            guard let last = latest(list, { _ in true }) else { continue }
            let terminal = latest(list, { $0.eventType.isTerminal }) ?? last
            // Edges and schemas come from the latest COMPLETE that described its outputs: an
            // up-to-date run's COMPLETE names its datasets only, and must not erase the graph.
            let source = latest(list, { $0.eventType == .complete && $0.outputs.contains { $0.fields != nil || !$0.columnLineage.isEmpty } })
                ?? latest(list, { $0.eventType == .complete }) ?? terminal
            latestEvents += list.filter { $0.runId == terminal.runId }
            let ins = source.inputs.map(touch), outs = source.outputs.map(touch)
            jobs.append(Job(name: name, description: source.jobDescription ?? terminal.jobDescription, status: terminal.eventType,
                            runId: terminal.runId, time: terminal.eventTime, error: terminal.errorMessage, inputs: ins, outputs: outs))
            for i in ins { for o in outs { edges.append(Edge(from: i, to: o, job: name)) } }
            for d in source.inputs { let k = key(d); if let f = d.fields, inputFields[k] == nil { inputFields[k] = f } }
            for d in source.outputs {
                let k = key(d)
                if let f = d.fields, (outputFields[k]?.time ?? .min) <= source.eventTime { outputFields[k] = (source.eventTime, f) }
                for e in d.columnLineage {
                    let from = ColumnNode(dataset: touch(LineageDataset(name: e.inputDataset, namespace: e.inputNamespace)), column: e.inputColumn)
                    columnEdges.append(ColumnEdge(from: from, to: ColumnNode(dataset: k, column: e.outputColumn), type: e.type,
                                                  subtype: e.subtype, description: e.description, masking: e.masking, job: name))
                }
            }
        }
        let written = Set(jobs.flatMap(\.outputs))
        for name in datasetOrder {
            var d = datasetsByName[name]!
            d.served = d.table == nil && written.contains(name)
            d.fields = outputFields[name]?.fields ?? inputFields[name] ?? []
            // Columns only seen in edges (a file source without a schema facet).
            for e in columnEdges where e.from.dataset == name {
                if let c = e.from.column, !d.fields.contains(where: { $0.name == c }) { d.fields.append(LineageField(name: c, type: "")) }
            }
            datasetsByName[name] = d
        }
        datasets = datasetOrder.map { datasetsByName[$0]! }.sorted { ($0.layerRank, $0.id) < ($1.layerRank, $1.id) }
        jobs.sort { $0.name < $1.name }
        edges = Array(Set(edges)).sorted { ($0.from, $0.to, $0.job) < ($1.from, $1.to, $1.job) }
        columnEdges = Array(Set(columnEdges)).sorted {
            ($0.to, $0.from, $0.subtype.rawValue, $0.job) < ($1.to, $1.from, $1.subtype.rawValue, $1.job)
        }
        latestEvents.sort { ($0.eventTime, $0.jobName, $0.eventType == .start ? 0 : 1) < ($1.eventTime, $1.jobName, $1.eventType == .start ? 0 : 1) }
    }

    /// The dataset a table or path names.
    public func dataset(_ idOrName: String) -> Dataset? {
        datasets.first { $0.id == idOrName || $0.name == idOrName }
    }
}

/// One answer of an impact query.
public struct LineageHit: Sendable, Hashable {
    public var node: LineageGraph.ColumnNode
    /// The dataset's display id (`silver.users`).
    public var datasetId: String
    /// Hops from the queried node.
    public var distance: Int
    /// The edge that reached it first (its type, subtype, masking and job).
    public var type: ColumnTransformationType
    public var subtype: ColumnTransformationSubtype?
    public var masking: Bool
    public var job: String
}

extension LineageGraph {
    /// Parses `TABLE[.COLUMN]` (`gold.sales`, `gold.sales.total`) or a dataset path into a node.
    /// Throws `.notFound` with a did-you-mean when the table or column is not in the graph.
    public func node(_ text: String) throws -> ColumnNode {
        if let d = dataset(text) { return ColumnNode(dataset: d.name, column: nil) }
        let parts = text.split(separator: ".", maxSplits: 2).map(String.init)
        if parts.count == 3, let d = dataset(parts[0] + "." + parts[1]) {
            guard d.fields.contains(where: { $0.name == parts[2] }) || columnEdges.contains(where: {
                ($0.from.dataset == d.name && $0.from.column == parts[2]) || ($0.to.dataset == d.name && $0.to.column == parts[2])
            }) else {
                throw StrataError(.usage, "\(d.id) has no column '\(parts[2])' in the lineage graph",
                                  hint: Suggest.hint(for: parts[2], in: d.fields.map(\.name)) ?? "columns: " + d.fields.map(\.name).joined(separator: ", "))
            }
            return ColumnNode(dataset: d.name, column: parts[2])
        }
        let known = datasets.map(\.id)
        throw StrataError(.notFound, "'\(text)' is not a table in the lineage graph",
                          hint: Suggest.hint(for: parts.prefix(2).joined(separator: "."), in: known)
                            ?? (known.isEmpty ? "no lineage yet: run `strata run` first" : "write TABLE or TABLE.COLUMN, e.g. \(known[0])"))
    }

    /// Everything `node` reads from, nearest first, up to `depth` hops (all when nil).
    ///
    /// For a column: the input columns of its edges, plus the dataset-wide (INDIRECT) inputs of
    /// its dataset; for a dataset: the datasets feeding it through jobs.
    public func upstream(of node: ColumnNode, depth: Int? = nil) -> [LineageHit] {
        walk(from: node, depth: depth, forward: false)
    }

    /// Everything that reads `node`, nearest first, up to `depth` hops (all when nil).
    ///
    /// For a column: the output columns its edges feed, and whole datasets it filters, joins or
    /// groups (which then continue at dataset level); for a dataset: the datasets it feeds.
    public func downstream(of node: ColumnNode, depth: Int? = nil) -> [LineageHit] {
        walk(from: node, depth: depth, forward: true)
    }

    func walk(from start: ColumnNode, depth: Int?, forward: Bool) -> [LineageHit] {
        var seen: Set<ColumnNode> = [start]
        var out: [LineageHit] = []
        var frontier = [start]
        var distance = 0
        while !frontier.isEmpty, depth.map({ distance < $0 }) ?? true {
            distance += 1
            var next: [ColumnNode] = []
            for n in frontier {
                for (target, hit) in neighbors(n, forward: forward) where !seen.contains(target) {
                    seen.insert(target)
                    var h = hit
                    h.distance = distance
                    out.append(h)
                    next.append(target)
                }
            }
            frontier = next.sorted()
        }
        return out
    }

    func neighbors(_ n: ColumnNode, forward: Bool) -> [(ColumnNode, LineageHit)] {
        func hit(_ node: ColumnNode, _ e: ColumnEdge?, job: String) -> (ColumnNode, LineageHit) {
            (node, LineageHit(node: node, datasetId: dataset(node.dataset)?.id ?? node.dataset, distance: 0,
                              type: e?.type ?? .direct, subtype: e?.subtype, masking: e?.masking ?? false, job: job))
        }
        var out: [(ColumnNode, LineageHit)] = []
        if n.column == nil {
            for e in edges where (forward ? e.from : e.to) == n.dataset {
                out.append(hit(ColumnNode(dataset: forward ? e.to : e.from, column: nil), nil, job: e.job))
            }
            return out.sorted { $0.0 < $1.0 }
        }
        for e in columnEdges {
            if forward, e.from == n {
                out.append(hit(e.to, e, job: e.job))
            } else if !forward, e.to == n || (e.to.dataset == n.dataset && e.to.column == nil) {
                out.append(hit(e.from, e, job: e.job))
            }
        }
        // Per node, the strongest edge first: DIRECT before INDIRECT, then IDENTITY, TRANSFORMATION, AGGREGATION, JOIN…
        func rank(_ h: LineageHit) -> Int { h.subtype.flatMap { ColumnTransformationSubtype.allCases.firstIndex(of: $0) } ?? 99 }
        return out.sorted { ($0.0, rank($0.1)) < ($1.0, rank($1.1)) }
    }
}
