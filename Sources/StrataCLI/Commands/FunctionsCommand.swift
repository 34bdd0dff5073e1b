import StrataCore

/// `strata functions [NAME...] [--markdown]` (and the global `--json`): the expression language reference.
///
/// Without a name: every function, operator and piece of syntax with its signature and summary
/// (`--markdown`: the whole reference as `docs/expressions.md` holds it). With a name or alias
/// (case-insensitive; `strata functions is not null` works too): that entry with its notes and
/// verified examples. An unknown name is a usage error (exit 2) with a did-you-mean.
enum FunctionsCommand {
    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "functions")
        guard !a.positionals.isEmpty else {
            if env.global.json {
                Output.out(Output.json(["functions": FunctionDoc.all.map(json),
                                        "sections": FunctionDoc.sections.map(json)]))
            } else if a.has("--markdown") {
                Output.out(FunctionDoc.markdown())
            } else {
                Output.out(list)
            }
            return 0
        }
        // The words as one name first (`is not null`), else each word as a name (`lower upper`).
        let joined = a.positionals.joined(separator: " ")
        let docs: [FunctionDoc]
        if let doc = FunctionDoc.find(joined) {
            docs = [doc]
        } else {
            docs = try a.positionals.map { name in
                guard let doc = FunctionDoc.find(name) else {
                    throw StrataError(.usage, "no function or operator named '\(a.positionals.count == 1 ? joined : name)'",
                                      hint: Suggest.hint(for: name, in: FunctionDoc.allNames) ?? "run `strata functions` for the list")
                }
                return doc
            }
        }
        if env.global.json {
            Output.out(docs.count == 1 ? Output.json(json(docs[0])) : Output.json(["functions": docs.map(json)]))
        } else if a.has("--markdown") {
            Output.out("| function | signature | description | example | result |\n|---|---|---|---|---|\n" + docs.map(\.markdownRow).joined(separator: "\n"))
        } else {
            Output.out(docs.map(text).joined(separator: "\n\n"))
        }
        return 0
    }

    /// Every entry, a table per group.
    static var list: String {
        var parts: [String] = []
        for group in FunctionDoc.Group.allCases {
            let rows = FunctionDoc.all.filter { $0.group == group }.map { [$0.names.joined(separator: ", "), $0.signature, $0.summary] }
            parts.append(group.title + ":\n" + Output.table(["name", "signature", "summary"], rows))
        }
        parts.append("`strata functions NAME` shows one with notes and examples; `--markdown` prints the reference.")
        return parts.joined(separator: "\n\n")
    }

    /// One entry for the terminal: signature, summary, notes, examples with their results.
    static func text(_ d: FunctionDoc) -> String {
        var s = d.names.joined(separator: ", ") + " (\(d.group.title.lowercased()))\n\n  \(d.signature)\n\n\(d.summary)"
        if let notes = d.notes { s += "\n\n" + notes }
        let width = d.examples.map(\.expression.count).max() ?? 0
        s += "\n\nexamples:\n" + d.examples.map {
            "  " + $0.expression.padding(toLength: width, withPad: " ", startingAt: 0) + "  → " + $0.result
        }.joined(separator: "\n")
        return s
    }

    static func json(_ d: FunctionDoc) -> [String: Any] {
        var o: [String: Any] = [
            "name": d.name, "aliases": d.aliases, "kind": d.kind.rawValue, "group": d.group.rawValue,
            "signature": d.signature, "summary": d.summary, "example": d.example, "result": d.result,
            "examples": d.examples.map { ["expression": $0.expression, "result": $0.result] },
        ]
        if let n = d.notes { o["notes"] = n }
        return o
    }

    static func json(_ s: ExpressionSection) -> [String: Any] {
        ["title": s.title, "body": s.body, "examples": s.examples.map { ["expression": $0.expression, "result": $0.result] }]
    }
}
