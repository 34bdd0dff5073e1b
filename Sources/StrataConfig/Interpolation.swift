import Foundation
import StrataCore

public extension Node {
    /// A copy with `${VAR}` and `${VAR:-default}` in every scalar value replaced from `env`.
    ///
    /// Runs after parsing, so marks still point at the scalars as written. Mapping keys are left
    /// alone. `${VAR:-default}` uses the default when `VAR` is unset or empty (as the shell does);
    /// the default runs to the first `}`. `$${` writes a literal `${`; any other `$` is literal.
    /// A scalar keeps its quoted/plain style, so a plain `${PORT}` still reads as an integer.
    /// Throws `.invalidConfig` at the scalar for an unset variable without a default (with a
    /// did-you-mean over `env`'s names), an unterminated `${` or an invalid variable name.
    /// Error messages name variables, never their values.
    ///
    /// - Parameter path: the dotted config path of this node, used in error messages.
    func interpolated(env: [String: String] = ProcessInfo.processInfo.environment, path: String = "") throws -> Node {
        var copy = self
        switch kind {
        case .scalar(let text, let quoted):
            guard text.utf8.contains(UInt8(ascii: "$")) else { return self }
            copy.kind = .scalar(try Interpolation.expand(text, env: env, node: self, path: path), quoted: quoted)
        case .sequence(let items):
            var out: [Node] = []
            out.reserveCapacity(items.count)
            for (i, item) in items.enumerated() {
                out.append(try item.interpolated(env: env, path: "\(path)[\(i)]"))
            }
            copy.kind = .sequence(out)
        case .mapping(let entries):
            var out: [(key: Node, value: Node)] = []
            out.reserveCapacity(entries.count)
            for e in entries {
                let sub = e.key.scalar.map { path.isEmpty ? $0 : path + "." + $0 } ?? path
                out.append((e.key, try e.value.interpolated(env: env, path: sub)))
            }
            copy.kind = .mapping(out)
        }
        return copy
    }
}

/// `${VAR}` expansion over a scalar's UTF-8 bytes.
enum Interpolation {
    static func expand(_ text: String, env: [String: String], node: Node, path: String) throws -> String {
        let b = Array(text.utf8)
        let dollar = UInt8(ascii: "$"), open = UInt8(ascii: "{"), close = UInt8(ascii: "}")
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        while i < b.count {
            let c = b[i]
            if c == dollar, i + 2 < b.count, b[i + 1] == dollar, b[i + 2] == open {
                out.append(dollar)
                out.append(open)
                i += 3
                continue
            }
            guard c == dollar, i + 1 < b.count, b[i + 1] == open else {
                out.append(c)
                i += 1
                continue
            }
            guard let end = b[(i + 2)...].firstIndex(of: close) else {
                throw node.error(.invalidConfig, "unterminated '${' in value", path: path.isEmpty ? nil : path,
                                 hint: "close it with '}', or write '$${' for a literal '${'")
            }
            let inner = b[(i + 2)..<end]
            var nameBytes = inner
            var fallback: ArraySlice<UInt8>?
            if let colon = inner.indices.first(where: { inner[$0] == UInt8(ascii: ":") && $0 + 1 < end && inner[$0 + 1] == UInt8(ascii: "-") }) {
                nameBytes = inner[..<colon]
                fallback = inner[(colon + 2)...]
            }
            let name = String(decoding: nameBytes, as: UTF8.self)
            guard isValidName(nameBytes) else {
                throw node.error(.invalidConfig, "invalid environment variable reference in value", path: path.isEmpty ? nil : path,
                                 hint: "write ${NAME} or ${NAME:-default}, NAME being letters, digits and '_'")
            }
            if let value = env[name], !(value.isEmpty && fallback != nil) {
                out.append(contentsOf: value.utf8)
            } else if let fallback {
                out.append(contentsOf: fallback)
            } else {
                let hint = Suggest.hint(for: name, in: env.keys) ?? "set it, or give a default: ${\(name):-default}"
                throw node.error(.invalidConfig, "environment variable '\(name)' is not set", path: path.isEmpty ? nil : path, hint: hint)
            }
            i = end + 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isValidName(_ s: ArraySlice<UInt8>) -> Bool {
        guard let first = s.first, first == UInt8(ascii: "_") || isLetter(first) else { return false }
        return s.allSatisfy { $0 == UInt8(ascii: "_") || isLetter($0) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }
    }

    private static func isLetter(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
    }
}
