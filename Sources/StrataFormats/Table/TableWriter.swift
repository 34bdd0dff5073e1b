public import StrataCore
import Foundation

/// How a commit treats the rows already in the table.
public enum WriteMode: String, Sendable, CaseIterable {
    /// Adds the new rows.
    case append
    /// Replaces every row of the table with the new rows, in one commit.
    case overwrite
}

/// Options of a table write.
public struct TableWriteOptions: Sendable {
    public var mode: WriteMode = .append
    public var partitionBy: [String] = []
    public var parquet = ParquetWriteOptions()
    /// A part file is closed and a new one started after this many rows.
    public var maxFileRows = 10_000_000
    /// Allow adding new nullable columns to an existing table's schema on append.
    public var evolveSchema = true
    /// A rewrite of the same rows (re-masking): adds and removes say `dataChange: false`, so
    /// incremental readers know no row is new.
    public var rewrite = false
    /// Write a Parquet checkpoint after every this many commits (version 10, 20…; 0 never).
    /// The table property `delta.checkpointInterval` wins when set.
    public var checkpointInterval = 10
    /// With mode append: the live files (by path) the commit removes, replacing them with the
    /// files it adds (compaction, merges that rewrite only the files holding matched keys).
    public var replacing: Set<String> = []

    public init() {}
}

/// Writes batches into a Delta table as Parquet part files, staged for one atomic commit.
///
/// Part files are written under `<table>/_staging/` (ignored by every reader, as it starts with `_`)
/// and moved into place just before the commit; `abort` deletes them. Batches are conformed to the
/// table schema: missing nullable columns become null, new columns extend the schema (when allowed).
public final class DeltaTableWriter {
    public let table: TableRef
    public let tablePath: String
    public private(set) var schema: Schema
    private let options: TableWriteOptions
    private let log: DeltaLog
    private let existing: DeltaSnapshot?
    private let stagingDir: String
    private var open: [String: (writer: ParquetWriter, staged: String, relative: String, values: [String: String?], rows: Int)] = [:]
    private var finished: [(staged: String, relative: String, values: [String: String?], summary: ParquetFileSummary)] = []
    private var partIndex = 0
    /// Encode workers shared by all part files of this write.
    private lazy var pool: WorkerPool? = options.parquet.threads > 1 ? WorkerPool(threads: options.parquet.threads) : nil
    private let writeId = UUID().uuidString.lowercased()
    public private(set) var rows = 0
    /// The table's CHECK constraints and invariants: a batch with a violating row is refused
    /// (pipelines quarantine such rows before they reach the writer).
    public private(set) var constraints = DeltaConstraints.none
    /// The table version the write is based on (nil for a new table); the commit conflicts if
    /// another writer commits after it.
    public var baseVersion: Int64? { existing?.version }

    public init(table: TableRef, tablePath: String, schema: Schema, options: TableWriteOptions) throws {
        self.table = table
        self.tablePath = tablePath
        self.options = options
        self.log = DeltaLog(tablePath: tablePath)
        self.existing = log.exists() ? try log.snapshot(at: nil) : nil
        if let existing, options.mode == .append {
            if existing.metadata.partitionColumns != options.partitionBy {
                throw StrataError(.schemaMismatch, "\(table) is partitioned by [\(existing.metadata.partitionColumns.joined(separator: ", "))], the write by [\(options.partitionBy.joined(separator: ", "))]",
                                  hint: "keep partition_by as it was, or rebuild with --full-refresh")
            }
            self.schema = try Self.merge(existing.schema, schema, table: table, evolve: options.evolveSchema)
        } else {
            self.schema = schema
        }
        // Checked against the merged schema: an append of nothing (no new files) has no columns.
        for p in options.partitionBy where self.schema.index(of: p) == nil {
            throw StrataError(.schemaMismatch, "partition column '\(p)' is not a column of \(table)",
                              hint: Suggest.hint(for: p, in: self.schema.names))
        }
        self.stagingDir = tablePath + "/_staging/" + writeId
        if let existing {
            try Self.checkWritable(existing, table: table, options: options)
            constraints = try DeltaConstraints(metadata: existing.metadata, schema: self.schema, table: table.description)
        }
    }

