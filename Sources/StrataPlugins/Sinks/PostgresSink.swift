#if Postgres
public import StrataCore
public import StrataConfig
public import StrataFormats
import Foundation

/// `type: postgres` sink: serves a pipeline's rows (a gold or silver table, masked as that layer's
/// policies say) from a PostgreSQL table, in one transaction per run.
public struct PostgresSink: ExternalSinkConfig {
    public static let descriptor = PluginDescriptor(
        name: "postgres", kind: .sink,
        summary: "Serve the pipeline's rows from a PostgreSQL table (libpq, COPY), in one transaction that also keeps the pipeline's state.",
        doc: """
        The rows stream into PostgreSQL with `COPY … FROM STDIN` inside one transaction, which commits \
        only when the whole run succeeded. `mode: overwrite` copies into a new table and, at the end, \
        drops the old one and renames the new one in its place: readers see the old rows or the new \
        ones, never a mix or an empty table (rows that repeat a key stop the run before anything \
        lands); it needs a source that reads its whole input every run \
        (`incremental: false` on a table source), and refuses an incremental one. `mode: merge` copies into a temporary table and upserts \
        with `INSERT … ON CONFLICT (keys) DO UPDATE` (the last incoming row of a key wins; rows that \
        did not change are not rewritten; a null key goes to quarantine), creating the table with a \
        primary key on `keys` when it does not exist yet; a full refresh, or an upstream table that was \
        rewritten, replaces the rows (in place, when the table keeps its columns and keys). Columns map to boolean, bigint, double precision, \
        numeric(p,s), text, bytea, date and timestamptz (UTC). The rows are governed as `layer`'s: the engine \
        masks them as that layer's policies say before they leave the process, audits the publish \
        (action `publish`) before it commits, and emits a lineage event whose output dataset is \
        `postgres://HOST:PORT` / `DB.SCHEMA.TABLE`. The pipeline's incremental state (what its \
        sources read, and the table's stored form) is kept in `SCHEMA._strata_state`, in the same \
        transaction as the rows: a crash at any point publishes exactly once on the next run, a run \
        whose inputs did not change publishes nothing, and a change of the columns' masks republishes \
        the whole table (a merge fed by files or a database stops and asks for `--full-refresh`). An \
        overwrite keeps the old table's grants and refuses a table with views, foreign keys, row \
        security, triggers or extra indexes; a merge refuses a table of other columns, types or keys, \
        and rebuilds in place. The password comes only from `password_env` or `password_file`.
        """,
        keys: [
            ConfigKey("dsn", "string", required: true, "A libpq connection string or URI without the password: `host=127.0.0.1 port=5432 dbname=serving user=bi_writer`."),
        ] + DatabaseLogin.keys + [
            ConfigKey("table", "string", required: true, "The table to serve: `daily_revenue` (schema public) or `analytics.daily_revenue`."),
            ConfigKey("mode", "overwrite | merge", default: "overwrite", "overwrite replaces the table's rows (new table, then rename, in one transaction); merge upserts on keys."),
            ConfigKey("keys", "[string]", "Key columns: merge upserts on them; both modes create the table with them as its primary key."),
            ConfigKey("layer", "silver | gold", default: "gold", "The layer whose governance the served rows get (its policies' masks and gate)."),
        ],
        example: """
        sink:
          type: postgres
          dsn: host=127.0.0.1 port=5432 dbname=serving user=bi_writer
          password_env: SERVING_DB_PASSWORD
          table: analytics.daily_revenue
          mode: merge
          keys: [day, country]
        """,
        make: { m in .sink(try PostgresSink(m)) })

    /// How rows land in the table.
    public enum Mode: String, CaseIterable, Sendable { case overwrite, merge }

    let dsn: String
    let login: DatabaseLogin
    let endpoint: (host: String, port: String, dbname: String)
    /// The target's schema and table name, unquoted.
    let schemaName: String
    let tableName: String
    let mode: Mode
    let keys: [String]
    public let target: TableRef
    let overwriteOfIncremental: StrataError

