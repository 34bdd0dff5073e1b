import StrataCore
public import StrataPlugins
import StrataEngine
import Foundation

/// The `strata` command line. `main.swift` calls `StrataCLI.main`; a custom build with extra
/// plugins passes its own registry.
public enum StrataCLI {
    public static let version = "0.1.0"

    /// Runs one invocation and returns the process exit code:
    /// 0 success, 1 run failure, 2 invalid usage or config, 3 refused by policy.
    public static func main(_ arguments: [String], registry: PluginRegistry = .builtin()) -> Int32 {
        var args = Array(arguments.dropFirst())
        var global = GlobalOptions()
        do {
            args = try global.extract(from: args)
            guard let command = args.first else {
                Output.out(usage)
                return 0
            }
            let rest = Array(args.dropFirst())
            let env = CommandEnvironment(global: global, registry: registry)
            if CommandHelp.asked(rest), let help = CommandHelp.text(command) {
                Output.out(help)
                return 0
            }
            switch command {
            case "init": return try InitCommand.run(rest, env)
            case "schema": return try SchemaCommand.run(rest, env)
            case "validate": return try ValidateCommand.run(rest, env)
            case "plan": return try PlanCommand.run(rest, env)
            case "run": return try RunCommand.run(rest, env)
            case "compile": return try CompileCommand.run(rest, env)
            case "tables": return try TablesCommand.run(rest, env)
            case "history": return try HistoryCommand.run(rest, env)
            case "show": return try ShowCommand.run(rest, env)
            case "plugins": return try PluginsCommand.run(rest, env)
            case "functions": return try FunctionsCommand.run(rest, env)
            case "generate": return try GenerateCommand.run(rest, env)
            case "export": return try ExportCommand.run(rest, env)
            case "policy": return try PolicyCommand.run(rest, env)
            case "access": return try AccessCommand.run(rest, env)
            case "unmask": return try UnmaskCommand.run(rest, env)
            case "vacuum": return try VacuumCommand.run(rest, env)
            case "optimize": return try OptimizeCommand.run(rest, env)
            case "checkpoint": return try CheckpointCommand.run(rest, env)
            case "audit": return try AuditCommand.run(rest, env)
            case "lineage": return try LineageCommand.run(rest, env)
            case "docs": return try DocsCommand.run(rest, env)
            case "completion":
                let a = try CommandTable.arguments(Array(rest.dropFirst()), "completion", rest.first)
                guard a.positionals.isEmpty, let shell = rest.first.flatMap(Completion.Shell.init(rawValue:)) else {
                    throw StrataError(.usage, "completion takes one shell: bash, zsh or fish")
                }
                Output.out(Completion.script(shell, registry: registry), terminator: "")
                return 0
            case "help", "--help", "-h":
                if rest == ["--markdown"] {
                    Output.out(CommandTable.markdown)
                    return 0
                }
                guard let topic = rest.first else {
                    Output.out(usage)
                    return 0
                }
                guard let help = CommandHelp.text(topic) else {
                    throw StrataError(.usage, "no command '\(topic)'",
                                      hint: Suggest.hint(for: topic, in: commands.map(\.0)) ?? "run `strata help`")
                }
                Output.out(help)
                return 0
            case "version", "--version":
                _ = try CommandTable.arguments(rest, "version")
                Output.out("strata \(version)")
                return 0
            default:
                throw StrataError(.usage, "unknown command '\(command)'",
                                  hint: Suggest.hint(for: command, in: commands.map(\.0)) ?? "run `strata help`")
            }
        } catch let e as StrataError {
            report(e, json: global.json)
            return e.exitCode
        } catch {
            let e = StrataError(.internalError, "unexpected error", cause: "\(error)")
            report(e, json: global.json)
            return 1
        }
    }

    static func report(_ e: StrataError, json: Bool) {
        if json {
            var obj: [String: Any] = ["error": e.message, "code": e.code.rawValue, "exit_code": Int(e.exitCode)]
            if let l = e.location { obj["location"] = l.description }
            if let p = e.path { obj["path"] = p }
            if let h = e.hint { obj["hint"] = h }
            Output.out(Output.json(obj))
        }
        Output.err("error: \(e)")
    }

    /// Command names and one-line summaries, from `CommandTable`.
    static var commands: [(String, String)] { CommandTable.all.map { ($0.name, $0.summary) } }

    static var usage: String {
        """
        strata \(version): a governed data-lake pipeline host

        usage: strata [--config PATH] [--json] [--actor NAME] COMMAND [ARGS]
               strata help COMMAND  (or strata COMMAND --help): one command's usage
               strata completion bash|zsh|fish: shell completion

        commands:
        \(commands.map { "  " + $0.0.padding(toLength: 10, withPad: " ", startingAt: 0) + $0.1 }.joined(separator: "\n"))

        global options:
          --config PATH   the pipelines file (default ./pipelines.yaml)
          --json          machine-readable output on stdout
          --actor NAME    who acts, for the audit log (default $STRATA_ACTOR, else the OS user)
        exit codes: 0 success, 1 run failure, 2 invalid usage or config, 3 refused by policy
        """
    }
}

/// Options accepted before or after the command.
struct GlobalOptions {
    var config = "pipelines.yaml"
    var json = false
    /// Who acts, for the audit log (`--actor`).
    var actor: String?

    /// Removes the global options from `args` wherever they appear.
    mutating func extract(from args: [String]) throws -> [String] {
        var out: [String] = []
        var i = 0
        while i < args.count {
            let a = args[i]
            if a == "--json" {
                json = true
            } else if a == "--config" {
                guard i + 1 < args.count else { throw StrataError(.usage, "--config needs a path") }
                config = args[i + 1]
                i += 1
            } else if a.hasPrefix("--config=") {
                config = String(a.dropFirst("--config=".count))
            } else if a == "--actor" {
                guard i + 1 < args.count else { throw StrataError(.usage, "--actor needs a name") }
                actor = args[i + 1]
                i += 1
            } else if a.hasPrefix("--actor=") {
                actor = String(a.dropFirst("--actor=".count))
            } else {
                out.append(a)
            }
            i += 1
        }
        return out
    }
}

/// What every command needs: the global options and the plugin registry.
struct CommandEnvironment {
    let global: GlobalOptions
    let registry: PluginRegistry

    func loadProject() throws -> Project {
        try Project.load(configPath: global.config, registry: registry)
    }
}
