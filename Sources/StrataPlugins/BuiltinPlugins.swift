/// The built-in plugins: one explicit list, sorted by kind then name.
///
/// A custom build of Strata adds its own plugins by passing `BuiltinPlugins.all + [MyPlugin.descriptor]`
/// to `PluginRegistry.init`; nothing registers itself behind the scenes.
public enum BuiltinPlugins {
    public static let all: [PluginDescriptor] = (core + connectors).sorted { ($0.kind.rawValue, $0.name) < ($1.kind.rawValue, $1.name) }

    /// The database connectors compiled in (package traits, on by default).
    static var connectors: [PluginDescriptor] {
        var list: [PluginDescriptor] = []
        #if Postgres
        list.append(PostgresSource.descriptor)
        list.append(PostgresSink.descriptor)
        #endif
        #if MySQL
        list.append(MySQLSource.descriptor)
        #endif
        return list
    }

    static let core: [PluginDescriptor] = [
        // sinks
        TableSink.descriptor,
        // sources
        CSVSource.descriptor,
        JSONLSource.descriptor,
        TableSource.descriptor,
        // transforms
        Aggregate.descriptor,
        Cast.descriptor,
        Dedupe.descriptor,
        Derive.descriptor,
        Drop.descriptor,
        Expect.descriptor,
        Filter.descriptor,
        Join.descriptor,
        Rename.descriptor,
        Select.descriptor,
        Union.descriptor,
        Window.descriptor,
    ]
}
