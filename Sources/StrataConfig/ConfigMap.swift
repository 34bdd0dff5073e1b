import StrataCore

/// Reads one config section's keys with types, positions and did-you-mean errors.
///
/// The one mechanism every config section and plugin uses: it is built from a mapping node and
/// the section's declared `ConfigKey`s, and refuses any key that is not declared (`.unknownKey`,
/// with a did-you-mean or the list of valid keys) and any required key that is absent or null
/// (`.missingKey`). Accessors treat a null value (`key:`, `key: ~`) as absent. Asking for a key
/// that was not declared is a programming error and stops the process.
public struct ConfigMap: Sendable {
    /// The dotted path of this section (`pipelines.orders.sink`); "" at the top.
    public private(set) var path: String
    /// The mapping node (a null node reads as an empty mapping).
    public private(set) var node: Node
    /// Where the section starts.
    public private(set) var location: SourceLocation
    /// The declared keys, in declaration order.
    public private(set) var keys: [ConfigKey]

    private var entries: [String: (key: Node, value: Node)]

    /// Checks `node` against `keys`: it must be a mapping (or null, read as empty), every key in it
    /// must be declared, and every required key must have a value.
    public init(_ node: Node, keys: [ConfigKey], path: String) throws {
        self.path = path
        self.node = node
        self.location = node.location
        self.keys = keys
        self.entries = [:]
        let pairs: [(key: Node, value: Node)]
        if let m = node.mapping {
            pairs = m
        } else if node.isNull {
            pairs = []
        } else {
            throw node.error(.typeMismatch, "expected a mapping, got \(node.kindDescription)", path: path)
        }
        let declared = Set(keys.map(\.name))
        for e in pairs {
            guard let name = e.key.scalar else {
                throw e.key.error(.invalidConfig, "expected a string key, got \(e.key.kindDescription)", path: path)
            }
            guard declared.contains(name) else {
                let hint = Suggest.hint(for: name, in: keys.map(\.name))
                    ?? (keys.isEmpty ? "this section takes no keys" : "valid keys: " + keys.map(\.name).joined(separator: ", "))
                throw e.key.error(.unknownKey, "unknown key", path: keyPath(name), hint: hint)
            }
            entries[name] = e
        }
        for k in keys where k.required {
            guard let e = entries[k.name] else {
                throw node.error(.missingKey, "missing required key '\(k.name)'", path: path,
                                 hint: "add '\(k.name):' (\(k.type))")
            }
            if e.value.isNull {
                throw e.key.error(.missingKey, "required key has no value", path: keyPath(k.name),
                                  hint: "give it a value (\(k.type))")
            }
        }
    }

    /// `path.key` (or `key` at the top).
    public func keyPath(_ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    /// True when `key` is present with a non-null value.
    public func has(_ key: String) -> Bool {
        node(key) != nil
    }

    /// The value node of `key`; nil when absent or null.
    public func node(_ key: String) -> Node? {
        guard let v = entry(key)?.value, !v.isNull else { return nil }
        return v
    }

    /// An error about `key`, at its value (at the key when its value is null, at the section when
    /// it is absent), with path `path.key`.
    public func error(_ key: String, _ code: StrataError.Code, _ message: String, hint: String? = nil) -> StrataError {
        let at: Node
        if let e = entry(key) {
            at = e.value.isNull ? e.key : e.value
        } else {
            at = node
        }
        return at.error(code, message, path: keyPath(key), hint: hint)
    }

    /// The raw entry; stops on an undeclared key (a bug in the caller, not a user error).
    func entry(_ key: String) -> (key: Node, value: Node)? {
        guard keys.contains(where: { $0.name == key }) else {
            preconditionFailure("ConfigMap at '\(path)': key '\(key)' is not declared")
        }
        return entries[key]
    }

    /// A type error at `value`, path `path.key`.
    /// A scalar where a list is declared: never taken as a list of one silently, since
    /// `keys: a, b` would be one column named `a, b`.
    public func scalarForList(_ key: String, _ value: Node) -> StrataError {
        let items = (value.scalar ?? "").split(separator: ",").map { $0.split(separator: " ").joined(separator: " ") }.filter { !$0.isEmpty }
        return value.error(.typeMismatch, "expected a list, got a string", path: keyPath(key),
                           hint: "write `\(key): [\(items.isEmpty ? "..." : items.joined(separator: ", "))]`")
    }

    func mismatch(_ key: String, _ value: Node, expected: String) -> StrataError {
        value.error(.typeMismatch, "expected \(expected), got \(value.kindDescription)", path: keyPath(key))
    }
}
