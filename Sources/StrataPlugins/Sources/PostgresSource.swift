#if Postgres
public import StrataCore
public import StrataConfig
import Foundation

/// `type: postgres` source: a table or query of a PostgreSQL database, streamed through a
/// server-side cursor inside one REPEATABLE READ READ ONLY transaction (one consistent snapshot per
/// run), optionally incremental on a cursor column whose high-water mark is kept in the commit.
public struct PostgresSource: SourceConfig {
    public static let descriptor = PluginDescriptor(
        name: "postgres", kind: .source,
        summary: "Read a PostgreSQL table or query (libpq), in one consistent snapshot, optionally incrementally.",
        doc: """
        Rows stream through a server-side cursor (`fetch_rows` at a time, so memory stays flat) inside \
        one `REPEATABLE READ READ ONLY` transaction: the run reads one consistent snapshot. Types map \
        from the columns' own: smallint/integer/bigint → int64, real/double → double, numeric(p,s) with \
        p ≤ 18 → decimal(p,s), boolean, date, timestamp and timestamptz (in UTC) → timestamp; text, \
        varchar, char, json/jsonb, uuid, enums, time, interval, inet and bytea (as `\\x…` hex) → string. \
        Arrays, composite types, unconstrained numeric and numeric beyond 18 digits are errors naming \
        the column (cast them in a `query`, or declare the type in `schema:`). With \
        `incremental: {cursor: updated_at}` a run reads only rows whose cursor is greater than the \
        largest one the last committed run read; that mark is stored in the same Delta commit as the \
        rows, so a crash at any point re-reads exactly what was not committed (rows updated without \
        moving the cursor, and deletes, are not seen). The password comes only from `password_env` \
        or `password_file` (a `password` in the dsn is refused) and is never printed, audited or \
        put in lineage. A value that does not parse as its type goes to quarantine with the column's \
        name as the reason. Lineage names the dataset `postgres://HOST:PORT` / `DB.SCHEMA.TABLE`.
        """,
        keys: [
            ConfigKey("dsn", "string", required: true, "A libpq connection string or URI without the password: `host=127.0.0.1 port=5432 dbname=shop user=etl` or `postgresql://etl@db:5432/shop`."),
            ConfigKey("password_env", "string", "The environment variable holding the password."),
            ConfigKey("password_file", "string", "A file (relative to pipelines.yaml) whose first line is the password."),
            ConfigKey("table", "string", "The table (or view) to read: `orders` or `sales.orders`. One of `table` and `query`."),
            ConfigKey("query", "string", "A SELECT to read instead of a table."),
            FileInput.schemaKey("Declared column types (a subset of the columns, in this order), e.g. `amount: decimal(12,2)`; without it the columns' own types are mapped."),
            ConfigKey("incremental", "map", "`cursor: COLUMN` (a number, date or timestamp that grows with each insert or update): read only rows past the last committed run's largest value."),
            ConfigKey("fetch_rows", "int", default: "10000", "Rows fetched from the server at a time (1 to 1,000,000)."),
        ],
        example: """
        source:
          type: postgres
          dsn: host=127.0.0.1 port=5432 dbname=shop user=etl
          password_env: SHOP_DB_PASSWORD
          table: public.orders
          incremental: {cursor: updated_at}
        """,
        make: { m in .source(try PostgresSource(m)) })

    static let incrementalKeys = [ConfigKey("cursor", "string", required: true, "The cursor column.")]

    let dsn: String
    let passwordEnv: String?
    let passwordFile: String?
    let table: String?
    let query: String?
    let declared: Schema?
    let cursor: String?
    let fetchRows: Int
    let location: String
    let endpoint: (host: String, port: String, dbname: String)

    public init(_ m: ConfigMap) throws {
        dsn = try m.requiredString("dsn")
        switch PostgresConnection.parse(dsn) {
        case .failure(let e):
            throw m.error("dsn", .invalidConfig, "not a PostgreSQL connection string: \(e.message)",
                          hint: "e.g. `host=127.0.0.1 port=5432 dbname=shop user=etl`")
        case .success(let p):
            if p.hasPassword {
                throw m.error("dsn", .invalidConfig, "the dsn holds a password; it would end up in logs and config history",
                              hint: "remove it and set `password_env: VAR` (or `password_file: PATH`)")
            }
            endpoint = (p.host, p.port, p.dbname)
        }
        passwordEnv = try m.string("password_env")
        passwordFile = try m.string("password_file")
        if passwordEnv != nil && passwordFile != nil {
            throw m.error("password_file", .invalidConfig, "give the password by password_env or by password_file, not both")
        }
        table = try m.string("table")
        query = try m.string("query")
        if (table == nil) == (query == nil) {
            throw m.error(table == nil ? "table" : "query", .invalidConfig, "a postgres source reads one `table` or one `query`")
        }
        declared = try DeclaredSchema.parse(try m.stringMap("schema"), file: m.location.file, path: m.keyPath("schema"))
        cursor = try m.map("incremental", keys: Self.incrementalKeys).map { try $0.requiredString("cursor") }
        if let cursor, let declared, declared.index(of: cursor) == nil {
            throw m.error("incremental", .invalidConfig, "the cursor column '\(cursor)' is not in the declared schema")
        }
        fetchRows = try m.int("fetch_rows", default: 10_000, range: 1...1_000_000)
        location = m.path
    }

