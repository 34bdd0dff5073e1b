import StrataCore
import StrataEngine
import Foundation

/// `strata generate ecommerce --rows N --out DIR [--seed S] [--days D] [--bad-rows RATE]`.
enum GenerateCommand {
    static func run(_ args: [String], _ env: CommandEnvironment) throws -> Int32 {
        let a = try CommandTable.arguments(args, "generate", "ecommerce")
        guard a.positionals == ["ecommerce"] else {
            throw StrataError(.usage, "usage: strata generate ecommerce --rows N --out DIR [--seed S] [--days D] [--bad-rows RATE]",
                              hint: a.positionals.first.flatMap { Suggest.hint(for: $0, in: ["ecommerce"]) })
        }
        guard let out = a.values["--out"] else { throw StrataError(.usage, "--out DIR is required") }
        let rows = try a.int("--rows") ?? 2000
        guard rows >= 1 else { throw StrataError(.usage, "--rows must be at least 1") }
        var o = EcommerceGeneratorOptions(transactions: rows)
        if let s = try a.int("--seed") { o.seed = UInt64(truncatingIfNeeded: s) }
        if let d = try a.int("--days") {
            guard d >= 1 && d <= 366 else { throw StrataError(.usage, "--days must be 1 to 366") }
            o.clickstreamDays = d
        }
        if let r = a.values["--bad-rows"] {
            guard let v = Double(r), v >= 0, v < 1 else { throw StrataError(.usage, "--bad-rows expects a rate from 0 to 1, got '\(r)'") }
            o.badRowRate = v
        }
        let interactive = Output.stderrIsTerminal && !a.has("--quiet")
        let started = Date()
        let summary = try EcommerceGenerator(options: o).write(to: out) { file, n in
            if interactive {
                FileHandle.standardError.write(Data("\r\u{1B}[K\(file): \(Output.number(n)) rows".utf8))
            }
        }
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        if env.global.json {
            Output.out(Output.json(["out": out, "files": summary.files.map { ["file": $0.path, "rows": $0.rows, "bytes": $0.bytes, "bad_rows": $0.badRows] },
                                    "seconds": Date().timeIntervalSince(started)]))
        } else {
            Output.out(Output.table(["file", "rows", "bad rows", "size"],
                                    summary.files.map { [$0.path, Output.number($0.rows), Output.number($0.badRows), Output.bytes($0.bytes)] },
                                    rightAlign: [1, 2, 3]))
            Output.out("wrote \(summary.files.count) files to \(out) in \(Output.seconds(Date().timeIntervalSince(started))) s")
        }
        return 0
    }
}
