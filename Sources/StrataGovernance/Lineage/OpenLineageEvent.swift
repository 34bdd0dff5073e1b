public import StrataCore
import StrataFormats

/// The state transition an OpenLineage RunEvent reports.
public enum LineageEventType: String, Sendable, Hashable, CaseIterable {
    case start = "START", running = "RUNNING", complete = "COMPLETE", abort = "ABORT", fail = "FAIL", other = "OTHER"

    /// COMPLETE, FAIL and ABORT end a run.
    public var isTerminal: Bool { self == .complete || self == .fail || self == .abort }
}

/// How an output column depends on an input column (OpenLineage columnLineage `type`).
public enum ColumnTransformationType: String, Sendable, Hashable, CaseIterable {
    /// The input's value flows into the output's value.
    case direct = "DIRECT"
    /// The input decides which rows exist or how they group, not the output's value.
    case indirect = "INDIRECT"
}

/// The columnLineage `subtype`: IDENTITY, TRANSFORMATION, AGGREGATION for DIRECT edges;
/// JOIN, GROUP_BY, FILTER, SORT, WINDOW, CONDITIONAL for INDIRECT ones.
public enum ColumnTransformationSubtype: String, Sendable, Hashable, CaseIterable {
    case identity = "IDENTITY", transformation = "TRANSFORMATION", aggregation = "AGGREGATION"
    case join = "JOIN", groupBy = "GROUP_BY", filter = "FILTER", sort = "SORT", window = "WINDOW", conditional = "CONDITIONAL"

    /// The type this subtype belongs to.
    public var type: ColumnTransformationType {
        switch self {
        case .identity, .transformation, .aggregation: return .direct
        default: return .indirect
        }
    }
}

/// One edge of column lineage: an output column (or, when `outputColumn` is nil, the whole output
/// dataset) depends on one input column.
public struct ColumnLineageEdge: Sendable, Hashable {
    /// The output column; nil for a dataset-wide edge (a filter, join key or group-by column).
    public var outputColumn: String?
    public var inputNamespace: String
    /// The input dataset's name (its path relative to the project, e.g. `datalake/bronze/users`).
    public var inputDataset: String
    public var inputColumn: String
    public var type: ColumnTransformationType
    public var subtype: ColumnTransformationSubtype
    /// The expression or mask method, for people (`lower(email)`, `hash (HMAC-SHA-256)`).
    public var description: String?
    /// True when a mask was applied on the way (the output does not carry the input's clear value).
    public var masking: Bool

    /// An edge whose `type` follows from `subtype`.
    public init(outputColumn: String?, inputDataset: String, inputColumn: String, subtype: ColumnTransformationSubtype,
                description: String? = nil, masking: Bool = false, inputNamespace: String = LineageNames.fileNamespace) {
        self.outputColumn = outputColumn
        self.inputNamespace = inputNamespace
        self.inputDataset = inputDataset
        self.inputColumn = inputColumn
        self.type = subtype.type
        self.subtype = subtype
        self.description = description
        self.masking = masking
    }
}

/// A column of a dataset's schema facet.
public struct LineageField: Sendable, Hashable {
    public var name: String
    /// Strata's type name (`int64`, `string`, `decimal(10,2)`, `timestamp`…).
    public var type: String
    public var description: String?

    public init(name: String, type: String, description: String? = nil) {
        self.name = name
        self.type = type
        self.description = description
    }
}

/// Rows, bytes and files a commit wrote.
public struct OutputStatistics: Sendable, Hashable {
    public var rows: Int
    public var bytes: Int
    public var files: Int

    public init(rows: Int, bytes: Int, files: Int) {
        self.rows = rows
        self.bytes = bytes
        self.files = files
    }
}

/// One data-quality check and whether it passed (no failing row).
public struct QualityAssertion: Sendable, Hashable {
    /// The check's kind: `not_null`, `unique`, `row_count`…
    public var assertion: String
    public var success: Bool
    public var column: String?

    public init(assertion: String, success: Bool, column: String? = nil) {
        self.assertion = assertion
        self.success = success
        self.column = column
    }
}

