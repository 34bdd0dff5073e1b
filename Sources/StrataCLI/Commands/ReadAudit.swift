import StrataCore
import StrataEngine
import StrataGovernance

/// Audit records of governed reads (`show`/`export --as`), denied reads and unmasking.
enum ReadAudit {
    /// Fails closed: a read whose record cannot be written (or whose audit key is bad) shows nothing.
    static func record(_ action: AuditAction, resource: String, role: String, result: AuditResult, reason: String? = nil,
                       rows: Int? = nil, columns: [String] = [], command: String, project: Project, actor: String?) throws {
        let log = AuditLog(lakeRoot: project.lakeRoot, key: try AuditKey.fromEnvironment())
        var e = AuditEvent(actor: AuditActor.resolve(flag: actor), action: action, resource: resource, columns: columns,
                           rows: rows.map(Int64.init), result: result, reason: reason, role: role)
        e.details = ["command": command]
        do {
            _ = try log.append([e])
        } catch {
            throw StrataError.wrap(error, .io, "the audit record of this \(command) could not be written, so nothing is shown")
        }
    }

    /// Records a denial; the denial is what the caller then throws, so a failure to record it is
    /// reported beside it (the exit code stays that of the denial).
    static func recordDenial(_ action: AuditAction, resource: String, role: String, reason: String, command: String,
                             project: Project, actor: String?) {
        do {
            try record(action, resource: resource, role: role, result: .denied, reason: reason, command: command, project: project, actor: actor)
        } catch {
            Output.err("error: \(error)")
        }
    }

    /// Opens a governed read, recording a denial (exit 3 follows) or the read.
    static func open(_ table: TableRef, role: String, version: Int64?, project: Project, actor: String?, command: String) throws -> GovernedRead {
        do {
            return try GovernedRead.open(table, role: role, version: version, project: project, governance: try GovernedRead.governance(project))
        } catch let e as StrataError where e.code == .accessDenied {
            recordDenial(.deny, resource: table.description, role: role, reason: e.message, command: command,
                         project: project, actor: actor)
            throw e
        }
    }
}
