#if Postgres
public import StrataCore
public import StrataConfig
import Foundation

/// `type: postgres` source: a table or query of a PostgreSQL database, streamed through a
/// COPY inside one REPEATABLE READ READ ONLY transaction (one consistent snapshot per
/// run), optionally incremental on a cursor column whose high-water mark is kept in the commit.
public struct PostgresSource: SourceConfig {
    public static let descriptor = PluginDescriptor(
        name: "postgres", kind: .source,
        summary: "Read a PostgreSQL table or query (libpq), in one consistent snapshot, optionally incrementally.",
        doc: """
        Rows stream with `COPY (…) TO STDOUT` (typed `fetch_rows` at a time: the source holds one batch, whatever the table's size) inside \
        one `REPEATABLE READ READ ONLY` transaction: the run reads one consistent snapshot. Types map \
        from the columns' own: smallint/integer/bigint → int64, real/double → double, numeric(p,s) with \
        p ≤ 18 → decimal(p,s), boolean, date, timestamp and timestamptz (in UTC) → timestamp; text, \
        varchar, char, json/jsonb, uuid, enums, time, interval and inet → string; bytea → binary. \
        Arrays, composite types, unconstrained numeric and numeric beyond 18 digits are errors naming \
        the column (cast them in a `query`, or declare the type in `schema:`). With \
        `incremental: {cursor: updated_at}` a run reads only rows at or past the largest cursor value \
        the last committed run read, skipping the rows it read at that value; the mark is stored in \
        the same Delta commit as the rows, so a crash at any point re-reads exactly what was not \
        committed (rows with a null cursor after the first run, rows updated without moving the \
        cursor, and deletes, are not seen; see the README's Databases section). The password comes only from `password_env` \
        or `password_file` (a `password` in the dsn is refused) and is never printed, audited or \
        put in lineage. A value that does not parse as its type goes to quarantine with the column's \
        name as the reason. Lineage names the dataset `postgres://HOST:PORT` / `DB.SCHEMA.TABLE`.
        """,
        keys: [ConfigKey("dsn", "string", required: true, "A libpq connection string or URI without the password: `host=127.0.0.1 port=5432 dbname=shop user=etl` or `postgresql://etl@db:5432/shop`.")]
            + DatabaseInput.keys(tableExample: "`orders` or `sales.orders`"),
        example: """
        source:
          type: postgres
          dsn: host=127.0.0.1 port=5432 dbname=shop user=etl
          password_env: SHOP_DB_PASSWORD
          table: public.orders
          incremental: {cursor: updated_at}
        """,
        make: { m in .source(try PostgresSource(m)) })

    let dsn: String
    let input: DatabaseInput
    let endpoint: (host: String, port: String, dbname: String)

    public init(_ m: ConfigMap) throws {
        dsn = try m.requiredString("dsn")
        switch PostgresConnection.parse(dsn) {
        case .failure(let e):
            throw m.error("dsn", .invalidConfig, "not a PostgreSQL connection string: \(e.message)",
                          hint: "e.g. `host=127.0.0.1 port=5432 dbname=shop user=etl`")
        case .success(let p):
            if p.hasPassword { throw DatabaseLogin.passwordInDSN(m) }
            endpoint = (p.host, p.port, p.dbname)
        }
        input = try DatabaseInput(m)
    }

    public var readsIncrementally: Bool { input.cursor != nil }

    public var reads: [TableRef] { [] }

    public func outputSchema(_ resolver: any SchemaResolver) throws -> Schema? { input.declared }

    public var lineageDataset: (namespace: String, name: String)? {
        let name: String
        if let table = input.table {
            name = endpoint.dbname + "." + (table.contains(".") ? table : "public." + table)
        } else {
            name = endpoint.dbname + "." + input.queryName
        }
        return ("postgres://\(endpoint.host):\(endpoint.port)", name)
    }