    /// Refuses a write the table's protocol or properties forbid: a writer feature Strata does
    /// not support, or rows removed from an append-only table.
    public static func checkWritable(_ existing: DeltaSnapshot, table: TableRef, options: TableWriteOptions) throws {
        if let why = existing.writeRefusal {
            throw StrataError(.unsupported, "strata will not write \(table): \(why)",
                              hint: "write this table with Spark or delta-rs; strata never writes around a table feature")
        }
        if existing.metadata.appendOnly && (options.mode == .overwrite || !options.replacing.isEmpty) && !options.rewrite && !existing.files.isEmpty {
            throw StrataError(.conflict, "\(table) is append-only (delta.appendOnly = true): this write would remove its rows",
                              hint: "write with mode: append, or unset delta.appendOnly on the table first")
        }
    }

    /// The table schema after merging `incoming` into `current`: same-named columns must agree on
    /// type; new columns are appended as nullable.
    static func merge(_ current: Schema, _ incoming: Schema, table: TableRef, evolve: Bool) throws -> Schema {
        var out = current
        for f in incoming.fields {
            if let c = current.field(named: f.name) {
                guard c.type == f.type else {
                    throw StrataError(.schemaMismatch, "column '\(f.name)' of \(table) is \(c.type), the write has \(f.type)",
                                      hint: "cast it in the pipeline, or rebuild the table with --full-refresh")
                }
            } else {
                guard evolve else {
                    throw StrataError(.schemaMismatch, "column '\(f.name)' is not in \(table)", hint: "rebuild with --full-refresh")
                }
                out.append(Field(f.name, f.type, nullable: true))
            }
        }
        return out
    }

    /// Buffers a batch into part files (one per partition value set).
    ///
    /// Rows that violate the table's constraints are handed to `rejected` (with the check each
    /// fails) and not written; without `rejected`, such a batch is refused whole.
    public func write(_ batch: Batch, rejected: ((Batch, [(row: Int, check: DeltaConstraints.Check)]) -> Void)? = nil) throws {
        guard batch.rowCount > 0 else { return }
        var b = try conform(batch)
        let violations = try constraints.violations(b)
        if let v = violations.first {
            guard let rejected else {
                throw StrataError(.conflict, "row \(v.row + 1) of a batch violates the \(v.check.label) of \(table) (\(v.check.expression))",
                                  hint: "pipelines quarantine such rows; fix the data or the constraint")
            }
            rejected(b, violations)
            let bad = Set(violations.map(\.row))
            let origin = b.origin
            b = b.take((0..<b.rowCount).filter { !bad.contains($0) })
            b.origin = origin
            if b.rowCount == 0 { return }
        }
        rows += b.rowCount
        if options.partitionBy.isEmpty {
            try append(b, key: "", values: [:])
            return
        }
        let pidx = options.partitionBy.map { schema.index(of: $0)! }
        var groups: [String: [Int]] = [:]
        var order: [String] = []
        var texts: [String: [String: String?]] = [:]
        for r in 0..<b.rowCount {
            var key = ""
            var vals: [String: String?] = [:]
            for (k, ci) in pidx.enumerated() {
                let v = b.columns[ci].value(r)
                let t: String? = DeltaPartitions.valueText(v)
                vals[options.partitionBy[k]] = t
                key += (t ?? "\u{0}") + "\u{1}"
            }
            if groups[key] == nil { order.append(key); texts[key] = vals }
            groups[key, default: []].append(r)
        }
        let stored = schema.fields.indices.filter { !options.partitionBy.contains(schema[$0].name) }
        for key in order {
            let part = b.take(groups[key]!).project(stored)
            try append(part, key: key, values: texts[key]!)
        }
    }

    private var storedSchema: Schema { Schema(schema.fields.filter { !options.partitionBy.contains($0.name) }) }

    /// Appends `b` to the partition's open part file, starting a new file whenever one reaches
    /// `maxFileRows` (a batch larger than that is split across files).
    private func append(_ b: Batch, key: String, values: [String: String?]) throws {
        var start = 0
        while start < b.rowCount {
            let room = options.maxFileRows - (open[key]?.rows ?? 0)
            let end = min(b.rowCount, start + max(room, 1))
            try appendToOpenFile(start == 0 && end == b.rowCount ? b : b.slice(start..<end), key: key, values: values)
            start = end
        }
    }

