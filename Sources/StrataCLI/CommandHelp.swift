/// `strata CMD --help` and `strata help CMD`: a command's synopses and what each form does, from
/// `CommandTable`.
enum CommandHelp {
    /// True when the arguments after a command ask for its help.
    static func asked(_ args: [String]) -> Bool { args.contains("--help") || args.contains("-h") }

    /// The help of `command`, or nil for an unknown command.
    static func text(_ command: String) -> String? {
        guard let spec = CommandTable.spec(command) else { return nil }
        var lines = ["usage: " + spec.forms.map(\.synopsis).joined(separator: "\n       "), "", spec.summary, ""]
        for f in spec.forms {
            lines.append("  " + f.synopsis)
            lines.append(wrap(f.does, indent: 6))
        }
        if !spec.aliases.isEmpty {
            lines.append("")
            lines.append("short options: " + spec.aliases.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(separator: ", "))
        }
        lines += ["", "global options: --config PATH, --json, --actor NAME (see `strata help`)",
                  "exit codes: 0 success, 1 run failure, 2 invalid usage or config, 3 refused by policy"]
        return lines.joined(separator: "\n")
    }

    /// `text` wrapped at 100 columns, each line indented.
    static func wrap(_ text: String, indent: Int) -> String {
        let pad = String(repeating: " ", count: indent)
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && pad.count + line.count + 1 + word.count > 100 {
                lines.append(pad + line)
                line = ""
            }
            line += (line.isEmpty ? "" : " ") + word
        }
        if !line.isEmpty { lines.append(pad + line) }
        return lines.joined(separator: "\n")
    }
}
