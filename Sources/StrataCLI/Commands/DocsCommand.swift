import Foundation
import StrataCore
import StrataEngine
import StrataFormats

/// `strata docs generate [--out DIR]`: the static docs site; `strata docs serve [--port N]`: the
/// same site, built from the lake as it is now, on http://127.0.0.1:PORT/.
enum DocsCommand {
    static let usage = "usage: strata docs generate [--out DIR] | serve [--port N]"
    static let defaultPort = 8580

    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        guard let sub = args.first else { throw StrataError(.usage, "docs needs a subcommand", hint: usage) }
        let rest = Array(args.dropFirst())
        switch sub {
        case "generate": return try generate(rest, env)
        case "serve": return try serve(rest, env)
        default:
            throw StrataError(.usage, "unknown docs subcommand '\(sub)'", hint: Suggest.hint(for: sub, in: ["generate", "serve"]) ?? usage)
        }
    }

    static func generate(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "docs", "generate")
        guard a.positionals.isEmpty else { throw StrataError(.usage, "docs generate takes no arguments", hint: usage) }
        let project = try env.loadProject()
        let catalog = try DocsCatalog.build(project)
        let dir = a.values["--out"].map { $0.hasPrefix("/") ? $0 : FileManager.default.currentDirectoryPath + "/" + $0 }
            ?? project.root + "/docs/site"
        let paths = try DocsSite.write(catalog: catalog, to: dir)
        if env.global.json {
            Output.out(Output.json(["dir": dir, "files": paths, "tables": catalog["tables"]?.elements?.count ?? 0,
                                    "pipelines": catalog["pipelines"]?.elements?.count ?? 0]))
        } else {
            Output.out("wrote the docs of \(summary(catalog)) to \(dir)/index.html (open it in a browser, or `strata docs serve`)")
        }
        return 0
    }

    static func serve(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "docs", "serve")
        guard a.positionals.isEmpty else { throw StrataError(.usage, "docs serve takes no arguments", hint: usage) }
        var port = defaultPort
        if let p = a.values["--port"] {
            guard let n = Int(p), (0...65535).contains(n) else { throw StrataError(.usage, "--port needs a number from 0 to 65535, got '\(p)'") }
            port = n
        }
        let project = try env.loadProject()
        let catalog = try DocsCatalog.build(project)
        let server = DocsServer(files: DocsSite.files(catalog: catalog))
        let (fd, bound) = try DocsServer.listen(port: port)
        Output.out("serving the docs of \(summary(catalog)) at http://127.0.0.1:\(bound)/ (Ctrl-C stops; restart to see new runs)")
        let quiet = a.has("--quiet")
        server.serve(fd, port: bound) { line in
            if !quiet { Output.err(line) }
        }
    }

    static func summary(_ catalog: JSONValue) -> String {
        let t = catalog["tables"]?.elements?.count ?? 0, p = catalog["pipelines"]?.elements?.count ?? 0
        return "\(t) table\(t == 1 ? "" : "s") and \(p) pipeline\(p == 1 ? "" : "s")"
    }
}
