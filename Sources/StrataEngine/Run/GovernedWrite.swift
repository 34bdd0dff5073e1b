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
    /// Whether the scanner was told which columns the settled plan scrubs.
    private var settledKnown = false

    /// Plans the write before any data moves; throws `.policyRefused` (exit 3) when declared or
    /// propagated tags already make the gate refuse.
    init(governance: Governance, masker: Masker, target: TableRef, schema: Schema, lineage: ColumnLineage,
         inputTags: [ColumnRef: Set<Tag>], inputMasked: [ColumnRef: MaskMethod], declassifications: [Declassification],
         forced: [Detection] = []) throws {
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
        let propagated = try Propagation.outputTags(inputTags: inputTags, lineage: lineage, declassifications: declassifications,
                                                    detectable: governance.policies.detectableTags)
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
        var scanner = governance.policies.scanner()
        // Enforcing detection keeps checking every row for high-confidence findings (a late one
        // restarts the write, see `observe`); reporting looks at the sample only.
        scanner.fullScan = detection.mode == .enforce
        self.scanner = scanner
        self.enforcing = detection.mode == .enforce
        self.forced = forced
        // Reporting never changes the plan: nothing waits for the sample (rows are not held back).
        decided = !enforcing
    }

    /// Detections found by an earlier attempt of this write (a restart after a late finding).
    private let forced: [Detection]
    private let enforcing: Bool
    /// The detector's findings that decided the plan (enforcing detection).
    private(set) var findings: [Detection] = []

    /// True until the detector has seen enough rows (or all) to settle the plan.
    var needsSample: Bool { !decided }

    /// Feeds rows to the detector while the plan is not settled.
    mutating func sample(_ batch: Batch) {
        guard !decided, scanner != nil else { return }
        let b = scanView(batch)
        scanner!.add(b)
        if scanner!.isSaturated { decide(schema: b.schema) }
    }

    /// Columns the Spark engine's job adds beside the stored ones: a masked column's value before
    /// the mask (`__raw_email`), for the detector only.
    static let rawPrefix = "__raw_"

    /// What the detector reads: in stored mode the masked columns' values before the mask (as
    /// natively, where it reads rows before the gate), else the batch itself.
    func scanView(_ batch: Batch) -> Batch {
        guard storedInput, batch.schema.fields.contains(where: { $0.name.hasPrefix(Self.rawPrefix) }) else { return batch }
        let stored = storedSchema.names.compactMap { n in batch.schema.index(of: n).map { (n, $0) } }
        var fields: [Field] = [], cols: [Column] = []
        for (n, i) in stored {
            if let r = batch.schema.index(of: Self.rawPrefix + n) {
                fields.append(Field(n, .string))
                cols.append(batch.columns[r])
            } else {
                fields.append(batch.schema[i])
                cols.append(batch.columns[i])
            }
        }
        return Batch(schema: Schema(fields), columns: cols)
    }

    /// Feeds rows written after the plan was settled; true when they hold a high-confidence
    /// finding the plan does not cover (the write must restart with `lateFindings`, since rows
    /// already staged were stored under the weaker plan).
    mutating func observe(_ batch: Batch) -> Bool {
        guard decided, scanner != nil else { return false }
        guard enforcing else {
            if !scanner!.isSaturated { scanner!.add(batch) }
            return false
        }
        // A column stored scrubbed loses every kind the detector knows: nothing to find there.
        if !settledKnown {
            scanner!.settled = Set(plan.decisions.compactMap { d in if case .mask(.scrub, _) = d.action { return d.column } else { return nil } })
            settledKnown = true
        }
        scanner!.add(scanView(batch))
        return !uncovered(scanner!.detections()).isEmpty
    }

    /// Everything found so far, for a restart.
    var lateFindings: [Detection] { (scanner?.detections() ?? []) + forced }

    private func uncovered(_ detections: [Detection]) -> [Detection] {
        detections.filter { d in
            !governance.policies.detection.ignores(target, d.column) && !(tags[d.column]?.contains(d.tag) ?? false)
                && !declassified.contains { $0.column == d.column && $0.tags.contains(d.tag) }
        }
    }

    /// Settles the plan with what the detector found (call at the end of input if still sampling).
    mutating func decide(schema: Schema) {
        guard !decided else { return }
        decided = true
        let policy = governance.policies.detection
        var detections = (scanner?.detections() ?? []) + forced
        detections = detections.filter { !policy.ignores(target, $0.column) }
        guard !detections.isEmpty else { return }
        findings = detections
        var t = governance.tags(table: target, schema: schema, detections: detections, propagated: baseTags)
        // Free text holding personal data is governed as free text (scrubbed, not hashed whole).
        for d in detections where d.embedded && schema.field(named: d.column)?.type == .string { t[d.column, default: []].insert(.freeText) }
        for d in declassified { t[d.column]?.subtract(d.tags) }
        tags = t
        plan = governance.planWrite(table: target, schema: schema, tags: t, preMasked: preMasked)
    }

    /// Run-summary lines for findings the plan did not act on (detection mode `report`), or the
    /// free-text columns the gate scrubs: table, column, kind, count and confidence; never values.
    var findingWarnings: [String] {
        if !enforcing {
            let found = (scanner?.detections() ?? []).filter { !governance.policies.detection.ignores(target, $0.column) }
            return uncovered(found).map { d in
                "detected \(d.kind) in untagged column '\(d.column)' of \(target) (\(d.hits) of \(d.sampled) sampled values, \(d.confidence) confidence); "
                    + "detection mode is report, so it is stored as its tags say: tag it, or set detection.mode: enforce"
            }
        }
        var out: [String] = []
        for d in plan.decisions {
            guard case .mask(.scrub, _) = d.action else { continue }
            let kinds = findings.filter { $0.column == d.column }.map(\.kind.rawValue)
            out.append("column '\(d.column)' of \(target) is free text holding " + (kinds.isEmpty ? "personal data" : kinds.joined(separator: ", "))
                       + ": stored scrubbed (each span replaced), the rest of the text kept")
        }
        return out
    }

    /// Each column's tags as stored: a column stored scrubbed no longer holds the kinds scrub
    /// removes (it keeps `pii.free_text` and its other tags), so readers and downstream writes
    /// govern it as the text it now is.
    var storedTags: [String: Set<Tag>] {
        var t = tags
        let detectable = governance.policies.detectableTags
        for d in plan.decisions {
            if case .mask(.scrub, _) = d.action { t[d.column]?.subtract(detectable) }
        }
        return t
    }

    /// The schema as stored (masked columns take their method's output type).
    var storedSchema: Schema { plan.outputSchema }

    /// True when batches arrive already in the stored form (masked by the Spark engine's job with
    /// this plan's masks): they are stored as they are; the detector still sees every row.
    var storedInput = false

    func apply(_ batch: Batch) throws -> Batch {
        if storedInput {
            // The detector's raw columns never reach the sink.
            let names = storedSchema.names
            guard names.allSatisfy({ batch.schema.index(of: $0) != nil }) else {
                throw StrataError(.internalError, "the Spark job's rows do not have the stored columns of \(target)")
            }
            if batch.schema.names == names { return batch }
            var out = Batch(schema: storedSchema, columns: names.map { batch.column(named: $0)! })
            out.origin = batch.origin
            return out
        }
        return try plan.apply(to: batch, masker: masker)
    }

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
                         propagated: propagatedTags, final: storedTags, masks: recordedMasks,
                         derived: preMasked.subtracting(recordedMasks.keys), declassified: declassified)
    }

    /// What the commit records in `commitInfo`: the encoded record.
    func annotations() throws -> [String: String] {
        [GovernanceRecord.commitInfoKey: try record().encoded()]
    }
}
