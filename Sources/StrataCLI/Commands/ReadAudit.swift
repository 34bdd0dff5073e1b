import StrataCore
import StrataEngine
import StrataGovernance

/// Audit records of governed reads (`show`/`export --as`), denied reads and unmasking.
enum ReadAudit {
    static func record(_ action: AuditAction, resource: String, role: String, result: AuditResult, reason: String? = nil,
                       rows: Int? = nil, columns: [String] = [], command: String, project: Project, actor: String?) {
        let log = AuditLog(lakeRoot: project.lakeRoot, key: try? AuditKey.fromEnvironment())
        var e = AuditEvent(actor: AuditActor.resolve(flag: actor), action: action, resource: resource, columns: columns,
                           rows: rows.map(Int64.init), result: result, reason: reason, role: role)
        e.details = ["command": command]
        // A read must not fail because the audit log cannot be written, but it must not go unnoticed.
        do { _ = try log.append([e]) } catch { Output.err("warning: could not write the audit record: \(error)") }
    }

    /// Opens a governed read, recording a denial (exit 3 follows) or the read.
    static func open(_ table: TableRef, role: String, version: Int64?, project: Project, actor: String?, command: String) throws -> AccessRead {
        do {
            return try AccessRead.open(table, role: role, version: version, project: project, governance: try AccessRead.governance(project))
        } catch let e as StrataError where e.code == .accessDenied {
            record(.deny, resource: table.description, role: role, result: .denied, reason: e.message, command: command,
                   project: project, actor: actor)
            throw e
        }
    }
}
