import StrataCore
import Foundation

/// Infers one schema for a set of JSON Lines files by reading them all (up to `sampleRows` lines each).
///
/// Columns appear in first-seen order and are all nullable (a field missing from some lines or
/// files reads as null). Per column: only booleans → bool; only integers → int64; integers and
/// other numbers → double; any integer beyond int64 → string (its digits, never rounded); only strings → string, or date/timestamp when `inferTimestamps` and
/// every string is an ISO date/timestamp; arrays and unflattened objects → string (their JSON
/// text); any other mix → string; only nulls → string. Lines that are not JSON objects are skipped.
public enum JSONLSchemaInference {
    /// Throws `parse` when no file has a JSON object line.
    public static func infer(files: [String], options: JSONLOptions) throws -> Schema {
        try infer(files: files.map { ($0, $0) }, options: options)
    }

    /// Like `infer(files:options:)`, with separate display paths for messages: `[(path, displayPath)]`.
    ///
    /// Files are read in parallel (one task per file) and their observations merged in file order,
    /// so the schema is the same as reading them one after the other.
    public static func infer(files: [(path: String, displayPath: String)], options: JSONLOptions) throws -> Schema {
        try options.validate()
        let results = ResultSlots<FileObservations>(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            results.set(i, Result { try observe(path: files[i].path, display: files[i].displayPath, options: options) })
        }
        var order: [String] = []
        var guesses: [String: JSONFieldGuess] = [:]
        var objects = 0
        for r in results.values {
            let file = try r.get()
            objects += file.objects
            for (name, guess) in zip(file.names, file.guesses) {
                if let g = guesses[name] {
                    guesses[name] = g.merged(with: guess)
                } else {
                    order.append(name)
                    guesses[name] = guess
                }
            }
        }
        guard objects > 0 else {
            throw StrataError(.parse, "cannot infer a schema: no JSON object lines in \(files.map(\.displayPath).joined(separator: ", "))",
                              hint: "declare the columns")
        }
        return Schema(order.map { Field($0, guesses[$0]!.type, nullable: true) })
    }

    /// One file's fields in first-seen order, what their values looked like, and its object count.
    struct FileObservations: Sendable {
        var names: [String] = []
        var guesses: [JSONFieldGuess] = []
        var objects = 0
    }

    static func observe(path: String, display: String, options: JSONLOptions) throws -> FileObservations {
        var out = FileObservations()
        var index: [String: Int] = [:]
        // Lines usually repeat their key order: remember, per entry position, the last key seen there.
        var keyCache: [(key: [UInt8], field: Int)] = []
        var parser = JSONLineParser(flatten: options.flatten, separator: options.separator)
        let file = try ChunkedFile(path: path, displayPath: display, chunkSize: min(options.chunkSize, 1 << 20))
        var lines = JSONLines(file: file)
        var read = 0
        while read < options.sampleRows, try lines.next() {
            read += 1
            do { try parser.parse(lines.bytes) } catch { continue }
            out.objects += 1
            let line = lines.bytes.baseAddress!
            parser.keys.withUnsafeBufferPointer { keyBuffer in
                parser.scratch.withUnsafeBufferPointer { scratch in
                    for (position, e) in parser.entries.enumerated() {
                        let key = parser.key(e, keyBuffer.baseAddress ?? UnsafePointer(bitPattern: 1)!)
                        let field: Int
                        if position < keyCache.count, keyCache[position].key.elementsEqual(key) {
                            field = keyCache[position].field
                        } else {
                            let name = String(decoding: key, as: UTF8.self)
                            if let f = index[name] {
                                field = f
                            } else {
                                field = out.names.count
                                index[name] = field
                                out.names.append(name)
                                out.guesses.append(JSONFieldGuess())
                            }
                            let entry = (key: Array(key), field: field)
                            if position < keyCache.count { keyCache[position] = entry } else if position == keyCache.count { keyCache.append(entry) }
                        }
                        let base = e.inScratch ? scratch.baseAddress! : line
                        let value = UnsafeBufferPointer(start: base + Int(e.valueStart), count: Int(e.valueEnd - e.valueStart))
                        out.guesses[field].observe(e, value, temporal: options.inferTimestamps)
                    }
                }
            }
        }
        return out
    }
}

/// Results of parallel tasks, one slot per task, filled from any thread.
final class ResultSlots<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<T, any Error>?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ i: Int, _ r: Result<T, any Error>) {
        lock.lock()
        slots[i] = r
        lock.unlock()
    }

    /// All results, in slot order (every slot must be set).
    var values: [Result<T, any Error>] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}

/// What one JSON field's values looked like.
struct JSONFieldGuess: Sendable {
    private var bools = false, ints = false, doubles = false, strings = false, raws = false
    /// Integers beyond int64: read as text, never rounded to a double.
    private var bigInts = false
    private var allDates = true, allTimestamps = true

    mutating func observe(_ e: JSONEntry, _ value: UnsafeBufferPointer<UInt8>, temporal: Bool) {
        switch e.kind {
        case .null: break
        case .bool: bools = true
        case .number:
            if e.isInteger { if TextParsing.parseInt64(value) != nil { ints = true } else { bigInts = true } } else { doubles = true }
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

    /// What the values of both looked like (as if observed one after the other).
    func merged(with o: JSONFieldGuess) -> JSONFieldGuess {
        var m = self
        m.bools = bools || o.bools
        m.ints = ints || o.ints
        m.doubles = doubles || o.doubles
        m.strings = strings || o.strings
        m.raws = raws || o.raws
        m.bigInts = bigInts || o.bigInts
        m.allDates = allDates && o.allDates
        m.allTimestamps = allTimestamps && o.allTimestamps
        return m
    }

    var type: DataType {
        if bigInts { return .string }
        switch (bools, ints, doubles, strings, raws) {
        case (true, false, false, false, false): return .bool
        case (false, true, false, false, false): return .int64
        case (false, _, true, false, false): return .double
        case (false, false, false, true, false): return allDates ? .date : (allTimestamps ? .timestamp : .string)
        default: return .string
        }
    }
}
