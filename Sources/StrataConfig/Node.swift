import StrataCore

/// A position in a YAML file, 1-based line and column (columns count characters, not bytes).
public struct Mark: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// What a YAML node holds: a scalar's text, a sequence, or a mapping with its keys in file order.
///
/// `quoted` is true for every scalar not written plain (single- or double-quoted, `|` or `>`
/// block scalars): such a scalar is always a string, never null, a number or a boolean.
/// (Not `indirect`: the arrays already box the children, and one allocation less per node is
/// a third of the tree-building time.)
public enum NodeKind: Sendable {
    case scalar(String, quoted: Bool)
    case sequence([Node])
    case mapping([(key: Node, value: Node)])
}

/// One node of a parsed YAML document, with where it was written.
///
/// Nodes copied in by an alias (`*name`) keep the marks of the anchored text they came from,
/// except the copy's root, which is marked where the alias is written. Merged keys (`<<: *base`)
/// keep the marks of the mapping they were merged from.
public struct Node: Sendable {
    public var kind: NodeKind
    public var mark: Mark
    /// The file name used in error locations (as given to `YAML.parse` / `YAML.load`).
    public var file: String
    /// The explicit tag (`!!str` resolves to `tag:yaml.org,2002:str`), nil when none was written.
    public var tag: String?

    public init(kind: NodeKind, mark: Mark, file: String, tag: String? = nil) {
        self.kind = kind
        self.mark = mark
        self.file = file
        self.tag = tag
    }
}

public extension Node {
    /// Where this node starts, for error messages.
    var location: SourceLocation { SourceLocation(file: file, line: mark.line, column: mark.column) }

    /// True for a plain, untagged (or `!!null`) scalar `~`, `null` or empty: YAML's null.
    var isNull: Bool {
        guard case .scalar(let s, let quoted) = kind, !quoted else { return false }
        guard tag == nil || tag == YAMLTag.null else { return false }
        return s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL"
    }

    /// The text of a scalar node (quoted or not, null included); nil for collections.
    var scalar: String? {
        if case .scalar(let s, _) = kind { return s }
        return nil
    }

    /// The entries of a mapping node in file order; nil for other nodes.
    var mapping: [(key: Node, value: Node)]? {
        if case .mapping(let m) = kind { return m }
        return nil
    }

    /// The items of a sequence node; nil for other nodes.
    var sequence: [Node]? {
        if case .sequence(let s) = kind { return s }
        return nil
    }

    /// The value of the entry whose key is the scalar `key`, when this is a mapping.
    subscript(key: String) -> Node? {
        guard case .mapping(let m) = kind else { return nil }
        for e in m where e.key.scalar == key { return e.value }
        return nil
    }

    /// An error positioned at this node.
    func error(_ code: StrataError.Code, _ message: String, path: String? = nil, hint: String? = nil) -> StrataError {
        StrataError(code, message, location: location, path: path, hint: hint)
    }

    /// What this node is, as error messages say it: `a string`, `a list`, `a mapping`, `null`.
    var kindDescription: String {
        if isNull { return "null" }
        switch kind {
        case .scalar: return "a string"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }
}

/// Tags the node tree gives meaning to.
enum YAMLTag {
    static let null = "tag:yaml.org,2002:null"
    static let str = "tag:yaml.org,2002:str"
    static let merge = "tag:yaml.org,2002:merge"
}

public extension Node {
    /// Where each key path under this node is written (`sink.keys`, `transforms[0].expr`, the
    /// empty path for this node itself), so an error found later, while planning, can still point
    /// at the config text. Mapping values are located at their value, or at their key when null.
    func pathLocations() -> [String: SourceLocation] {
        var out: [String: SourceLocation] = [:]
        func walk(_ n: Node, _ path: String, at: SourceLocation) {
            out[path] = at
            switch n.kind {
            case .scalar: break
            case .sequence(let items):
                for (i, item) in items.enumerated() { walk(item, "\(path)[\(i)]", at: item.location) }
            case .mapping(let entries):
                for e in entries {
                    guard let k = e.key.scalar else { continue }
                    walk(e.value, path.isEmpty ? k : path + "." + k, at: e.value.isNull ? e.key.location : e.value.location)
                }
            }
        }
        walk(self, "", at: location)
        return out
    }
}

public extension StrataError {
    /// Gives a config error that has a key path but no position the position of that path (or of
    /// its nearest written ancestor) in `locations`, whose paths are relative to `prefix`.
    mutating func locate(in locations: [String: SourceLocation], prefix: String) {
        guard location == nil, let given = path else { return }
        var p = given
        if p == prefix { p = "" } else if p.hasPrefix(prefix + ".") { p = String(p.dropFirst(prefix.count + 1)) }
        // Only paths into this node: a relative path must start with one of its keys.
        let head = p.prefix { $0 != "." && $0 != "[" }
        guard p.isEmpty || locations[String(head)] != nil else { return }
        path = p.isEmpty ? prefix : prefix + "." + p
        while location == nil {
            if let l = locations[p] { location = l; return }
            guard let cut = p.lastIndex(where: { $0 == "." || $0 == "[" }) else {
                location = locations[""]
                return
            }
            p = String(p[..<cut])
        }
    }
}
