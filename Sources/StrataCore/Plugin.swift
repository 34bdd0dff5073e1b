import Synchronization

/// Which part of a pipeline a plugin plays.
public enum PluginKind: String, Sendable, Hashable, CaseIterable {
    case source, transform, sink
}

/// One documented config key of a plugin or config section.
///
/// The same list drives validation (keys not listed are rejected, with a did-you-mean),
/// `strata plugins describe` and the README's config reference, so they cannot drift.
public struct ConfigKey: Sendable, Hashable {
    public var name: String
    /// The type as users write it: `string`, `int`, `bool`, `[string]`, `map`, `append | overwrite`.
    public var type: String
    public var required: Bool
    /// The default as text, or nil when there is none.
    public var defaultValue: String?
    public var doc: String
    /// For a `[map]` key: the keys of each of its maps (`expect`'s checks), so generated schemas
    /// describe them too.
    public var fields: [ConfigKey] = []

    public init(_ name: String, _ type: String, required: Bool = false, default defaultValue: String? = nil, _ doc: String) {
        self.name = name
        self.type = type
        self.required = required
        self.defaultValue = defaultValue
        self.doc = doc
    }

    /// This key with the keys of its maps.
    public func fields(_ keys: [ConfigKey]) -> ConfigKey {
        var k = self
        k.fields = keys
        return k
    }
}

/// Answers "what schema does this table have?" at plan time, from the pipelines that write it
/// or from the table's log when it already exists.
public protocol SchemaResolver: Sendable {
    func schema(of table: TableRef) -> Schema?
}

/// Streams batches; `nil` at the end of input; throws on input it cannot read at all.
public protocol BatchReader: AnyObject {
    var schema: Schema { get }
    func next() throws -> Batch?
}

/// The config half of a source: validated without I/O, then opened at run time.
public protocol SourceConfig: Sendable {
    /// Tables this source reads (for the DAG); empty for file sources.
    var reads: [TableRef] { get }
    /// The output schema when it is known without reading data (declared or from upstream); nil otherwise.
    func outputSchema(_ resolver: any SchemaResolver) throws -> Schema?
    /// Opens the runtime half.
    func open(_ context: RunContext) throws -> any BatchReader
    /// The paths a file source reads, as configured and comma-separated (`datalake/landing/users.csv`);
    /// lineage names the dataset by their absolute folder or file.
    var datasetName: String? { get }
    /// A source that is not files (a database) names its lineage dataset itself, by the
    /// OpenLineage naming conventions (`postgres://host:5432`, `shop.public.orders`).
    var lineageDataset: (namespace: String, name: String)? { get }
    /// True when a run reads only what is new since the last committed run (new files, table
    /// versions, rows past a cursor), so one run's rows are not the whole input.
    var readsIncrementally: Bool { get }
}

extension SourceConfig {
    public var datasetName: String? { nil }
    public var lineageDataset: (namespace: String, name: String)? { nil }
    public var readsIncrementally: Bool { false }
}

/// A streaming operator: batches in, batches out; state only where the operator needs it.
public protocol BatchOperator: AnyObject {
    var schema: Schema { get }
    func push(_ batch: Batch) throws -> [Batch]
    /// Called once after the last batch; emits what the operator held (aggregates, sorts).
    func finish() throws -> [Batch]
}

/// The config half of a transform.
public protocol TransformConfig: Sendable {
    /// Other tables the transform reads (join, union, relationship checks).
    var reads: [TableRef] { get }
    /// The schema the transform produces from `input`; throws on unknown columns or type errors.
    func outputSchema(input: Schema, _ resolver: any SchemaResolver) throws -> Schema
    func makeOperator(input: Schema, _ context: RunContext) throws -> any BatchOperator
    /// Where each output column comes from, in terms of `input`'s columns (and other tables read).
    func columnLineage(input: Schema, _ resolver: any SchemaResolver) throws -> ColumnLineage
    /// The data-quality checks the transform declares, for the catalog (`strata docs`).
    var declaredChecks: [DeclaredCheck] { get }
}

extension TransformConfig {
    public var reads: [TableRef] { [] }
    public var declaredChecks: [DeclaredCheck] { [] }

    /// Default: every output column passes through from the same-named input column.
    public func columnLineage(input: Schema, _ resolver: any SchemaResolver) throws -> ColumnLineage {
        .passThrough(try outputSchema(input: input, resolver))
    }
}

/// What a commit did.
public struct CommitSummary: Sendable, Hashable {
    public var table: TableRef
    /// The table version created, or nil when nothing was committed (no rows, or already committed).
    public var version: Int64?
    public var rows: Int
    public var files: Int
    public var bytes: Int
    public var operation: String
    /// The checkpoint written after the commit, if one was due.
    public var checkpoint: Int64?
    /// Things the user should know that did not fail the commit (a checkpoint that could not be written).
    public var warnings: [String] = []

    public init(table: TableRef, version: Int64?, rows: Int, files: Int, bytes: Int, operation: String) {
        self.table = table
        self.version = version
        self.rows = rows
        self.files = files
        self.bytes = bytes
        self.operation = operation
    }
}

/// A row that could not be ingested, kept with why and where.
public struct QuarantineRecord: Sendable, Hashable {
    public var sourceFile: String
    public var line: Int
    public var reason: String
    /// The raw row text (stored in the quarantine table, never printed).
    public var raw: String

    public init(sourceFile: String, line: Int, reason: String, raw: String) {
        self.sourceFile = sourceFile
        self.line = line
        self.reason = reason
        self.raw = raw
    }
}

