import StrataCore
import StrataEngine
import StrataFormats
import Foundation
import StrataGovernance

/// `strata show TABLE [--limit N] [--version N] [--columns a,b] [--format table|csv|json] [--as ROLE]`.
enum ShowCommand {
    enum Format: String, CaseIterable { case table, csv, json }

    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "show")
        guard a.positionals.count == 1 else { throw StrataError(.usage, "usage: strata show TABLE [--limit N] [--version N] [--format table|csv|json]") }
        let table = try TableRef(parsing: a.positionals[0])
        let limit = try a.int("--limit") ?? 20
        guard limit >= 0 else { throw StrataError(.usage, "--limit must be 0 or more") }
        let version = try a.int("--version").map(Int64.init)
        let fmtText = a.values["--format"] ?? (env.global.json ? "json" : "table")
        guard let format = Format(rawValue: fmtText) else {
            throw StrataError(.usage, "unknown format '\(fmtText)'", hint: Suggest.hint(for: fmtText, in: Format.allCases.map(\.rawValue)) ?? "formats: table, csv, json")
        }
        let columns = a.values["--columns"].map { $0.split(separator: ",").map { String($0).trimming(" ") } }
        let project = try env.loadProject()
        let reader = try TableRows.open(table, version: version, columns: columns, role: a.values["--as"], project: project,
                                        actor: env.global.actor, command: "show")
        var rows: [[Value]] = []
        var total = 0
        while rows.count < limit, let b = try reader.next() {
            total += b.rowCount
            for r in 0..<b.rowCount where rows.count < limit {
                rows.append(b.columns.map { $0.value(r) })
            }
        }
        let names = reader.schema.names
        switch format {
        case .json:
            // One object per row, keys in column order (as the table and CSV print them).
            let keys = RowEncoder.jsonKeys(names)
            for r in rows { Output.out(RowEncoder.jsonObject(r, keys: keys)) }
        case .csv:
            Output.out(names.map(csvField).joined(separator: ","))
            for r in rows { Output.out(r.map { $0.isNull ? "" : csvField($0.description) }.joined(separator: ",")) }
        case .table:
            Output.out(Output.table(names, rows.map { $0.map { $0.isNull ? "NULL" : truncate($0.description) } }))
            let snap = reader.snapshot
            let n = snap.files.reduce(0) { $0 + ($1.stats?.numRecords ?? 0) }
            let of = reader.filtered ? "" : " of \(Output.number(max(n, total)))"
            let who = a.values["--as"].map { ", as \($0)" } ?? ""
            Output.out("(\(rows.count)\(of) rows, \(table) version \(snap.version)\(who))")
        }
        return 0
    }

    static func csvField(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    static func truncate(_ s: String) -> String {
        let flat = s.replacingOccurrences(of: "\n", with: "\\n")
        return flat.count > 40 ? String(flat.prefix(39)) + "…" : flat
    }
}

/// A table's rows for a reader: plain (the lake's stored form) or governed (`--as ROLE`:
/// masked, filtered and with hidden columns removed, or denied with exit 3).
struct TableRows {
    let schema: Schema
    let snapshot: DeltaSnapshot
    /// True when a row filter may drop rows (so totals from the log do not apply).
    let filtered: Bool
    private let nextBatch: () throws -> Batch?

    func next() throws -> Batch? { try nextBatch() }

    static func open(_ table: TableRef, version: Int64?, columns: [String]?, role: String?, project: Project,
                     actor: String?, command: String) throws -> TableRows {
        let lake = Lake(root: project.lakeRoot)
        if let version, lake.exists(table) {
            // --version past the table's versions is a bad argument (exit 2), not a missing table.
            let latest = try lake.snapshot(table).version
            guard version >= 0, version <= latest else {
                throw StrataError(.usage, "\(table) has no version \(version)", hint: "its versions are 0…\(latest); see `strata history \(table)`")
            }
        }
        guard let role else {
            let r = try lake.reader(table, version: version, columns: columns)
            return TableRows(schema: r.schema, snapshot: r.snapshot, filtered: false, nextBatch: r.next)
        }
        let governed = try ReadAudit.open(table, role: role, version: version, project: project, actor: actor, command: command)
        var schema = governed.schema
        var pick: [Int]? = nil
        if let columns {
            pick = try columns.map { c in
                guard let i = schema.index(of: c) else {
                    throw StrataError(.accessDenied, "column '\(c)' of \(table) is not visible to role \(role)",
                                      hint: "see `strata access explain \(table) --as \(role)`")
                }
                return i
            }
            schema = Schema(pick!.map { schema[$0] })
        }
        try ReadAudit.record(.read, resource: table.description, role: role, result: .allowed, columns: schema.names,
                         command: command, project: project, actor: actor)
        return TableRows(schema: schema, snapshot: governed.snapshot, filtered: governed.decision.rowFilter != nil) {
            guard let b = try governed.next() else { return nil }
            return pick.map { b.project($0) } ?? b
        }
    }
}
