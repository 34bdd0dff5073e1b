import StrataCore
import StrataEngine
import StrataFormats
import Foundation

/// `strata show TABLE [--limit N] [--version N] [--format table|csv|json]`.
enum ShowCommand {
    enum Format: String, CaseIterable { case table, csv, json }

    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try Arguments(args, options: ["--limit", "--version", "--format", "--columns"], switches: [])
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
        let reader = try Lake(root: project.lakeRoot).reader(table, version: version, columns: columns)
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
            for r in rows {
                var o: [String: Any] = [:]
                for (i, n) in names.enumerated() { o[n] = Output.jsonValue(r[i]) }
                Output.out(Output.json(o))
            }
        case .csv:
            Output.out(names.map(csvField).joined(separator: ","))
            for r in rows { Output.out(r.map { $0.isNull ? "" : csvField($0.description) }.joined(separator: ",")) }
        case .table:
            Output.out(Output.table(names, rows.map { $0.map { $0.isNull ? "NULL" : truncate($0.description) } }))
            let snap = reader.snapshot
            let n = snap.files.reduce(0) { $0 + ($1.stats?.numRecords ?? 0) }
            Output.out("(\(rows.count) of \(Output.number(max(n, total))) rows, \(table) version \(snap.version))")
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
