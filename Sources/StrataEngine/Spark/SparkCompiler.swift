public import StrataCore
public import StrataGovernance
import StrataPlugins

/// Compiles one planned pipeline into a PySpark program (`strata compile PIPELINE --target spark`,
/// and each `--engine spark` run).
///
/// Strata plans and governs; Spark computes. The layer gate is decided here from the declared and
/// propagated tags (plus, on a re-run, what the detector found in Spark's output), and its masks
/// are compiled into the program, so no unmasked value of a governed column ever leaves Spark.
/// Anything the Spark engine cannot compute with Strata's exact semantics is refused here, at
/// validate time, naming the source, transform, function or mask.
public struct SparkCompiler {
    public struct Compiled {
        /// The program text.
        public var program: String
        /// Tables the program reads (the source first), each with the schema it reads.
        public var tables: [(table: TableRef, schema: Schema)]
        /// The schema of the rows the program writes (the table's stored form, before the sink).
        public var storedSchema: Schema
        /// The masks the gate applies in Spark, by column (for `compile`'s summary).
        public var masks: [String: MaskMethod]
    }

    let project: Project
    let lake: Lake
    let governance: Governance

    public init(project: Project, lake: Lake, governance: Governance) {
        self.project = project
        self.lake = lake
        self.governance = governance
    }

    /// Compiles `pipeline`; `forced` are detector findings of an earlier attempt (they strengthen the gate).
    public func compile(_ p: PipelineSpec, forced: [Detection] = []) throws -> Compiled {
        do {
            return try compileUnlocated(p, forced: forced)
        } catch let e as StrataError {
            throw p.located(e)
        }
    }

    func compileUnlocated(_ p: PipelineSpec, forced: [Detection]) throws -> Compiled {
        guard let source = p.source as? TableSource else {
            throw StrataError(.invalidConfig, "pipeline '\(p.name)' reads a \(p.sourceType) source, which the Spark engine does not read yet",
                              path: "pipelines.\(p.name).source",
                              hint: "the Spark engine runs pipelines that read lake tables (silver and gold); run ingestion natively (`engine: native`)")
        }
        let resolver = ProjectSchemaResolver(project: project, lake: lake)
        guard var schema = try source.outputSchema(resolver) else {
            throw StrataError(.invalidPlan, "the schema of \(source.table) is not known yet", path: "pipelines.\(p.name).source",
                              hint: "run the pipeline that writes it first")
        }
        let job = SparkJob()
        job.comment("source: table \(source.table)" + (source.incremental ? " (the files committed since this pipeline's last run)" : ""))
        let full = resolver.schema(of: source.table) ?? schema
        var frame = job.table(source.table, schema: full)
        if source.columns != nil { frame = job.project(frame, schema) }
        var lineage = PipelineLineage.source(p, schema: schema)
        for (i, t) in p.transforms.enumerated() {
            guard let c = t as? any SparkCompilable else {
                throw StrataError(.invalidConfig, "transform \(p.transformTypes[i]) is not supported by the Spark engine yet",
                                  path: "pipelines.\(p.name).transforms[\(i)]", hint: "run this pipeline with the native engine (`engine: native`)")
            }
            do {
                frame = try c.compileSpark(job, input: frame, resolver)
            } catch var e as StrataError {
                if e.path == nil { e.path = "pipelines.\(p.name).transforms[\(i)]" }
                throw e
            }
            lineage = try t.columnLineage(input: schema, resolver).composed(after: lineage)
            schema = try t.outputSchema(input: schema, resolver)
        }
        // Governance: the write's layer gate, decided as the native runner decides it.
        // Tables already in the lake govern by what their commits recorded; one not written yet
        // (compiling ahead of the first run) by what its upstream pipeline will record.
        var planned = PlannedGovernance()
        for q in project.pipelines where !lake.exists(q.writes) {
            if let facts = resolver.governance[q.name] { planned.record(q.writes, tags: facts.tags, masks: facts.masks) }
        }
        let inputs = try planned.inputs(of: p, lake: lake, governance: governance)
        let masker = Masker(keys: KeyStore(lakeRoot: project.lakeRoot), detector: governance.policies.detector)
        var governed = try GovernedWrite(governance: governance, masker: masker, target: p.writes, schema: schema, lineage: lineage,
                                         inputTags: inputs.tags, inputMasked: inputs.masked, declassifications: p.declassifications, forced: forced)
        if !forced.isEmpty { governed.decide(schema: schema) }
        try governed.plan.check()
        var masks: [String: MaskMethod] = [:]
        var cols: [String] = []
        job.comment("governance: the layer gate of \(p.writes) (" + (governed.plan.decisions.contains { if case .mask = $0.action { return true } else { return false } }
            ? "masked in Spark, byte for byte as Strata masks)" : "nothing to mask)"))
        for d in governed.plan.decisions {
            switch d.action {
            case .mask(let m, let tag):
                let code: String
                do { code = try m.spark(column: d.column, type: d.type) } catch var e as StrataError {
                    e.message += " (tag \(tag), \(p.writes))"
                    e.path = e.path ?? "pipelines.\(p.name).sink"
                    throw e
                }
                masks[d.column] = m
                job.comment("  \(d.column): \(m) (\(tag))")
                cols.append("\(code).alias(\(job.python(d.column)))")
            case .preMasked:
                job.comment("  \(d.column): kept as stored upstream (\(governed.inheritedMasks[d.column].map { "\($0)" } ?? "masked"))")
                cols.append(job.col(d.column))
            default:
                cols.append(job.col(d.column))
            }
        }
        cols.append("F.col(\"__seq\")")
        if masks.values.contains(where: { if case .hash = $0 { return true } else { return false } }) {
            frame = job.frame("with_keys(\(frame.name))", schema: frame.schema)
        }
        // The PII detector sees what it sees natively: the values before the mask (sealed).
        let rawNames = governed.plan.decisions.filter { d in
            if case .mask = d.action { return d.type == .string } else { return false }
        }.map(\.column)
        if !rawNames.isEmpty {
            frame = job.frame("with_seal(\(frame.name))", schema: frame.schema)
            cols.append("*raw_columns(\(job.python(rawNames)))")
        }
        let stored = job.frame("\(frame.name).select(\(cols.joined(separator: ", ")))", schema: governed.storedSchema)
        job.statement("finish(\(stored.name))")
        var program = SparkProgram.header(pipeline: p.name, target: p.writes, reads: job.tables.map(\.table))
        if masks.values.contains(where: { switch $0 { case .redact, .showFirst, .showLast: return true; default: return false } }) {
            // The character classes of the text masks, from Strata's Unicode tables (what mask_chars reads).
            let c = SparkCharacterClasses.classes
            program += "# Character classes of the text masks (mask_chars), generated from Strata's own Unicode tables.\n"
                + "UPPER = r\"\(c.upper)\"\nLETTER = r\"\(c.letter)\"\nDIGIT = r\"\(c.digit)\"\n\n\n"
        }
        program += job.text
        return Compiled(program: program, tables: job.tables, storedSchema: governed.storedSchema, masks: masks)
    }
}