/// Where a run's rejected rows go.
public protocol QuarantineSink: AnyObject, Sendable {
    func quarantine(_ record: QuarantineRecord)
}

/// Conforms one batch read from a lake table to the stored form the table's governance promises
/// (files committed before a column was masked are masked on read). Installed by the engine.
public typealias TableReadGovernor = @Sendable (TableRef, Batch) throws -> Batch

/// Everything a plugin's runtime half may use during one pipeline run.
public final class RunContext: Sendable {
    /// The folder holding `pipelines.yaml`; relative paths in configs resolve against it.
    public let projectRoot: String
    /// The lake folder (`<project>/datalake` by default).
    public let lakeRoot: String
    public let runId: String
    public let pipeline: String
    /// When the run started, UTC microseconds.
    public let startedAt: Int64
    public let fullRefresh: Bool
    public let quarantine: any QuarantineSink
    /// State this pipeline's sources recorded at their last committed run (e.g. ingested files).
    public let previousState: [String: String]
    /// The engine's governance of table reads; plugins read tables through `openTable`, which applies it.
    public let governTableRead: TableReadGovernor?
    private let newState = Mutex<[String: String]>([:])
    private let counters = Mutex<(rows: Int, bytes: Int)>((0, 0))
    private let warningList = Mutex<[String]>([])
    private let checkList = Mutex<[CheckResult]>([])
    private let rebuildReason = Mutex<String?>(nil)

    public init(projectRoot: String, lakeRoot: String, runId: String, pipeline: String, startedAt: Int64,
                fullRefresh: Bool, quarantine: any QuarantineSink, previousState: [String: String],
                governTableRead: TableReadGovernor? = nil) {
        self.governTableRead = governTableRead
        self.projectRoot = projectRoot
        self.lakeRoot = lakeRoot
        self.runId = runId
        self.pipeline = pipeline
        self.startedAt = startedAt
        self.fullRefresh = fullRefresh
        self.quarantine = quarantine
        self.previousState = previousState
    }

    /// Records a state entry, saved only if the run commits.
    public func recordState(_ key: String, _ value: String) {
        newState.withLock { $0[key] = value }
    }

    public var recordedState: [String: String] { newState.withLock { $0 } }

    /// Sources report what they read, for progress lines and throughput.
    public func addInput(rows: Int, bytes: Int) {
        counters.withLock { $0.rows += rows; $0.bytes += bytes }
    }

    public var input: (rows: Int, bytes: Int) { counters.withLock { $0 } }

    /// A warning for the run summary (never containing raw PII values).
    public func warn(_ message: String) {
        warningList.withLock { $0.append(message) }
    }

    public var warnings: [String] { warningList.withLock { $0 } }

    /// A data-quality check's outcome, for the run summary and `--json`.
    public func report(_ check: CheckResult) {
        checkList.withLock { $0.append(check) }
    }

    public var checks: [CheckResult] { checkList.withLock { $0 } }

    /// A source asks for the pipeline's table to be rebuilt from what it reads (its upstream table
    /// was rewritten, so it reads it whole): an appending sink then replaces the table's rows
    /// instead of adding every upstream row again.
    public func requestRebuild(_ reason: String) {
        rebuildReason.withLock { $0 = reason }
    }

    /// Why the table is rebuilt, when a source asked for it.
    public var rebuild: String? { rebuildReason.withLock { $0 } }

    /// Undoes what an attempt of the pipeline reported (input counters, checks, warnings after
    /// `warningMark`) when the engine restarts it from its input; recorded state is kept (the
    /// sources record it again from the same input).
    package func restart(warningMark: Int) {
        counters.withLock { $0 = (0, 0) }
        checkList.withLock { $0.removeAll() }
        warningList.withLock { if $0.count > warningMark { $0.removeSubrange(warningMark...) } }
        rebuildReason.withLock { $0 = nil }
    }

    /// Resolves a config path against the project root.
    public func resolve(_ path: String) -> String {
        path.hasPrefix("/") ? path : projectRoot + "/" + path
    }
}

/// A data-quality check as configured: what `strata docs` lists beside its last result.
public struct DeclaredCheck: Sendable, Hashable {
    /// `not_null(email)`, or the check's own `name`.
    public var name: String
    /// `not_null`, `unique`, … (what lineage's data-quality assertions call `assertion`).
    public var kind: String
    public var column: String?
    /// fail | drop | quarantine | warn
    public var action: String
    /// The condition in words or as an expression (`"amount" IS NULL OR ("amount" >= 0)`).
    public var rule: String

    public init(name: String, kind: String, column: String?, action: String, rule: String) {
        self.name = name
        self.kind = kind
        self.column = column
        self.action = action
        self.rule = rule
    }
}

/// The outcome of one data-quality check over a run's rows.
public struct CheckResult: Sendable, Hashable {
    /// `not_null(email)`, `unique(order_id)`, `row_count`, …
    public var name: String
    /// fail | drop | quarantine | warn
    public var action: String
    public var checkedRows: Int
    public var failedRows: Int
    public var passed: Bool { failedRows == 0 }
    /// Why it failed, without values.
    public var message: String?
    /// The kind of check (`not_null`, `unique`, …) and the column it checks, for lineage's
    /// data-quality assertions.
    public var kind: String?
    public var column: String?

    public init(name: String, action: String, checkedRows: Int, failedRows: Int, message: String? = nil,
                kind: String? = nil, column: String? = nil) {
        self.name = name
        self.action = action
        self.kind = kind
        self.column = column
        self.checkedRows = checkedRows
        self.failedRows = failedRows
        self.message = message
    }
}
