import StrataCore

/// Reads one JSON Lines file as batches of a given schema, sending bad lines to quarantine.
///
/// Each non-blank line must be one JSON object. Keys (flattened to `a.b` paths when
/// `options.flatten`) are matched to schema columns by name: a column the line lacks is null,
/// keys the schema does not name are ignored, and a repeated key keeps its last value. Values
/// convert by the column type: numbers and strings through the same text conversions as CSV (so a
/// decimal column reads `12.30` or `"12.30"` exactly), dates and timestamps from ISO strings,
/// arrays and unflattened objects to their JSON text in string columns, any scalar as its text in
/// a string column.
///
/// A line that is not a JSON object (syntax error, nesting deeper than 64), a value that does not
/// convert, or a null in a not-null column sends the line to quarantine with its line number and a
/// reason naming the column and expected type, never the value. Batches carry `origin = displayPath`.
public final class JSONLReader: BatchReader {
    public let schema: Schema
    private let driver: PrefetchingReader<JSONLReaderCore>

    /// Opens `path`; throws `notFound`/`io` when it cannot be read.
    ///
    /// With `options.background`, lines are parsed on a thread of their own a few batches ahead of
    /// `next()`; `quarantine` is then called from that thread.
    public init(path: String, displayPath: String, schema: Schema, options: JSONLOptions,
                quarantine: @escaping (QuarantineRecord) -> Void) throws {
        try options.validate()
        self.schema = schema
        driver = PrefetchingReader(try JSONLReaderCore(path: path, displayPath: displayPath, schema: schema, options: options, quarantine: quarantine),
                                   background: options.background)
    }

    /// The next batch of up to `batchRows` good rows, or nil at the end of the file.
    public func next() throws -> Batch? { try driver.next() }

    /// Bytes read from the file so far (up to the batch last returned, or beyond when parsing ahead).
    public var bytesRead: Int { driver.progress.bytesRead }
    /// Non-blank lines read so far (good and quarantined).
    public var rowsRead: Int { driver.progress.rowsRead }
    /// Lines sent to quarantine so far.
    public var rowsQuarantined: Int { driver.progress.rowsQuarantined }
}

extension JSONLReaderCore: TextReaderCore {
    var bytesRead: Int { lines.file.bytesRead }
}

struct JSONLReaderCore {
    private(set) var lines: JSONLines
    private var parser: JSONLineParser
    private var appenders: [TextColumnAppender]
    private let columnOfName: [String: Int]
    /// Per entry position, the key and column seen there last line: lines usually repeat key order.
    private var keyCache: [(key: [UInt8], column: Int)] = []
    /// For each column, the entry that sets it in the current line, valid when `stamp[c] == lineStamp`.
    private var entryOf: [Int]
    private var stamp: [Int]
    private var lineStamp = 0
    private let schema: Schema
    private let displayPath: String
    private let batchRows: Int
    private let quarantine: (QuarantineRecord) -> Void
    private var finished = false
    private(set) var rowsRead = 0
    private(set) var rowsQuarantined = 0

    init(path: String, displayPath: String, schema: Schema, options: JSONLOptions,
         quarantine: @escaping (QuarantineRecord) -> Void) throws {
        let file = try ChunkedFile(path: path, displayPath: displayPath, chunkSize: options.chunkSize)
        lines = JSONLines(file: file)
        parser = JSONLineParser(flatten: options.flatten, separator: options.separator)
        let temporal = try TemporalParsers(dateFormat: nil, timestampFormat: nil)
        appenders = schema.fields.map { TextColumnAppender(field: $0, temporal: temporal, capacity: options.batchRows) }
        var names: [String: Int] = [:]
        for (i, f) in schema.fields.enumerated() { names[f.name] = i }
        columnOfName = names
        entryOf = Array(repeating: 0, count: schema.count)
        stamp = Array(repeating: 0, count: schema.count)
        self.schema = schema
        self.displayPath = displayPath
        self.batchRows = options.batchRows
        self.quarantine = quarantine
    }

    private mutating func reject(_ reason: String) {
        rowsQuarantined += 1
        quarantine(QuarantineRecord(sourceFile: displayPath, line: lines.lineNumber, reason: reason, raw: lines.text))
    }

    /// The schema column for entry `k`'s key, or -1.
    private mutating func column(forEntry k: Int, _ keyBytes: UnsafeBufferPointer<UInt8>) -> Int {
        if k < keyCache.count, keyCache[k].key.elementsEqual(keyBytes) { return keyCache[k].column }
        let c = columnOfName[String(decoding: keyBytes, as: UTF8.self)] ?? -1
        let entry = (key: Array(keyBytes), column: c)
        if k < keyCache.count { keyCache[k] = entry } else if k == keyCache.count { keyCache.append(entry) }
        return c
    }

    /// Converts the parsed line into the appenders; on failure undoes it and returns the reason.
    private mutating func convertLine() -> String? {
        lineStamp += 1
        let entries = parser.entries
        parser.keys.withUnsafeBufferPointer { keyBuffer in
            let keyBase = keyBuffer.baseAddress ?? UnsafePointer(bitPattern: 1)!
            for k in entries.indices {
                let c = column(forEntry: k, parser.key(entries[k], keyBase))
                if c >= 0 {
                    entryOf[c] = k
                    stamp[c] = lineStamp
                }
            }
        }
        let line = lines.bytes.baseAddress!
        return parser.scratch.withUnsafeBufferPointer { scratchBuffer -> String? in
            for j in 0..<appenders.count {
                var ok: Bool
                var nullFailure = false
                if stamp[j] != lineStamp || entries[entryOf[j]].kind == .null {
                    ok = appenders[j].appendNull()
                    nullFailure = true
                } else {
                    let e = entries[entryOf[j]]
                    let base = e.inScratch ? scratchBuffer.baseAddress! : line
                    ok = appenders[j].append(UnsafeBufferPointer(start: base + Int(e.valueStart), count: Int(e.valueEnd - e.valueStart)))
                }
                if !ok {
                    for k in 0..<j { appenders[k].removeLast() }
                    return nullFailure ? appenders[j].nullReason : appenders[j].expectedReason
                }
            }
            return nil
        }
    }

    mutating func nextBatch() throws -> Batch? {
        if finished { return nil }
        var rows = 0
        while rows < batchRows {
            guard try lines.next() else {
                finished = true
                break
            }
            rowsRead += 1
            do {
                try parser.parse(lines.bytes)
            } catch {
                reject(error.reason)
                continue
            }
            if let reason = convertLine() {
                reject(reason)
                continue
            }
            rows += 1
            if rows & 1023 == 0, appenders.contains(where: { $0.byteCount > 1 << 30 }) { break }
        }
        if rows == 0 { return nil }
        let columns = appenders.indices.map { appenders[$0].finish() }
        var batch = Batch(schema: schema, columns: columns)
        batch.origin = displayPath
        return batch
    }
}
