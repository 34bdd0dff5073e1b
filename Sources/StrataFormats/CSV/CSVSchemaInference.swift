import StrataCore

/// Infers a schema from CSV files: names from the header, types from a sample of rows.
///
/// Each file contributes up to `options.sampleRows` rows; malformed rows are skipped. Header
/// names are trimmed, empty names become `col_<position>` and repeats get `_2`, `_3`, … (the
/// reader applies the same renaming). Types are guessed per column (bool < int64 < double, date,
/// timestamp, else string; all-null → string), and every column is nullable. When files disagree
/// on their headers, a column missing from a later file is an error (the reader would reject
/// that file), unless `allowMissingColumns` is set: then columns are the union, in first-seen order.
public enum CSVSchemaInference {
    /// Throws `parse` when no file has a row, `schemaMismatch` when headers disagree (see above).
    public static func infer(files: [String], options: CSVOptions) throws -> Schema {
        try infer(files: files.map { ($0, $0) }, options: options)
    }

    /// Like `infer(files:options:)`, with separate display paths for messages: `[(path, displayPath)]`.
    public static func infer(files: [(path: String, displayPath: String)], options: CSVOptions) throws -> Schema {
        try options.validate()
        let temporal = try TemporalParsers(dateFormat: options.dateFormat, timestampFormat: options.timestampFormat)
        var names: [String] = []
        var guesses: [TextTypeGuess] = []
        var position: [String: Int] = [:]
        var firstFile: String?
        for (path, display) in files {
            let file = try ChunkedFile(path: path, displayPath: display, chunkSize: min(options.chunkSize, 1 << 20))
            var tokenizer = CSVTokenizer(options: options)
            guard try tokenizer.nextRow(file) else { continue }
            let fileNames: [String]
            var pendingFirstRow = false
            if options.header {
                if let error = tokenizer.rowError {
                    throw StrataError(.parse, "malformed header: \(error)", location: SourceLocation(file: display, line: tokenizer.rowLine))
                }
                fileNames = CSVHeader.names(CSVHeader.fields(tokenizer, file))
            } else {
                fileNames = firstFile == nil ? CSVHeader.positional(tokenizer.fieldCount) : names
                pendingFirstRow = true
            }
            if let first = firstFile, options.header {
                let here = Set(fileNames)
                if !options.allowMissingColumns, let missing = names.first(where: { !here.contains($0) }) {
                    throw StrataError(.schemaMismatch, "column '\(missing)' of '\(first)' is not in the header",
                                      location: SourceLocation(file: display, line: tokenizer.rowLine),
                                      hint: Suggest.hint(for: missing, in: fileNames)
                                          ?? "declare the columns, or allow missing columns to read them as null")
                }
            }
            let isFirst = firstFile == nil
            if isFirst { firstFile = display }
            var columnOf: [Int] = []
            for n in fileNames {
                if let i = position[n] {
                    columnOf.append(i)
                } else if !isFirst && options.header && options.extraColumns == .error {
                    throw StrataError(.schemaMismatch, "column '\(n)' is not in the header of '\(firstFile ?? "")', the first file read",
                                      location: SourceLocation(file: display, line: tokenizer.rowLine),
                                      hint: "set `extra_columns: keep` (read it, null where a file lacks it) or `drop` (ignore it), or declare the schema")
                } else if isFirst || options.allowMissingColumns || options.extraColumns == .keep || !options.header {
                    position[n] = names.count
                    columnOf.append(names.count)
                    names.append(n)
                    guesses.append(TextTypeGuess())
                } else {
                    columnOf.append(-1)  // extra column in a later file: the reader skips it
                }
            }
            let nullTokens = options.nullTokens.map { Array($0.utf8) }
            var sampled = 0
            while sampled < options.sampleRows {
                if pendingFirstRow {
                    pendingFirstRow = false
                } else if try !tokenizer.nextRow(file) {
                    break
                }
                sampled += 1
                guard tokenizer.rowError == nil, tokenizer.fieldCount == fileNames.count else { continue }
                tokenizer.scratch.withUnsafeBufferPointer { s in
                    for i in 0..<tokenizer.fieldCount where columnOf[i] >= 0 {
                        var b = tokenizer.field(i, base: file.buffer, scratch: s.baseAddress)
                        if options.trimSpaces && tokenizer.flags(i) & CSVTokenizer.quotedFlag == 0 { b = TextParsing.trimmed(b) }
                        if nullTokens.contains(where: { $0.elementsEqual(b) }) { continue }
                        guesses[columnOf[i]].observe(b, temporal)
                    }
                }
            }
        }
        guard !names.isEmpty else {
            throw StrataError(.parse, "cannot infer a schema: no header or rows in \(files.map(\.displayPath).joined(separator: ", "))",
                              hint: "declare the columns")
        }
        return Schema(zip(names, guesses).map { Field($0, $1.type, nullable: true) })
    }
}
