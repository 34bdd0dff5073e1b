public import StrataCore
import StrataGovernance
import Synchronization

/// Collects a pipeline run's quarantined rows as columns of the quarantine table.
///
/// The quarantine table `quarantine.<layer>_<name>` has one row per rejected input row:
/// `_reason`, `_source_file`, `_line`, `_raw`, `_run_id`, `_pipeline`, `_quarantined_at`.
/// The raw row is stored (it is data, governed like bronze), never printed.
public final class QuarantineCollector: QuarantineSink {
    public static let schema = Schema([
        Field("_reason", .string, nullable: false),
        Field("_source_file", .string, nullable: false),
        Field("_line", .int64, nullable: false),
        Field("_raw", .string),
        Field("_run_id", .string, nullable: false),
        Field("_pipeline", .string, nullable: false),
        Field("_quarantined_at", .timestamp, nullable: false),
    ])

    private let records = Mutex<[QuarantineRecord]>([])

    public init() {}

    public func quarantine(_ record: QuarantineRecord) {
        records.withLock { $0.append(record) }
    }

    public var count: Int { records.withLock { $0.count } }

    /// Forgets every row (the pipeline's write restarts from its input).
    public func reset() {
        records.withLock { $0.removeAll() }
    }

    /// The collected rows as one batch.
    public func batch(runId: String, pipeline: String, at time: Int64) -> Batch {
        let rs = records.withLock { $0 }
        var reason = ColumnBuilder(type: .string, capacity: rs.count)
        var file = ColumnBuilder(type: .string, capacity: rs.count)
        var line = ColumnBuilder(type: .int64, capacity: rs.count)
        var raw = ColumnBuilder(type: .string, capacity: rs.count)
        for r in rs {
            reason.append(r.reason)
            file.append(r.sourceFile)
            line.append(Int64(r.line))
            raw.append(r.raw)
        }
        return Batch(schema: Self.schema, columns: [
            reason.finish(), file.finish(), line.finish(), raw.finish(),
            .repeating(.string(runId), type: .string, count: rs.count),
            .repeating(.string(pipeline), type: .string, count: rs.count),
            .repeating(.timestamp(time), type: .timestamp, count: rs.count),
        ])
    }

    /// The rows as the quarantine table may store them, and the record saying so. Rejects of a
    /// bronze pipeline keep `_raw` as delivered (bronze stores raw); rejects of a silver or gold
    /// pipeline are rows of that layer, so their `_raw` (every column of the row, PII included) is
    /// encrypted with the `tokenize` key: only a role allowed to `strata unmask` reads it back.
    static func governed(_ batch: Batch, for target: TableRef, masker: Masker, policyDigest: String) throws -> (batch: Batch, record: GovernanceRecord) {
        var masks: [String: MaskMethod] = [:]
        var b = batch
        if target.layer != .bronze, let i = batch.schema.index(of: "_raw") {
            var columns = batch.columns
            columns[i] = try masker.apply(.tokenize, to: columns[i], name: "_raw")
            b = Batch(schema: batch.schema, columns: columns)
            masks["_raw"] = .tokenize
        }
        let record = GovernanceRecord(policyDigest: policyDigest, columns: batch.schema.names, declared: [:], propagated: [:],
                                      final: [:], masks: masks, declassified: [])
        return (b, record)
    }

    /// The quarantine table for a target table.
    public static func table(for target: TableRef) -> TableRef {
        TableRef(layer: .quarantine, name: "\(target.layer.rawValue)_\(target.name)")
    }
}