    public var reads: [TableRef] { [] }

    public func outputSchema(_ resolver: any SchemaResolver) throws -> Schema? { declared }

    public var lineageDataset: (namespace: String, name: String)? {
        let name: String
        if let table {
            let parts = table.split(separator: ".")
            name = endpoint.dbname + "." + (parts.count == 1 ? "public." + table : table)
        } else {
            // A query has no table name: a stable name from its text (FNV-1a), so reruns meet in one dataset.
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            for b in (query ?? "").utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            name = endpoint.dbname + ".query_" + String(h, radix: 16)
        }
        return ("postgres://\(endpoint.host):\(endpoint.port)", name)
    }

    var stateKey: String? { cursor.map { "postgres:cursor:\($0)" } }

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

    public func open(_ context: RunContext) throws -> any BatchReader {
        let what = table.map { "table \($0)" } ?? "query"
        let conn = try PostgresConnection(dsn: dsn, password: try password(context), context: location)
        try conn.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", context: location)
        var sql = table.map { "SELECT * FROM " + PostgresTypes.quotedName($0) } ?? query!
        var params: [String] = []
        if let cursor, let key = stateKey, !context.fullRefresh, let mark = context.previousState[key] {
            sql = "SELECT * FROM (\(sql)) AS strata_source WHERE \(PostgresTypes.quoted(cursor)) > $1"
            params = [mark]
        }
        try conn.exec("DECLARE strata_cursor NO SCROLL CURSOR FOR " + sql, params, context: location)
        return try PostgresReader(connection: conn, source: self, what: what, context: context)
    }
}

/// Fetches `fetch_rows` rows at a time from the cursor and types them.
final class PostgresReader: BatchReader {
    let schema: Schema
    private let conn: PostgresConnection
    private let source: PostgresSource
    private let context: RunContext
    private let dataset: String
    /// Result column of each output column.
    private let sourceColumn: [Int]
    private var pending: PostgresResult?
    private var rowNumber = 0
    private let cursorIndex: Int?
    private var mark: (value: Int64, text: String)?
    private var done = false

    init(connection: PostgresConnection, source: PostgresSource, what: String, context: RunContext) throws {
        conn = connection
        self.source = source
        self.context = context
        let ds = source.lineageDataset!
        dataset = ds.namespace + "/" + ds.name
        let first = try conn.exec("FETCH FORWARD \(source.fetchRows) FROM strata_cursor", context: source.location)
        let names = (0..<first.columns).map(first.name)
        if let declared = source.declared {
            var map: [Int] = []
            for f in declared.fields {
                guard let i = names.firstIndex(of: f.name) else {
                    throw StrataError(.schemaMismatch, "\(source.location): the \(what) has no column '\(f.name)' (declared in schema)",
                                      hint: Suggest.hint(for: f.name, in: names) ?? "columns: " + names.joined(separator: ", "))
                }
                map.append(i)
            }
            schema = declared
            sourceColumn = map
        } else {
            var fields: [Field] = []
            var unknown: [UInt32] = []
            var mapped: [PostgresTypes.Mapping] = []
            for c in 0..<first.columns {
                let m = PostgresTypes.map(oid: first.type(c), typmod: first.modifier(c))
                if m == .lookUp { unknown.append(first.type(c)) }
                mapped.append(m)
            }
            var categories: [UInt32: (String, String)] = [:]
            if !unknown.isEmpty {
                let r = try conn.exec("SELECT oid::int8, typname::text, typcategory::text FROM pg_type WHERE oid = ANY($1::oid[])",
                                      ["{" + unknown.map(String.init).joined(separator: ",") + "}"], context: source.location)
                for i in 0..<r.rows { if let oid = UInt32(r.string(i, 0)) { categories[oid] = (r.string(i, 2), r.string(i, 1)) } }
            }
            for c in 0..<first.columns {
                var m = mapped[c]
                if m == .lookUp {
                    let (cat, name) = categories[first.type(c)] ?? ("X", "type \(first.type(c))")
                    m = PostgresTypes.map(category: cat, name: name)
                }
                switch m {
                case .type(let t): fields.append(Field(names[c], t))
                case .unsupported(let why): throw StrataError(.schemaMismatch, "\(source.location): column '\(names[c])' of the \(what): \(why)")
                case .lookUp: fields.append(Field(names[c], .string))
                }
            }
            guard Set(names).count == names.count else {
                throw StrataError(.schemaMismatch, "\(source.location): the \(what) returns two columns of one name; alias them in the query")
            }
            schema = Schema(fields)
            sourceColumn = Array(0..<first.columns)
        }
        if let cursor = source.cursor {
            guard let i = schema.index(of: cursor) else {
                throw StrataError(.schemaMismatch, "\(source.location): the cursor column '\(cursor)' is not a column of the \(what)",
                                  hint: Suggest.hint(for: cursor, in: schema.names) ?? "columns: " + schema.names.joined(separator: ", "))
            }
            switch schema.fields[i].type {
            case .int64, .date, .timestamp, .decimal: break
            default:
                throw StrataError(.schemaMismatch, "\(source.location): the cursor column '\(cursor)' is \(schema.fields[i].type); it must be a number, date or timestamp",
                                  hint: "text sorts by the database's collation, which this reader cannot compare exactly")
            }
            cursorIndex = i
        } else {
            cursorIndex = nil
        }
        pending = first
    }

