import Foundation
import StrataCore
import StrataEngine
import StrataGovernance

/// `strata unmask --as ROLE [TOKEN...]`: reveals `tokenize` tokens (from the arguments, or one
/// per line on stdin) for roles with `unmask: true`.
enum UnmaskCommand {
    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "unmask")
        guard let roleName = a.values["--as"] else { throw StrataError(.usage, "usage: strata unmask --as ROLE [TOKEN...]  (tokens on stdin when none given)") }
        let project = try env.loadProject()
        let governance = try GovernedRead.governance(project)
        func deny(_ e: StrataError) -> StrataError {
            ReadAudit.recordDenial(.unmask, resource: "tokens", role: roleName, reason: e.message, command: "unmask",
                             project: project, actor: env.global.actor)
            return e
        }
        guard let role = governance.policies.role(named: roleName) else {
            let names = governance.policies.roles.map(\.name)
            throw deny(StrataError(.accessDenied, "there is no role '\(roleName)'", hint: Suggest.hint(for: roleName, in: names) ?? "roles: " + names.joined(separator: ", ")))
        }
        guard role.canUnmask else {
            throw deny(StrataError(.accessDenied, "role \(roleName) may not unmask tokens", hint: "a role needs `unmask: true` (\(role.source))"))
        }
        var tokens = a.positionals
        if tokens.isEmpty {
            let input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
            tokens = input.split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
        }
        let masker = Masker(keys: KeyStore(lakeRoot: project.lakeRoot))
        // One record per request; it names how many tokens, never the tokens or the values.
        try ReadAudit.record(.unmask, resource: "tokens", role: roleName, result: .allowed, rows: tokens.count, command: "unmask",
                         project: project, actor: env.global.actor)
        for (i, t) in tokens.enumerated() {
            do {
                Output.out(try masker.unmask(token: t))
            } catch var e as StrataError {
                e.message = "token \(i + 1): " + e.message
                throw e
            }
        }
        return 0
    }
}
