import Foundation
import StrataConfig
import StrataCore

/// What every database source's config shares: where the password comes from, the table or
/// query, a declared schema, the incremental cursor and the fetch size. Validated without I/O.
struct DatabaseInput: Sendable {
    let login: DatabaseLogin
    let table: String?
    let query: String?
    let declared: Schema?
    let cursor: String?
    let fetchRows: Int
    /// The config path of the source section, for messages.
    let location: String

    /// The shared keys, after the dsn; `example` names a table the way this database writes one.
    static func keys(tableExample: String) -> [ConfigKey] {
        DatabaseLogin.keys + [
            ConfigKey("table", "string", "The table (or view) to read: \(tableExample). One of `table` and `query`."),
            ConfigKey("query", "string", "A SELECT to read instead of a table."),
            FileInput.schemaKey("Declared column types (a subset of the columns, in this order), e.g. `amount: decimal(12,2)`; without it the columns' own types are mapped."),
            ConfigKey("incremental", "map", "`cursor: COLUMN` (a number, date or timestamp that grows with each insert or update): read only rows past the last committed run's largest value.").fields(incrementalKeys),
            ConfigKey("fetch_rows", "int", default: "10000", "Rows taken from the server at a time (1 to 1,000,000)."),
        ]
    }

    static let incrementalKeys = [ConfigKey("cursor", "string", required: true, "The cursor column.")]

    init(_ m: ConfigMap) throws {
        login = try DatabaseLogin(m)
        table = try m.string("table")
        query = try m.string("query")
        if (table == nil) == (query == nil) {
            throw m.error(table == nil ? "table" : "query", .invalidConfig, "a database source reads one `table` or one `query`")
        }
        declared = try DeclaredSchema.parse(try m.stringMap("schema"), file: m.location.file, path: m.keyPath("schema"))
        cursor = try m.map("incremental", keys: Self.incrementalKeys).map { try $0.requiredString("cursor") }
        if let cursor, let declared, declared.index(of: cursor) == nil {
            throw m.error("incremental", .invalidConfig, "the cursor column '\(cursor)' is not in the declared schema")
        }
        fetchRows = try m.int("fetch_rows", default: 10_000, range: 1...1_000_000)
        location = m.path
        // The cursor filter wraps the query: a LIMIT inside would take the same first rows each run.
        if cursor != nil, let q = query?.lowercased(),
           q.range(of: #"\b(limit|offset|fetch\s+(first|next))\b"#, options: .regularExpression) != nil {
            throw m.error("query", .invalidConfig, "an incremental query cannot LIMIT, OFFSET or FETCH its rows: the cursor filter is applied around it, so every run would take the same first rows",
                          hint: "remove the LIMIT (each run reads what is past the mark), or drop `incremental`")
        }
    }

    /// `what` for messages: `table sales.orders` or `query`.
    var what: String { table.map { "table \($0)" } ?? "query" }

