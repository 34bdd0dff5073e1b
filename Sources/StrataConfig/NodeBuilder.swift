import StrataCore

/// Turns the parser's event stream into one `Node` tree, enforcing `YAMLLimits`, expanding
/// aliases, applying merge keys and rejecting duplicate keys and extra documents.
///
/// Works with an explicit stack of open collections (no recursion), so nesting depth costs heap,
/// never call stack, and the depth limit stops the stream as soon as it is crossed.
struct NodeBuilder {
    let file: String
    let limits: YAMLLimits

    /// An open sequence (its `items`) or mapping (its `entries`, plus a key awaiting its value).
    private struct Frame {
        var isMapping: Bool
        var mark: Mark
        var tag: String?
        var anchor: String?
        var items: [Node] = []
        var entries: [(key: Node, value: Node)] = []
        var pendingKey: Node?
        var hasMergeKey = false
        /// `nodeCount` before this collection began, to size its subtree for aliases.
        var startCount: Int
        /// Deepest child collection nesting (0 when only scalars).
        var childHeight = 0
    }

    /// An anchored subtree, its node count and collection height, for copying by aliases.
    private struct Anchored {
        var node: Node
        var count: Int
        var height: Int
    }

    /// The innermost open collection; at depth 0, a sentinel sequence that receives the root.
    /// Kept out of `parents` because debug builds copy a whole element to read one field of it.
    private var top = Frame(isMapping: false, mark: Mark(line: 1, column: 1), startCount: 0)
    /// The enclosing open collections, outermost first (the sentinel at index 0).
    private var parents: [Frame] = []
    private var anchors: [String: Anchored] = [:]
    private var nodeCount = 0
    private var aliasNodes = 0

    init(file: String, limits: YAMLLimits) {
        self.file = file
        self.limits = limits
    }

    mutating func build(_ parser: YAMLParser) throws -> Node? {
        var documents = 0
        while let event = try parser.next() {
            switch event {
            case .streamStart, .streamEnd, .documentEnd:
                break
            case .documentStart(let mark):
                documents += 1
                if documents > 1 {
                    throw error(at: mark, "a second YAML document; a config file holds one document",
                                hint: "remove the '---' line or move the document to its own file")
                }
            case .scalar(let value, let quoted, let tag, let anchor, let mark):
                try countNodes(1, at: mark)
                let node = Node(kind: .scalar(value, quoted: quoted), mark: mark, file: file, tag: tag)
                if let anchor { anchors[anchor] = Anchored(node: node, count: 1, height: 0) }
                add(node, height: 0)
            case .alias(let name, let mark):
                try alias(name, at: mark)
            case .sequenceStart(let tag, let anchor, let mark):
                try open(isMapping: false, tag: tag, anchor: anchor, at: mark)
            case .mappingStart(let tag, let anchor, let mark):
                try open(isMapping: true, tag: tag, anchor: anchor, at: mark)
            case .sequenceEnd:
                let f = pop()
                close(f, Node(kind: .sequence(f.items), mark: f.mark, file: file, tag: f.tag))
            case .mappingEnd:
                let f = pop()
                let entries = try mappingEntries(f.entries, hasMergeKey: f.hasMergeKey)
                close(f, Node(kind: .mapping(entries), mark: f.mark, file: file, tag: f.tag))
            }
        }
        guard let root = top.items.first else { return nil }
        if root.isNull, root.tag == nil { return nil }
        return root
    }

    // MARK: - Tree building

    /// Open collections (0 at the document's top).
    private var depth: Int { parents.count }

    private mutating func add(_ node: Node, height: Int) {
        if !top.isMapping {
            top.items.append(node)
        } else if let key = top.pendingKey {
            top.entries.append((key, node))
            top.pendingKey = nil
        } else {
            if Self.isMergeKey(node) { top.hasMergeKey = true }
            top.pendingKey = node
        }
        if height > top.childHeight { top.childHeight = height }
    }

    private mutating func open(isMapping: Bool, tag: String?, anchor: String?, at mark: Mark) throws {
        if depth >= limits.maxDepth {
            throw error(at: mark, "nesting deeper than \(limits.maxDepth) levels")
        }
        let start = nodeCount
        try countNodes(1, at: mark)
        let frame = Frame(isMapping: isMapping, mark: mark, tag: tag, anchor: anchor, startCount: start)
        parents.append(top)
        top = frame
    }

    private mutating func pop() -> Frame {
        let f = top
        top = parents.removeLast()
        return f
    }

    private mutating func close(_ f: Frame, _ node: Node) {
        let height = f.childHeight + 1
        if let anchor = f.anchor { anchors[anchor] = Anchored(node: node, count: nodeCount - f.startCount, height: height) }
        add(node, height: height)
    }

    private mutating func countNodes(_ n: Int, at mark: Mark) throws {
        nodeCount += n
        if nodeCount > limits.maxNodes {
            throw error(at: mark, "document has more than \(limits.maxNodes) nodes")
        }
    }

