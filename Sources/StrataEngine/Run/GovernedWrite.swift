import Foundation
import StrataConfig
import StrataCore
import StrataFormats
import StrataGovernance

/// The governance wrapped around every pipeline's write: tags of the output columns (declared,
/// propagated from the input tables through the pipeline's column lineage, detected), the layer
/// gate (mask or refuse), and what the commit records about it.
///
/// No pipeline config and no plugin can write around it: the runner routes every batch through
/// `apply` and opens the sink with the gate's stored schema.
struct GovernedWrite {
    let governance: Governance
    let masker: Masker
    let target: TableRef
    /// Each output column's tags before detection (declared on the target + propagated).
    let baseTags: [String: Set<Tag>]
    /// Tags carried from input columns through the pipeline's lineage (the rest of `baseTags` is declared).
    let propagatedTags: [String: Set<Tag>]
    /// Tags the policies' classification declares on the target's columns.
    let declaredTags: [String: Set<Tag>]
    let declassified: [AppliedDeclassification]
    /// Output columns whose values all come from input columns stored masked: masking them again
    /// would break joins on masked keys (a hash of a hash), so the gate keeps them as they are.
    let preMasked: Set<String>
    /// The mask each pre-masked column carries from upstream (recorded again with this commit).
    let inheritedMasks: [String: MaskMethod]
    private(set) var plan: GatePlan
    private(set) var tags: [String: Set<Tag>]
    private var scanner: PIIScanner?
    private var decided = false

    /// Plans the write before any data moves; throws `.policyRefused` (exit 3) when declared or
    /// propagated tags already make the gate refuse.
    init(governance: Governance, masker: Masker, target: TableRef, schema: Schema, lineage: ColumnLineage,
         inputTags: [ColumnRef: Set<Tag>], inputMasked: [ColumnRef: MaskMethod], declassifications: [Declassification]) throws {
        var pre = Set<String>()
        var inherited: [String: MaskMethod] = [:]
        for (out, edges) in lineage.direct {
            let revealing = edges.filter(\.revealsValues)
            guard !revealing.isEmpty, revealing.allSatisfy({ inputMasked[$0.input] != nil }) else { continue }
            pre.insert(out)
            let methods = Set(revealing.compactMap { inputMasked[$0.input] })
            if methods.count == 1, revealing.allSatisfy({ $0.kind == .identity }) { inherited[out] = methods.first! }
        }
        preMasked = pre
        inheritedMasks = inherited
        self.governance = governance
        self.masker = masker
        self.target = target
        let propagated = try Propagation.outputTags(inputTags: inputTags, lineage: lineage, declassifications: declassifications)
        declassified = propagated.declassified
        propagatedTags = propagated.tags
        declaredTags = governance.tags(table: target, schema: schema)
        var base = governance.tags(table: target, schema: schema, propagated: propagated.tags)
        // A declassified tag stays removed even where a classification glob would add it back.
        for d in propagated.declassified { base[d.column]?.subtract(d.tags) }
        baseTags = base
        tags = base
        plan = governance.planWrite(table: target, schema: schema, tags: base, preMasked: pre)
        try plan.check()
        let detection = governance.policies.detection
        if detection.mode == .enforce {
            scanner = detection.scanner()
        } else {
            decided = true
        }
    }

    /// True until the detector has seen enough rows (or all) to settle the plan.
    var needsSample: Bool { !decided }

    /// Feeds rows to the detector (enforcing detection only).
    mutating func sample(_ batch: Batch) {
        guard !decided, scanner != nil else { return }
        scanner!.add(batch)
        if scanner!.isSaturated { decide(schema: batch.schema) }
    }

    /// Settles the plan with what the detector found (call at the end of input if still sampling).
    mutating func decide(schema: Schema) {
        guard !decided else { return }
        decided = true
        let policy = governance.policies.detection
        let detections = (scanner?.detections() ?? []).filter { !policy.ignores(target, $0.column) }
        guard !detections.isEmpty else { return }
        var t = governance.tags(table: target, schema: schema, detections: detections, propagated: baseTags)
        for d in declassified { t[d.column]?.subtract(d.tags) }
        tags = t
        plan = governance.planWrite(table: target, schema: schema, tags: t, preMasked: preMasked)
    }

    /// The schema as stored (masked columns take their method's output type).
    var storedSchema: Schema { plan.outputSchema }

    func apply(_ batch: Batch) throws -> Batch { try plan.apply(to: batch, masker: masker) }

    /// The masks the stored columns carry: the gate's, and those kept from upstream.
    var recordedMasks: [String: MaskMethod] {
        var masks = inheritedMasks.filter { preMasked.contains($0.key) }
        for (c, m) in plan.masks { masks[c] = m }
        return masks
    }

    /// The typed governance record of this write: each stored column's tags with their origin,
    /// its stored form, the policy digest and the declassifications applied.
    func record() -> GovernanceRecord {
        GovernanceRecord(policyDigest: governance.policies.digest, columns: storedSchema.names, declared: declaredTags,
                         propagated: propagatedTags, final: tags, masks: recordedMasks,
                         derived: preMasked.subtracting(recordedMasks.keys), declassified: declassified)
    }

    /// What the commit records in `commitInfo`: the encoded record.
    func annotations() throws -> [String: String] {
        [GovernanceRecord.commitInfoKey: try record().encoded()]
    }
}
