import StrataCore
public import StrataFormats

extension OpenLineageRunEvent {
    /// The event as OpenLineage JSON (members in a fixed order, so the text is stable).
    public var json: JSONValue {
        func facet(_ url: String, _ members: [JSONMember]) -> JSONValue {
            .object([JSONMember("_producer", .string(producer)), JSONMember("_schemaURL", .string(url))] + members)
        }
        var runFacets: [JSONMember] = []
        if let p = parentRunId {
            runFacets.append(JSONMember("parent", facet(OpenLineageRunEvent.parentFacetURL, [
                JSONMember("run", .object([JSONMember("runId", .string(p))])),
                JSONMember("job", .object([JSONMember("namespace", .string(jobNamespace)), JSONMember("name", .string(parentJobName))])),
            ])))
        }
        runFacets.append(JSONMember("processing_engine", facet(OpenLineageRunEvent.processingEngineFacetURL, [
            JSONMember("version", .string(engineVersion)), JSONMember("name", .string(engineName)),
            JSONMember("openlineageAdapterVersion", .string(OpenLineageRunEvent.engineVersion)),
        ])))
        if let e = errorMessage {
            runFacets.append(JSONMember("errorMessage", facet(OpenLineageRunEvent.errorMessageFacetURL, [
                JSONMember("message", .string(e)), JSONMember("programmingLanguage", .string("Swift")),
            ])))
        }
        var run: [JSONMember] = [JSONMember("runId", .string(runId))]
        if !runFacets.isEmpty { run.append(JSONMember("facets", .object(runFacets))) }
        var job: [JSONMember] = [JSONMember("namespace", .string(jobNamespace)), JSONMember("name", .string(jobName))]
        var jobFacets: [JSONMember] = []
        if let d = jobDescription {
            jobFacets.append(JSONMember("documentation", facet(OpenLineageRunEvent.documentationFacetURL, [JSONMember("description", .string(d))])))
        }
        jobFacets.append(JSONMember("jobType", facet(OpenLineageRunEvent.jobTypeFacetURL, [
            JSONMember("processingType", .string("BATCH")), JSONMember("integration", .string("STRATA")), JSONMember("jobType", .string(jobType)),
        ])))
        job.append(JSONMember("facets", .object(jobFacets)))
        func dataset(_ d: LineageDataset) -> JSONValue {
            var m: [JSONMember] = [JSONMember("namespace", .string(d.namespace)), JSONMember("name", .string(d.name))]
            var facets: [JSONMember] = []
            if let fields = d.fields {
                facets.append(JSONMember("schema", facet(OpenLineageRunEvent.schemaFacetURL, [
                    JSONMember("fields", .array(fields.map { f in
                        var fm = [JSONMember("name", .string(f.name)), JSONMember("type", .string(f.type))]
                        if let desc = f.description { fm.append(JSONMember("description", .string(desc))) }
                        return .object(fm)
                    })),
                ])))
            }
            if let v = d.version {
                facets.append(JSONMember("version", facet(OpenLineageRunEvent.versionFacetURL, [JSONMember("datasetVersion", .string(v))])))
            }
            if !d.columnLineage.isEmpty {
                facets.append(JSONMember("columnLineage", facet(OpenLineageRunEvent.columnLineageFacetURL,
                                                               columnLineageMembers(d))))
            }
            if !facets.isEmpty { m.append(JSONMember("facets", .object(facets))) }
            if !d.assertions.isEmpty {
                m.append(JSONMember("inputFacets", .object([JSONMember("dataQualityAssertions", facet(OpenLineageRunEvent.assertionsFacetURL, [
                    JSONMember("assertions", .array(d.assertions.map { a in
                        var am = [JSONMember("assertion", .string(a.assertion)), JSONMember("success", .bool(a.success))]
                        if let c = a.column { am.append(JSONMember("column", .string(c))) }
                        return .object(am)
                    })),
                ]))])))
            }
            if let st = d.statistics {
                m.append(JSONMember("outputFacets", .object([JSONMember("outputStatistics", facet(OpenLineageRunEvent.outputStatisticsFacetURL, [
                    JSONMember("rowCount", .int(Int64(st.rows))), JSONMember("size", .int(Int64(st.bytes))), JSONMember("fileCount", .int(Int64(st.files))),
                ]))])))
            }
            return .object(m)
        }
        return .object([
            JSONMember("eventType", .string(eventType.rawValue)),
            JSONMember("eventTime", .string(UTCTime.millis(eventTime))),
            JSONMember("producer", .string(producer)),
            JSONMember("schemaURL", .string(OpenLineageRunEvent.eventSchemaURL)),
            JSONMember("run", .object(run)),
            JSONMember("job", .object(job)),
            JSONMember("inputs", .array(inputs.map(dataset))),
            JSONMember("outputs", .array(outputs.map(dataset))),
        ])
    }