    public init(_ m: ConfigMap) throws {
        dsn = try m.requiredString("dsn")
        switch PostgresConnection.parse(dsn) {
        case .failure(let e):
            throw m.error("dsn", .invalidConfig, "not a PostgreSQL connection string: \(e.message)",
                          hint: "e.g. `host=127.0.0.1 port=5432 dbname=serving user=bi_writer`")
        case .success(let p):
            if p.hasPassword { throw DatabaseLogin.passwordInDSN(m) }
            endpoint = (p.host, p.port, p.dbname)
        }
        login = try DatabaseLogin(m)
        let table = try m.requiredString("table")
        let parts = table.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 63 }) else {
            throw m.error("table", .invalidConfig, "'\(table)' is not a PostgreSQL table name",
                          hint: "write `table` or `schema.table` (each at most 63 bytes)")
        }
        schemaName = parts.count == 2 ? parts[0] : "public"
        tableName = parts.last!
        guard tableName != "_strata_state" else {
            throw m.error("table", .invalidConfig, "_strata_state is where the sink keeps pipelines' state")
        }
        mode = try m.choice("mode", default: Mode.overwrite)
        overwriteOfIncremental = m.error(m.has("mode") ? "mode" : "table", .invalidConfig,
                                         "mode overwrite replaces the served table with each run's rows, but this pipeline's source reads only what is new since its last run: the table would hold only the latest rows",
                                         hint: "read the whole input (`incremental: false` on a table source), or use `mode: merge` with `keys:`")
        keys = try m.stringList("keys") ?? []
        if mode == .merge && keys.isEmpty {
            throw m.error("keys", .missingKey, "mode merge needs key columns", hint: "add `keys: [id]`")
        }
        if Set(keys).count != keys.count { throw m.error("keys", .invalidConfig, "a key column is named twice") }
        let layerName = try m.string("layer", default: "gold")
        guard let layer = Layer(rawValue: layerName), layer == .silver || layer == .gold else {
            throw m.error("layer", .invalidConfig, "'\(layerName)' is not a layer a database table can serve",
                          hint: Suggest.hint(for: layerName, in: ["silver", "gold"]) ?? "write silver or gold")
        }
        let full = "\(endpoint.dbname).\(schemaName).\(tableName)"
        let safe = String(full.lowercased().map { ($0.isASCII && ($0.isLetter || $0.isNumber)) ? $0 : "_" })
        // The name (of its quarantine table, and for policy globs) is readable and unique: two
        // targets that spell alike (`Customers`, `customers`; another host) differ by the hash.
        let url = "postgres://\(endpoint.host):\(endpoint.port)/\(full)"
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in url.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        let tag = String(String(h, radix: 16).suffix(8))
        target = TableRef(external: url, layer: layer, name: "pg_" + safe + "_" + String(repeating: "0", count: 8 - tag.count) + tag)
    }

    /// `"schema"."table"`.
    var quotedTarget: String { PostgresTypes.quoted(schemaName) + "." + PostgresTypes.quoted(tableName) }
    var quotedStateTable: String { PostgresTypes.quoted(schemaName) + "." + PostgresTypes.quoted("_strata_state") }
    /// The config path of the sink, for messages.
    var location: String { login.location }

    public var lineageDataset: (namespace: String, name: String) {
        ("postgres://\(endpoint.host):\(endpoint.port)", "\(endpoint.dbname).\(schemaName).\(tableName)")
    }

    public var replacesEveryRun: Bool { mode == .overwrite }

    public func check(source: any SourceConfig) throws {
        if mode == .overwrite && source.readsIncrementally { throw overwriteOfIncremental }
    }

    public func outputSchema(input: Schema) throws -> Schema {
        if input.count == 0 { return input }
        for k in keys { _ = try input.require(k, path: "sink.keys", table: "the pipeline's output") }
        for f in input.fields {
            // PostgreSQL cuts longer names silently, and the merge's staging table uses this one.
            guard f.name.utf8.count <= 63 else {
                throw StrataError(.invalidConfig, "column '\(f.name)' has a name longer than PostgreSQL's 63 bytes", path: "sink",
                                  hint: "rename it before the sink")
            }
            guard f.name != "strata_seq" else {
                throw StrataError(.invalidConfig, "the column name strata_seq is the sink's own (it orders the incoming rows)", path: "sink",
                                  hint: "rename it before the sink")
            }
        }
        return input
    }

    func connect(projectRoot: String) throws -> PostgresConnection {
        try PostgresConnection(dsn: dsn, password: try login.password(projectRoot: projectRoot), context: location)
    }

    public func lastPublish(pipeline: String, projectRoot: String) throws -> PublishTarget {
        let conn = try connect(projectRoot: projectRoot)
        defer { conn.close() }
        let exists = try conn.exec("SELECT to_regclass($1) IS NOT NULL, to_regclass($2) IS NOT NULL", [quotedStateTable, quotedTarget], context: location)
        let targetExists = exists.rows == 1 && exists.string(0, 1) == "t"
        guard exists.rows == 1, exists.string(0, 0) == "t" else { return PublishTarget(published: nil, exists: targetExists) }
        guard let published = try PostgresSink.state(conn, pipeline: pipeline, table: tableName, stateTable: quotedStateTable, location: location) else {
            return PublishTarget(published: nil, exists: targetExists)
        }
        return PublishTarget(published: published, exists: targetExists)
    }

    /// The state row of `pipeline` for `table`; nil when there is none.
    static func state(_ conn: PostgresConnection, pipeline: String, table: String, stateTable: String, location: String) throws -> PublishedState? {
        let r = try conn.exec("SELECT version, state, audit_hash FROM \(stateTable) WHERE pipeline = $1 AND target = $2",
                              [pipeline, table], context: location)
        guard r.rows == 1 else { return nil }
        guard let version = Int64(r.string(0, 0)),
              let obj = (try? JSONSerialization.jsonObject(with: Data(r.string(0, 1).utf8))) as? [String: String] else { // the error below says what is wrong
            throw StrataError(.corruptData, "\(location): the state of pipeline '\(pipeline)' in \(stateTable) is not readable",
                              hint: "delete its row there, then republish with `strata run --full-refresh \(pipeline)`")
        }
        return PublishedState(version: version, state: obj, auditHash: r.string(0, 2))
    }

    public func open(input: Schema, _ context: RunContext) throws -> any BatchSink {
        try PostgresBatchSink(config: self, schema: try outputSchema(input: input), context: context)
    }

    /// `name` cut to at most `bytes` UTF-8 bytes, at a character boundary (identifiers are at most 63).
    static func truncated(_ name: String, to bytes: Int) -> String {
        var out = ""
        for ch in name {
            guard out.utf8.count + ch.utf8.count <= bytes else { break }
            out.append(ch)
        }
        return out
    }

    /// The column's type as `format_type` names it.
    static func formattedType(_ t: DataType) -> String {
        switch t {
        case .timestamp: return "timestamp with time zone"
        default: return sqlType(t)
        }
    }

    /// The column's type in PostgreSQL.
    static func sqlType(_ t: DataType) -> String {
        switch t {
        case .bool: return "boolean"
        case .int64: return "bigint"
        case .double: return "double precision"
        case let .decimal(p, s): return "numeric(\(p),\(s))"
        case .string: return "text"
        case .binary: return "bytea"
        case .date: return "date"
        case .timestamp: return "timestamptz"
        }
    }
}

