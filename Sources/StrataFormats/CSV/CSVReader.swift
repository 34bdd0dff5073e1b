import StrataCore

/// Reads one CSV file as batches of a given schema, sending malformed rows to quarantine.
///
/// With `header`, schema columns are matched to header names (after the renaming described in
/// `CSVSchemaInference`): a declared column the header lacks is an error naming it (or all nulls,
/// with `allowMissingColumns`); header columns the schema does not declare are an error, or skipped
/// without conversion, as `extraColumns` says (a schema made with `keep` already holds them). Without `header`, columns are taken by position and every row must have
/// `schema.count` fields.
///
/// A row is quarantined, and reading goes on, when it has the wrong number of fields, an
/// unterminated quote or text after a closing quote, invalid UTF-8 in a string column, a value
/// that is not of its column's type, or a null in a not-null column. Reasons name the column and
/// the expected type, never the value. Batches carry `origin = displayPath`.
public final class CSVReader: BatchReader {
    public let schema: Schema
    private let driver: PrefetchingReader<CSVReaderCore>

    /// Opens `path` and reads its header; throws `notFound`/`io` when the file cannot be read and
    /// `schemaMismatch` when a declared column is missing from the header.
    ///
    /// With `options.background`, rows are parsed on a thread of their own a few batches ahead of
    /// `next()`; `quarantine` is then called from that thread.
    public init(path: String, displayPath: String, schema: Schema, options: CSVOptions,
                quarantine: @escaping (QuarantineRecord) -> Void) throws {
        try options.validate()
        self.schema = schema
        let core = try CSVReaderCore(path: path, displayPath: displayPath, schema: schema, options: options, quarantine: quarantine)
        driver = PrefetchingReader(core, background: options.background)
    }

    /// The next batch of up to `batchRows` good rows, or nil at the end of the file.
    public func next() throws -> Batch? { try driver.next() }

    /// Bytes read from the file so far (up to the batch last returned, or beyond when parsing ahead).
    public var bytesRead: Int { driver.progress.bytesRead }
    /// Data rows read so far (good and quarantined; the header and empty lines do not count).
    public var rowsRead: Int { driver.progress.rowsRead }
    /// Rows sent to quarantine so far.
    public var rowsQuarantined: Int { driver.progress.rowsQuarantined }
}

extension CSVReaderCore: TextReaderCore {
    var bytesRead: Int { file.bytesRead }
}

/// The reader's state, a struct so the hot loop works on it in place (no per-access exclusivity checks).
struct CSVReaderCore {
    let file: ChunkedFile
    private var tokenizer: CSVTokenizer
    private var appenders: [TextColumnAppender]
    /// For each schema column, the field index in the file, or -1 when the file lacks it (nulls).
    private var sources: [Int]
    private var expectedFields: Int
    private let nullTokens: [[UInt8]]
    private let onlyEmptyIsNull: Bool
    private let trimSpaces: Bool
    private let displayPath: String
    private let schema: Schema
    private let batchRows: Int
    private let quarantine: (QuarantineRecord) -> Void
    private var finished = false
    private(set) var rowsRead = 0
    private(set) var rowsQuarantined = 0

