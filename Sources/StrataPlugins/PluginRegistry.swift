public import StrataCore
public import StrataFormats
public import StrataConfig

/// A built plugin config: the config half of a source, transform or sink.
public enum AnyPluginConfig: Sendable {
    case source(any SourceConfig)
    case transform(any TransformConfig)
    case sink(any SinkConfig)
}

/// What the registry knows of a plugin: its name, kind, documentation and how to build its config.
public struct PluginDescriptor: Sendable {
    public let name: String
    public let kind: PluginKind
    /// One line: what the plugin does.
    public let summary: String
    /// The contract in a few sentences (shown by `strata plugins describe`).
    public let doc: String
    /// Every key the plugin accepts besides `type`.
    public let keys: [ConfigKey]
    /// A YAML example of the plugin's config.
    public let example: String
    /// Builds the config half from its keys; throws positioned errors, does no I/O.
    public let make: @Sendable (ConfigMap) throws -> AnyPluginConfig

    public init(name: String, kind: PluginKind, summary: String, doc: String, keys: [ConfigKey], example: String,
                make: @escaping @Sendable (ConfigMap) throws -> AnyPluginConfig) {
        self.name = name
        self.kind = kind
        self.summary = summary
        self.doc = doc
        self.keys = keys
        self.example = example
        self.make = make
    }

    /// The `type:` key every plugin config carries.
    public static let typeKey = ConfigKey("type", "string", required: true, "The plugin name.")

    /// Decodes a plugin config section whose `type` names this plugin.
    public func build(_ node: Node, path: String) throws -> AnyPluginConfig {
        let map = try ConfigMap(node, keys: [Self.typeKey] + keys, path: path)
        return try make(map)
    }
}

/// The plugins a build of Strata knows, by kind and name.
///
/// Built from one explicit list (`BuiltinPlugins.all`); a custom build passes a longer list.
/// Duplicate names within a kind are rejected.
public struct PluginRegistry: Sendable {
    public let plugins: [PluginDescriptor]

    public init(_ plugins: [PluginDescriptor]) throws {
        var seen = Set<String>()
        for p in plugins {
            let key = "\(p.kind.rawValue)/\(p.name)"
            guard seen.insert(key).inserted else {
                throw StrataError(.internalError, "plugin '\(p.name)' (\(p.kind.rawValue)) is registered twice")
            }
        }
        self.plugins = plugins.sorted { ($0.kind.rawValue, $0.name) < ($1.kind.rawValue, $1.name) }
    }

    /// The built-in plugins.
    public static func builtin() -> PluginRegistry {
        // The built-in list is checked by a test, so this cannot fail in a released build.
        try! PluginRegistry(BuiltinPlugins.all)
    }

    public func plugins(of kind: PluginKind) -> [PluginDescriptor] { plugins.filter { $0.kind == kind } }

    public func find(_ name: String) -> [PluginDescriptor] { plugins.filter { $0.name == name } }

    /// Decodes a `source:`, `transforms[i]` or `sink:` section: reads `type`, finds the plugin, builds it.
    public func build(_ node: Node, kind: PluginKind, path: String) throws -> AnyPluginConfig {
        guard case .mapping = node.kind else {
            throw node.error(.typeMismatch, "expected a mapping with a 'type' key", path: path, hint: nil)
        }
        guard let typeNode = node["type"] else {
            throw StrataError(.missingKey, "missing required key 'type'", location: node.location, path: path,
                              hint: "\(kind.rawValue) types are: " + plugins(of: kind).map(\.name).joined(separator: ", "))
        }
        guard let name = typeNode.scalar else {
            throw typeNode.error(.typeMismatch, "expected a plugin name", path: path + ".type", hint: nil)
        }
        let candidates = plugins(of: kind)
        guard let d = candidates.first(where: { $0.name == name }) else {
            let names = candidates.map(\.name)
            let known = "known \(kind.rawValue)s: " + names.joined(separator: ", ")
            var message = "unknown \(kind.rawValue) type '\(name)'"
            if let other = plugins.first(where: { $0.name == name }) {
                message += " (\(name) is a \(other.kind.rawValue))"
            }
            throw StrataError(.unknownPlugin, message, location: typeNode.location, path: path + ".type",
                              hint: Suggest.hint(for: name, in: names).map { "\($0) \(known)" } ?? known)
        }
        return try d.build(node, path: path)
    }
}