/// The runtime half of `PostgresSink`: one connection and one transaction for the run. Rows
/// stream into the new table (overwrite) or a temporary one (merge) as they come; `publish`
/// finishes the COPY, swaps or upserts, stores the state and commits.
final class PostgresBatchSink: ExternalBatchSink {
    let config: PostgresSink
    let schema: Schema
    let context: RunContext
    let conn: PostgresConnection
    /// Replace the rows (overwrite mode, a first publish, a full refresh or a rebuild): by a new
    /// table when `newTable` is set, else in place.
    let replacing: Bool
    /// The table the rows are copied into: an overwrite's new table, or a merge's temporary one.
    let copyTable: String
    /// The table that replaces the target (quoted, and its bare name), when replacing.
    let newTable: String?
    let newTableName: String?
    let digest: StreamDigest
    let keyColumns: [Int]
    /// The grants on the table an overwrite replaces, given again on the new one.
    let grants: [(grantee: String, privilege: String)]
    private var buffer: [UInt8] = []
    private var bytesSent = 0

    init(config: PostgresSink, schema: Schema, context: RunContext) throws {
        self.config = config
        self.schema = schema
        self.context = context
        digest = try StreamDigest()
        keyColumns = try config.keys.map { try schema.require($0, path: "sink.keys", table: "the pipeline's output") }
        conn = try config.connect(projectRoot: context.projectRoot)
        let where_ = config.location
        try conn.exec("BEGIN", context: where_)
        let exists = try conn.exec("SELECT to_regclass($1) IS NOT NULL", [config.quotedTarget], context: where_)
        let targetExists = exists.rows == 1 && exists.string(0, 0) == "t"
        let rebuilding = context.fullRefresh || context.rebuild != nil
        // A merge reads only what is new since its last publish: into a table that is gone, that
        // would serve only the latest rows.
        if config.mode == .merge, !targetExists, !rebuilding, !context.previousState.isEmpty {
            throw StrataError(.runFailed, "\(where_): \(config.quotedTarget) was published before but no longer exists; merging only the new rows into a new table would lose the others",
                              hint: "republish it whole with `strata run --full-refresh \(context.pipeline)`")
        }
        replacing = config.mode == .overwrite || rebuilding || !targetExists
        // A merge that rebuilds a table of the same columns and keys replaces its rows in place
        // (its views, grants, row security and indexes stay); anything else gets a new table.
        let mismatch = targetExists && config.mode == .merge ? try PostgresBatchSink.columnMismatch(conn, config: config, schema: schema) : []
        if config.mode == .merge && targetExists && !mismatch.isEmpty && !rebuilding {
            throw StrataError(.schemaMismatch, "\(where_): cannot merge into \(config.quotedTarget): " + mismatch.joined(separator: "; "),
                              hint: "rebuild it with `strata run --full-refresh` (the table is replaced by the pipeline's columns and keys)")
        }
        let swapping = replacing && (!targetExists || config.mode == .overwrite || !mismatch.isEmpty)
        if swapping && targetExists {
            try PostgresBatchSink.requireReplaceable(conn, config: config)
            // Readers keep what they were granted on the table that replaces it.
            let g = try conn.exec("SELECT grantee, privilege_type FROM information_schema.role_table_grants WHERE table_schema = $1 AND table_name = $2 AND grantee <> current_user",
                                  [config.schemaName, config.tableName], context: where_)
            grants = (0..<g.rows).map { (g.string($0, 0), g.string($0, 1)) }
        } else {
            grants = []
        }
        let columns = schema.fields.map { PostgresTypes.quoted($0.name) + " " + PostgresSink.sqlType($0.type) }
        if swapping {
            // A new table beside the old one; the swap at the end is the only moment readers wait.
            // Its name and its key's (`…_pk`) stay within PostgreSQL's 63 bytes.
            let name = PostgresSink.truncated(config.tableName, to: 44) + "_strata_" + context.runId.prefix(8)
            newTable = PostgresTypes.quoted(config.schemaName) + "." + PostgresTypes.quoted(name)
            newTableName = name
            // The key is added after the rows are in: one index build, not one insert per row.
            try conn.exec("CREATE TABLE \(newTable!) (" + columns.joined(separator: ", ") + ")", context: where_)
        } else {
            newTable = nil
            newTableName = nil
        }
        // A merge's rows go through a temporary table first: one row per key (the last one in) is
        // taken from it, as ON CONFLICT needs (and a first publish of rows that update each other).
        // An overwrite's rows go straight into the new table.
        if config.mode == .overwrite {
            copyTable = newTable!
        } else {
            copyTable = PostgresTypes.quoted("strata_incoming")
            try conn.exec("CREATE TEMP TABLE \(copyTable) (" + (columns + ["strata_seq bigserial"]).joined(separator: ", ") + ") ON COMMIT DROP", context: where_)
        }
        try conn.startCopyIn("COPY \(copyTable) (" + schema.names.map(PostgresTypes.quoted).joined(separator: ", ") + ") FROM STDIN")
    }