    init(path: String, displayPath: String, schema: Schema, options: CSVOptions,
         quarantine: @escaping (QuarantineRecord) -> Void) throws {
        let temporal = try TemporalParsers(dateFormat: options.dateFormat, timestampFormat: options.timestampFormat)
        file = try ChunkedFile(path: path, displayPath: displayPath, chunkSize: options.chunkSize)
        tokenizer = CSVTokenizer(options: options)
        self.displayPath = displayPath
        self.schema = schema
        self.quarantine = quarantine
        batchRows = options.batchRows
        trimSpaces = options.trimSpaces
        nullTokens = options.nullTokens.map { Array($0.utf8) }
        onlyEmptyIsNull = options.nullTokens == [""]
        appenders = schema.fields.map { TextColumnAppender(field: $0, temporal: temporal, capacity: options.batchRows) }
        sources = Array(0..<schema.count)
        expectedFields = schema.count
        if options.header {
            guard try tokenizer.nextRow(file) else {
                finished = true  // an empty file: no header, no rows
                return
            }
            if let error = tokenizer.rowError {
                throw StrataError(.parse, "malformed header: \(error)", location: SourceLocation(file: displayPath, line: tokenizer.rowLine))
            }
            let names = CSVHeader.names(CSVHeader.fields(tokenizer, file))
            expectedFields = names.count
            var position: [String: Int] = [:]
            for (i, n) in names.enumerated() { position[n] = i }
            if options.extraColumns != .drop {
                let declared = Set(schema.names)
                let extra = names.filter { !declared.contains($0) }
                if !extra.isEmpty {
                    throw StrataError(.schemaMismatch, "the header has \(extra.count == 1 ? "a column" : "columns") the schema does not: " + extra.map { "'\($0)'" }.joined(separator: ", "),
                                      location: SourceLocation(file: displayPath, line: tokenizer.rowLine),
                                      hint: "declare \(extra.count == 1 ? "it" : "them") in `schema:`, or set `extra_columns: drop` (ignore) or `keep` (add as columns)")
                }
            }
            for (j, f) in schema.fields.enumerated() {
                if let i = position[f.name] {
                    sources[j] = i
                } else if (options.allowMissingColumns || options.optionalColumns.contains(f.name)) && f.nullable {
                    sources[j] = -1
                } else {
                    throw StrataError(.schemaMismatch, "column '\(f.name)' is not in the header",
                                      location: SourceLocation(file: displayPath, line: tokenizer.rowLine),
                                      hint: Suggest.hint(for: f.name, in: names) ?? "the header has \(names.joined(separator: ", "))")
                }
            }
        }
    }

    @inline(__always)
    private func isNull(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        if onlyEmptyIsNull { return b.count == 0 }
        for t in nullTokens where t.count == b.count {
            if t.elementsEqual(b) { return true }
        }
        return false
    }

    private mutating func reject(_ reason: String) {
        rowsQuarantined += 1
        quarantine(QuarantineRecord(sourceFile: displayPath, line: tokenizer.rowLine, reason: reason, raw: tokenizer.rawRow(file)))
    }

    /// Converts the current row into the appenders; on failure undoes it and returns the reason.
    private mutating func convertRow() -> String? {
        let base = UnsafePointer(file.buffer)
        return tokenizer.scratch.withUnsafeBufferPointer { scratchBuffer -> String? in
            let scratch = scratchBuffer.baseAddress
            for j in 0..<appenders.count {
                let source = sources[j]
                var ok: Bool
                var nullFailure = false
                if source < 0 {
                    ok = appenders[j].appendNull()
                    nullFailure = true
                } else {
                    var b = tokenizer.field(source, base: base, scratch: scratch)
                    if trimSpaces && tokenizer.flags(source) & CSVTokenizer.quotedFlag == 0 { b = TextParsing.trimmed(b) }
                    if isNull(b) {
                        ok = appenders[j].appendNull()
                        nullFailure = true
                    } else {
                        ok = appenders[j].append(b)
                    }
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
            guard try tokenizer.nextRow(file) else {
                finished = true
                break
            }
            rowsRead += 1
            if let error = tokenizer.rowError {
                reject(error)
                continue
            }
            if tokenizer.fieldCount != expectedFields {
                reject("expected \(expectedFields) field\(expectedFields == 1 ? "" : "s"), found \(tokenizer.fieldCount)")
                continue
            }
            if let reason = convertRow() {
                reject(reason)
                continue
            }
            rows += 1
            // Keep string offsets (Int32) far from overflow on rows with huge strings.
            if rows & 1023 == 0, appenders.contains(where: { $0.byteCount > 1 << 30 }) { break }
        }
        if rows == 0 { return nil }
        let columns = appenders.indices.map { appenders[$0].finish() }
        var batch = Batch(schema: schema, columns: columns)
        batch.origin = displayPath
        return batch
    }
}
