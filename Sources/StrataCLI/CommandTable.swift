import StrataCore

/// Every command of `strata`, once: each form's synopsis and what it does. The README's command
/// table (`scripts/update-readme`, checked by a test), `--help`, `strata help`, the options each
/// command accepts (read off its synopses) and the shell completions are all generated from it.
enum CommandTable {}

/// One command, with its forms (a form per subcommand or way of calling it).
struct CommandSpec: Sendable {
    let name: String
    /// One line for `strata help`.
    let summary: String
    let forms: [CommandForm]
    /// Short spellings of switches: `-q` for `--quiet`.
    var aliases: [String: String]

    init(_ name: String, _ summary: String, aliases: [String: String] = [:], _ forms: [CommandForm]) {
        self.name = name
        self.summary = summary
        self.forms = forms
        self.aliases = aliases
    }

    /// Subcommand words (`scan`, `upstream`…), in the forms' order; empty for a command without any.
    var subcommands: [String] { forms.flatMap(\.subcommands) }
}

/// One way of calling a command: its synopsis (as the README and `--help` print it) and what it does.
struct CommandForm: Sendable {
    let synopsis: String
    let does: String

    init(_ synopsis: String, _ does: String) {
        self.synopsis = synopsis
        self.does = does
    }

    var words: [Substring] { synopsis.split(separator: " ") }

    /// The subcommand words this form names right after the command (`upstream|downstream` → both;
    /// `[list]` → `list`); empty when its second word is an argument or an option.
    var subcommands: [String] {
        guard words.count > 2 else { return [] }
        let w = words[2].trimmingCharacters(in: ["[", "]"])
        guard w.first?.isLowercase == true, !w.hasPrefix("-"), !w.contains(".") else { return [] }
        return w.split(separator: "|").map(String.init)
    }

    /// The subcommand may be left out (`strata plugins [list]`).
    var subcommandOptional: Bool { !subcommands.isEmpty && words[2].hasPrefix("[") }

    /// An option of the synopsis: `--name` and, when it takes one, its value's placeholder
    /// (`N`, `FILE`, `table|csv|json`).
    struct Flag: Sendable, Equatable {
        let name: String
        let value: String?

        /// The values a placeholder such as `table|csv|json` allows (empty for `N`, `FILE`).
        var choices: [String] {
            guard let v = value, v.contains("|"), v == v.lowercased() else { return [] }
            return v.split(separator: "|").map(String.init)
        }

        /// The value names a file or folder (for completion).
        var takesPath: Bool { ["FILE", "DIR", "PATH"].contains(value ?? "") }
    }

    /// The options read off the synopsis: `[--limit N]` takes a value, `[--dry-run]` does not.
    var flags: [Flag] {
        let w = words.map(String.init)
        var out: [Flag] = []
        for (i, raw) in w.enumerated() {
            let t = raw.hasPrefix("[") ? String(raw.drop { $0 == "[" }) : raw
            guard t.hasPrefix("--") else { continue }
            if t.hasSuffix("]") {
                out.append(Flag(name: String(t.prefix { $0 != "]" }), value: nil))
            } else if i + 1 < w.count, !w[i + 1].hasPrefix("["), !w[i + 1].hasPrefix("--") {
                out.append(Flag(name: t, value: String(w[i + 1].prefix { $0 != "]" })))
            } else {
                out.append(Flag(name: t, value: nil))
            }
        }
        return out
    }
}

extension CommandTable {
    static func spec(_ name: String) -> CommandSpec? { all.first { $0.name == name } }

    /// The form of `command` (and `sub`, for a command with subcommands).
    static func form(_ command: String, _ sub: String? = nil) -> CommandForm? {
        guard let s = spec(command) else { return nil }
        if let sub, let f = s.forms.first(where: { $0.subcommands.contains(sub) }) { return f }
        return s.forms.first { $0.subcommands.isEmpty || $0.subcommandOptional }
    }

    /// Parses `args` against the options the form's synopsis declares (and the command's short
    /// aliases, normalised to their long names); anything else is a usage error with a did-you-mean.
    /// Values are checked by the command (which knows the better message).
    static func arguments(_ args: [String], _ command: String, _ sub: String? = nil) throws -> Arguments {
        guard let s = spec(command) else { throw StrataError(.internalError, "no command table entry for '\(command)'") }
        guard let f = form(command, sub) else {
            let subs = s.subcommands
            if let sub {
                throw StrataError(.usage, "unknown \(command) subcommand '\(sub)'",
                                  hint: Suggest.hint(for: sub, in: subs) ?? "one of: " + subs.joined(separator: ", "))
            }
            throw StrataError(.usage, "\(command) needs one of: " + subs.joined(separator: ", "), hint: "strata help \(command)")
        }
        let flags = f.flags
        var a = try Arguments(args, options: flags.filter { $0.value != nil }.map(\.name),
                              switches: flags.filter { $0.value == nil }.map(\.name) + s.aliases.keys)
        for (short, long) in s.aliases where a.switches.remove(short) != nil { a.switches.insert(long) }
        return a
    }

    /// The README's command table (between the markers `scripts/update-readme` keeps).
    static var markdown: String {
        var lines = ["| command | what it does |", "|---|---|"]
        for s in all {
            for f in s.forms {
                lines.append("| `\(f.synopsis.replacingOccurrences(of: "|", with: "\\|"))` | \(f.does.replacingOccurrences(of: "|", with: "\\|")) |")
            }
        }
        return lines.joined(separator: "\n")
    }
}