    /// What keeps a merge from an existing table: other columns or column types, or no primary
    /// key or unique index on exactly the keys (empty when it can be merged into).
    static func columnMismatch(_ conn: PostgresConnection, config: PostgresSink, schema: Schema) throws -> [String] {
        let r = try conn.exec("SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                              [config.quotedTarget], context: config.location)
        let existing = Dictionary((0..<r.rows).map { (r.string($0, 0), r.string($0, 1)) }, uniquingKeysWith: { a, _ in a })
        let names = (0..<r.rows).map { r.string($0, 0) }
        let missing = schema.names.filter { existing[$0] == nil }
        let extra = names.filter { !schema.names.contains($0) }
        let retyped = schema.fields.filter { f in existing[f.name].map { $0 != PostgresSink.formattedType(f.type) } ?? false }
        var why: [String] = []
        if !missing.isEmpty { why.append("it has no column " + missing.map { "'\($0)'" }.joined(separator: ", ")) }
        if !extra.isEmpty { why.append("the pipeline produces no column " + extra.map { "'\($0)'" }.joined(separator: ", ")) }
        for f in retyped { why.append("column '\(f.name)' is \(existing[f.name]!) there but \(PostgresSink.formattedType(f.type)) here") }
        if missing.isEmpty {
            let unique = try conn.exec("""
                SELECT 1 FROM pg_index i WHERE i.indrelid = to_regclass($1) AND i.indisunique AND i.indpred IS NULL
                  AND (SELECT array_agg(a.attname::text ORDER BY a.attname) FROM pg_attribute a
                       WHERE a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)) = $2::text[]
                  AND i.indnkeyatts = $3
                """, [config.quotedTarget, "{" + config.keys.sorted().map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ",") + "}",
                      String(config.keys.count)], context: config.location)
            if unique.rows == 0 { why.append("it has no primary key or unique index on exactly (" + config.keys.joined(separator: ", ") + ")") }
        }
        return why
    }

