import StrataConfig
import StrataCore
import StrataFormats
@testable import StrataPlugins

/// Builds a plugin config from YAML text, as the engine does.
func build(_ yaml: String, kind: PluginKind) throws -> AnyPluginConfig {
    guard let node = try YAML.parse(yaml, file: "pipelines.yaml") else { fatalError("empty yaml") }
    return try PluginRegistry.builtin().build(node, kind: kind, path: kind.rawValue)
}

func source(_ yaml: String) throws -> any SourceConfig {
    guard case .source(let s) = try build(yaml, kind: .source) else { fatalError("not a source") }
    return s
}

func sink(_ yaml: String) throws -> any SinkConfig {
    guard case .sink(let s) = try build(yaml, kind: .sink) else { fatalError("not a sink") }
    return s
}

struct Tables: SchemaResolver {
    var known: [TableRef: Schema] = [:]
    func schema(of table: TableRef) -> Schema? { known[table] }
}
