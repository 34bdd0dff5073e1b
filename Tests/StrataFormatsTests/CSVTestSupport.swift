import Foundation
import StrataCore
import StrataFormats
import StrataTestSupport

/// Collects quarantined rows. Readers parse on a thread of their own by default; the records are
/// complete (and visible to the test) once `next()` has returned nil.
final class QuarantineLog: @unchecked Sendable {
    var records: [QuarantineRecord] = []
    func add(_ r: QuarantineRecord) { records.append(r) }
}

/// What reading a whole file produced.
struct ReadResult {
    var rows: [[Value]]
    var quarantined: [QuarantineRecord]
    var batches: [Batch]
}

enum CSVTest {
    /// Chunk sizes that put read boundaries everywhere, plus the default.
    static let chunkSizes = [1, 2, 3, 5, 7, 64, 8 << 20]

    static func options(_ configure: (inout CSVOptions) -> Void = { _ in }) -> CSVOptions {
        var o = CSVOptions()
        configure(&o)
        return o
    }

    /// Writes `bytes` to a temp file and reads it fully with `schema`.
    static func read(_ bytes: [UInt8], schema: Schema, options: CSVOptions, dir: TempDir) throws -> ReadResult {
        let path = dir.file("in-\(UUID().uuidString.prefix(6)).csv")
        _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
        return try readFile(path, schema: schema, options: options)
    }

    static func read(_ text: String, schema: Schema, options: CSVOptions, dir: TempDir) throws -> ReadResult {
        try read(Array(text.utf8), schema: schema, options: options, dir: dir)
    }

    static func readFile(_ path: String, schema: Schema, options: CSVOptions) throws -> ReadResult {
        let log = QuarantineLog()
        let reader = try CSVReader(path: path, displayPath: "in.csv", schema: schema, options: options, quarantine: log.add)
        var batches: [Batch] = []
        while let b = try reader.next() { batches.append(b) }
        return ReadResult(rows: batches.flatMap { $0.rows() }, quarantined: log.records, batches: batches)
    }

    static func strings(_ names: String...) -> Schema { Schema(names.map { Field($0, .string) }) }
}
