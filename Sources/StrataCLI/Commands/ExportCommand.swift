import Foundation
import StrataCore
import StrataEngine
import StrataFormats

/// `strata export TABLE --out FILE [--format csv|jsonl|parquet] [--as ROLE] [--version N] [--columns a,b]`.
///
/// Streams the table (as the role may see it, with `--as`) into one file, written under a temporary
/// name and renamed when complete, so a failed export leaves no partial file.
enum ExportCommand {
    enum Format: String, CaseIterable { case csv, jsonl, parquet }
    static let usage = "usage: strata export TABLE --out FILE [--format csv|jsonl|parquet] [--as ROLE] [--version N] [--columns a,b]"

    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "export")
        guard a.positionals.count == 1, let out = a.values["--out"] else { throw StrataError(.usage, usage) }
        let table = try TableRef(parsing: a.positionals[0])
        let ext = (out as NSString).pathExtension.lowercased()
        let formatText = a.values["--format"] ?? (ext == "json" || ext == "ndjson" ? "jsonl" : ext)
        guard let format = Format(rawValue: formatText) else {
            throw StrataError(.usage, "cannot tell the export format from '\(out)'",
                              hint: Suggest.hint(for: formatText, in: Format.allCases.map(\.rawValue)).map { "\($0) (--format)" } ?? "pass --format csv, jsonl or parquet")
        }
        let columns = a.values["--columns"].map { $0.split(separator: ",").map { String($0).trimming(" ") } }
        let project = try env.loadProject()
        let rows = try TableRows.open(table, version: try a.int("--version").map(Int64.init), columns: columns,
                                      role: a.values["--as"], project: project, actor: env.global.actor, command: "export")
        let tmp = (out as NSString).deletingLastPathComponent.isEmpty ? ".\(UUID().uuidString).tmp" :
            (out as NSString).deletingLastPathComponent + "/.\(UUID().uuidString).tmp"
        var count = 0
        do {
            switch format {
            case .parquet:
                let w = try ParquetWriter(path: tmp, schema: rows.schema, options: ParquetWriteOptions())
                while let b = try rows.next() { try w.write(b); count += b.rowCount }
                _ = try w.close()
            case .csv, .jsonl:
                guard FileManager.default.createFile(atPath: tmp, contents: nil), let h = FileHandle(forWritingAtPath: tmp) else {
                    throw StrataError(.io, "cannot write \(out)")
                }
                defer { try? h.close() } // a close failure after the writes below succeeded loses nothing
                var text: [UInt8] = []
                if format == .csv { RowEncoder.csvHeader(rows.schema.names, into: &text) }
                let keys = RowEncoder.jsonKeys(rows.schema.names)
                while let b = try rows.next() {
                    if format == .csv { RowEncoder.csv(b, into: &text) } else { RowEncoder.jsonl(b, keys: keys, into: &text) }
                    count += b.rowCount
                    if text.count >= 1 << 20 {
                        try write(h, text, out)
                        text.removeAll(keepingCapacity: true)
                    }
                }
                try write(h, text, out)
            }
            if rename(tmp, out) != 0 { throw StrataError(.io, "cannot move the export into place at \(out)", cause: String(cString: strerror(errno))) }
        } catch {
            unlink(tmp)
            throw error
        }
        if env.global.json {
            Output.out(Output.json(["table": table.description, "out": out, "format": format.rawValue, "rows": count]))
        } else {
            Output.out("exported \(Output.number(count)) rows of \(table) to \(out) (\(format.rawValue))")
        }
        return 0
    }

    static func write(_ h: FileHandle, _ bytes: [UInt8], _ out: String) throws {
        do { try h.write(contentsOf: Data(bytes)) } catch {
            throw StrataError(.io, "cannot write \(out)", cause: "\(error)")
        }
    }
}
