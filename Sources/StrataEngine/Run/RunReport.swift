public import StrataCore

/// How one pipeline of a run ended.
public enum PipelineStatus: String, Sendable, Hashable {
    /// Committed new data.
    case committed
    /// Ran, found nothing new; nothing was written.
    case upToDate = "up-to-date"
    /// Failed; nothing was committed.
    case failed
    /// Not run because a pipeline it depends on failed.
    case skipped
    /// Refused by a governance policy; nothing was committed.
    case refused
}

/// The outcome of one pipeline in a run.
public struct PipelineResult: Sendable {
    public var pipeline: String
    public var table: TableRef
    public var status: PipelineStatus
    public var rowsIn: Int
    public var rowsOut: Int
    public var quarantined: Int
    public var bytesIn: Int
    public var seconds: Double
    public var version: Int64?
    public var files: Int
    public var error: StrataError?
    public var warnings: [String]
    /// Data-quality check results (from `expect`).
    public var checks: [CheckResult] = []
    /// Columns the governance gate masked, with the method.
    public var masks: [String: String] = [:]
    /// Where it computed.
    public var engine: Engine = .native

    public init(pipeline: String, table: TableRef, status: PipelineStatus) {
        self.pipeline = pipeline
        self.table = table
        self.status = status
        rowsIn = 0
        rowsOut = 0
        quarantined = 0
        bytesIn = 0
        seconds = 0
        version = nil
        files = 0
        error = nil
        warnings = []
    }
}

/// The outcome of `strata run`.
public struct RunReport: Sendable {
    public var runId: String
    public var results: [PipelineResult]
    public var seconds: Double
    /// Tables re-masked (and their forbidden files purged) after a policy change, one line each.
    public var remasked: [String] = []
    /// Other facts of the run for its summary (crash recovery, say), one line each.
    public var notes: [String] = []
    /// Warnings about the run as a whole (a lineage endpoint that is down), each once.
    public var warnings: [String] = []

    public var succeeded: Bool { results.allSatisfy { $0.status == .committed || $0.status == .upToDate } }

    /// Exit code: 0 success, 2 when a pipeline's config was wrong (found at run time, before its data
    /// moved), 3 when a policy refused a write (and nothing else failed), 1 otherwise.
    public var exitCode: Int32 {
        if succeeded { return 0 }
        if results.contains(where: { $0.status == .failed && $0.error?.exitCode == 2 }) { return 2 }
        if results.contains(where: { $0.status == .failed }) { return 1 }
        return results.contains(where: { $0.status == .refused }) ? 3 : 1
    }
}
