/// `strata CMD --help` and `strata help CMD`: each command's synopsis (the same forms the README's
/// command table shows; a test keeps them equal) and what it does.
enum CommandHelp {
    static let synopses: [String: [String]] = [
        "validate": ["strata validate [--verbose]"],
        "plan": ["strata plan [SELECTOR...]"],
        "run": ["strata run [SELECTOR...] [--full-refresh] [--quiet] [--force]"],
        "tables": ["strata tables"],
        "history": ["strata history TABLE"],
        "show": ["strata show TABLE [--limit N] [--version N] [--columns a,b] [--format table|csv|json] [--as ROLE]"],
        "export": ["strata export TABLE --out FILE [--format csv|jsonl|parquet] [--as ROLE] [--version N] [--columns a,b]"],
        "policy": ["strata policy scan [TABLE...] [--json]", "strata policy audit [--format text|markdown|json]", "strata policy test"],
        "access": ["strata access explain TABLE --as ROLE"],
        "unmask": ["strata unmask --as ROLE [TOKEN...]"],
        "vacuum": ["strata vacuum [TABLE...] [--retain-versions N] [--retain HOURS] [--dry-run]"],
        "optimize": ["strata optimize [TABLE...] [--target-size MB] [--zorder-by a,b] [--dry-run]"],
        "checkpoint": ["strata checkpoint [TABLE...]"],
        "audit": ["strata audit verify", "strata audit show [--table T] [--since TIME] [--action A] [--result R] [--limit N]",
                  "strata audit seal", "strata audit reconcile"],
        "lineage": ["strata lineage export [--format openlineage|json|dot|mermaid|html] [--out FILE]",
                    "strata lineage upstream|downstream TABLE[.COLUMN] [--depth N]", "strata lineage replay [--url URL]"],
        "plugins": ["strata plugins [list]", "strata plugins describe NAME [--markdown]"],
        "functions": ["strata functions [NAME...] [--markdown]"],
        "generate": ["strata generate ecommerce --rows N --out DIR [--seed S] [--days D] [--bad-rows RATE]"],
    ]

    /// True when the arguments after a command ask for its help.
    static func asked(_ args: [String]) -> Bool { args.contains("--help") || args.contains("-h") }

    /// The help of `command`, or nil for an unknown command.
    static func text(_ command: String) -> String? {
        guard let lines = synopses[command] else { return nil }
        let what = StrataCLI.commands.first { $0.0 == command }?.1 ?? ""
        return """
            usage: \(lines.joined(separator: "\n       "))

            \(what)

            global options: --config PATH, --json, --actor NAME (see `strata help`)
            exit codes: 0 success, 1 run failure, 2 invalid usage or config, 3 refused by policy
            """
    }
}
