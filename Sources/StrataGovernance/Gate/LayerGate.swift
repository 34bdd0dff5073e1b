import StrataCore

/// Checks a write against its target layer before commit: each output column's tags against
/// what the layer may store unmasked. Pure: it decides; `GatePlan.apply` masks.
public struct LayerGate: Sendable {
    public let policies: PolicySet

    public init(policies: PolicySet) {
        self.policies = policies
    }

    /// The decision for every column of `schema` written to `table`.
    ///
    /// - `tags`: each column's governing tags (`PolicySet.tags(…)` plus propagation).
    /// - `preMasked`: columns the pipeline already masked (a mask transform), stored as they are.
    ///
    /// A tagged column is stored raw when the layer's `store_raw` allows every tag it carries;
    /// otherwise, for the tags not allowed, the layer's or top-level masking rule decides: any
    /// `refuse` refuses the write; else the strongest method among them that applies to the
    /// column's type masks it (`null` when none applies).
    public func plan(table: TableRef, schema: Schema, tags: [String: Set<Tag>], preMasked: Set<String> = []) -> GatePlan {
        var decisions: [GatePlan.ColumnDecision] = []
        for f in schema.fields {
            let t = tags[f.name] ?? []
            decisions.append(decide(table, f, t, preMasked.contains(f.name)))
        }
        return GatePlan(table: table, inputSchema: schema, decisions: decisions)
    }

    func decide(_ table: TableRef, _ f: Field, _ tags: Set<Tag>, _ preMasked: Bool) -> GatePlan.ColumnDecision {
        var d = GatePlan.ColumnDecision(column: f.name, type: f.type, tags: tags.sorted(), action: .storeRaw, reason: "untagged", rule: nil)
        guard !tags.isEmpty else { return d }
        let notRaw = tags.sorted().filter { policies.rawAllowance(for: $0, layer: table.layer) == nil }
        if notRaw.isEmpty {
            let allowance = policies.rawAllowance(for: tags.sorted()[0], layer: table.layer)!
            d.reason = "layer \(table.layer) stores \(tags.sorted().map(\.name).joined(separator: ", ")) raw (store_raw: \(allowance.pattern))"
            d.rule = allowance.source
            return d
        }
        if preMasked {
            d.action = .preMasked
            d.reason = "masked by the pipeline"
            return d
        }
        var candidates: [(MaskMethod, Tag, RuleSource)] = []
        // Free text (tagged pii.free_text): the kinds the detector finds in it are covered by the
        // method the text's other tags choose when that method hides the whole value, and scrubbed
        // out otherwise; a hash of the whole text for one e-mail in it would make comments opaque.
        if tags.contains(.freeText) {
            for tag in notRaw {
                if case .refuse = policies.maskAction(for: tag, layer: table.layer).action { return refuse(d, tag, table) }
            }
            let detectable = policies.detectableTags
            let kinds = notRaw.filter { detectable.contains($0) }
            let others = notRaw.filter { !detectable.contains($0) }
            let chosen = others.map { ($0, policies.maskAction(for: $0, layer: table.layer)) }
                .compactMap { t, a -> (MaskMethod, Tag, RuleSource)? in if case .mask(let m) = a.action { return (m, t, a.source) } else { return nil } }
                .filter { (try? $0.0.outputType(for: f.type, column: f.name)) != nil } // type test only: a method that does not apply is skipped
                .max { $0.0.strength < $1.0.strength }
            if let chosen, chosen.0.hidesWholeValue || kinds.isEmpty {
                d.action = .mask(chosen.0, chosen.1)
                d.rule = chosen.2
                d.reason = "layer \(table.layer) does not store \(chosen.1) unmasked; masked with \(chosen.0)"
                    + (kinds.isEmpty ? "" : " (which also hides the \(kinds.map(\.name).joined(separator: ", ")) in it)")
                return d
            }
            if f.type == .string, !kinds.isEmpty {
                let source = policies.maskAction(for: .freeText, layer: table.layer).source
                d.action = .mask(.scrub(.placeholder(MaskMethod.ScrubStyle.defaultTemplate)), kinds[0])
                if case .mask(.scrub(let style)) = policies.maskAction(for: .freeText, layer: table.layer).action { d.action = .mask(.scrub(style), kinds[0]) }
                d.rule = source
                d.reason = "free text: \(kinds.map(\.name).joined(separator: ", ")) scrubbed out, the rest of the text kept"
                return d
            }
        }
        for tag in notRaw {
            let (action, source) = policies.maskAction(for: tag, layer: table.layer)
            switch action {
            case .refuse:
                _ = source
                return refuse(d, tag, table)
            case .mask(let m):
                candidates.append((m, tag, source))
            }
        }
        let applicable = candidates.filter { (try? $0.0.outputType(for: f.type, column: f.name)) != nil } // type test only
        if let best = applicable.max(by: { $0.0.strength < $1.0.strength }) {
            d.action = .mask(best.0, best.1)
            d.rule = best.2
            d.reason = "layer \(table.layer) does not store \(best.1) unmasked; masked with \(best.0)"
        } else {
            d.action = .mask(.null, candidates[0].1)
            d.rule = candidates[0].2
            d.reason = "layer \(table.layer) does not store \(candidates[0].1) unmasked; \(candidates[0].0) does not apply to \(f.type), so nulled"
        }
        return d
    }