    public func open(_ context: RunContext) throws -> any BatchReader {
        let conn = try PostgresConnection(dsn: dsn, password: try input.password(context), context: input.location)
        try conn.exec("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", context: input.location)
        var sql = input.table.map { "SELECT * FROM " + PostgresTypes.quotedName($0) } ?? input.wrappable!
        if let cursor = input.cursor, let mark = input.markText("postgres", context) {
            // COPY takes no parameters: the mark (the server's own text of a value) as a literal.
            // `>=`: rows that tie with the mark are read, those the last run read are skipped.
            sql = "SELECT * FROM (\(sql)) AS strata_source WHERE \(PostgresTypes.quoted(cursor)) >= \(try conn.literal(mark))"
        }
        return try PostgresReader(connection: conn, sql: sql, source: self, context: context)
    }
}

/// Streams the rows with `COPY (…) TO STDOUT` inside the run's transaction (the query's column
/// types come from a `LIMIT 0` of the same query, in the same snapshot) and types them
/// `fetch_rows` at a time.
final class PostgresReader: BatchReader {
    var schema: Schema { batcher.schema }
    private let conn: PostgresConnection
    private let input: DatabaseInput
    private let context: RunContext
    private var batcher: RowBatcher
    private var row = CopyTextRow()
    private var done = false
    /// Columns of the server's rows.
    private let width: Int

    init(connection: PostgresConnection, sql: String, source: PostgresSource, context: RunContext) throws {
        conn = connection
        input = source.input
        self.context = context
        let first = try connection.exec("SELECT * FROM (\(sql)) AS strata_columns LIMIT 0", context: source.input.location)
        let names = (0..<first.columns).map(first.name)
        var mapped = (0..<first.columns).map { PostgresTypes.map(oid: first.type($0), typmod: first.modifier($0)) }
        let unknown = (0..<first.columns).filter { mapped[$0] == .lookUp }.map { first.type($0) }
        if !unknown.isEmpty, input.declared == nil {
            // Types this reader does not know by OID (arrays, enums, domains…) by their category.
            let r = try conn.exec("SELECT oid::int8, typname::text, typcategory::text FROM pg_type WHERE oid = ANY($1::oid[])",
                                  ["{" + unknown.map(String.init).joined(separator: ",") + "}"], context: input.location)
            var categories: [UInt32: (String, String)] = [:]
            for i in 0..<r.rows { if let oid = UInt32(r.string(i, 0)) { categories[oid] = (r.string(i, 2), r.string(i, 1)) } }
            for c in mapped.indices where mapped[c] == .lookUp {
                let (cat, name) = categories[first.type(c)] ?? ("X", "type \(first.type(c))")
                mapped[c] = PostgresTypes.map(category: cat, name: name)
            }
        }
        let types = mapped.map { m -> Result<DataType, StrataError> in
            switch m {
            case .type(let t): return .success(t)
            case .unsupported(let why): return .failure(StrataError(.schemaMismatch, why))
            case .lookUp: return .success(.string)
            }
        }
        let settled = try input.settle(names: names, types: types)
        let ds = source.lineageDataset!
        width = first.columns
        batcher = RowBatcher(schema: settled.schema, columns: settled.columns, cursor: settled.cursor, dataset: ds.namespace + "/" + ds.name,
                             previous: settled.cursor.flatMap { source.input.mark("postgres", context, type: settled.schema.fields[$0].type) },
                             hexBinary: true)
        try conn.startCopy("COPY (\(sql)) TO STDOUT")
    }

    func next() throws -> Batch? {
        while !done {
            batcher.reset(capacity: min(input.fetchRows, 65_536))
            var rows = 0
            while rows < input.fetchRows {
                guard let line = try conn.copyRow() else {
                    try finish()
                    break
                }
                row.parse(line)
                let fields = row.fields
                try row.scratch.withUnsafeBufferPointer { base in
                    try batcher.add({ c in
                        guard c < fields.count, let r = fields[c] else { return nil }
                        return UnsafeBufferPointer(rebasing: base[r])
                    }, width: width, quarantine: context.quarantine)
                }
                rows += 1
            }
            context.addInput(rows: rows, bytes: batcher.bytes)
            let batch = batcher.take()
            CrashPoint.reach("postgres-fetch") // a kill mid-extraction, for the exactly-once tests
            if batch.rowCount > 0 { return batch }
        }
        return nil
    }

    private func finish() throws {
        guard !done else { return }
        done = true
        try conn.exec("COMMIT", context: input.location)
        conn.close()
        batcher.finish(stateKey: input.stateKey("postgres"), context: context)
    }
}
#endif
