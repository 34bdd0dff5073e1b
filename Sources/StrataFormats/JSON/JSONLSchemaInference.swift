import StrataCore

/// Infers one schema for a set of JSON Lines files by reading them all (up to `sampleRows` lines each).
///
/// Columns appear in first-seen order and are all nullable (a field missing from some lines or
/// files reads as null). Per column: only booleans → bool; only integers → int64; integers and
/// other numbers → double; only strings → string, or date/timestamp when `inferTimestamps` and
/// every string is an ISO date/timestamp; arrays and unflattened objects → string (their JSON
/// text); any other mix → string; only nulls → string. Lines that are not JSON objects are skipped.
public enum JSONLSchemaInference {
    /// Throws `parse` when no file has a JSON object line.
    public static func infer(files: [String], options: JSONLOptions) throws -> Schema {
        try infer(files: files.map { ($0, $0) }, options: options)
    }

    /// Like `infer(files:options:)`, with separate display paths for messages: `[(path, displayPath)]`.
    public static func infer(files: [(path: String, displayPath: String)], options: JSONLOptions) throws -> Schema {
        try options.validate()
        var order: [String] = []
        var guesses: [String: JSONFieldGuess] = [:]
        var parser = JSONLineParser(flatten: options.flatten, separator: options.separator)
        var objects = 0
        for (path, display) in files {
            let file = try ChunkedFile(path: path, displayPath: display, chunkSize: min(options.chunkSize, 1 << 20))
            var lines = JSONLines(file: file)
            var read = 0
            while read < options.sampleRows, try lines.next() {
                read += 1
                do { try parser.parse(lines.bytes) } catch { continue }
                objects += 1
                let line = lines.bytes.baseAddress!
                parser.keys.withUnsafeBufferPointer { keyBuffer in
                    parser.scratch.withUnsafeBufferPointer { scratch in
                        for e in parser.entries {
                            let name = String(decoding: parser.key(e, keyBuffer.baseAddress ?? UnsafePointer(bitPattern: 1)!), as: UTF8.self)
                            if guesses[name] == nil {
                                order.append(name)
                                guesses[name] = JSONFieldGuess()
                            }
                            let base = e.inScratch ? scratch.baseAddress! : line
                            let value = UnsafeBufferPointer(start: base + Int(e.valueStart), count: Int(e.valueEnd - e.valueStart))
                            guesses[name]!.observe(e, value, temporal: options.inferTimestamps)
                        }
                    }
                }
            }
        }
        guard objects > 0 else {
            throw StrataError(.parse, "cannot infer a schema: no JSON object lines in \(files.map(\.displayPath).joined(separator: ", "))",
                              hint: "declare the columns")
        }
        return Schema(order.map { Field($0, guesses[$0]!.type, nullable: true) })
    }
}

/// What one JSON field's values looked like.
struct JSONFieldGuess {
    private var bools = false, ints = false, doubles = false, strings = false, raws = false
    private var allDates = true, allTimestamps = true

    mutating func observe(_ e: JSONEntry, _ value: UnsafeBufferPointer<UInt8>, temporal: Bool) {
        switch e.kind {
        case .null: break
        case .bool: bools = true
        case .number:
            if e.isInteger && TextParsing.parseInt64(value) != nil { ints = true } else { doubles = true }
        case .raw: raws = true
        case .string:
            strings = true
            if temporal {
                if allDates && Temporal.parseDate(value) == nil { allDates = false }
                if allTimestamps && Temporal.parseTimestamp(value) == nil { allTimestamps = false }
            } else {
                allDates = false
                allTimestamps = false
            }
        }
    }

    var type: DataType {
        switch (bools, ints, doubles, strings, raws) {
        case (true, false, false, false, false): return .bool
        case (false, true, false, false, false): return .int64
        case (false, _, true, false, false): return .double
        case (false, false, false, true, false): return allDates ? .date : (allTimestamps ? .timestamp : .string)
        default: return .string
        }
    }
}
