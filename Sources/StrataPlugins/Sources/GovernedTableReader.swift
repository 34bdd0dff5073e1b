public import StrataCore
public import StrataFormats

extension RunContext {
    /// Opens a lake table for a plugin (table source, join, union, relationship checks): every
    /// batch passes the engine's read governance, so a file stored before a column was masked
    /// reaches the pipeline masked like the rest of the table.
    public func openTable(_ table: TableRef, version: Int64? = nil, onlyFiles: [DeltaAddFile]? = nil,
                          columns: [String]? = nil) throws -> any BatchReader {
        let reader = try DeltaTableReader(tablePath: lakeRoot + "/" + table.relativePath, version: version,
                                          onlyFiles: onlyFiles, columns: columns)
        return GovernedTableReader(reader, table: table, governor: governTableRead)
    }
}

/// A table reader whose batches pass the engine's read governance.
final class GovernedTableReader: BatchReader {
    let inner: DeltaTableReader
    let table: TableRef
    let governor: TableReadGovernor?

    init(_ inner: DeltaTableReader, table: TableRef, governor: TableReadGovernor?) {
        self.inner = inner
        self.table = table
        self.governor = governor
    }

    var schema: Schema { inner.schema }

    /// Batches come out governed, their origin naming the table, version and file
    /// (`bronze.users@3:part-00000-….parquet`): the provenance quarantined rows keep.
    func next() throws -> Batch? {
        guard let b = try inner.next() else { return nil }
        var out = try governor.map { try $0(table, b) } ?? b
        out.origin = "\(table)@\(inner.snapshot.version):" + (b.origin ?? "")
        return out
    }
}
