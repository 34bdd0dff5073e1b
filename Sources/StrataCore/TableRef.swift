/// A medallion layer of the lake. Quarantine holds rows that could not be ingested.
public enum Layer: String, Sendable, Hashable, CaseIterable, Comparable {
    case bronze, silver, gold, quarantine

    public static func < (a: Layer, b: Layer) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A table name: `layer.name`, e.g. `bronze.users`. Names are lower-case letters, digits and `_`.
///
/// A table outside the lake that a sink serves (a database table) is a ref too, so plans, audit
/// records and lineage name it like any other: `external` is its full name
/// (`postgres://127.0.0.1:5432/shop.public.daily_revenue`) and `layer` the governance layer its
/// rows are stored under. No config parses to one, so no pipeline can read it back, and the lake
/// never holds it.
public struct TableRef: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var layer: Layer
    public var name: String
    public var external: String?

    public init(layer: Layer, name: String) {
        self.layer = layer
        self.name = name
    }

    /// A served table outside the lake, governed as `layer`.
    public init(external: String, layer: Layer, name: String) {
        self.layer = layer
        self.name = name
        self.external = external
    }

    public var isExternal: Bool { external != nil }

    /// The name policies match table globs against (`silver.*`, `gold.customers`): `layer.name`,
    /// so a served table is governed as a table of its layer (`gold.pg_serving_public_customers_…`).
    public var policyName: String { "\(layer.rawValue).\(name)" }

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

    public var description: String { external ?? "\(layer.rawValue).\(name)" }

    /// The table's folder relative to the lake root: `bronze/users`. An external table has none
    /// (a folder name no layer uses, which never holds a log).
    public var relativePath: String { external == nil ? "\(layer.rawValue)/\(name)" : "_external/\(layer.rawValue)/\(name)" }

    public static func < (a: TableRef, b: TableRef) -> Bool {
        (a.external ?? "", a.layer, a.name) < (b.external ?? "", b.layer, b.name)
    }
}
