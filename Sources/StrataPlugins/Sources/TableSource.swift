public import StrataCore
public import StrataConfig
public import StrataFormats
import Foundation

/// `type: table` source: reads a Delta table of the lake, by default only what is new since the
/// pipeline's last run.
public struct TableSource: SourceConfig {
    public static let descriptor = PluginDescriptor(
        name: "table", kind: .source,
        summary: "Read a table of the lake (a Delta table written by Strata).",
        doc: """
        Reads the table's live Parquet files with Strata's own reader. With `incremental: true` (the \
        default) a run reads only the files committed since this pipeline last ran; `--full-refresh` \
        reads everything. When the table was rewritten since (a full refresh or overwrite upstream), it is \
        read whole and an appending pipeline replaces its own table's rows instead of adding them again; \
        re-masking rewrites (after a policy change) bring no new rows. The pipeline runs after the pipeline \
        that writes the table.
        """,
        keys: [
            ConfigKey("table", "layer.name", required: true, "The table to read, e.g. bronze.users."),
            ConfigKey("columns", "[string]", "Read only these columns (default: all)."),
            ConfigKey("version", "int", "Read this table version (time travel) instead of the latest; implies incremental: false."),
            ConfigKey("incremental", "bool", default: "true", "Read only files committed since the pipeline's last run."),
        ],
        example: """
        source:
          type: table
          table: bronze.transactions
        """,
        make: { m in .source(try TableSource(m)) })

    public let table: TableRef
    public let columns: [String]?
    public let version: Int64?
    public let incremental: Bool
    public var readsIncrementally: Bool { incremental }

    public init(_ m: ConfigMap) throws {
        table = try TableRef(parsing: try m.requiredString("table"), location: m.node("table")?.location, path: m.keyPath("table"))
        columns = try m.stringList("columns")
        version = try m.int("version").map(Int64.init)
        incremental = version == nil ? try m.bool("incremental", default: true) : false
    }

    public var reads: [TableRef] { [table] }

    public func outputSchema(_ resolver: any SchemaResolver) throws -> Schema? {
        guard let s = resolver.schema(of: table) else { return nil }
        guard let columns else { return s }
        return Schema(try columns.map { s[try s.require($0, table: table.description)] })
    }

    /// The snapshot this run reads and, for an incremental read, only the files committed since the
    /// pipeline's last run; records the version read in the run's state.
    /// The native reader and the Spark engine both read exactly these files.
    public func selection(_ context: RunContext) throws -> (version: Int64, files: [DeltaAddFile]) {
        let path = context.lakeRoot + "/" + table.relativePath
        let log = DeltaLog(tablePath: path)
        guard log.exists() else {
            throw StrataError(.notFound, "\(table) does not exist yet", hint: "run the pipeline that writes it first")
        }
        let latest = try log.snapshot(at: version)
        let key = "table:" + table.description
        var only: [DeltaAddFile]? = nil
        if incremental && !context.fullRefresh, let seenText = context.previousState[key], let seen = Int64(seenText) {
            if seen >= latest.version {
                only = []
            } else {
                switch try DeltaChanges.between(log, seen: seen, latest: latest.version) {
                case .files(let files):
                    let root = log.tablePath + "/"
                    if let gone = files.first(where: { !FileManager.default.fileExists(atPath: root + $0.path) }) {
                        // Compacted away and then vacuumed: its rows are only in the compacted file.
                        context.warn("\(table): \(gone.path) was compacted and vacuumed before this pipeline read it; reading the table whole and rebuilding")
                        context.requestRebuild("\(table) was compacted and vacuumed")
                    } else {
                        only = files
                    }
                case .rebuild(let reason):
                    // Reading it whole and appending would add every row again: the pipeline rebuilds instead.
                    context.warn("\(table): \(reason); reading it whole and rebuilding")
                    context.requestRebuild("\(table) was rewritten")
                }
            }
        }
        if incremental { context.recordState(key, String(latest.version)) }
        return (latest.version, only ?? latest.files)
    }

    public func open(_ context: RunContext) throws -> any BatchReader {
        let (version, files) = try selection(context)
        let reader = try context.openTable(table, version: version, onlyFiles: files, columns: columns)
        return CountingReader(reader, context: context)
    }
}

/// Reports the rows a reader yields to the run's progress counters.
final class CountingReader: BatchReader {
    let inner: any BatchReader
    let context: RunContext
    init(_ inner: any BatchReader, context: RunContext) {
        self.inner = inner
        self.context = context
    }
    var schema: Schema { inner.schema }
    func next() throws -> Batch? {
        let b = try inner.next()
        if let b { context.addInput(rows: b.rowCount, bytes: 0) }
        return b
    }
}