    /// `fields` (per output column, in schema order, then first appearance) and `dataset`
    /// (dataset-wide edges); edges to the same input field merge into one entry with several transformations.
    func columnLineageMembers(_ d: LineageDataset) -> [JSONMember] {
        struct InputKey: Hashable { var namespace: String; var name: String; var field: String }
        func inputFields(_ edges: [ColumnLineageEdge]) -> JSONValue {
            var order: [InputKey] = []
            var transforms: [InputKey: [JSONValue]] = [:]
            for e in edges {
                let k = InputKey(namespace: e.inputNamespace, name: e.inputDataset, field: e.inputColumn)
                if transforms[k] == nil { order.append(k) }
                var t: [JSONMember] = [JSONMember("type", .string(e.type.rawValue)), JSONMember("subtype", .string(e.subtype.rawValue))]
                if let desc = e.description { t.append(JSONMember("description", .string(desc))) }
                t.append(JSONMember("masking", .bool(e.masking)))
                let v = JSONValue.object(t)
                if transforms[k]?.contains(v) != true { transforms[k, default: []].append(v) }
            }
            return .array(order.map { k in
                .object([JSONMember("namespace", .string(k.namespace)), JSONMember("name", .string(k.name)),
                         JSONMember("field", .string(k.field)), JSONMember("transformations", .array(transforms[k]!))])
            })
        }
        var columns: [String] = (d.fields ?? []).map(\.name)
        var known = Set(columns)
        for e in d.columnLineage { if let c = e.outputColumn, known.insert(c).inserted { columns.append(c) } }
        var byColumn: [String: [ColumnLineageEdge]] = [:]
        var datasetWide: [ColumnLineageEdge] = []
        for e in d.columnLineage {
            if let c = e.outputColumn { byColumn[c, default: []].append(e) } else { datasetWide.append(e) }
        }
        var members: [JSONMember] = [JSONMember("fields", .object(columns.compactMap { c in
            byColumn[c].map { JSONMember(c, .object([JSONMember("inputFields", inputFields($0))])) }
        }))]
        if !datasetWide.isEmpty { members.append(JSONMember("dataset", inputFields(datasetWide))) }
        return members
    }

    /// One JSON line (no newline).
    public var serialized: String { json.serialized }

