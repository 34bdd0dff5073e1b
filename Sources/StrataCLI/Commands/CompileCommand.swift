import StrataCore
import StrataEngine
import Foundation

/// `strata compile PIPELINE --target spark [--out FILE]`: the pipeline as a PySpark program.
enum CompileCommand {
    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "compile")
        guard a.positionals.count == 1, let name = a.positionals.first else {
            throw StrataError(.usage, "compile takes one pipeline", hint: "strata compile PIPELINE --target spark")
        }
        let target = a.values["--target"] ?? "spark"
        guard target == "spark" else {
            throw StrataError(.usage, "no compile target '\(target)'", hint: Suggest.hint(for: target, in: ["spark"]) ?? "targets: spark")
        }
        let project = try env.loadProject()
        let lake = Lake(root: project.lakeRoot)
        let plan = try Plan(project: project, existingTables: Set(lake.tables()))
        guard let p = plan.order.first(where: { $0.name == name || $0.writes.description == name }) else {
            throw StrataError(.usage, "no pipeline or table named '\(name)'",
                              hint: Suggest.hint(for: name, in: plan.order.map(\.name)) ?? "pipelines: " + plan.order.map(\.name).joined(separator: ", "))
        }
        let compiled = try SparkCompiler(project: project, lake: lake, governance: try project.loadGovernance()).compile(p)
        guard let out = a.values["--out"] else {
            Output.out(compiled.program, terminator: "")
            return 0
        }
        do {
            try Data(compiled.program.utf8).write(to: URL(fileURLWithPath: out), options: .atomic)
        } catch {
            throw StrataError(.io, "cannot write \(out)", cause: "\(error)")
        }
        let masks = compiled.masks.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
        Output.out("wrote \(out): \(p.name) → \(p.writes), reads " + compiled.tables.map(\.table.description).joined(separator: ", ")
                   + (masks.isEmpty ? "" : "; masks " + masks.joined(separator: ", ")))
        return 0
    }
}
