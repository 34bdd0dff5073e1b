import StrataCore
import StrataGovernance

/// Answers plan-time schema questions from the pipelines (declared schemas, upstream pipelines)
/// and the lake (existing tables), with governance applied as the runner applies it.
///
/// `check` walks the pipelines in plan order and type-checks every transform and sink whose input
/// schema is known without reading data, and plans each write's layer gate from declared and
/// propagated tags: configuration errors exit 2 and refusals exit 3 before any row is read.
/// Pipelines whose source schema is only inferred from data at run time are checked when they
/// run, still before their first row moves.
public struct ProjectSchemaResolver: SchemaResolver {
    public private(set) var known: [TableRef: Schema]
    /// Each pipeline's output schema as stored (masked columns take their mask's type).
    public private(set) var outputs: [String: Schema]
    /// Each pipeline's planned column tags and masks (for `validate --verbose`).
    public private(set) var governance: [String: (tags: [String: Set<Tag>], masks: [String: MaskMethod])]

    /// Lenient: errors leave schemas unknown (for display).
    public init(project: Project, lake: Lake) {
        self = (try? Self.check(project: project, lake: lake, strict: false)) ?? ProjectSchemaResolver(known: [:], outputs: [:], governance: [:])
    }

    init(known: [TableRef: Schema], outputs: [String: Schema], governance: [String: (tags: [String: Set<Tag>], masks: [String: MaskMethod])]) {
        self.known = known
        self.outputs = outputs
        self.governance = governance
    }

    /// Strict: the first configuration error or policy refusal throws, positioned in the config.
    public static func check(project: Project, lake: Lake, strict: Bool = true) throws -> ProjectSchemaResolver {
        var known: [TableRef: Schema] = [:]
        for t in lake.tables() {
            if let s = try? lake.snapshot(t).schema { known[t] = s }
        }
        let policies = try project.loadGovernance()
        let masker = Masker(keys: KeyStore(lakeRoot: project.lakeRoot), detector: policies.policies.detector)
        var planned = PlannedGovernance()
        var outputs: [String: Schema] = [:]
        var facts: [String: (tags: [String: Set<Tag>], masks: [String: MaskMethod])] = [:]
        let plan = try Plan(project: project, existingTables: Set(known.keys))
        for p in plan.order {
            do {
                let resolver = ProjectSchemaResolver(known: known, outputs: [:], governance: [:])
                guard var s = try p.source.outputSchema(resolver) else { continue }
                var lineage = PipelineLineage.source(p, schema: s)
                var ok = true
                for t in p.transforms {
                    if t.reads.contains(where: { resolver.schema(of: $0) == nil }) { ok = false; break }
                    lineage = try t.columnLineage(input: s, resolver).composed(after: lineage)
                    s = try t.outputSchema(input: s, resolver)
                }
                guard ok else { continue }
                let inputs = try planned.inputs(of: p, lake: lake, governance: policies)
                let governed = try GovernedWrite(governance: policies, masker: masker, target: p.writes, schema: s, lineage: lineage,
                                                 inputTags: inputs.tags, inputMasked: inputs.masked,
                                                 declassifications: p.declassifications)
                let out = try p.sink.outputSchema(input: governed.storedSchema)
                known[p.writes] = out
                outputs[p.name] = out
                let masks = governed.recordedMasks
                planned.record(p.writes, tags: governed.storedTags, masks: masks)
                facts[p.name] = (governed.storedTags, masks)
            } catch var e as StrataError where strict {
                if e.code == .policyRefused, e.path == nil { e.path = "pipelines.\(p.name).sink" }
                throw p.located(e)
            } catch {
                continue
            }
        }
        return ProjectSchemaResolver(known: known, outputs: outputs, governance: facts)
    }

    public func schema(of table: TableRef) -> Schema? { known[table] }

    /// Records a table's actual schema (after a pipeline wrote it).
    public mutating func learn(_ table: TableRef, _ schema: Schema) { known[table] = schema }
}

/// Column lineage at the start of a pipeline.
enum PipelineLineage {
    /// A table source's columns come from that table; a file source's from the pipeline's own
    /// input (no table, so no inherited tags).
    static func source(_ p: PipelineSpec, schema: Schema) -> ColumnLineage {
        var l = ColumnLineage.passThrough(schema)
        if let t = p.source.reads.first {
            for f in schema.fields { l.direct[f.name] = [.init(ColumnRef(f.name, table: t), .identity)] }
        }
        return l
    }
}

/// The governance facts of the tables a pipeline reads: what their last write recorded (or, at
/// plan time, what the upstream pipeline will record), plus what the policies declare now.
struct PlannedGovernance {
    private var tags: [TableRef: [String: Set<Tag>]] = [:]
    private var masks: [TableRef: [String: MaskMethod]] = [:]

    mutating func record(_ table: TableRef, tags t: [String: Set<Tag>], masks m: [String: MaskMethod]) {
        tags[table] = t
        masks[table] = m
    }

    func inputs(of p: PipelineSpec, lake: Lake, governance: Governance) throws -> (tags: [ColumnRef: Set<Tag>], masked: [ColumnRef: MaskMethod]) {
        var out: [ColumnRef: Set<Tag>] = [:]
        var masked: [ColumnRef: MaskMethod] = [:]
        for t in p.reads {
            let schema: Schema
            var recordedTags: [String: Set<Tag>]
            var recordedMasks: [String: MaskMethod]
            if let planned = tags[t] {
                recordedTags = planned
                recordedMasks = masks[t] ?? [:]
                schema = Schema(planned.keys.sorted().map { Field($0, .string) })
            } else if lake.exists(t) {
                schema = try lake.snapshot(t).schema
                let record = try lake.governance(of: t)
                recordedTags = record.tags
                // What reads of the table deliver (file by file): the stored forms, strengthened to current policy.
                recordedMasks = StoredFormConformer.target(for: t, schema: schema, governance: record, policies: governance)
            } else {
                continue
            }
            for (col, tags) in governance.tags(table: t, schema: schema, propagated: recordedTags) where !tags.isEmpty {
                out[ColumnRef(col, table: t)] = tags
            }
            for (col, m) in recordedMasks { masked[ColumnRef(col, table: t)] = m }
        }
        return (out, masked)
    }
}