    /// Reads an event back from OpenLineage JSON (as Strata writes it; other facets are ignored).
    /// Throws `.corruptData` naming `file:line` and the missing or malformed member.
    public static func decode(_ v: JSONValue, file: String = "<event>", line: Int = 1) throws -> OpenLineageRunEvent {
        func bad(_ what: String) -> StrataError {
            StrataError(.corruptData, "not an OpenLineage RunEvent: \(what)", location: SourceLocation(file: file, line: line))
        }
        guard let typeText = v["eventType"]?.stringValue, let type = LineageEventType(rawValue: typeText) else { throw bad("eventType") }
        guard let timeText = v["eventTime"]?.stringValue, let time = Temporal.parseTimestamp(timeText) else { throw bad("eventTime") }
        guard let runId = v["run"]?["runId"]?.stringValue else { throw bad("run.runId") }
        guard let jobName = v["job"]?["name"]?.stringValue, let jobNS = v["job"]?["namespace"]?.stringValue else { throw bad("job") }
        func dataset(_ d: JSONValue) throws -> LineageDataset {
            guard let ns = d["namespace"]?.stringValue, let name = d["name"]?.stringValue else { throw bad("dataset namespace/name") }
            var out = LineageDataset(name: name, namespace: ns)
            out.version = d["facets"]?["version"]?["datasetVersion"]?.stringValue
            if let st = d["outputFacets"]?["outputStatistics"], let rows = st["rowCount"]?.int64Value {
                out.statistics = OutputStatistics(rows: Int(rows), bytes: Int(st["size"]?.int64Value ?? 0), files: Int(st["fileCount"]?.int64Value ?? 0))
            }
            out.assertions = (d["inputFacets"]?["dataQualityAssertions"]?["assertions"]?.elements ?? []).compactMap { a in
                guard let kind = a["assertion"]?.stringValue, let ok = a["success"]?.boolValue else { return nil }
                return QualityAssertion(assertion: kind, success: ok, column: a["column"]?.stringValue)
            }
            if let fields = d["facets"]?["schema"]?["fields"]?.elements {
                out.fields = fields.compactMap { f in
                    f["name"]?.stringValue.map { LineageField(name: $0, type: f["type"]?.stringValue ?? "", description: f["description"]?.stringValue) }
                }
            }
            if let cl = d["facets"]?["columnLineage"] {
                func edges(_ inputs: [JSONValue], output: String?) -> [ColumnLineageEdge] {
                    var out: [ColumnLineageEdge] = []
                    for i in inputs {
                        guard let ns = i["namespace"]?.stringValue, let name = i["name"]?.stringValue,
                              let field = i["field"]?.stringValue else { continue }
                        let ts = i["transformations"]?.elements ?? []
                        if ts.isEmpty {
                            out.append(ColumnLineageEdge(outputColumn: output, inputDataset: name, inputColumn: field,
                                                         subtype: output == nil ? .filter : .transformation, inputNamespace: ns))
                        }
                        for t in ts {
                            guard let sub = t["subtype"]?.stringValue.flatMap(ColumnTransformationSubtype.init(rawValue:)) else { continue }
                            out.append(ColumnLineageEdge(outputColumn: output, inputDataset: name, inputColumn: field, subtype: sub,
                                                         description: t["description"]?.stringValue,
                                                         masking: t["masking"]?.boolValue ?? false, inputNamespace: ns))
                        }
                    }
                    return out
                }
                for m in cl["fields"]?.members ?? [] {
                    out.columnLineage += edges(m.value["inputFields"]?.elements ?? [], output: m.key)
                }
                out.columnLineage += edges(cl["dataset"]?.elements ?? [], output: nil)
            }
            return out
        }
        var e = OpenLineageRunEvent(eventType: type, eventTime: time, runId: runId, jobName: jobName,
                                    inputs: try (v["inputs"]?.elements ?? []).map(dataset),
                                    outputs: try (v["outputs"]?.elements ?? []).map(dataset),
                                    jobDescription: v["job"]?["facets"]?["documentation"]?["description"]?.stringValue,
                                    errorMessage: v["run"]?["facets"]?["errorMessage"]?["message"]?.stringValue,
                                    jobNamespace: jobNS)
        if let p = v["run"]?["facets"]?["parent"] {
            e.parentRunId = p["run"]?["runId"]?.stringValue
            if let n = p["job"]?["name"]?.stringValue { e.parentJobName = n }
        }
        if let producer = v["producer"]?.stringValue { e.producer = producer }
        if let t = v["job"]?["facets"]?["jobType"]?["jobType"]?.stringValue { e.jobType = t }
        return e
    }
}