    /// A stable lineage name for a query (FNV-1a of its text), so reruns meet in one dataset.
    var queryName: String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in (query ?? "").utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return "query_" + String(h, radix: 16)
    }

    /// The state entry of the cursor's mark (`postgres:cursor:updated_at`).
    func stateKey(_ database: String) -> String? { cursor.map { "\(database):cursor:\($0)" } }

    /// The text of the mark the last committed run left (the server's own text of the cursor's
    /// largest value), unless the run reads everything again.
    func markText(_ database: String, _ context: RunContext) -> String? {
        guard let key = stateKey(database), !context.fullRefresh else { return nil }
        return context.previousState[key]
    }

    /// The mark the last committed run left, unless the run reads everything again; `type` is
    /// the cursor column's type (known once the result's columns are).
    func mark(_ database: String, _ context: RunContext, type: DataType) -> CursorMark? {
        guard let key = stateKey(database), !context.fullRefresh else { return nil }
        return CursorMark(state: context.previousState, key: key, type: type)
    }

    /// The query text to wrap in `SELECT * FROM (…) AS s WHERE …`: without a trailing `;`, and
    /// ending on a new line so a final `-- comment` cannot swallow the wrapper.
    var wrappable: String? {
        guard var q = query else { return nil }
        while let last = q.last, last == ";" || last.isWhitespace { q.removeLast() }
        return q + "\n"
    }

    /// The password, from the environment or the file; never part of a message.
    func password(_ context: RunContext) throws -> String? { try login.password(projectRoot: context.projectRoot) }

    /// The output schema from the result's column names and their mapped types (nil where the
    /// server's type cannot be mapped, with why), or the declared schema; and, per output column,
    /// its result column. Checks the cursor column.
    func settle(names: [String], types: [Result<DataType, StrataError>]) throws -> (schema: Schema, columns: [Int], cursor: Int?) {
        let schema: Schema
        let columns: [Int]
        if let declared {
            var map: [Int] = []
            for f in declared.fields {
                guard let i = names.firstIndex(of: f.name) else {
                    throw StrataError(.schemaMismatch, "\(location): the \(what) has no column '\(f.name)' (declared in schema)",
                                      hint: Suggest.hint(for: f.name, in: names) ?? "columns: " + names.joined(separator: ", "))
                }
                map.append(i)
            }
            schema = declared
            columns = map
        } else {
            guard Set(names).count == names.count else {
                throw StrataError(.schemaMismatch, "\(location): the \(what) returns two columns of one name; alias them in the query")
            }
            schema = Schema(try zip(names, types).map { name, t in
                switch t {
                case .success(let type): return Field(name, type)
                case .failure(let why): throw StrataError(.schemaMismatch, "\(location): column '\(name)' of the \(what): \(why.message)")
                }
            })
            columns = Array(names.indices)
        }
        guard let cursor else { return (schema, columns, nil) }
        guard let i = schema.index(of: cursor) else {
            throw StrataError(.schemaMismatch, "\(location): the cursor column '\(cursor)' is not a column of the \(what)",
                              hint: Suggest.hint(for: cursor, in: schema.names) ?? "columns: " + schema.names.joined(separator: ", "))
        }
        switch schema.fields[i].type {
        case .int64, .date, .timestamp, .decimal: break
        default:
            throw StrataError(.schemaMismatch, "\(location): the cursor column '\(cursor)' is \(schema.fields[i].type); it must be a number, date or timestamp",
                              hint: "text sorts by the database's collation, which this reader cannot compare exactly")
        }
        // The mark is compared on the server in the column's own type: a declared type that
        // rounds it (decimal(12,2) over numeric(12,4)) or reads text as a number would not.
        if declared != nil, case .success(let server) = types[columns[i]], server != schema.fields[i].type {
            throw StrataError(.schemaMismatch, "\(location): the cursor column '\(cursor)' is \(server) on the server but declared \(schema.fields[i].type)",
                              hint: "declare it as \(server) (or cast it in the query)")
        }
        return (schema, columns, i)
    }
}

/// Where the last committed run stopped: the cursor's largest value (the server's own text and
/// its ordered number) and the fingerprints of the rows it read at exactly that value. The next
/// run reads `cursor >= mark` and skips those rows, so a row that arrives later with a value
/// equal to the mark (a tie, a coarse date cursor) is read, and none is read twice.
struct CursorMark: Sendable, Equatable {
    var text: String
    var value: Int64
    var seen: Set<UInt64>

    /// At most this many rows may share the largest cursor value (their fingerprints are kept in
    /// the commit); a cursor that coarse is refused instead of losing or repeating rows.
    static let maxTies = 10_000

    static func key(_ base: String) -> String { base + ":seen" }

    /// From the state entries of the last commit (nil when there is none or it is unreadable).
    init?(state: [String: String], key: String, type: DataType) {
        guard let text = state[key], let value = Array(text.utf8).withUnsafeBufferPointer({ TextValues.ordered($0, type) }) else { return nil }
        self.text = text
        self.value = value
        seen = Set((state[CursorMark.key(key)] ?? "").split(separator: ",").compactMap { UInt64($0, radix: 16) })
    }

    init(text: String, value: Int64, seen: Set<UInt64>) {
        self.text = text
        self.value = value
        self.seen = seen
    }

    func record(_ key: String, _ context: RunContext) {
        context.recordState(key, text)
        context.recordState(CursorMark.key(key), seen.sorted().map { String($0, radix: 16) }.joined(separator: ","))
    }
}

/// Turns rows of text values (as database clients deliver them) into typed batches: each value
/// parsed once into its column; a row with a value that is not its type goes to quarantine with
/// the column named; the cursor's largest value and the rows at it are kept for the next run.
struct RowBatcher {
    let schema: Schema
    /// Per output column, its column in the server's rows.
    let columns: [Int]
    let cursor: Int?
    /// The lineage dataset, as quarantine records' source.
    let dataset: String
    /// Where the last committed run stopped: rows at its value that it read are skipped.
    let previous: CursorMark?
    private(set) var rowNumber = 0
    private(set) var mark: CursorMark?
    /// Rows read with a null cursor: later incremental runs cannot see such rows.
    private(set) var nullCursors = 0
    private(set) var skipped = 0
    private var builders: [ColumnBuilder] = []
    private(set) var bytes = 0