/// An input or output dataset of a run, with the facets Strata emits.
public struct LineageDataset: Sendable, Hashable {
    public var namespace: String
    /// The dataset's absolute path (`/abs/project/datalake/silver/users`); events of earlier
    /// versions held paths relative to the project root, which the graph still reads.
    public var name: String
    /// The schema facet, when known.
    public var fields: [LineageField]?
    /// Column lineage into this dataset (outputs only): per-column and dataset-wide edges.
    public var columnLineage: [ColumnLineageEdge]
    /// The dataset's version as the event saw it: the Delta version read (inputs) or committed
    /// (outputs); the `version` dataset facet.
    public var version: String?
    /// What a commit wrote (outputs only): the `outputStatistics` output facet.
    public var statistics: OutputStatistics?
    /// The pipeline's `expect` checks (on its first input): the `dataQualityAssertions` input facet.
    public var assertions: [QualityAssertion] = []

    public init(name: String, fields: [LineageField]? = nil, columnLineage: [ColumnLineageEdge] = [],
                namespace: String = LineageNames.fileNamespace) {
        self.namespace = namespace
        self.name = name
        self.fields = fields
        self.columnLineage = columnLineage
    }
}

extension LineageDataset {
    /// A dataset whose schema facet lists `schema`'s columns with Strata's type names
    /// (`int64`, `decimal(10,2)`…; `not null` is not part of the type).
    public init(name: String, schema: Schema, columnLineage: [ColumnLineageEdge] = []) {
        self.init(name: name, fields: schema.fields.map { LineageField(name: $0.name, type: $0.type.description) },
                  columnLineage: columnLineage)
    }
}

/// An OpenLineage RunEvent (spec 2-0-2) as Strata emits it: START, then COMPLETE or FAIL, per
/// pipeline run, with the schema and columnLineage facets (1-2-0) on outputs.
public struct OpenLineageRunEvent: Sendable, Hashable {
    public var eventType: LineageEventType
    /// UTC microseconds since the epoch; written with milliseconds and `Z`.
    public var eventTime: Int64
    /// The run's UUID (lower-case text).
    public var runId: String
    public var jobNamespace: String
    /// The pipeline name.
    public var jobName: String
    public var inputs: [LineageDataset]
    public var outputs: [LineageDataset]
    /// The pipeline's description (documentation job facet).
    public var jobDescription: String?
    /// The error of a FAIL event (errorMessage run facet): a `StrataError` description, never data.
    public var errorMessage: String?
    /// The `strata run` invocation this pipeline ran in (parent run facet), when given.
    public var parentRunId: String?
    /// The parent job's name (`strata run`).
    public var parentJobName: String = "strata_run"
    /// The producer URI; `OpenLineageRunEvent.producer` unless read from elsewhere.
    public var producer: String
    /// The `jobType` job facet's `jobType`: `JOB` for a pipeline, `DAG` for the `strata run` that
    /// holds them (processing type BATCH, integration STRATA).
    public var jobType: String = "JOB"
    /// The engine that computed the run (`processing_engine` facet): Strata itself unless set
    /// (`spark` and its version for `--engine spark`; the adapter is then Strata's version).
    public var engineName: String = "strata"
    public var engineVersion: String = OpenLineageRunEvent.engineVersion

    public init(eventType: LineageEventType, eventTime: Int64, runId: String, jobName: String,
                inputs: [LineageDataset] = [], outputs: [LineageDataset] = [], jobDescription: String? = nil,
                errorMessage: String? = nil, jobNamespace: String = LineageNames.jobNamespace) {
        self.eventType = eventType
        self.eventTime = eventTime
        self.runId = runId
        self.jobNamespace = jobNamespace
        self.jobName = jobName
        self.inputs = inputs
        self.outputs = outputs
        self.jobDescription = jobDescription
        self.errorMessage = errorMessage
        self.producer = OpenLineageRunEvent.producer
    }

    public static func == (a: OpenLineageRunEvent, b: OpenLineageRunEvent) -> Bool { a.json == b.json }
    public func hash(into h: inout Hasher) { h.combine(json) }