    /// A table that is replaced by a new one must have nothing a swap would break or silently
    /// drop: views, foreign keys or child tables that reference it, row security, triggers, or
    /// indexes beyond its key. Checked before any row is written.
    static func requireReplaceable(_ conn: PostgresConnection, config: PostgresSink) throws {
        let r = try conn.exec("""
            SELECT 'view ' || c.relname FROM pg_depend d JOIN pg_rewrite w ON w.oid = d.objid JOIN pg_class c ON c.oid = w.ev_class
              WHERE d.refobjid = to_regclass($1) AND w.ev_class <> d.refobjid
            UNION SELECT 'foreign key ' || conname || ' of ' || conrelid::regclass::text FROM pg_constraint WHERE confrelid = to_regclass($1) AND contype = 'f'
            UNION SELECT 'child table ' || inhrelid::regclass::text FROM pg_inherits WHERE inhparent = to_regclass($1)
            UNION SELECT 'row-level security' FROM pg_class WHERE oid = to_regclass($1) AND (relrowsecurity OR EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = to_regclass($1)))
            UNION SELECT 'trigger ' || tgname FROM pg_trigger WHERE tgrelid = to_regclass($1) AND NOT tgisinternal
            UNION SELECT 'index ' || i.indexrelid::regclass::text FROM pg_index i WHERE i.indrelid = to_regclass($1) AND NOT i.indisprimary
            ORDER BY 1
            """, [config.quotedTarget], context: config.location)
        guard r.rows == 0 else {
            let what = (0..<r.rows).map { r.string($0, 0) }
            throw StrataError(.runFailed, "\(config.location): \(config.quotedTarget) cannot be replaced by a new table: it has " + what.joined(separator: ", "),
                              hint: "use `mode: merge` with `keys:` (a rebuild then replaces the rows in place and keeps the table), or remove them")
        }
    }

