import StrataCore

/// A command's parsed arguments: flags with values, boolean switches and positionals.
///
/// Each command declares what it accepts; anything else is a usage error with a did-you-mean.
struct Arguments {
    var positionals: [String] = []
    var values: [String: String] = [:]
    /// Every value of an option given more than once (`--spark-conf a=1 --spark-conf b=2`), in order.
    var repeated: [String: [String]] = [:]
    var switches: Set<String> = []

    /// Parses `args` given the options that take a value and the switches that do not.
    init(_ args: [String], options: [String], switches allowed: [String]) throws {
        var i = 0
        var onlyPositionals = false
        while i < args.count {
            let a = args[i]
            i += 1
            if onlyPositionals || !a.hasPrefix("-") || a == "-" {
                positionals.append(a)
                continue
            }
            if a == "--" { onlyPositionals = true; continue }
            var name = a
            var inline: String?
            if let eq = a.firstIndex(of: "=") {
                name = String(a[..<eq])
                inline = String(a[a.index(after: eq)...])
            }
            if options.contains(name) {
                if let inline { values[name] = inline; repeated[name, default: []].append(inline); continue }
                guard i < args.count else { throw StrataError(.usage, "\(name) needs a value") }
                values[name] = args[i]
                repeated[name, default: []].append(args[i])
                i += 1
            } else if allowed.contains(name), inline == nil {
                switches.insert(name)
            } else {
                throw StrataError(.usage, "unknown option '\(name)'",
                                  hint: Suggest.hint(for: name, in: options + allowed)
                                    ?? ((options + allowed).isEmpty ? "this command takes no options" : "options: " + (options + allowed).sorted().joined(separator: ", ")))
            }
        }
    }

    func has(_ s: String) -> Bool { switches.contains(s) }

    func int(_ name: String) throws -> Int? {
        guard let v = values[name] else { return nil }
        guard let n = Int(v.replacingOccurrences(of: "_", with: "")) else {
            throw StrataError(.usage, "\(name) expects a whole number, got '\(v)'")
        }
        return n
    }
}
