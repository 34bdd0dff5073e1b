import StrataCore

/// A table's `protocol` action: the reader and writer versions, and from reader 3 / writer 7 on,
/// the named table features a client must support to read or write it.
///
/// Strata reads reader 1, reader 2 without column mapping, and reader 3 with the features in
/// `readableFeatures`; it writes tables whose every required writer feature is in
/// `writableFeatures` (or is present but not in use, like a change data feed that is off).
/// Anything else is refused with an error that names the feature: never silently ignored.
public struct DeltaProtocol: Sendable, Hashable {
    public var minReader: Int
    public var minWriter: Int
    /// Reader features (reader version 3 only).
    public var readerFeatures: [String]?
    /// Writer features (writer version 7 only).
    public var writerFeatures: [String]?

    public init(minReader: Int, minWriter: Int, readerFeatures: [String]? = nil, writerFeatures: [String]? = nil) {
        self.minReader = minReader
        self.minWriter = minWriter
        self.readerFeatures = readerFeatures
        self.writerFeatures = writerFeatures
    }

    /// What Strata writes for a new table: reader 1, writer 2 (append-only and invariants known).
    public static let strata = DeltaProtocol(minReader: 1, minWriter: 2)

    /// Reader features Strata honours when reading.
    public static let readableFeatures: Set<String> = ["timestampNtz", "vacuumProtocolCheck", "columnMapping", "deletionVectors"]
    /// Writer features Strata honours when writing: it enforces append-only tables, invariants
    /// and CHECK constraints, and its vacuum checks the protocol.
    public static let writableFeatures: Set<String> = ["appendOnly", "invariants", "checkConstraints", "vacuumProtocolCheck"]

    /// The writer features in effect: the list at writer 7, else those the version implies.
    public var effectiveWriterFeatures: Set<String> {
        if minWriter >= 7 { return Set(writerFeatures ?? []) }
        var f: Set<String> = []
        if minWriter >= 2 { f.formUnion(["appendOnly", "invariants"]) }
        if minWriter >= 3 { f.insert("checkConstraints") }
        if minWriter >= 4 { f.formUnion(["changeDataFeed", "generatedColumns"]) }
        if minWriter >= 5 { f.insert("columnMapping") }
        if minWriter >= 6 { f.insert("identityColumns") }
        return f
    }

    /// The reader features in effect: the list at reader 3, column mapping at reader 2.
    public var effectiveReaderFeatures: Set<String> {
        if minReader >= 3 { return Set(readerFeatures ?? []) }
        return minReader >= 2 ? ["columnMapping"] : []
    }

    /// Why Strata cannot read a table of this protocol and `metadata`, or nil when it can.
    public func readRefusal(_ metadata: DeltaMetadata?) -> String? {
        if minReader > 3 { return "it needs Delta reader version \(minReader); strata reads versions 1 to 3" }
        for f in effectiveReaderFeatures.sorted() {
            if !Self.readableFeatures.contains(f) { return "it uses the table feature '\(f)', which strata cannot read" }
            if f == "columnMapping", let m = metadata, m.columnMappingMode != "none" {
                return "it uses column mapping (mode '\(m.columnMappingMode)'), which strata cannot read"
            }
        }
        return nil
    }

    /// Why Strata must not write a table of this protocol and `metadata`, or nil when it may.
    public func writeRefusal(_ metadata: DeltaMetadata?) -> String? {
        if minWriter > 7 { return "it needs Delta writer version \(minWriter); strata writes versions up to 7" }
        if let r = readRefusal(metadata) { return r }
        for f in effectiveWriterFeatures.sorted() where !Self.writableFeatures.contains(f) {
            // Features a writer must honour only when they are in use.
            switch f {
            case "changeDataFeed" where metadata?.configuration["delta.enableChangeDataFeed"]?.lowercased() != "true": continue
            case "generatedColumns" where metadata?.columnsWith("delta.generationExpression").isEmpty ?? true: continue
            case "identityColumns" where metadata?.columnsWith("delta.identity.start").isEmpty ?? true: continue
            case "columnMapping" where (metadata?.columnMappingMode ?? "none") == "none": continue
            case "deletionVectors":
                // Strata never writes deletion vectors; it writes tables that allow them as long
                // as its reader applies them (it does) and it adds none.
                continue
            default: break
            }
            return "it requires the writer feature '\(f)', which strata does not support"
        }
        return nil
    }
}

extension DeltaMetadata {
    /// `delta.appendOnly`: only appends; no commit may remove data (`dataChange: true` removes).
    public var appendOnly: Bool { configuration["delta.appendOnly"]?.lowercased() == "true" }

    /// `delta.columnMapping.mode`: none, name or id.
    public var columnMappingMode: String { configuration["delta.columnMapping.mode"] ?? "none" }

    /// CHECK constraints (`delta.constraints.NAME = expression`), by name.
    public var checkConstraints: [(name: String, expression: String)] {
        configuration.keys.filter { $0.hasPrefix("delta.constraints.") }.sorted().map {
            (String($0.dropFirst("delta.constraints.".count)), configuration[$0]!)
        }
    }

    /// Column invariants (`delta.invariants` in a column's metadata: `{"expression":{"expression":"x > 3"}}`).
    public var invariants: [(column: String, expression: String)] {
        schema.names.compactMap { name in
            guard let text = fieldMetadata[name]?["delta.invariants"]?.stringValue,
                  let v = try? JSONValue.parse(text, file: "delta.invariants"), // malformed: reported by `constraintErrors`
                  let e = v["expression"]?["expression"]?.stringValue else { return nil }
            return (name, e)
        }
    }

    /// Invariants whose metadata cannot be parsed (a write must refuse rather than skip them).
    public var malformedInvariants: [String] {
        schema.names.filter { name in
            guard let text = fieldMetadata[name]?["delta.invariants"]?.stringValue else {
                return fieldMetadata[name]?["delta.invariants"] != nil
            }
            let v = try? JSONValue.parse(text, file: "delta.invariants") // nil: malformed, reported
            return v?["expression"]?["expression"]?.stringValue == nil
        }
    }

    /// Columns whose metadata holds `key`.
    public func columnsWith(_ key: String) -> [String] {
        schema.names.filter { fieldMetadata[$0]?[key] != nil }
    }
}
