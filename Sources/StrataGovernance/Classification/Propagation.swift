import StrataCore

/// How one output column is computed, as far as tags care: the input columns it reads.
public struct Derivation: Sendable, Hashable {
    public var inputs: [ColumnRef]
    /// False for outputs that reveal no input value (`count(x)`, `x IS NULL`): their inputs'
    /// tags do not carry over. Everything else — identities, renames, expressions, join keys,
    /// `min`/`max`/`first`, concatenations — carries them.
    public var revealsValues: Bool

    public init(inputs: [ColumnRef], revealsValues: Bool = true) {
        self.inputs = inputs
        self.revealsValues = revealsValues
    }
}

/// A pipeline's explicit statement that an output column no longer carries some tags.
public struct Declassification: Sendable, Hashable {
    public var column: String
    /// The tags removed; nil removes every tag the column carries.
    public var tags: Set<Tag>?
    public var reason: String
    public var location: SourceLocation?

    public init(column: String, tags: Set<Tag>? = nil, reason: String, location: SourceLocation? = nil) {
        self.column = column
        self.tags = tags
        self.reason = reason
        self.location = location
    }
}

/// A declassification that removed tags, for the audit log and `policy audit`.
public struct AppliedDeclassification: Sendable, Hashable {
    public var column: String
    public var tags: Set<Tag>
    public var reason: String
    public var location: SourceLocation?
}

/// Computes output column tags from input column tags.
public enum Propagation {
    public struct Result: Sendable, Hashable {
        /// Tags of every output column (empty set for untagged ones).
        public var tags: [String: Set<Tag>]
        /// Tags each output column inherited before declassification.
        public var inherited: [String: Set<Tag>]
        public var declassified: [AppliedDeclassification]
    }

    /// Each output carries the union of its inputs' tags (when it reveals values), then explicit
    /// declassifications remove tags. A declassification needs a reason, an existing output
    /// column and tags that column carries; otherwise it is a positioned `.invalidConfig` error.
    ///
    /// `detectable`: tags the PII detector may add at run time (its kinds); a declassification may
    /// name them although the column does not carry them yet (a column derived by scrubbing free
    /// text), and removes them when the detector finds them.
    public static func outputTags(inputTags: [ColumnRef: Set<Tag>], derivations: [String: Derivation],
                                  declassifications: [Declassification] = [], detectable: Set<Tag> = []) throws -> Result {
        var tags: [String: Set<Tag>] = [:]
        for (out, d) in derivations {
            var t = Set<Tag>()
            if d.revealsValues { for i in d.inputs { t.formUnion(inputTags[i] ?? []) } }
            tags[out] = t
        }
        let inherited = tags
        var applied: [AppliedDeclassification] = []
        for d in declassifications {
            guard !d.reason.trimming(" ").isEmpty else {
                throw StrataError(.invalidConfig, "declassifying column '\(d.column)' needs a reason", location: d.location,
                                  hint: "say why the column no longer holds the tagged data, e.g. reason: aggregated over ≥ 100 users")
            }
            guard let current = tags[d.column] else {
                throw StrataError(.invalidConfig, "cannot declassify '\(d.column)': it is not an output column", location: d.location,
                                  hint: Suggest.hint(for: d.column, in: derivations.keys) ?? "outputs: " + derivations.keys.sorted().joined(separator: ", "))
            }
            let removing = d.tags ?? current
            let missing = removing.subtracting(current).subtracting(detectable.union([.freeText]))
            guard missing.isEmpty, !removing.isEmpty else {
                let what = missing.isEmpty ? "no tag" : "no tag " + missing.sorted().map(\.name).joined(separator: ", ")
                throw StrataError(.invalidConfig, "cannot declassify '\(d.column)': it carries \(what)", location: d.location,
                                  hint: current.isEmpty ? "remove the declassification" : "it carries " + current.sorted().map(\.name).joined(separator: ", "))
            }
            tags[d.column] = current.subtracting(removing)
            applied.append(AppliedDeclassification(column: d.column, tags: removing, reason: d.reason, location: d.location))
        }
        return Result(tags: tags, inherited: inherited, declassified: applied)
    }
}

extension Propagation {
    /// Output tags from a step's (or a whole pipeline's composed) `ColumnLineage`: every direct
    /// edge carries its input's tags (conservative: an aggregate such as `count` carries them
    /// too; pass `Derivation`s with `revealsValues: false` to say otherwise). Indirect edges
    /// (filters, join and group keys) carry none.
    public static func outputTags(inputTags: [ColumnRef: Set<Tag>], lineage: ColumnLineage,
                                  declassifications: [Declassification] = [], detectable: Set<Tag> = []) throws -> Result {
        let derivations = lineage.direct.mapValues { Derivation(inputs: $0.filter(\.revealsValues).map(\.input)) }
        return try outputTags(inputTags: inputTags, derivations: derivations, declassifications: declassifications, detectable: detectable)
    }
}
