import StrataCore
import StrataEngine
import Foundation

/// `strata init [DIR] [--example minimal|ecommerce]`: a project skeleton that validates and runs.
enum InitCommand {
    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "init")
        guard a.positionals.count <= 1 else { throw StrataError(.usage, "init takes one folder", hint: "strata init [DIR] [--example minimal|ecommerce]") }
        let name = a.values["--example"] ?? "minimal"
        guard let template = ProjectTemplate(rawValue: name) else {
            throw StrataError(.usage, "no example '\(name)'",
                              hint: Suggest.hint(for: name, in: ProjectTemplate.allCases.map(\.rawValue)) ?? "examples: minimal, ecommerce")
        }
        let dir = a.positionals.first ?? "."
        let result = try ProjectInit.write(template, to: dir)
        if env.global.json {
            Output.out(Output.json(["dir": dir, "example": name, "files": result.files]))
            return 0
        }
        let shown = result.files.filter { !$0.hasPrefix("datalake/landing/") }
        let landing = result.files.count - shown.count
        Output.out("created a \(name) Strata project in \(dir):")
        for f in shown { Output.out("  " + f) }
        if landing > 0 { Output.out("  datalake/landing/ (\(landing) files of generated demo data)") }
        let cd = dir == "." ? "" : "cd \(dir) && "
        Output.out("next: \(cd)strata validate && strata run && strata docs generate")
        return 0
    }
}
