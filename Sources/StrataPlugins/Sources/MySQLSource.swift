#if MySQL
public import StrataCore
public import StrataConfig
import CMariaDB

/// `type: mysql` source: a table or query of a MySQL or MariaDB database, streamed row by row
/// inside one consistent-snapshot transaction, optionally incremental on a cursor column whose
/// high-water mark is kept in the commit (the same mechanism as `postgres`).
public struct MySQLSource: SourceConfig {
    public static let descriptor = PluginDescriptor(
        name: "mysql", kind: .source,
        summary: "Read a MySQL or MariaDB table or query (MariaDB Connector/C), in one consistent snapshot, optionally incrementally.",
        doc: """
        Rows stream from the server as they are read (`mysql_use_result`, batches of `fetch_rows`) \
        inside one `START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY` at REPEATABLE READ: the run \
        reads one snapshot (of InnoDB tables). The session's time zone is UTC, so TIMESTAMP columns \
        arrive in UTC; DATETIME is taken as written. Types map from the columns' own: TINYINT to BIGINT \
        and YEAR → int64 (an unsigned BIGINT above 2^63 - 1 is quarantined), FLOAT/DOUBLE → double, \
        DECIMAL(p,s) with p ≤ 18 → decimal(p,s), DATE → date, DATETIME/TIMESTAMP → timestamp; CHAR, \
        VARCHAR, TEXT, JSON, ENUM, SET and TIME → string; binary strings (BINARY, VARBINARY, BLOB) → \
        binary. BIT, GEOMETRY and DECIMAL beyond 18 digits are errors naming the column (convert them \
        in a `query`: `CAST(col AS UNSIGNED)`). A value that does not parse as its type (a zero date) goes \
        to quarantine with the column's name as the reason. `incremental`, the password keys and \
        lineage work as for `postgres` (namespace `mysql://HOST:PORT`, name `DB.TABLE`).
        """,
        keys: [ConfigKey("dsn", "string", required: true, "Where, without the password: `host=127.0.0.1 port=3306 dbname=shop user=etl` (also `socket=PATH`) or `mysql://etl@db:3306/shop`.")]
            + DatabaseInput.keys(tableExample: "`orders` or `shop.orders`"),
        example: """
        source:
          type: mysql
          dsn: host=127.0.0.1 port=3306 dbname=shop user=etl
          password_env: SHOP_DB_PASSWORD
          table: orders
          incremental: {cursor: updated_at}
        """,
        make: { m in .source(try MySQLSource(m)) })

    let endpoint: MySQLConnection.Endpoint
    let input: DatabaseInput

    public init(_ m: ConfigMap) throws {
        let dsn = try m.requiredString("dsn")
        switch MySQLConnection.parse(dsn) {
        case .failure(let e):
            throw m.error("dsn", .invalidConfig, "not a MySQL dsn: \(e.message)", hint: "e.g. `host=127.0.0.1 port=3306 dbname=shop user=etl`")
        case .success(let e):
            if e.hasPassword { throw DatabaseLogin.passwordInDSN(m) }
            endpoint = e
        }
        input = try DatabaseInput(m)
        if input.table?.contains(".") != true && endpoint.dbname == nil {
            throw m.error("dsn", .invalidConfig, "no database to read from", hint: "add dbname=… to the dsn, or name the table as db.table")
        }
    }

    public var readsIncrementally: Bool { input.cursor != nil }

    public var reads: [TableRef] { [] }

    public func outputSchema(_ resolver: any SchemaResolver) throws -> Schema? { input.declared }

    public var lineageDataset: (namespace: String, name: String)? {
        let db = endpoint.dbname ?? ""
        let name = input.table.map { $0.contains(".") ? $0 : db + "." + $0 } ?? db + "." + input.queryName
        return ("mysql://\(endpoint.host):\(endpoint.port)", name)
    }

    public func open(_ context: RunContext) throws -> any BatchReader {
        let conn = try MySQLConnection(endpoint, password: try input.password(context), context: input.location)
        // A streamed result waits for the pipeline between batches (a sink flushing a file): the
        // server must not drop the connection meanwhile (its default gives up after 60 s).
        for s in ["SET time_zone = '+00:00'", "SET SESSION net_write_timeout = 3600", "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ",
                  "START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY"] { try conn.exec(s) }
        var sql = input.table.map { "SELECT * FROM " + MySQLConnection.quotedName($0) } ?? input.wrappable!
        let fields = try conn.fields(sql)
        let settled = try input.settle(names: fields.map(\.name), types: fields.map(MySQLSource.map))
        var previous: CursorMark?
        if let ci = settled.cursor, let cursor = input.cursor, let text = input.markText("mysql", context) {
            let type = settled.schema.fields[ci].type
            previous = input.mark("mysql", context, type: type)
            guard previous != nil else {
                throw StrataError(.corruptData, "\(input.location): the last run's mark of \(cursor) is not a \(type) any more", hint: "rebuild with `strata run --full-refresh`")
            }
            // Numbers unquoted (checked digits): a quoted one compares as DOUBLE, not exactly.
            let literal = type == .date || type == .timestamp ? conn.literal(text) : text
            // `>=`: rows that tie with the mark are read, those the last run read are skipped.
            sql = "SELECT * FROM (\(sql)) AS strata_source WHERE \(MySQLConnection.quoted(cursor)) >= \(literal)"
        }
        let ds = lineageDataset!
        let batcher = RowBatcher(schema: settled.schema, columns: settled.columns, cursor: settled.cursor,
                                 dataset: ds.namespace + "/" + ds.name, previous: previous)
        return MySQLReader(connection: conn, result: try conn.stream(sql), batcher: batcher, input: input, context: context)
    }