    /// Binary values arrive as hex text (PostgreSQL's `\x…`), not as their bytes (MySQL).
    let hexBinary: Bool

    init(schema: Schema, columns: [Int], cursor: Int?, dataset: String, previous: CursorMark? = nil, hexBinary: Bool = false) {
        self.hexBinary = hexBinary
        self.schema = schema
        self.columns = columns
        self.cursor = cursor
        self.dataset = dataset
        self.previous = previous
        mark = previous
        reset(capacity: 0)
    }

    mutating func reset(capacity: Int) {
        builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: capacity) }
        bytes = 0
    }

    /// FNV-1a over the row's values (lengths and nulls included, so no two rows collide by framing).
    static func fingerprint(_ value: (Int) -> UnsafeBufferPointer<UInt8>?, columns: Int) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ b: UInt8) { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        for c in 0..<columns {
            guard let b = value(c) else { mix(0xFF); mix(0xFE); continue }
            var n = b.count
            for _ in 0..<4 { mix(UInt8(truncatingIfNeeded: n)); n >>= 8 }
            for x in b { mix(x) }
        }
        return h
    }

    /// Adds one row of `width` server columns; `value(c)` is the text of column `c`, nil for null.
    /// Throws when more rows than `CursorMark.maxTies` share the largest cursor value.
    mutating func add(_ value: (Int) -> UnsafeBufferPointer<UInt8>?, width: Int, quarantine: any QuarantineSink) throws {
        rowNumber += 1
        // The cursor first: it decides whether the row was read already, and it moves the mark
        // even for a row that goes to quarantine (so that row is not quarantined again each run).
        if let ci = cursor {
            if let b = value(columns[ci]) {
                if let v = TextValues.ordered(b, schema.fields[ci].type) {
                    let fp = RowBatcher.fingerprint(value, columns: width)
                    if let p = previous, v == p.value, p.seen.contains(fp) {
                        skipped += 1
                        return
                    }
                    if mark == nil || v > mark!.value {
                        mark = CursorMark(text: String(decoding: b, as: UTF8.self), value: v, seen: [fp])
                    } else if v == mark!.value {
                        mark!.seen.insert(fp)
                        if mark!.seen.count > CursorMark.maxTies {
                            throw StrataError(.runFailed, "more than \(CursorMark.maxTies) rows share the cursor's largest value (\(schema.fields[ci].name)); the cursor is too coarse to read incrementally without losing or repeating rows",
                                              hint: "use a finer cursor (a timestamp with fractions, or an id that grows)")
                        }
                    }
                }
            } else {
                nullCursors += 1
            }
        }
        var bad: Int?
        for (o, c) in columns.enumerated() {
            guard let b = value(c) else { builders[o].appendNull(); continue }
            bytes += b.count
            if !TextValues.append(b, as: schema.fields[o].type, to: &builders[o], hexBinary: hexBinary) { bad = o; break }
        }
        if let bad {
            for o in 0..<bad { builders[o].removeLast() }
            let raw = columns.map { c in value(c).map { String(decoding: $0, as: UTF8.self) } ?? "" }.joined(separator: ",")
            quarantine.quarantine(QuarantineRecord(sourceFile: dataset, line: rowNumber,
                                                   reason: "column '\(schema.fields[bad].name)': expected \(schema.fields[bad].type)", raw: raw))
        }
    }

    /// At the end of the input: the mark for the next run, and a warning for null cursors.
    func finish(stateKey: String?, context: RunContext) {
        guard let stateKey, let ci = cursor else { return }
        if let mark, mark != previous { mark.record(stateKey, context) }
        if nullCursors > 0 {
            context.warn("\(nullCursors) row(s) read with a null \(schema.fields[ci].name): incremental runs only see rows whose cursor is past the mark, so rows whose \(schema.fields[ci].name) is null are read only by a full refresh")
        }
    }

    /// The rows added since the last `take`.
    mutating func take() -> Batch {
        let b = Batch(schema: schema, columns: builders.map { $0.finish() })
        reset(capacity: b.rowCount)
        return b
    }
}
