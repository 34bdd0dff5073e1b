import StrataCore
import StrataEngine
import Foundation

/// `strata schema [pipelines|policies] [--out DIR]`: JSON Schemas for editors, generated from the
/// key declarations the loaders check.
enum SchemaCommand {
    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "schema")
        guard a.positionals.count <= 1 else { throw StrataError(.usage, "schema takes at most one of: pipelines, policies") }
        let which = a.positionals.first
        if let which, which != "pipelines" && which != "policies" {
            throw StrataError(.usage, "no schema '\(which)'", hint: Suggest.hint(for: which, in: ["pipelines", "policies"]) ?? "pipelines or policies")
        }
        let schemas = [("pipelines", ConfigSchema.pipelines(registry: env.registry)), ("policies", ConfigSchema.policies())]
            .filter { which == nil || $0.0 == which }
        guard let dir = a.values["--out"] else {
            // One document on stdout: the pipelines schema unless the policies one is asked for.
            Output.out(try ConfigSchema.text(schemas[0].1), terminator: "")
            return 0
        }
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            for (name, schema) in schemas {
                let path = dir + "/\(name).schema.json"
                try Data(try ConfigSchema.text(schema).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
                Output.out("wrote \(path)")
            }
        } catch let e as StrataError {
            throw e
        } catch {
            throw StrataError(.io, "cannot write the schemas into \(dir)", cause: "\(error)")
        }
        return 0
    }
}