    func write(_ batch: Batch) throws {
        var rejected: [Int] = []
        var reasons: [String] = []
        let keys = keyColumns.map { batch.columns[$0] }
        for r in 0..<batch.rowCount {
            if let k = keys.firstIndex(where: { $0.isNull(r) }) {
                rejected.append(r)
                reasons.append("key column '\(config.keys[k])' is null; a served table's key cannot be")
                continue
            }
            if let refusal = CopyTextWriter.append(batch, row: r, to: &buffer) {
                rejected.append(r)
                reasons.append("column '\(refusal.column)' holds \(refusal.why)")
            }
            if buffer.count >= 1 << 20 { try flush() }
        }
        if !rejected.isEmpty { RowQuarantine.send(batch, rows: rejected, reasons: reasons, context: context) }
    }

    private func flush() throws {
        try buffer.withUnsafeBufferPointer { b in
            digest.update(b)
            try conn.putCopy(b)
        }
        bytesSent += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    func publish(_ request: PublishRequest, seal: (PublishSeal) throws -> String) throws -> PublishOutcome {
        let where_ = config.location
        try flush()
        let copied = try conn.endCopy()
        var rows = copied
        let operation = replacing ? "OVERWRITE" : "MERGE"
        let cols = schema.names.map(PostgresTypes.quoted).joined(separator: ", ")
        let keys = config.keys.map(PostgresTypes.quoted).joined(separator: ", ")
        // One row per key, the last one in: a primary key and ON CONFLICT take one row per key.
        let latest = "SELECT DISTINCT ON (\(keys)) \(cols) FROM \(copyTable) ORDER BY \(keys), strata_seq DESC"
        if let newTable, config.mode == .merge {
            rows = try conn.exec("INSERT INTO \(newTable) (\(cols)) \(latest)", context: where_).affected
        } else if replacing && newTable == nil {
            // A merge's rebuild in place: readers see the old rows until the commit.
            try conn.exec("DELETE FROM \(config.quotedTarget)", context: where_)
            rows = try conn.exec("INSERT INTO \(config.quotedTarget) (\(cols)) \(latest)", context: where_).affected
        } else if !replacing {
            let others = schema.names.filter { !config.keys.contains($0) }.map(PostgresTypes.quoted)
            let conflict = others.isEmpty ? "DO NOTHING"
                : "DO UPDATE SET " + others.map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
                    + " WHERE (" + others.map { "t.\($0)" }.joined(separator: ", ") + ") IS DISTINCT FROM ("
                    + others.map { "EXCLUDED.\($0)" }.joined(separator: ", ") + ")"
            // Rows that did not change are not rewritten (nor counted).
            let r = try conn.exec("""
                WITH up AS (INSERT INTO \(config.quotedTarget) AS t (\(cols)) \(latest)
                  ON CONFLICT (\(keys)) \(conflict)
                  RETURNING (xmax = 0) AS inserted)
                SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up
                """, context: where_)
            let inserted = Int(r.string(0, 0)) ?? 0, updated = Int(r.string(0, 1)) ?? 0
            rows = inserted + updated
        }
        if let newTableName, !config.keys.isEmpty {
            do {
                try conn.exec("ALTER TABLE \(newTable!) ADD CONSTRAINT \(PostgresTypes.quoted(newTableName + "_pk")) PRIMARY KEY (\(keys))", context: where_)
            } catch let e as StrataError where e.message.contains("SQLSTATE 23505") || e.message.contains("SQLSTATE 23502") {
                throw StrataError(.runFailed, "\(where_): the rows to serve repeat a key, or have a null one, in (\(config.keys.joined(separator: ", "))): the table's primary key cannot hold them",
                                  hint: "dedupe them on the keys before the sink (a `dedupe` transform), or use `mode: merge`, where the last row of a key wins")
            }
        }
        // Nothing new to add and nothing else to record: no publish, no audit record.
        if request.unchanged && !replacing && rows == 0 {
            try conn.exec("ROLLBACK", context: where_)
            conn.close()
            return PublishOutcome(rows: 0, bytes: 0, operation: operation, published: false)
        }
        let hash = try seal(PublishSeal(rows: rows, bytes: bytesSent, operation: operation, contentDigest: digest.finish()))
        if let newTable, let newTableName {
            // Waiting for readers of the old table is bounded: a reader holding it for minutes fails the run, not blocks it.
            try conn.exec("SET LOCAL lock_timeout = '60s'", context: where_)
            try conn.exec("DROP TABLE IF EXISTS \(config.quotedTarget)", context: where_)
            try conn.exec("ALTER TABLE \(newTable) RENAME TO \(PostgresTypes.quoted(config.tableName))", context: where_)
            if !config.keys.isEmpty {
                let pk = PostgresSink.truncated(config.tableName, to: 58) + "_pkey"
                try conn.exec("ALTER TABLE \(config.quotedTarget) RENAME CONSTRAINT \(PostgresTypes.quoted(newTableName + "_pk")) TO \(PostgresTypes.quoted(pk))", context: where_)
            }
            for g in grants where ["SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"].contains(g.privilege) {
                let grantee = g.grantee == "PUBLIC" ? "PUBLIC" : PostgresTypes.quoted(g.grantee)
                try conn.exec("GRANT \(g.privilege) ON \(config.quotedTarget) TO \(grantee)", context: where_)
            }
        }
        try conn.exec("""
            CREATE TABLE IF NOT EXISTS \(config.quotedStateTable) (pipeline text NOT NULL, target text NOT NULL, version bigint NOT NULL,
              state text NOT NULL, audit_hash text NOT NULL, run_id text NOT NULL, published_at timestamptz NOT NULL DEFAULT now(),
              PRIMARY KEY (pipeline, target))
            """, context: where_)
        // It holds the sources' marks and row fingerprints: not for the table's readers.
        try conn.exec("REVOKE ALL ON \(config.quotedStateTable) FROM PUBLIC", context: where_)
        // The state moves only from the version this run started from: a second process
        // publishing the same pipeline meanwhile makes one of the two fail here, not both land.
        let values = [request.pipeline, config.tableName, String(request.version), request.state, hash, context.runId]
        let moved: Int
        if let expected = request.expected {
            moved = try conn.exec("""
                UPDATE \(config.quotedStateTable) SET version = $3, state = $4, audit_hash = $5, run_id = $6, published_at = now()
                WHERE pipeline = $1 AND target = $2 AND version = $7
                """, values + [String(expected)], context: where_).affected
        } else {
            moved = try conn.exec("""
                INSERT INTO \(config.quotedStateTable) (pipeline, target, version, state, audit_hash, run_id) VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (pipeline, target) DO NOTHING
                """, values, context: where_).affected
        }
        guard moved == 1 else {
            throw StrataError(.conflict, "\(where_): another process published pipeline '\(request.pipeline)' to \(config.quotedTarget) while this run did; nothing of this run was committed",
                              hint: "run again (each lake serving this table should have its own pipeline name)")
        }
        CrashPoint.reach("before-publish-commit")
        do {
            try conn.exec("COMMIT", context: where_)
        } catch {
            // A COMMIT whose answer was lost may have landed: the state row says which.
            conn.close()
            let failure = StrataError.wrap(error, .io, "\(where_): the COMMIT of the publish to \(config.quotedTarget) got no answer")
            let landed: PublishedState?
            do {
                let check = try config.connect(projectRoot: context.projectRoot)
                defer { check.close() }
                landed = try PostgresSink.state(check, pipeline: request.pipeline, table: config.tableName, stateTable: config.quotedStateTable, location: where_)
            } catch {
                throw PublishInDoubt(failure)
            }
            // Not there (yet): it may still land; the next run reads the state and settles the record.
            guard landed?.auditHash == hash else { throw PublishInDoubt(failure) }
        }
        conn.close()
        return PublishOutcome(rows: rows, bytes: bytesSent, operation: operation)
    }

    /// Closing the connection rolls the transaction back: nothing of the run is visible.
    func abort() { conn.close() }
}
#endif
