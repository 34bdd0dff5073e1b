import StrataCore
import StrataPlugins

/// `strata plugins [list]` and `strata plugins describe NAME [--markdown]`.
enum PluginsCommand {
    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "plugins", "describe")
        let sub = a.positionals.first ?? "list"
        switch sub {
        case "list":
            if env.global.json {
                Output.out(Output.json(["plugins": env.registry.plugins.map { ["name": $0.name, "kind": $0.kind.rawValue, "summary": $0.summary] }]))
            } else {
                Output.out(Output.table(["kind", "name", "summary"], env.registry.plugins.map { [$0.kind.rawValue, $0.name, $0.summary] }))
            }
        case "describe":
            guard a.positionals.count >= 2 else { throw StrataError(.usage, "usage: strata plugins describe NAME") }
            var found: [PluginDescriptor] = []
            for name in a.positionals.dropFirst() {
                let f = env.registry.find(name)
                if f.isEmpty {
                    throw StrataError(.usage, "no plugin named '\(name)'",
                                      hint: Suggest.hint(for: name, in: env.registry.plugins.map(\.name))
                                        ?? "plugins: " + env.registry.plugins.map(\.name).joined(separator: ", "))
                }
                found += f
            }
            if env.global.json {
                Output.out(Output.json(found.map(json)))
            } else if a.has("--markdown") {
                Output.out(found.map(\.markdown).joined(separator: "\n"))
            } else {
                Output.out(found.map(PluginDocs.text).joined(separator: "\n\n"))
            }
        case "markdown":
            // The README's plugin reference, generated from the same descriptions.
            Output.out(env.registry.markdownReference)
        default:
            throw StrataError(.usage, "unknown plugins subcommand '\(sub)'", hint: "use list, describe NAME or markdown")
        }
        return 0
    }

    static func json(_ d: PluginDescriptor) -> [String: Any] {
        ["name": d.name, "kind": d.kind.rawValue, "summary": d.summary, "doc": d.doc, "example": d.example,
         "keys": d.keys.map { k -> [String: Any] in
             var o: [String: Any] = ["name": k.name, "type": k.type, "required": k.required, "doc": k.doc]
             if let d = k.defaultValue { o["default"] = d }
             return o
         }]
    }
}

/// Renders plugin descriptions for the terminal (the README form is `PluginDescriptor.markdown`).
enum PluginDocs {
    static func text(_ d: PluginDescriptor) -> String {
        var s = "\(d.name) (\(d.kind.rawValue)): \(d.summary)\n\n\(d.doc)\n\nkeys:\n"
        s += Output.table(["key", "type", "default", "description"],
                          d.keys.map { [$0.name + ($0.required ? " *" : ""), $0.type, $0.defaultValue ?? "", $0.doc] })
        s += "\n(* required)\n\nexample:\n" + d.example.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
        return s
    }

}
