public import StrataCore
public import StrataConfig
import StrataFormats
import Foundation

/// `type: table` sink: writes a Delta Lake table of Parquet files under `<lake>/<layer>/<name>/`.
public struct TableSink: SinkConfig {
    public static let descriptor = PluginDescriptor(
        name: "table", kind: .sink,
        summary: "Write a Delta Lake table (Parquet part files + _delta_log) in the lake.",
        doc: """
        Writes to `<lake>/<layer>/<name>/` and commits atomically: readers see all of a run's rows or none. \
        Bronze tables get ingestion metadata columns `_ingested_at`, `_source_file` and `_run_id`. \
        On append, new nullable columns extend the table schema; a column whose type changes is an error. \
        `strata run --full-refresh` turns every write into an overwrite.
        """,
        keys: [
            ConfigKey("table", "layer.name", required: true, "The table to write, e.g. bronze.users."),
            ConfigKey("mode", "append | overwrite", default: "append", "append adds rows; overwrite replaces the table's rows in one commit."),
            ConfigKey("partition_by", "[string]", default: "[]", "Columns to partition by: Hive-style key=value folders."),
            ConfigKey("compression", "gzip | none", default: "gzip", "Parquet page compression."),
            ConfigKey("compression_level", "int 1..9", default: "6", "gzip level: 1 fastest, 9 smallest."),
            ConfigKey("row_group_rows", "int", default: "1000000", "Rows per Parquet row group."),
            ConfigKey("dictionary", "bool", default: "true", "Dictionary-encode columns with few distinct values."),
            ConfigKey("max_file_rows", "int", default: "10000000", "Start a new part file after this many rows."),
        ],
        example: """
        sink:
          type: table
          table: bronze.transactions
          mode: append
          partition_by: [country]
        """,
        make: { m in .sink(try TableSink(m)) })

    public let target: TableRef
    public let options: TableWriteOptions

    public init(_ m: ConfigMap) throws {
        let text = try m.requiredString("table")
        target = try TableRef(parsing: text, location: m.node("table")?.location, path: m.keyPath("table"))
        guard target.layer != .quarantine else {
            throw m.error("table", .invalidConfig, "the quarantine layer is written by Strata itself",
                          hint: "write to bronze, silver or gold")
        }
        var o = TableWriteOptions()
        o.mode = try m.choice("mode", default: WriteMode.append)
        o.partitionBy = try m.stringList("partition_by") ?? []
        o.parquet.compression = try m.choice("compression", default: ParquetCompression.gzip)
        o.parquet.compressionLevel = try m.int("compression_level", default: 6, range: 1...9)
        o.parquet.rowGroupRows = try m.int("row_group_rows", default: 1_000_000, range: 1...100_000_000)
        o.parquet.dictionary = try m.bool("dictionary", default: true)
        o.maxFileRows = try m.int("max_file_rows", default: 10_000_000, range: 1...1_000_000_000)
        options = o
    }

    /// Metadata columns bronze tables carry.
    public static let bronzeColumns = [
        Field("_ingested_at", .timestamp, nullable: false),
        Field("_source_file", .string),
        Field("_run_id", .string, nullable: false),
    ]

    public func outputSchema(input: Schema) throws -> Schema {
        for p in options.partitionBy where input.index(of: p) == nil && !(target.layer == .bronze && Self.bronzeColumns.contains { $0.name == p }) {
            throw StrataError(.schemaMismatch, "partition column '\(p)' is not a column of the pipeline's output",
                              path: "sink.partition_by", hint: Suggest.hint(for: p, in: input.names))
        }
        guard target.layer == .bronze else { return input }
        var s = input
        for f in Self.bronzeColumns { s.append(f) }
        return s
    }

    public func open(input: Schema, _ context: RunContext) throws -> any BatchSink {
        var o = options
        if context.fullRefresh { o.mode = .overwrite }
        let schema = try outputSchema(input: input)
        let writer = try DeltaTableWriter(table: target, tablePath: context.lakeRoot + "/" + target.relativePath,
                                          schema: schema, options: o)
        return TableBatchSink(config: self, writer: writer, context: context)
    }
}

/// The runtime half of `TableSink`.
final class TableBatchSink: BatchSink {
    let config: TableSink
    let writer: DeltaTableWriter
    let context: RunContext

    init(config: TableSink, writer: DeltaTableWriter, context: RunContext) {
        self.config = config
        self.writer = writer
        self.context = context
    }

    func write(_ batch: Batch) throws {
        var b = batch
        if config.target.layer == .bronze {
            let n = b.rowCount
            b.set(TableSink.bronzeColumns[0], .repeating(.timestamp(context.startedAt), type: .timestamp, count: n))
            b.set(TableSink.bronzeColumns[1], b.origin.map { .repeating(.string($0), type: .string, count: n) } ?? .nulls(.string, count: n))
            b.set(TableSink.bronzeColumns[2], .repeating(.string(context.runId), type: .string, count: n))
        }
        try writer.write(b)
    }

    func commit() throws -> CommitSummary {
        var state = context.fullRefresh ? [:] : context.previousState
        let recorded = context.recordedState
        for (k, v) in recorded { state[k] = v }
        let stateChanged = state != context.previousState
        let json = (try? JSONSerialization.data(withJSONObject: state, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let op = context.fullRefresh || config.options.mode == .overwrite ? "OVERWRITE" : "WRITE"
        let ctx = CommitContext(operation: op, pipeline: context.pipeline, runId: context.runId,
                                info: [StateKeys.state: json])
        return try writer.commit(ctx, force: stateChanged)
    }

    func abort() { writer.abort() }
}

/// Names of the commitInfo fields where Strata keeps a pipeline's incremental state.
public enum StateKeys {
    public static let state = "strataState"
}