    func next() throws -> Batch? {
        while !done, let r = pending {
            if r.rows == 0 {
                try finish()
                return nil
            }
            let batch = convert(r)
            CrashPoint.reach("postgres-fetch") // a kill mid-extraction, for the exactly-once tests
            pending = r.rows < source.fetchRows ? nil : try conn.exec("FETCH FORWARD \(source.fetchRows) FROM strata_cursor", context: source.location)
            if pending == nil { try finish() }
            if batch.rowCount > 0 { return batch }
        }
        return nil
    }

    private func finish() throws {
        guard !done else { return }
        done = true
        pending = nil
        try conn.exec("COMMIT", context: source.location)
        conn.close()
        if let key = source.stateKey, let mark { context.recordState(key, mark.text) }
    }

    private func convert(_ r: PostgresResult) -> Batch {
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: r.rows) }
        var bytes = 0
        for row in 0..<r.rows {
            rowNumber += 1
            // Each value parsed once, straight into its column; a value that is not its type takes
            // the row's earlier values back out and sends the row to quarantine.
            var bad: Int?
            for (o, c) in sourceColumn.enumerated() {
                if r.isNull(row, c) { builders[o].appendNull(); continue }
                let b = r.bytes(row, c)
                bytes += b.count
                if !PostgresTypes.append(b, as: schema.fields[o].type, to: &builders[o]) { bad = o; break }
            }
            if let bad {
                for o in 0..<bad { builders[o].removeLast() }
                let raw = sourceColumn.map { r.isNull(row, $0) ? "" : r.string(row, $0) }.joined(separator: ",")
                context.quarantine.quarantine(QuarantineRecord(sourceFile: dataset, line: rowNumber,
                                                               reason: "column '\(schema.fields[bad].name)': expected \(schema.fields[bad].type)", raw: raw))
                continue
            }
            if let ci = cursorIndex, !r.isNull(row, sourceColumn[ci]) {
                let v = PostgresReader.cursorValue(r.bytes(row, sourceColumn[ci]), schema.fields[ci].type)
                if let v, mark == nil || v > mark!.value { mark = (v, r.string(row, sourceColumn[ci])) }
            }
        }
        context.addInput(rows: r.rows, bytes: bytes)
        return Batch(schema: schema, columns: builders.map { $0.finish() })
    }

    /// The cursor's value as an ordered number: int64, decimal (at the column's one scale), date
    /// or timestamp; nil when the text is not one (that row was quarantined).
    static func cursorValue(_ b: UnsafeBufferPointer<UInt8>, _ type: DataType) -> Int64? {
        switch type {
        case .int64: return PostgresTypes.integer(b)
        case let .decimal(p, s): return Decimal64.parse(b, precision: p, scale: s)
        case .date: return Temporal.parseDate(b).map(Int64.init)
        case .timestamp: return Temporal.parseTimestamp(b)
        default: return nil
        }
    }
}
#endif
