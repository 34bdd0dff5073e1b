import StrataCore
import Foundation

/// Collects quarantined rows in memory.
public final class MemoryQuarantine: QuarantineSink, @unchecked Sendable {
    private let lock = NSLock()
    private var items: [QuarantineRecord] = []
    public init() {}
    public func quarantine(_ record: QuarantineRecord) {
        lock.lock()
        items.append(record)
        lock.unlock()
    }
    public var records: [QuarantineRecord] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}

/// Builds run contexts for plugin tests.
public enum TestContext {
    public static func make(root: String, pipeline: String = "test", fullRefresh: Bool = false,
                            previousState: [String: String] = [:], quarantine: MemoryQuarantine = MemoryQuarantine()) -> RunContext {
        RunContext(projectRoot: root, lakeRoot: root + "/datalake", runId: "00000000-0000-0000-0000-000000000001",
                   pipeline: pipeline, startedAt: 1_700_000_000_000_000, fullRefresh: fullRefresh,
                   quarantine: quarantine, previousState: previousState)
    }
}

/// The shared checks every plugin passes (style rule 12): empty input, one-row batches, a large
/// input, and the declared schema equal to the produced one.
public enum PluginConformance {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Drains a source, checking every batch against the reader's schema and the declared schema.
    public static func drain(_ source: any SourceConfig, context: RunContext, resolver: any SchemaResolver) throws -> [Batch] {
        let declared = try source.outputSchema(resolver)
        let reader = try source.open(context)
        if let declared, declared != reader.schema {
            throw Failure(description: "declared schema \(declared) differs from the reader's \(reader.schema)")
        }
        var out: [Batch] = []
        while let b = try reader.next() {
            if b.schema != reader.schema {
                throw Failure(description: "a batch has schema \(b.schema), the reader says \(reader.schema)")
            }
            out.append(b)
        }
        return out
    }

    /// Runs a transform over `batches` three ways (as given, one row per batch, and all in one batch),
    /// plus over no input; checks the three results hold the same rows and match `outputSchema`.
    /// Returns the rows of the as-given run.
    public static func checkTransform(_ t: any TransformConfig, input schema: Schema, batches: [Batch],
                                      context: RunContext, resolver: any SchemaResolver,
                                      orderMatters: Bool = true) throws -> [[Value]] {
        let declared = try t.outputSchema(input: schema, resolver)
        func run(_ bs: [Batch]) throws -> [[Value]] {
            let op = try t.makeOperator(input: schema, context)
            if op.schema != declared {
                throw Failure(description: "operator schema \(op.schema) differs from outputSchema \(declared)")
            }
            var out: [Batch] = []
            for b in bs { out += try op.push(b) }
            out += try op.finish()
            for b in out where b.schema != declared && b.rowCount > 0 {
                throw Failure(description: "an output batch has schema \(b.schema), declared \(declared)")
            }
            return out.flatMap { $0.rows() }
        }
        let asGiven = try run(batches)
        let all = Batch.concat(batches, schema: schema)
        let oneRow = (0..<all.rowCount).map { all.slice($0..<($0 + 1)) }
        let single = try run([all])
        let rowwise = try run(oneRow)
        _ = try run([])
        func norm(_ r: [[Value]]) -> [[Value]] { orderMatters ? r : r.sorted { "\($0)" < "\($1)" } }
        if norm(asGiven) != norm(single) || norm(asGiven) != norm(rowwise) {
            throw Failure(description: "results differ with batch boundaries: \(asGiven.count) / \(single.count) / \(rowwise.count) rows")
        }
        return asGiven
    }
}
