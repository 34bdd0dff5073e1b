public import StrataCore
import Foundation

/// Reads a Delta table written by Strata: the snapshot's live files in order, each conformed to the
/// table schema (columns added later read as null), with partition columns restored from the paths.
///
/// Row groups are read and decoded on a thread of their own, one batch ahead of the caller, so
/// decoding overlaps with the pipeline's transforms and encoding. Batches come out in file order.
public final class DeltaTableReader: BatchReader {
    public let schema: Schema
    public let snapshot: DeltaSnapshot
    private let cursor: Cursor
    private var producer: BackgroundProducer<Batch?>?
    private var finished = false

    /// Opens `tablePath` at `version` (latest when nil), reading only `files` when given
    /// (for incremental reads), and only `columns` when given.
    public init(tablePath: String, version: Int64? = nil, onlyFiles: [DeltaAddFile]? = nil, columns: [String]? = nil) throws {
        let log = DeltaLog(tablePath: tablePath)
        let snap = try log.snapshot(at: version)
        self.snapshot = snap
        let schema: Schema
        if let columns {
            var fs: [Field] = []
            for c in columns { fs.append(snap.schema[try snap.schema.require(c, table: tablePath)]) }
            schema = Schema(fs)
        } else {
            schema = snap.schema
        }
        self.schema = schema
        cursor = Cursor(tablePath: tablePath, schema: schema, snapshot: snap, files: onlyFiles ?? snap.files)
    }

    public func next() throws -> Batch? {
        if finished { return nil }
        if producer == nil {
            let cursor = self.cursor
            producer = BackgroundProducer(depth: 1) {
                let b = try cursor.next()
                return (b, b == nil)
            }
        }
        let (batch, last) = try producer!.next()
        if last { finished = true }
        return batch
    }
}

/// The reading state of a `DeltaTableReader`, used by its reading thread only.
private final class Cursor: @unchecked Sendable {
    let schema: Schema
    let snapshot: DeltaSnapshot
    private let tablePath: String
    private var files: [DeltaAddFile]
    private var current: ParquetReader?
    private var currentFile: DeltaAddFile?
    /// Rows of the current file a deletion vector removed (ascending), and the next row's index.
    private var deleted: [Int64] = []
    private var deletedAt = 0
    private var fileRow: Int64 = 0

    init(tablePath: String, schema: Schema, snapshot: DeltaSnapshot, files: [DeltaAddFile]) {
        self.tablePath = tablePath
        self.schema = schema
        self.snapshot = snapshot
        self.files = files.reversed()
    }

    /// A decoded row group handed out in slices, and the next slice's first row.
    private var group: Batch?
    private var groupOffset = 0

    /// The next batch: row groups of more than two `Batch.preferredRows` come in slices of that
    /// size, so downstream operators hold small batches (the row group itself stays in memory
    /// until its last slice is out).
    func next() throws -> Batch? {
        if let g = group {
            let end = min(groupOffset + Batch.preferredRows, g.rowCount)
            var b = g.slice(groupOffset..<end)
            b.origin = g.origin
            groupOffset = end
            if end == g.rowCount { group = nil }
            return b
        }
        while true {
            if let r = current, let f = currentFile {
                if var b = try r.next() {
                    if !deleted.isEmpty { b = dropDeleted(b) }
                    let out = try conform(b, file: f)
                    if out.rowCount > 2 * Batch.preferredRows && !out.columns.isEmpty {
                        group = out
                        groupOffset = 0
                        return try next()
                    }
                    return out
                }
                current = nil
                currentFile = nil
            }
            guard let f = files.popLast() else { return nil }
            let path = tablePath + "/" + f.path
            let stored = schema.fields.filter { !snapshot.metadata.partitionColumns.contains($0.name) }.map(\.name)
            let fileSchema = try ParquetReader.readSchema(path: path)
            current = try ParquetReader(path: path, columns: stored.filter { fileSchema.index(of: $0) != nil })
            currentFile = f
            deleted = try f.deletionVector?.deletedRows(tablePath: tablePath) ?? []
            deletedAt = 0
            fileRow = 0
        }
    }

    /// `b` (the file's next rows) without the rows its deletion vector removed.
    private func dropDeleted(_ b: Batch) -> Batch {
        let start = fileRow
        fileRow += Int64(b.rowCount)
        var keep: [Int] = []
        keep.reserveCapacity(b.rowCount)
        for r in 0..<b.rowCount {
            let index = start + Int64(r)
            while deletedAt < deleted.count && deleted[deletedAt] < index { deletedAt += 1 }
            if deletedAt < deleted.count && deleted[deletedAt] == index { continue }
            keep.append(r)
        }
        if keep.count == b.rowCount { return b }
        var out = b.columns.isEmpty ? Batch(rowCount: keep.count) : b.take(keep)
        out.origin = b.origin
        return out
    }

    private func conform(_ b: Batch, file: DeltaAddFile) throws -> Batch {
        var cols: [Column] = []
        for f in schema.fields {
            if var c = b.column(named: f.name) {
                // A writer that left a string column's Parquet annotation out stored text all the same.
                if c.type == .binary && f.type == .string { c = Column(type: .string, values: c.values, validity: c.validity) }
                guard c.type == f.type else {
                    throw StrataError(.schemaMismatch, "column '\(f.name)' is \(c.type) in \(file.path) but \(f.type) in the table",
                                      location: nil, path: tablePath)
                }
                cols.append(c)
            } else if snapshot.metadata.partitionColumns.contains(f.name) {
                let text = file.partitionValues[f.name] ?? nil
                let v = try DeltaPartitions.value(text, type: f.type, column: f.name)
                cols.append(.repeating(v, type: f.type, count: b.rowCount))
            } else {
                cols.append(.nulls(f.type, count: b.rowCount))
            }
        }
        var out = Batch(schema: schema, columns: cols)
        out.origin = file.path
        if schema.count == 0 { out = Batch(rowCount: b.rowCount) }
        return out
    }
}
