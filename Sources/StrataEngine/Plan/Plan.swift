public import StrataCore

/// The pipelines of a project ordered so that every table is written before it is read.
public struct Plan: Sendable {
    /// Pipelines in run order.
    public var order: [PipelineSpec]
    /// For each pipeline name, the pipelines it depends on (by tables it reads).
    public var upstream: [String: [String]]
    public var downstream: [String: [String]]

    /// Orders a project's pipelines as a DAG; a cycle or a table that no pipeline writes is an error.
    ///
    /// `existingTables` are tables already in the lake: reading one that no pipeline writes is allowed.
    public init(project: Project, existingTables: Set<TableRef> = []) throws {
        var writer: [TableRef: String] = [:]
        for p in project.pipelines { writer[p.writes] = p.name }
        var up: [String: [String]] = [:]
        var down: [String: [String]] = [:]
        for p in project.pipelines {
            up[p.name] = []
            down[p.name, default: []] = down[p.name] ?? []
            for t in p.reads {
                if let w = writer[t] {
                    if w == p.name {
                        throw StrataError(.invalidPlan, "pipeline '\(p.name)' reads the table it writes (\(t))",
                                          location: p.location, path: "pipelines.\(p.name)")
                    }
                    up[p.name]!.append(w)
                    down[w, default: []].append(p.name)
                } else if !existingTables.contains(t) {
                    let written = writer.keys.map(\.description).sorted()
                    throw StrataError(.invalidPlan, "pipeline '\(p.name)' reads \(t), which no pipeline writes",
                                      location: p.location, path: "pipelines.\(p.name)",
                                      hint: Suggest.hint(for: t.description, in: written)
                                        ?? (written.isEmpty ? "no pipeline writes any table" : "tables written: " + written.joined(separator: ", ")))
                }
            }
        }
        // Kahn's algorithm, taking ready pipelines in file order for a stable plan.
        var indegree = up.mapValues(\.count)
        var order: [PipelineSpec] = []
        var done = Set<String>()
        while order.count < project.pipelines.count {
            guard let next = project.pipelines.first(where: { !done.contains($0.name) && indegree[$0.name] == 0 }) else {
                let stuck = project.pipelines.filter { !done.contains($0.name) }
                let cycle = Plan.findCycle(among: stuck.map(\.name), up: up)
                throw StrataError(.invalidPlan, "pipelines form a cycle: " + cycle.joined(separator: " → "),
                                  location: stuck.first?.location, hint: "a pipeline cannot depend on its own output")
            }
            order.append(next)
            done.insert(next.name)
            for d in down[next.name] ?? [] { indegree[d]! -= 1 }
        }
        self.order = order
        self.upstream = up
        self.downstream = down
    }

    static func findCycle(among names: [String], up: [String: [String]]) -> [String] {
        let set = Set(names)
        for start in names {
            var path = [start]
            var cur = start
            var seen: Set<String> = [start]
            while let n = up[cur]?.first(where: { set.contains($0) }) {
                if n == start { return (path + [start]).reversed() }
                if !seen.insert(n).inserted { break }
                path.append(n)
                cur = n
            }
        }
        return names
    }

    /// Selects pipelines by dbt-style selectors: `NAME` or `TABLE`, `+X` (X and everything upstream),
    /// `X+` (X and everything downstream). Empty selectors select all. Result is in run order.
    public func select(_ selectors: [String]) throws -> [PipelineSpec] {
        if selectors.isEmpty { return order }
        var chosen = Set<String>()
        let names = order.map(\.name)
        let tables = order.map(\.writes.description)
        for raw in selectors {
            var s = Substring(raw)
            let withUp = s.hasPrefix("+")
            if withUp { s = s.dropFirst() }
            let withDown = s.hasSuffix("+")
            if withDown { s = s.dropLast() }
            let key = String(s)
            guard let p = order.first(where: { $0.name == key || $0.writes.description == key }) else {
                throw StrataError(.usage, "no pipeline or table named '\(key)'",
                                  hint: Suggest.hint(for: key, in: names + tables) ?? "pipelines: " + names.joined(separator: ", "))
            }
            chosen.insert(p.name)
            if withUp { chosen.formUnion(closure(p.name, upstream)) }
            if withDown { chosen.formUnion(closure(p.name, downstream)) }
        }
        return order.filter { chosen.contains($0.name) }
    }

    func closure(_ start: String, _ edges: [String: [String]]) -> Set<String> {
        var out = Set<String>()
        var stack = [start]
        while let n = stack.popLast() {
            for m in edges[n] ?? [] where out.insert(m).inserted { stack.append(m) }
        }
        return out
    }
}
