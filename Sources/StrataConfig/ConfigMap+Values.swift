import StrataCore

public extension ConfigMap {
    /// A scalar's text; nil when absent. Numbers and booleans read as their text.
    func string(_ key: String) throws -> String? {
        guard let v = node(key) else { return nil }
        guard let s = v.scalar else { throw mismatch(key, v, expected: "a string") }
        return s
    }

    /// A scalar's text, or `default` when absent.
    func string(_ key: String, default value: String) throws -> String {
        try string(key) ?? value
    }

    /// A scalar's text; `.missingKey` at the section when absent.
    func requiredString(_ key: String) throws -> String {
        guard let s = try string(key) else {
            throw error(key, .missingKey, "missing required key '\(key)'")
        }
        return s
    }

    /// A decimal integer (`64000`, `64_000`, `-3`); nil when absent.
    func int(_ key: String) throws -> Int? {
        guard let v = node(key) else { return nil }
        guard let s = v.scalar else { throw mismatch(key, v, expected: "an integer") }
        guard let i = ConfigScalar.int(s) else {
            throw v.error(.typeMismatch, "expected an integer", path: keyPath(key))
        }
        return i
    }

    /// An integer, or `default` when absent; `.invalidConfig` when outside `range`.
    func int(_ key: String, default value: Int, range: ClosedRange<Int>? = nil) throws -> Int {
        let i = try int(key) ?? value
        if let range, !range.contains(i) {
            throw error(key, .invalidConfig, "out of range; expected an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return i
    }

    /// A finite number (`0.5`, `1e-3`, `10_000`); nil when absent.
    func double(_ key: String) throws -> Double? {
        guard let v = node(key) else { return nil }
        guard let s = v.scalar else { throw mismatch(key, v, expected: "a number") }
        guard let d = ConfigScalar.double(s) else {
            throw v.error(.typeMismatch, "expected a number", path: keyPath(key))
        }
        return d
    }

    /// `true/false`, `yes/no`, `on/off` (any case); nil when absent.
    func bool(_ key: String) throws -> Bool? {
        guard let v = node(key) else { return nil }
        guard let s = v.scalar else { throw mismatch(key, v, expected: "a boolean") }
        guard let b = ConfigScalar.bool(s) else {
            throw v.error(.typeMismatch, "expected a boolean (true or false)", path: keyPath(key))
        }
        return b
    }

    /// A boolean, or `default` when absent.
    func bool(_ key: String, default value: Bool) throws -> Bool {
        try bool(key) ?? value
    }

    /// A list of scalars, or one scalar read as a one-element list; nil when absent.
    func stringList(_ key: String, orScalar: Bool = false) throws -> [String]? {
        guard let v = node(key) else { return nil }
        switch v.kind {
        case .scalar(let s, _):
            guard orScalar else { throw scalarForList(key, v) }
            return [s]
        case .sequence(let items):
            return try items.enumerated().map { i, item in
                guard let s = item.scalar, !item.isNull else {
                    throw item.error(.typeMismatch, "expected a string, got \(item.kindDescription)", path: "\(keyPath(key))[\(i)]")
                }
                return s
            }
        case .mapping:
            throw mismatch(key, v, expected: "a list of strings")
        }
    }

    /// One of `T`'s raw values; nil when absent. A bad value lists the allowed ones, with a did-you-mean.
    func choice<T: RawRepresentable & CaseIterable>(_ key: String) throws -> T? where T.RawValue == String {
        guard let s = try string(key) else { return nil }
        if let t = T(rawValue: s) { return t }
        let allowed = T.allCases.map(\.rawValue)
        throw error(key, .invalidConfig, "expected one of: " + allowed.joined(separator: ", "),
                    hint: Suggest.hint(for: s, in: allowed))
    }

    /// One of `T`'s raw values, or `default` when absent.
    func choice<T: RawRepresentable & CaseIterable>(_ key: String, default value: T) throws -> T where T.RawValue == String {
        try choice(key) ?? value
    }

    /// A nested section read with its own declared keys; nil when absent.
    func map(_ key: String, keys: [ConfigKey]) throws -> ConfigMap? {
        guard let v = node(key) else { return nil }
        return try ConfigMap(v, keys: keys, path: keyPath(key))
    }

    /// A free-form mapping of scalars (e.g. column → type) in file order; each mark is the value's.
    func stringMap(_ key: String) throws -> [(key: String, value: String, mark: Mark)]? {
        guard let v = node(key) else { return nil }
        guard let m = v.mapping else { throw mismatch(key, v, expected: "a mapping") }
        return try m.map { e in
            guard let k = e.key.scalar else {
                throw e.key.error(.invalidConfig, "expected a string key, got \(e.key.kindDescription)", path: keyPath(key))
            }
            guard let s = e.value.scalar, !e.value.isNull else {
                let at = e.value.isNull ? e.key : e.value
                throw at.error(.typeMismatch, "expected a string, got \(e.value.kindDescription)", path: keyPath(key) + "." + k)
            }
            return (k, s, e.value.mark)
        }
    }

    /// A list of arbitrary nodes; nil when absent.
    func list(_ key: String) throws -> [Node]? {
        guard let v = node(key) else { return nil }
        guard let items = v.sequence else { throw mismatch(key, v, expected: "a list") }
        return items
    }
}

/// How config scalars read as numbers and booleans.
enum ConfigScalar {
    /// Decimal digits with an optional sign; `_` separators allowed between digits.
    static func int(_ s: String) -> Int? {
        guard let digits = withoutSeparators(s) else { return nil }
        return Int(digits)
    }

    static func double(_ s: String) -> Double? {
        guard let text = withoutSeparators(s), let d = Double(text), d.isFinite else { return nil }
        // Swift's Double(String) also takes hex floats and "infinity"; configs mean decimal numbers.
        guard text.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 43 || $0 == 45 || $0 == 46 || $0 == 101 || $0 == 69 }) else { return nil }
        return d
    }

    static func bool(_ s: String) -> Bool? {
        switch s.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: return nil
        }
    }

    /// `s` without `_` separators; nil when a `_` is not between two digits.
    private static func withoutSeparators(_ s: String) -> String? {
        let b = Array(s.utf8)
        guard b.contains(UInt8(ascii: "_")) else { return s }
        var out: [UInt8] = []
        for (i, c) in b.enumerated() {
            if c == UInt8(ascii: "_") {
                guard i > 0, i + 1 < b.count, isDigit(b[i - 1]), isDigit(b[i + 1]) else { return nil }
            } else {
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
}