    /// The type of a result column.
    static func map(_ f: (name: String, type: enum_field_types, length: Int, decimals: Int, unsigned: Bool, binary: Bool)) -> Result<DataType, StrataError> {
        func no(_ why: String) -> Result<DataType, StrataError> { .failure(StrataError(.schemaMismatch, why)) }
        switch f.type {
        case MYSQL_TYPE_TINY, MYSQL_TYPE_SHORT, MYSQL_TYPE_LONG, MYSQL_TYPE_INT24, MYSQL_TYPE_LONGLONG, MYSQL_TYPE_YEAR: return .success(.int64)
        case MYSQL_TYPE_FLOAT, MYSQL_TYPE_DOUBLE: return .success(.double)
        case MYSQL_TYPE_DECIMAL, MYSQL_TYPE_NEWDECIMAL:
            // The display length counts the digits, the point and (when signed) the sign.
            let p = f.length - (f.decimals > 0 ? 1 : 0) - (f.unsigned ? 0 : 1)
            guard p <= 18 else { return no("DECIMAL(\(p),\(f.decimals)) has more than 18 digits: cast it in a `query` (to DECIMAL(18,\(min(f.decimals, 18))) or CHAR)") }
            return .success(.decimal(precision: max(p, 1), scale: f.decimals))
        case MYSQL_TYPE_DATE, MYSQL_TYPE_NEWDATE: return .success(.date)
        case MYSQL_TYPE_DATETIME, MYSQL_TYPE_TIMESTAMP: return .success(.timestamp)
        case MYSQL_TYPE_TIME, MYSQL_TYPE_JSON, MYSQL_TYPE_ENUM, MYSQL_TYPE_SET:
            return .success(.string)
        case MYSQL_TYPE_VARCHAR, MYSQL_TYPE_VAR_STRING, MYSQL_TYPE_STRING, MYSQL_TYPE_TINY_BLOB, MYSQL_TYPE_MEDIUM_BLOB, MYSQL_TYPE_LONG_BLOB, MYSQL_TYPE_BLOB:
            return .success(f.binary ? .binary : .string)
        case MYSQL_TYPE_BIT: return no("BIT: select CAST(… AS UNSIGNED) in a `query`")
        case MYSQL_TYPE_NULL: return .success(.string)
        default: return no("a GEOMETRY or other type this reader does not map: convert it in a `query`")
        }
    }
}

/// Reads the streamed result `fetch_rows` rows at a time and types them.
final class MySQLReader: BatchReader {
    var schema: Schema { batcher.schema }
    private let conn: MySQLConnection
    private var result: MySQLResult?
    private let input: DatabaseInput
    private let context: RunContext
    private var batcher: RowBatcher
    private var done = false

    init(connection: MySQLConnection, result: MySQLResult, batcher: RowBatcher, input: DatabaseInput, context: RunContext) {
        conn = connection
        self.result = result
        self.batcher = batcher
        self.input = input
        self.context = context
        width = result.fields.count
    }

    /// Columns of the server's rows.
    private let width: Int

    deinit {
        // Left before the end (a failed check, a restart): stop the stream, do not drain it.
        if !done { conn.cancel() }
    }

    func next() throws -> Batch? {
        while !done {
            batcher.reset(capacity: min(input.fetchRows, 65_536))
            var rows = 0
            var more = true
            while rows < input.fetchRows {
                more = try result?.next { value in try batcher.add(value, width: width, quarantine: context.quarantine) } ?? false
                if !more { break }
                rows += 1
            }
            context.addInput(rows: rows, bytes: batcher.bytes)
            let batch = batcher.take()
            CrashPoint.reach("mysql-fetch") // a kill mid-extraction, for the exactly-once tests
            if !more { try finish() }
            if batch.rowCount > 0 { return batch }
        }
        return nil
    }

    private func finish() throws {
        guard !done else { return }
        done = true
        result = nil // the stream is freed before the next statement
        try conn.exec("COMMIT")
        conn.close()
        batcher.finish(stateKey: input.stateKey("mysql"), context: context)
    }
}
#endif
