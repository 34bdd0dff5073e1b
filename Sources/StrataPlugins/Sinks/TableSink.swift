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
        `mode: merge` upserts on `keys` (matched rows replaced, others inserted); `mode: scd2` keeps a \
        Type 2 history with `valid_from`, `valid_to` and `is_current` (a change of a `tracked` column closes \
        the current version and opens a new one). Merge and scd2 read and rewrite only the part files that \
        can hold an incoming key (by their min/max statistics and partition values, then their rows), add new \
        keys in new files, commit once, skip the commit when nothing changed (so re-running the same input \
        changes nothing), and hold the files they rewrite in memory while merging. The table's CHECK \
        constraints and invariants are enforced: violating rows go to quarantine. \
        `strata run --full-refresh` turns every write into a rebuild.
        """,
        keys: [
            ConfigKey("table", "layer.name", required: true, "The table to write, e.g. bronze.users."),
            ConfigKey("mode", "append | overwrite | merge | scd2", default: "append", "append adds rows; overwrite replaces the table's rows; merge upserts on keys; scd2 keeps history."),
            ConfigKey("keys", "[string]", "Key columns for merge and scd2."),
            ConfigKey("tracked", "[string]", "scd2: the columns whose change opens a new version (default: all but the keys)."),
            ConfigKey("effective_at", "string", "scd2: a timestamp or date column giving when each row became true (default: the run's start time)."),
            ConfigKey("partition_by", "[string]", default: "[]", "Columns to partition by: Hive-style key=value folders."),
            ConfigKey("compression", "zstd | snappy | gzip | none", default: "zstd", "Parquet page compression (all four read in Spark, delta-rs, DuckDB and pyarrow). zstd level 1 is the default: on the ingest benchmark 10 % faster and 10 % smaller than gzip level 1; snappy is faster still but 43 % larger (BENCHMARKS.md)."),
            ConfigKey("compression_level", "int", default: "1", "gzip 1..9 or zstd 1..22: 1 fastest (the default), higher smaller; snappy and none take no level."),
            ConfigKey("row_group_rows", "int", default: "1000000", "Rows per Parquet row group."),
            ConfigKey("dictionary", "bool", default: "true", "Dictionary-encode columns with few distinct values."),
            ConfigKey("max_file_rows", "int", default: "10000000", "Start a new part file after this many rows (merge and scd2: 1000000 by default, so a merge rewrites only the files that hold its keys)."),
            ConfigKey("checkpoint_interval", "int", default: "10", "Write a Delta checkpoint every this many commits (0: never); the table property delta.checkpointInterval wins."),
        ],
        example: """
        sink:
          type: table
          table: bronze.transactions
          mode: append
          partition_by: [country]
        """,
        make: { m in .sink(try TableSink(m)) })

    /// How rows land in the table.
    public enum Mode: String, CaseIterable, Sendable { case append, overwrite, merge, scd2 }

    public let target: TableRef
    public let options: TableWriteOptions
    public let mode: Mode
    public let keys: [String]
    public let tracked: [String]?
    public let effectiveAt: String?

    public init(_ m: ConfigMap) throws {
        let text = try m.requiredString("table")
        target = try TableRef(parsing: text, location: m.node("table")?.location, path: m.keyPath("table"))
        guard target.layer != .quarantine else {
            throw m.error("table", .invalidConfig, "the quarantine layer is written by Strata itself",
                          hint: "write to bronze, silver or gold")
        }
        var o = TableWriteOptions()
        mode = try m.choice("mode", default: Mode.append)
        o.mode = mode == .append ? .append : .overwrite
        keys = try m.stringList("keys") ?? []
        tracked = try m.stringList("tracked")
        effectiveAt = try m.string("effective_at")
        if (mode == .merge || mode == .scd2) && keys.isEmpty {
            throw m.error("keys", .missingKey, "mode \(mode.rawValue) needs key columns", hint: "add `keys: [id]`")
        }
        if mode != .scd2, let k = ["tracked", "effective_at"].first(where: { m.has($0) }) {
            throw m.error(k, .invalidConfig, "'\(k)' applies to mode scd2 only")
        }
        if mode != .merge && mode != .scd2 && m.has("keys") {
            throw m.error("keys", .invalidConfig, "'keys' applies to modes merge and scd2 only")
        }
        o.partitionBy = try m.stringList("partition_by") ?? []
        o.parquet.compression = try m.choice("compression", default: ParquetCompression.zstd)
        if m.has("compression_level") && o.parquet.compression.levels == nil {
            throw m.error("compression_level", .invalidConfig, "compression \(o.parquet.compression.rawValue) takes no level")
        }
        let levels = o.parquet.compression.levels ?? 1...1
        o.parquet.compressionLevel = try m.int("compression_level", default: 1, range: levels)
        o.parquet.rowGroupRows = try m.int("row_group_rows", default: 1_000_000, range: 1...100_000_000)
        o.parquet.dictionary = try m.bool("dictionary", default: true)
        o.maxFileRows = try m.int("max_file_rows", default: mode == .merge || mode == .scd2 ? 1_000_000 : 10_000_000, range: 1...1_000_000_000)
        o.checkpointInterval = try m.int("checkpoint_interval", default: 10, range: 0...1_000_000)
        options = o
    }

    /// Metadata columns bronze tables carry.
    public static let bronzeColumns = [
        Field("_ingested_at", .timestamp, nullable: false),
        Field("_source_file", .string),
        Field("_run_id", .string, nullable: false),
    ]

    public func outputSchema(input: Schema) throws -> Schema {
        // A file source with no new files reads no columns at all: nothing is written, nothing to check.
        if input.count == 0 { return input }
        for k in keys { _ = try input.require(k, path: "sink.keys", table: "the pipeline's output") }
        for k in tracked ?? [] { _ = try input.require(k, path: "sink.tracked", table: "the pipeline's output") }
        if let e = effectiveAt {
            let i = try input.require(e, path: "sink.effective_at", table: "the pipeline's output")
            guard input[i].type == .timestamp || input[i].type == .date else {
                throw StrataError(.typeMismatch, "effective_at column '\(e)' is \(input[i].type); expected timestamp or date", path: "sink.effective_at")
            }
        }
        if mode == .scd2 {
            var s = input
            for f in [TableMerge.validFrom, TableMerge.validTo, TableMerge.isCurrent] {
                guard input.index(of: f.name) == nil else {
                    throw StrataError(.schemaMismatch, "the pipeline's output already has a column '\(f.name)', which scd2 adds", path: "sink.mode")
                }
                s.append(f)
            }
            return s
        }
        for p in options.partitionBy where input.index(of: p) == nil && !(target.layer == .bronze && Self.bronzeColumns.contains { $0.name == p }) {
            throw StrataError(.schemaMismatch, "partition column '\(p)' is not a column of the pipeline's output",
                              path: "sink.partition_by", hint: Suggest.hint(for: p, in: input.names))
        }
        for p in options.partitionBy {
            if let i = input.index(of: p), input[i].type == .binary {
                throw StrataError(.typeMismatch, "partition column '\(p)' is binary; a folder name cannot hold raw bytes", path: "sink.partition_by")
            }
        }
        guard target.layer == .bronze else { return input }
        var s = input
        for f in Self.bronzeColumns { s.append(f) }
        return s
    }

    /// Sends rows that break the table's CHECK constraints or invariants to the run's quarantine,
    /// the reason naming the rule (its expression is schema, not data).
    static func quarantine(_ table: TableRef, _ context: RunContext) -> (Batch, [(row: Int, check: DeltaConstraints.Check)]) -> Void {
        { batch, violations in
            RowQuarantine.send(batch, rows: violations.map(\.row),
                               reasons: violations.map { "violates the \($0.check.label) of \(table): \($0.check.expression)" },
                               context: context)
        }
    }

    public func open(input: Schema, _ context: RunContext) throws -> any BatchSink {
        var o = options
        // A full refresh, or a source reading a rewritten upstream whole, replaces the rows.
        if context.fullRefresh || context.rebuild != nil { o.mode = .overwrite }
        let schema = try outputSchema(input: input)
        let path = context.lakeRoot + "/" + target.relativePath
        if mode == .merge || mode == .scd2 {
            return MergeBatchSink(config: self, schema: schema, tablePath: path, context: context)
        }
        let writer = try DeltaTableWriter(table: target, tablePath: path, schema: schema, options: o)
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
        try writer.write(b, rejected: TableSink.quarantine(config.target, context))
    }

    func stage() throws -> SinkStage {
        let op = context.fullRefresh || context.rebuild != nil || config.options.mode == .overwrite ? "OVERWRITE" : "WRITE"
        return SinkStage(write: try writer.stage(), operation: op)
    }

    func abort() { writer.abort() }
}

/// The runtime half of `TableSink` for `merge` and `scd2`: collects the run's rows, merges them with
/// the table in memory and stages the result as one overwrite, or nothing (only the state) when nothing changed.
final class MergeBatchSink: BatchSink {
    let config: TableSink
    let schema: Schema
    let tablePath: String
    let context: RunContext
    var incoming: [Batch] = []
    var staged: DeltaTableWriter?

    init(config: TableSink, schema: Schema, tablePath: String, context: RunContext) {
        self.config = config
        self.schema = schema
        self.tablePath = tablePath
        self.context = context
    }

    func write(_ batch: Batch) throws { incoming.append(batch) }

    func stage() throws -> SinkStage {
        let inputSchema = incoming.first?.schema ?? Schema(schema.fields.filter {
            ![TableMerge.validFrom.name, TableMerge.validTo.name, TableMerge.isCurrent.name].contains($0.name) || config.mode != .scd2
        })
        var input = Batch.concat(incoming, schema: inputSchema)
        let log = DeltaLog(tablePath: tablePath)
        if log.exists(), input.rowCount > 0 {
            // Incoming rows that break the table's constraints go to quarantine before the merge.
            // Rules over columns the merge itself adds (scd2's valid_from…) cannot be checked on
            // the input: the writer checks the merged rows and refuses the write instead.
            let meta = try log.snapshot().metadata
            if let rules = try? DeltaConstraints(metadata: meta, schema: input.schema, table: config.target.description) { // see above
                let violations = try rules.violations(input)
                if !violations.isEmpty {
                    TableSink.quarantine(config.target, context)(input, violations)
                    let bad = Set(violations.map(\.row))
                    input = input.take((0..<input.rowCount).filter { !bad.contains($0) })
                }
            }
        }
        var existing = Batch.empty(schema)
        // Merging into an existing table reads and rewrites only the files that hold incoming
        // keys (by their statistics, then their rows); the others stay as they are.
        var replaced: Set<String>?
        var readVersion: Int64?
        var untouchedRows = 0
        var filesRead = 0
        if log.exists() && !context.fullRefresh {
            let snap = try log.snapshot()
            readVersion = snap.version
            guard snap.schema == schema else {
                throw StrataError(.schemaMismatch, "\(config.target) has schema \(snap.schema), the pipeline now produces \(schema)",
                                  hint: "rebuild it with `strata run --full-refresh \(config.target)`")
            }
            let candidates = FileMerge.candidates(snap.files, keys: config.keys, incoming: input) { f, column in
                // A footer that cannot be read prunes nothing: the file is read (and fails then, if damaged).
                (try? ParquetReader(path: tablePath + "/" + f.path))?.columnRange(column).map { ($0.min, $0.max) }
            }
            let keyColumns = try TableMerge.indices(config.keys, input.schema, table: config.target)
            // A file row matches when its key is an incoming one. Lookups treat a null key as no
            // key, so incoming rows with a null key make every candidate file count as matched.
            let index = KeyIndex(types: keyColumns.map { input.schema[$0].type })
            let inputKeys = keyColumns.map { input.columns[$0] }
            _ = index.assign(inputKeys, rows: input.rowCount)
            let nullKeys = (0..<input.rowCount).contains { RowKey.hasNull(inputKeys, $0) }
            var parts: [Batch] = []
            var touched = Set<String>()
            for f in candidates {
                let reader = try context.openTable(config.target, version: snap.version, onlyFiles: [f])
                var rows: [Batch] = []
                var matches = nullKeys
                while let b = try reader.next() {
                    if !matches {
                        let ek = try TableMerge.indices(config.keys, b.schema, table: config.target).map { b.columns[$0] }
                        matches = index.lookup(ek, rows: b.rowCount).contains { $0 >= 0 }
                    }
                    rows.append(b)
                }
                if matches {
                    touched.insert(f.path)
                    parts += rows
                }
            }
            filesRead = candidates.count
            untouchedRows = snap.files.filter { !touched.contains($0.path) }.reduce(0) { $0 + ($1.numRecords ?? 0) }
            existing = Batch.concat(parts, schema: schema)
            replaced = touched
        }
        let outcome: TableMerge.Outcome
        switch config.mode {
        case .scd2:
            let effective: [Int64]
            if let e = config.effectiveAt, let i = input.schema.index(of: e) {
                let c = input.columns[i]
                guard case .int64(let v) = c.values else { throw StrataError(.internalError, "effective_at storage") }
                effective = (0..<input.rowCount).map { r in
                    c.isNull(r) ? context.startedAt : (c.type == .date ? v[r] * Temporal.microsPerDay : v[r])
                }
            } else {
                effective = [Int64](repeating: context.startedAt, count: input.rowCount)
            }
            let tracked = config.tracked ?? input.schema.names.filter { !config.keys.contains($0) }
            outcome = try TableMerge.scd2(existing: existing, incoming: input, keys: config.keys, tracked: tracked,
                                          effective: effective, table: config.target)
        default:
            outcome = try TableMerge.upsert(existing: existing, incoming: input, keys: config.keys, table: config.target)
        }
        var info = ["strataInserted": String(outcome.inserted), "strataUpdated": String(outcome.updated + outcome.closed),
                    "strataUnchanged": String(outcome.unchanged)]
        let exists = log.exists()
        var o = config.options
        if let replaced, outcome.changed {
            // Only the files holding matched keys are rewritten; new keys go to new files.
            o.mode = .append
            o.replacing = replaced
            o.evolveSchema = false
            info["strataFilesRewritten"] = String(replaced.count)
            info["strataRowsUntouched"] = String(untouchedRows)
            info["strataFilesRead"] = String(filesRead)
            let w = try DeltaTableWriter(table: config.target, tablePath: tablePath, schema: schema, options: o)
            staged = w
            // The rows merged were read at `readVersion`; a commit by another writer since (a
            // delete by deletion vector, an append of a merged key) would be undone or doubled.
            guard w.baseVersion == readVersion else {
                throw StrataError(.conflict, "\(config.target) changed while it was being merged (version \(readVersion ?? -1) → \(w.baseVersion ?? -1)); nothing was committed",
                                  hint: "run again")
            }
            try w.write(outcome.result)
            return SinkStage(write: try w.stage(), operation: config.mode == .scd2 ? "MERGE (SCD2)" : "MERGE", info: info, force: true,
                             reportedRows: outcome.inserted + outcome.updated + outcome.closed)
        }
        if outcome.changed || !exists || context.fullRefresh {
            o.mode = .overwrite
            let w = try DeltaTableWriter(table: config.target, tablePath: tablePath, schema: schema, options: o)
            staged = w
            try w.write(outcome.result)
            return SinkStage(write: try w.stage(), operation: config.mode == .scd2 ? "MERGE (SCD2)" : "MERGE", info: info, force: true,
                             reportedRows: outcome.inserted + outcome.updated + outcome.closed)
        }
        // Nothing changed: the engine records only the new incremental state, if any (beside the log).
        o.mode = .append
        let w = try DeltaTableWriter(table: config.target, tablePath: tablePath, schema: schema, options: o)
        return SinkStage(write: try w.stage(), operation: "MERGE", info: info, reportedRows: 0, unchanged: true)
    }

    func abort() { staged?.abort() }
}