    private func appendToOpenFile(_ b: Batch, key: String, values: [String: String?]) throws {
        if open[key] == nil {
            try FileManager.default.createDirectory(atPath: stagingDir, withIntermediateDirectories: true)
            let relative = DeltaPartitions.partFilePath(
                partitions: options.partitionBy.map { ($0, values[$0] ?? nil) }, index: partIndex, uuid: writeId,
                extension: options.parquet.compression.fileExtension)
            let staged = stagingDir + "/" + String(format: "%05d.parquet", partIndex)
            partIndex += 1
            let w = try ParquetWriter(path: staged, schema: storedSchema, options: options.parquet, pool: pool)
            open[key] = (w, staged, relative, values, 0)
        }
        try open[key]!.writer.write(b)
        open[key]!.rows += b.rowCount
        if open[key]!.rows >= options.maxFileRows {
            try close(key)
        }
    }

    /// Closes every open part file, so the next rows start new ones; returns the table-relative
    /// paths of the parts closed since the last call (a rewrite maps them to the file they replace).
    public func closeParts() throws -> [String] {
        for key in Array(open.keys) { try close(key) }
        let paths = finished[reported...].map(\.relative)
        reported = finished.count
        return Array(paths)
    }

    private var reported = 0

    private func close(_ key: String) throws {
        guard let o = open.removeValue(forKey: key) else { return }
        let summary = try o.writer.close()
        finished.append((o.staged, o.relative, o.values, summary))
    }

    private func conform(_ batch: Batch) throws -> Batch {
        if batch.schema == schema { return batch }
        var cols: [Column] = []
        for f in schema.fields {
            if let i = batch.schema.index(of: f.name) {
                let c = batch.columns[i]
                guard c.type == f.type else {
                    throw StrataError(.schemaMismatch, "column '\(f.name)' of \(table) is \(f.type), the batch has \(c.type)")
                }
                cols.append(c)
            } else {
                cols.append(.nulls(f.type, count: batch.rowCount))
            }
        }
        for f in batch.schema.fields where schema.index(of: f.name) == nil {
            throw StrataError(.schemaMismatch, "column '\(f.name)' is not in \(table)")
        }
        var out = Batch(schema: schema, columns: cols)
        out.origin = batch.origin
        return out
    }

    /// Closes every part file and hands the write over for committing. Only the engine commits
    /// (`StagedWrite.commit` lives in the StrataCommit module, which plugins do not depend on).
    public func stage() throws -> StagedWrite {
        for key in Array(open.keys) { try close(key) }
        return StagedWrite(table: table, tablePath: tablePath, schema: schema, storedSchema: storedSchema, options: options,
                           existing: existing, files: finished.map { StagedFile(staged: $0.staged, relative: $0.relative, partitionValues: $0.values, summary: $0.summary) },
                           rows: rows, stagingDir: stagingDir)
    }

    /// Deletes everything written; the table is unchanged.
    public func abort() {
        for (_, o) in open { _ = try? o.writer.close() } // the files are deleted next
        open.removeAll()
        StagedWrite.removeStaging(stagingDir, tablePath: tablePath)
    }
}

/// A part file written under `_staging/`, and where the commit will put it.
public struct StagedFile: Sendable {
    public let staged: String
    public let relative: String
    public let partitionValues: [String: String?]
    public let summary: ParquetFileSummary
}

/// A table write whose part files are staged and not yet visible: what a sink hands the engine.
/// Committing it (`commit(_:force:)`) is in StrataCommit; `discard()` deletes the staged files.
public struct StagedWrite {
    public let table: TableRef
    public let tablePath: String
    /// The table schema after the write.
    public let schema: Schema
    /// The schema inside the part files (partition columns live in the paths).
    public let storedSchema: Schema
    public let options: TableWriteOptions
    /// The snapshot the write is based on; nil for a new table.
    public let existing: DeltaSnapshot?
    public let files: [StagedFile]
    public let rows: Int
    public let stagingDir: String

    /// Deletes the staged files; the table is unchanged.
    public func discard() { Self.removeStaging(stagingDir, tablePath: tablePath) }

    /// Removes a write's staging folder, and `_staging` when it is left empty.
    public static func removeStaging(_ dir: String, tablePath: String) {
        let fm = FileManager.default
        try? fm.removeItem(atPath: dir) // absent already is fine; leftovers are what vacuum cleans
        let parent = tablePath + "/_staging"
        if (try? fm.contentsOfDirectory(atPath: parent))?.isEmpty == true { // not listable: nothing to remove
            try? fm.removeItem(atPath: parent) // another write may have just created it again
        }
    }
}
