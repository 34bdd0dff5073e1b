import StrataConfig
import StrataCore

extension MaskMethod {
    /// Parses a method as policies write it: a name (`hash`, `redact`, `email_domain`, `null`,
    /// `tokenize`, `scrub`) or a one-key mapping (`scrub: hash`, (`show_last: 4`, `show_first: 2`, `generalize: month`,
    /// `generalize: /24`). Errors point at the node, with a did-you-mean.
    package init(node: Node, path: String) throws {
        if let entries = node.mapping {
            guard entries.count == 1, let name = entries[0].key.scalar else {
                throw node.error(.invalidConfig, "expected one mask method, e.g. 'show_last: 4'", path: path)
            }
            let arg = entries[0].value
            let argPath = path + "." + name
            switch name {
            case "show_last", "show_first":
                guard let s = arg.scalar, let n = Int(s), n >= 1, n <= 64 else {
                    throw arg.error(.typeMismatch, "expected a number of characters from 1 to 64", path: argPath)
                }
                self = name == "show_last" ? .showLast(n) : .showFirst(n)
            case "generalize":
                guard let s = arg.scalar, let g = Generalization(parsing: s) else {
                    throw arg.error(.invalidConfig, "expected year, month, day, hour or an IP prefix such as /24",
                                    path: argPath, hint: arg.scalar.flatMap { Suggest.hint(for: $0, in: ["year", "month", "day", "hour"]) })
                }
                self = .generalize(g)
            case "scrub":
                guard let a = arg.scalar, !a.isEmpty else {
                    throw arg.error(.invalidConfig, "expected hash, placeholder or a template with {kind}", path: argPath)
                }
                switch a {
                case "hash": self = .scrub(.hash)
                case "placeholder": self = .scrub(.placeholder(ScrubStyle.defaultTemplate))
                default:
                    guard a.contains("{kind}") || !a.contains("{") else {
                        throw arg.error(.invalidConfig, "a scrub template names the kind as {kind}", path: argPath, hint: "e.g. scrub: \"[{kind} removed]\"")
                    }
                    self = .scrub(.placeholder(a))
                }
            default:
                if ["hash", "redact", "email_domain", "null", "tokenize"].contains(name) {
                    throw entries[0].key.error(.invalidConfig, "mask '\(name)' takes no argument", path: path,
                                               hint: "write '\(name)' on its own")
                }
                throw entries[0].key.error(.invalidConfig, "unknown mask method '\(name)'", path: path,
                                           hint: Suggest.hint(for: name, in: MaskMethod.names) ?? "methods: " + MaskMethod.names.joined(separator: ", "))
            }
            return
        }
        guard let name = node.scalar, !node.isNull else {
            throw node.error(.typeMismatch, "expected a mask method, got \(node.kindDescription)", path: path,
                             hint: "methods: " + MaskMethod.names.joined(separator: ", "))
        }
        switch name {
        case "hash": self = .hash
        case "redact": self = .redact
        case "email_domain": self = .emailDomain
        case "null": self = .null
        case "tokenize": self = .tokenize
        case "scrub": self = .scrub(.placeholder(ScrubStyle.defaultTemplate))
        case "show_last", "show_first", "generalize":
            throw node.error(.invalidConfig, "mask '\(name)' needs an argument", path: path,
                             hint: name == "generalize" ? "write 'generalize: month' (or year, day, hour, /24)" : "write '\(name): 4'")
        default:
            throw node.error(.invalidConfig, "unknown mask method '\(name)'", path: path,
                             hint: Suggest.hint(for: name, in: MaskMethod.names) ?? "methods: " + MaskMethod.names.joined(separator: ", "))
        }
    }
}

extension MaskMethod.Generalization {
    /// `year`, `month`, `day`, `hour`, `ip` (= /24 /48), `/N` (N ≤ 32: IPv4 bits, IPv6 keeps 48;
    /// N > 32: IPv6 bits, IPv4 keeps 24), or both: `/24 /48`.
    init?(parsing text: String) {
        switch text {
        case "year": self = .year
        case "month": self = .month
        case "day": self = .day
        case "hour": self = .hour
        case "ip": self = .network(v4: 24, v6: 48)
        default:
            let parts = text.split(separator: " ").map(String.init)
            guard !parts.isEmpty, parts.count <= 2 else { return nil }
            var v4: Int?, v6: Int?
            for p in parts {
                guard p.hasPrefix("/"), let n = Int(p.dropFirst()), n >= 0, n <= 128 else { return nil }
                if n <= 32 && v4 == nil && (parts.count == 1 || p == parts[0]) { v4 = n } else { v6 = n }
            }
            self = .network(v4: v4 ?? 24, v6: v6 ?? 48)
        }
    }
}