    /// Strata's version, in the `processing_engine` run facet.
    public static let engineVersion = "0.1.0"
    /// Strata's producer URI (stable per release).
    public static let producer = "https://github.com/strata-lake/strata/v0.1.0"
    public static let eventSchemaURL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
    static let schemaFacetURL = "https://openlineage.io/spec/facets/1-2-0/SchemaDatasetFacet.json#/$defs/SchemaDatasetFacet"
    static let columnLineageFacetURL = "https://openlineage.io/spec/facets/1-2-0/ColumnLineageDatasetFacet.json#/$defs/ColumnLineageDatasetFacet"
    static let errorMessageFacetURL = "https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet"
    static let documentationFacetURL = "https://openlineage.io/spec/facets/1-1-0/DocumentationJobFacet.json#/$defs/DocumentationJobFacet"
    static let parentFacetURL = "https://openlineage.io/spec/facets/1-2-0/ParentRunFacet.json#/$defs/ParentRunFacet"
    static let versionFacetURL = "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json#/$defs/DatasetVersionDatasetFacet"
    static let outputStatisticsFacetURL = "https://openlineage.io/spec/facets/1-0-2/OutputStatisticsOutputDatasetFacet.json#/$defs/OutputStatisticsOutputDatasetFacet"
    static let assertionsFacetURL = "https://openlineage.io/spec/facets/1-1-0/DataQualityAssertionsDatasetFacet.json#/$defs/DataQualityAssertionsDatasetFacet"
    static let processingEngineFacetURL = "https://openlineage.io/spec/facets/1-1-1/ProcessingEngineRunFacet.json#/$defs/ProcessingEngineRunFacet"
    static let jobTypeFacetURL = "https://openlineage.io/spec/facets/2-0-4/JobTypeJobFacet.json#/$defs/JobTypeJobFacet"
}

/// Naming conventions for lineage datasets and jobs.
public enum LineageNames {
    /// Local files: namespace `file`, name = the path.
    public static let fileNamespace = "file"
    /// The namespace of Strata's jobs (pipelines).
    public static let jobNamespace = "strata"

    /// `/abs/project/datalake/silver/users`: the table's folder as an absolute path, as the spec's
    /// naming convention for the `file` namespace says, so the same table has the same name from
    /// every working folder and every tool.
    public static func datasetName(table: TableRef, lakeRoot: String) -> String {
        normalized(lakeRoot + "/" + table.relativePath)
    }

    /// The dataset of a file source's paths (relative to `root`), absolute: a file is itself; a
    /// glob is the folder its wildcards are in (`landing/transactions*.csv` → `/abs/landing`), the
    /// dataset that grows as files arrive, never the raw pattern. Several paths join with `,`.
    public static func fileDataset(_ paths: [String], root: String) -> String {
        paths.map { p in
            let abs = normalized(p.hasPrefix("/") ? p : root + "/" + p)
            let parts = abs.split(separator: "/", omittingEmptySubsequences: false)
            guard let wild = parts.firstIndex(where: { $0.contains { "*?[{".contains($0) } }) else { return abs }
            let dir = parts[..<wild].joined(separator: "/")
            return dir.isEmpty ? "/" : dir
        }.joined(separator: ",")
    }

    /// `path` without `.`, `..` and doubled slashes.
    public static func normalized(_ p: String) -> String {
        var parts: [Substring] = []
        for c in p.split(separator: "/") {
            if c == "." { continue }
            if c == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
            parts.append(c)
        }
        return (p.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }

    /// `path` relative to `root` when it is inside it, else `path` unchanged (how exports show
    /// file datasets).
    public static func relative(_ path: String, to root: String) -> String {
        let norm = normalized
        let p = norm(path), r = norm(root)
        if r.isEmpty || r == "." { return p }
        if p == r { return "." }
        return p.hasPrefix(r + "/") ? String(p.dropFirst(r.count + 1)) : p
    }

    /// The table a dataset name points at: its last two path parts `<layer>/<name>`; nil for other files.
    public static func table(fromDatasetName name: String) -> TableRef? {
        let parts = name.split(separator: "/")
        guard parts.count >= 2, let layer = Layer(rawValue: String(parts[parts.count - 2])) else { return nil }
        let n = String(parts[parts.count - 1])
        return TableRef.isValidName(n) ? TableRef(layer: layer, name: n) : nil
    }

    /// A UUID for one pipeline's run inside a `strata run` (deterministic from both), so each job
    /// run has its own OpenLineage run id while the invocation stays the parent.
    public static func jobRunId(runId: String, pipeline: String) -> String {
        var b = Digest.sha256(Array("\(runId)/\(pipeline)".utf8)).prefix(16).map { $0 }
        b[6] = (b[6] & 0x0F) | 0x80 // version 8 (custom, RFC 9562)
        b[8] = (b[8] & 0x3F) | 0x80 // RFC variant
        let h = Digest.hex(b)
        let u = Array(h)
        return String(u[0..<8]) + "-" + String(u[8..<12]) + "-" + String(u[12..<16]) + "-" + String(u[16..<20]) + "-" + String(u[20..<32])
    }
}
