import StrataCore

/// Where a column's tags come from: declared by a classification rule, found by the detector,
/// or carried over from the inputs it derives from; and any explicit declassification.
public struct ColumnClassification: Sendable, Hashable {
    public var declared: [Tag: RuleSource] = [:]
    public var detected: [Detection] = []
    public var propagated: Set<Tag> = []
    public var declassified: [AppliedDeclassification] = []

    public init() {}

    /// The tags that govern the column: declared ∪ propagated, plus detected ones when
    /// detection enforces, minus declassified ones.
    public func effective(enforceDetection: Bool) -> Set<Tag> {
        var t = Set(declared.keys).union(propagated)
        if enforceDetection { t.formUnion(detected.map(\.tag)) }
        for d in declassified { t.subtract(d.tags) }
        return t
    }

    /// Detected kinds whose tag no rule declares (the "untagged PII-looking column" finding).
    public var undeclaredDetections: [Detection] {
        detected.filter { declared[$0.tag] == nil && !propagated.contains($0.tag) }
    }
}

extension PolicySet {
    /// The tags classification rules declare for each of `columns` of `table` (columns with none are absent).
    public func declaredTags(table: TableRef, columns: [String]) -> [String: [Tag: RuleSource]] {
        var out: [String: [Tag: RuleSource]] = [:]
        let name = table.policyName
        for rule in classification where rule.tables.contains(where: { $0.matches(name) }) {
            for c in columns {
                for t in rule.columns where t.column.matches(c) {
                    for tag in t.tags where out[c]?[tag] == nil { out[c, default: [:]][tag] = t.source }
                }
            }
        }
        return out
    }

    /// Per column of `schema`: declared tags, the detector's findings (ignored columns dropped),
    /// and `propagated` tags the engine computed from the table's inputs.
    public func classify(table: TableRef, schema: Schema, detections: [Detection] = [],
                         propagated: [String: Set<Tag>] = [:]) -> [String: ColumnClassification] {
        let declared = declaredTags(table: table, columns: schema.names)
        var out: [String: ColumnClassification] = [:]
        for name in schema.names {
            var c = ColumnClassification()
            c.declared = declared[name] ?? [:]
            c.detected = detections.filter { $0.column == name && !detection.ignores(table, name) }
            c.propagated = propagated[name] ?? []
            out[name] = c
        }
        return out
    }

    /// The tags that govern each column of `schema` (see `ColumnClassification.effective`);
    /// columns with no tag map to the empty set.
    public func tags(table: TableRef, schema: Schema, detections: [Detection] = [],
                     propagated: [String: Set<Tag>] = [:]) -> [String: Set<Tag>] {
        classify(table: table, schema: schema, detections: detections, propagated: propagated)
            .mapValues { $0.effective(enforceDetection: detection.mode == .enforce) }
    }

    /// What to do with an unmasked `tag` where raw storage is not allowed: the layer's override,
    /// else the top-level `masking:` rule (most specific pattern wins, then file order), else
    /// `hash` (built-in default).
    public func maskAction(for tag: Tag, layer: Layer?) -> (action: MaskAction, source: RuleSource) {
        if let layer, let lp = layers[layer], let r = Self.mostSpecific(lp.masking, tag) { return (r.action, r.source) }
        if let r = Self.mostSpecific(masking, tag) { return (r.action, r.source) }
        if tag == .freeText { return (.mask(.scrub(.placeholder(MaskMethod.ScrubStyle.defaultTemplate))), .builtin("default mask for pii.free_text: scrub")) }
        return (.mask(.hash), .builtin("default mask for tags no masking rule covers: hash"))
    }

    static func mostSpecific(_ rules: [MaskingRule], _ tag: Tag) -> MaskingRule? {
        var best: MaskingRule?
        for r in rules where r.tags.matches(tag.name) {
            if best == nil || r.tags.specificity > best!.tags.specificity { best = r }
        }
        return best
    }

    /// The `store_raw` pattern of `layer` that lets `tag` be stored unmasked, if any.
    public func rawAllowance(for tag: Tag, layer: Layer) -> (pattern: Glob, source: RuleSource)? {
        guard let lp = layers[layer], let g = lp.storeRaw.first(where: { $0.matches(tag.name) }) else { return nil }
        return (g, lp.source)
    }
}