    /// Copies the anchored subtree (values share storage, so a copy is cheap), counting what it
    /// adds against the alias and node limits before anything is copied.
    private mutating func alias(_ name: String, at mark: Mark) throws {
        guard let anchored = anchors[name] else {
            if top.anchor == name || parents.contains(where: { $0.anchor == name }) {
                throw error(at: mark, "alias '*\(name)' refers to the collection that contains it")
            }
            let hint = Suggest.hint(for: name, in: anchors.keys)
                ?? (anchors.isEmpty ? "define it with '&\(name)' before this alias" : "an anchor must be defined before its aliases")
            throw error(at: mark, "unknown anchor '\(name)'", hint: hint)
        }
        aliasNodes += anchored.count
        if aliasNodes > limits.maxAliasNodes {
            throw error(at: mark, "aliases expand to more than \(limits.maxAliasNodes) nodes",
                        hint: "nested aliases multiply nodes (a 'billion laughs' document); write the values out instead")
        }
        if depth + anchored.height > limits.maxDepth {
            throw error(at: mark, "nesting deeper than \(limits.maxDepth) levels (through alias '*\(name)')")
        }
        try countNodes(anchored.count, at: mark)
        var node = anchored.node
        node.mark = mark
        add(node, height: anchored.height)
    }

    // MARK: - Mappings

    /// Rejects duplicate keys and applies merge keys (`<<`).
    private func mappingEntries(_ all: [(key: Node, value: Node)], hasMergeKey: Bool) throws -> [(key: Node, value: Node)] {
        guard hasMergeKey else {
            try checkDuplicates(all)
            return all
        }
        var entries: [(key: Node, value: Node)] = []
        var merges: [(at: Int, value: Node)] = []
        for e in all {
            if Self.isMergeKey(e.key) {
                merges.append((entries.count, e.value))
            } else {
                entries.append(e)
            }
        }
        try checkDuplicates(entries)
        return try merged(entries, merges)
    }

    private static func isMergeKey(_ key: Node) -> Bool {
        guard case .scalar("<<", quoted: false) = key.kind else { return false }
        return key.tag == nil || key.tag == YAMLTag.merge
    }

    private func checkDuplicates(_ entries: [(key: Node, value: Node)]) throws {
        func duplicate(_ key: String, _ first: Node, _ second: Node) -> StrataError {
            second.error(.invalidConfig, "duplicate key '\(key)' (first defined at line \(first.mark.line))",
                         hint: "remove or rename one of them")
        }
        var keys: [String?] = []
        keys.reserveCapacity(entries.count)
        for e in entries {
            if case .scalar(let k, _) = e.key.kind { keys.append(k) } else { keys.append(nil) }
        }
        if keys.count <= 12 {
            for j in keys.indices {
                guard let k = keys[j] else { continue }
                for p in 0..<j where keys[p] == k {
                    throw duplicate(k, entries[p].key, entries[j].key)
                }
            }
            return
        }
        var seen: [String: Int] = [:]
        seen.reserveCapacity(keys.count)
        for j in keys.indices {
            guard let k = keys[j] else { continue }
            if let p = seen.updateValue(j, forKey: k) { throw duplicate(k, entries[p].key, entries[j].key) }
        }
    }

    /// Inserts each merge's entries where its `<<` was written, skipping keys the mapping writes
    /// itself or an earlier merge already gave.
    private func merged(_ entries: [(key: Node, value: Node)], _ merges: [(at: Int, value: Node)]) throws -> [(key: Node, value: Node)] {
        var seen = Set(entries.compactMap { $0.key.scalar })
        var out: [(key: Node, value: Node)] = []
        var next = 0
        func flush(upTo index: Int) throws {
            while next < merges.count, merges[next].at <= index {
                for source in try Self.mergeSources(merges[next].value) {
                    for e in source {
                        if let k = e.key.scalar {
                            if !seen.insert(k).inserted { continue }
                        }
                        out.append(e)
                    }
                }
                next += 1
            }
        }
        for (index, e) in entries.enumerated() {
            try flush(upTo: index)
            out.append(e)
        }
        try flush(upTo: entries.count)
        return out
    }

    private static func mergeSources(_ value: Node) throws -> [[(key: Node, value: Node)]] {
        let expected = "merge key '<<' expects a mapping or a list of mappings"
        switch value.kind {
        case .mapping(let m):
            return [m]
        case .sequence(let items):
            return try items.map { item in
                guard let m = item.mapping else { throw item.error(.invalidConfig, expected) }
                return m
            }
        case .scalar:
            throw value.error(.invalidConfig, expected)
        }
    }

    private func error(at mark: Mark, _ message: String, hint: String? = nil) -> StrataError {
        StrataError(.invalidConfig, message, location: SourceLocation(file: file, line: mark.line, column: mark.column), hint: hint)
    }
}
