/// A medallion layer of the lake. Quarantine holds rows that could not be ingested.
public enum Layer: String, Sendable, Hashable, CaseIterable, Comparable {
    case bronze, silver, gold, quarantine

    public static func < (a: Layer, b: Layer) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A table name: `layer.name`, e.g. `bronze.users`. Names are lower-case letters, digits and `_`.
public struct TableRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var layer: Layer
    public var name: String

    public init(layer: Layer, name: String) {
        self.layer = layer
        self.name = name
    }

    /// Parses `bronze.users`; throws with the accepted forms.
    public init(parsing text: String, location: SourceLocation? = nil, path: String? = nil) throws {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            throw StrataError(.invalidConfig, "'\(text)' is not a table name", location: location, path: path,
                              hint: "write LAYER.NAME, e.g. bronze.users")
        }
        guard let layer = Layer(rawValue: String(parts[0])) else {
            throw StrataError(.invalidConfig, "'\(parts[0])' is not a layer", location: location, path: path,
                              hint: Suggest.hint(for: String(parts[0]), in: Layer.allCases.map(\.rawValue))
                                ?? "layers are bronze, silver, gold")
        }
        let name = String(parts[1])
        guard TableRef.isValidName(name) else {
            throw StrataError(.invalidConfig, "'\(name)' is not a valid table name", location: location, path: path,
                              hint: "use lower-case letters, digits and '_', starting with a letter")
        }
        self.init(layer: layer, name: name)
    }

    public static func isValidName(_ s: String) -> Bool {
        guard let f = s.utf8.first, (f >= 97 && f <= 122) else { return false }
        return s.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
    }

    public var description: String { "\(layer.rawValue).\(name)" }

    /// The table's folder relative to the lake root: `bronze/users`.
    public var relativePath: String { "\(layer.rawValue)/\(name)" }

    public static func < (a: TableRef, b: TableRef) -> Bool { (a.layer, a.name) < (b.layer, b.name) }
}
