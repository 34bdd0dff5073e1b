import Foundation
import StrataConfig
import StrataCore

/// What every database source's config shares: where the password comes from, the table or
/// query, a declared schema, the incremental cursor and the fetch size. Validated without I/O.
struct DatabaseInput: Sendable {
    let passwordEnv: String?
    let passwordFile: String?
    let table: String?
    let query: String?
    let declared: Schema?
    let cursor: String?
    let fetchRows: Int
    /// The config path of the source section, for messages.
    let location: String

    /// The shared keys, after the dsn; `example` names a table the way this database writes one.
    static func keys(tableExample: String) -> [ConfigKey] {
        [
            ConfigKey("password_env", "string", "The environment variable holding the password."),
            ConfigKey("password_file", "string", "A file (relative to pipelines.yaml) whose first line is the password."),
            ConfigKey("table", "string", "The table (or view) to read: \(tableExample). One of `table` and `query`."),
            ConfigKey("query", "string", "A SELECT to read instead of a table."),
            FileInput.schemaKey("Declared column types (a subset of the columns, in this order), e.g. `amount: decimal(12,2)`; without it the columns' own types are mapped."),
            ConfigKey("incremental", "map", "`cursor: COLUMN` (a number, date or timestamp that grows with each insert or update): read only rows past the last committed run's largest value.").fields(incrementalKeys),
            ConfigKey("fetch_rows", "int", default: "10000", "Rows taken from the server at a time (1 to 1,000,000)."),
        ]
    }

    static let incrementalKeys = [ConfigKey("cursor", "string", required: true, "The cursor column.")]

    init(_ m: ConfigMap) throws {
        passwordEnv = try m.string("password_env")
        passwordFile = try m.string("password_file")
        if passwordEnv != nil && passwordFile != nil {
            throw m.error("password_file", .invalidConfig, "give the password by password_env or by password_file, not both")
        }
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
    }

    /// The error for a dsn that holds a password.
    static func passwordInDSN(_ m: ConfigMap) -> StrataError {
        m.error("dsn", .invalidConfig, "the dsn holds a password; it would end up in logs and config history",
                hint: "remove it and set `password_env: VAR` (or `password_file: PATH`)")
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

    /// The mark the last committed run left, unless the run reads everything again.
    func mark(_ database: String, _ context: RunContext) -> String? {
        guard let key = stateKey(database), !context.fullRefresh else { return nil }
        return context.previousState[key]
    }

    /// The password, from the environment or the file; never part of a message.
    func password(_ context: RunContext) throws -> String? {
        if let v = passwordEnv {
            guard let p = ProcessInfo.processInfo.environment[v] else {
                throw StrataError(.invalidConfig, "\(location): the environment variable \(v) (password_env) is not set")
            }
            return p
        }
        if let f = passwordFile {
            let path = context.resolve(f)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { // the message below says what failed; the file's text is never shown
                throw StrataError(.io, "\(location): cannot read the password file \(path)")
            }
            return String(text.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        }
        return nil
    }

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
        return (schema, columns, i)
    }
}

/// Turns rows of text values (as database clients deliver them) into typed batches: each value
/// parsed once into its column; a row with a value that is not its type goes to quarantine with
/// the column named; the cursor's largest value is kept as the server wrote it.
struct RowBatcher {
    let schema: Schema
    /// Per output column, its column in the server's rows.
    let columns: [Int]
    let cursor: Int?
    /// The lineage dataset, as quarantine records' source.
    let dataset: String
    private(set) var rowNumber = 0
    private(set) var mark: (value: Int64, text: String)?
    private var builders: [ColumnBuilder] = []
    private(set) var bytes = 0

    init(schema: Schema, columns: [Int], cursor: Int?, dataset: String) {
        self.schema = schema
        self.columns = columns
        self.cursor = cursor
        self.dataset = dataset
        reset(capacity: 0)
    }

    mutating func reset(capacity: Int) {
        builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: capacity) }
        bytes = 0
    }

    /// Adds one row; `value(c)` is the text of the server's column `c`, nil for null.
    mutating func add(_ value: (Int) -> UnsafeBufferPointer<UInt8>?, quarantine: any QuarantineSink) {
        rowNumber += 1
        var bad: Int?
        for (o, c) in columns.enumerated() {
            guard let b = value(c) else { builders[o].appendNull(); continue }
            bytes += b.count
            if !TextValues.append(b, as: schema.fields[o].type, to: &builders[o]) { bad = o; break }
        }
        if let bad {
            for o in 0..<bad { builders[o].removeLast() }
            let raw = columns.map { c in value(c).map { String(decoding: $0, as: UTF8.self) } ?? "" }.joined(separator: ",")
            quarantine.quarantine(QuarantineRecord(sourceFile: dataset, line: rowNumber,
                                                   reason: "column '\(schema.fields[bad].name)': expected \(schema.fields[bad].type)", raw: raw))
            return
        }
        if let ci = cursor, let b = value(columns[ci]), let v = TextValues.ordered(b, schema.fields[ci].type), mark == nil || v > mark!.value {
            mark = (v, String(decoding: b, as: UTF8.self))
        }
    }

    /// The rows added since the last `take`.
    mutating func take() -> Batch {
        let b = Batch(schema: schema, columns: builders.map { $0.finish() })
        reset(capacity: b.rowCount)
        return b
    }
}