    private func refuse(_ decision: GatePlan.ColumnDecision, _ tag: Tag, _ table: TableRef) -> GatePlan.ColumnDecision {
        var d = decision
        d.action = .refuse(tag)
        d.rule = policies.maskAction(for: tag, layer: table.layer).source
        d.reason = "layer \(table.layer) does not store \(tag) unmasked and the policy says refuse"
        return d
    }
}

/// What the gate decided for one write: per column, store raw, keep the pipeline's mask, mask, or refuse.
public struct GatePlan: Sendable {
    public enum Action: Sendable, Hashable {
        case storeRaw
        case preMasked
        case mask(MaskMethod, Tag)
        case refuse(Tag)
    }

    public struct ColumnDecision: Sendable, Hashable {
        public var column: String
        public var type: DataType
        public var tags: [Tag]
        public var action: Action
        /// Why, in words that name tags and rules but never values.
        public var reason: String
        /// The policy rule that decided (nil for untagged columns).
        public var rule: RuleSource?
    }

    public let table: TableRef
    public let inputSchema: Schema
    public let decisions: [ColumnDecision]

    /// The first refusal as the error the write fails with (exit 3), or nil when the write may go ahead.
    public var refusal: StrataError? {
        guard let d = decisions.first(where: { if case .refuse = $0.action { return true } else { return false } }),
              case .refuse(let tag) = d.action else { return nil }
        let others = decisions.filter { if case .refuse = $0.action { return $0.column != d.column } else { return false } }.map(\.column)
        var msg = "write to \(table) refused: column '\(d.column)' carries tag \(tag), which layer \(table.layer) does not store unmasked, and the policy says refuse"
        if let r = d.rule { msg += " (\(r))" }
        if !others.isEmpty { msg += "; also refused: " + others.map { "'\($0)'" }.joined(separator: ", ") }
        return StrataError(.policyRefused, msg,
                           hint: "mask or drop '\(d.column)' in the pipeline, declassify it with a reason, or change the layer's policy")
    }

    /// Throws the refusal, if any.
    public func check() throws {
        if let e = refusal { throw e }
    }

    /// Columns the gate masks, with their methods.
    public var masks: [String: MaskMethod] {
        var out: [String: MaskMethod] = [:]
        for d in decisions { if case .mask(let m, _) = d.action { out[d.column] = m } }
        return out
    }

    /// Columns the gate refuses to store.
    public var refusedColumns: [String] {
        decisions.compactMap { if case .refuse = $0.action { return $0.column } else { return nil } }
    }

    /// The schema as stored: masked columns take their method's output type and become nullable.
    public var outputSchema: Schema {
        let masks = self.masks // computed once: a wide table must not cost columns × columns
        return Schema(inputSchema.fields.map { f in
            guard let m = masks[f.name], let t = try? m.outputType(for: f.type, column: f.name) else { return f } // masks holds applicable methods only
            return Field(f.name, t, nullable: true)
        })
    }

    /// The batch as it may be stored; throws the refusal when there is one.
    public func apply(to batch: Batch, masker: Masker) throws -> Batch {
        try check()
        let m = masks
        if m.isEmpty { return batch }
        let schema = outputSchema
        var columns = batch.columns
        for (i, f) in batch.schema.fields.enumerated() {
            guard let method = m[f.name] else { continue }
            columns[i] = try masker.apply(method, to: columns[i], name: f.name)
        }
        var out = Batch(schema: Schema(batch.schema.fields.map { schema.field(named: $0.name) ?? $0 }), columns: columns)
        out.origin = batch.origin
        return out
    }
}
