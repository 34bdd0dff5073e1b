#if MySQL
import CMariaDB
import Foundation
import StrataCore

/// A MySQL or MariaDB connection through MariaDB Connector/C: connect, run statements, stream a
/// result row by row (`mysql_use_result`: the server sends rows as they are read).
///
/// Errors carry the server's error number and message; the password is never part of one, and
/// for data errors (the 1264/1292/1366 family, "Incorrect … value: '…'") the value is left out.
final class MySQLConnection {
    private var conn: UnsafeMutablePointer<MYSQL>?
    let target: String
    let context: String

    struct Endpoint: Sendable {
        var host = "localhost"
        var port = 3306
        var user: String?
        var dbname: String?
        var socket: String?
        var hasPassword = false
    }

    /// `host=… port=… dbname=… user=… socket=…` or `mysql://user@host:port/db` (also `mariadb://`).
    static func parse(_ dsn: String) -> Result<Endpoint, ParseError> {
        var e = Endpoint()
        // A password anywhere (a key, or user:password@ in a URI) is found before anything else
        // is parsed, so no message can quote a piece of it.
        if dsn.lowercased().contains("password") { e.hasPassword = true; return .success(e) }
        if let scheme = ["mysql://", "mariadb://"].first(where: { dsn.hasPrefix($0) }) {
            var rest = Substring(dsn.dropFirst(scheme.count))
            if let slash = rest.firstIndex(of: "/") {
                let db = rest[rest.index(after: slash)...]
                if !db.isEmpty { e.dbname = String(db.prefix { $0 != "?" }) }
                rest = rest[..<slash]
            }
            if let at = rest.lastIndex(of: "@") {
                let userinfo = rest[..<at]
                if userinfo.contains(":") { e.hasPassword = true }
                e.user = String(userinfo.prefix { $0 != ":" })
                rest = rest[rest.index(after: at)...]
            }
            if let colon = rest.lastIndex(of: ":") {
                guard let p = Int(rest[rest.index(after: colon)...]), (1...65535).contains(p) else { return .failure(.init(message: "the port is not a number from 1 to 65535")) }
                e.port = p
                rest = rest[..<colon]
            }
            if !rest.isEmpty { e.host = String(rest) }
            return .success(e)
        }
        for part in dsn.split(separator: " ", omittingEmptySubsequences: true) {
            // No part of the dsn is echoed: it could be a piece of a password.
            guard let eq = part.firstIndex(of: "=") else { return .failure(.init(message: "a part of it is not key=value (values cannot hold spaces)")) }
            let k = part[..<eq].lowercased(), v = String(part[part.index(after: eq)...])
            switch k {
            case "host": e.host = v
            case "port":
                guard let p = Int(v), (1...65535).contains(p) else { return .failure(.init(message: "the port is not a number from 1 to 65535")) }
                e.port = p
            case "user": e.user = v
            case "dbname", "database": e.dbname = v
            case "socket": e.socket = v
            case "password": e.hasPassword = true
            default: return .failure(.init(message: "unknown key '\(k)' (host, port, dbname, user, socket)"))
            }
        }
        return .success(e)
    }

    struct ParseError: Error { var message: String }

    init(_ e: Endpoint, password: String?, context: String) throws {
        self.context = context
        target = e.socket.map { "\($0)" } ?? "\(e.host):\(e.port)"
        guard let c = mysql_init(nil) else { throw StrataError(.io, "\(context): out of memory for a MySQL connection") }
        conn = c
        var timeout: UInt32 = 10
        _ = mysql_options(c, MYSQL_OPT_CONNECT_TIMEOUT, &timeout) // best effort: the library's default timeout otherwise
        _ = mysql_options(c, MYSQL_SET_CHARSET_NAME, "utf8mb4")
        guard mysql_real_connect(c, e.socket == nil ? e.host : nil, e.user, password, e.dbname, UInt32(e.port), e.socket, 0) != nil else {
            let why = String(cString: mysql_error(c))
            let code = mysql_errno(c)
            close()
            throw StrataError(.io, "\(context): cannot connect to MySQL at \(target)",
                              hint: code == 1045 ? "check the user and the password in the source's password_env / password_file"
                                  : (code == 2002 || code == 2003) ? "is the server running and listening on that host and port?" : nil,
                              cause: why)
        }
    }

    deinit { close() }

    func close() {
        if let conn { mysql_close(conn) }
        conn = nil
    }

    /// Runs a statement whose result (if any) is discarded.
    func exec(_ sql: String) throws {
        guard let conn else { throw StrataError(.io, "\(context): the MySQL connection is closed") }
        guard mysql_real_query(conn, sql, UInt(sql.utf8.count)) == 0 else { throw error() }
        if let r = mysql_store_result(conn) { mysql_free_result(r) }
    }

    /// Runs a query and streams its result.
    func stream(_ sql: String) throws -> MySQLResult {
        guard let conn else { throw StrataError(.io, "\(context): the MySQL connection is closed") }
        guard mysql_real_query(conn, sql, UInt(sql.utf8.count)) == 0, let r = mysql_use_result(conn) else { throw error() }
        return MySQLResult(r, handle: conn, connection: self)
    }

    /// The result columns of `sql` (run with `LIMIT 0` around it: no rows sent).
    func fields(_ sql: String) throws -> [MySQLResult.Field] {
        guard let conn else { throw StrataError(.io, "\(context): the MySQL connection is closed") }
        let probe = "SELECT * FROM (\(sql)) AS strata_columns LIMIT 0"
        guard mysql_real_query(conn, probe, UInt(probe.utf8.count)) == 0, let r = mysql_store_result(conn) else { throw error() }
        defer { mysql_free_result(r) }
        return MySQLResult.fields(of: r)
    }

    /// Stops a streamed result the reader no longer wants: the server stops sending, instead of
    /// the client reading every remaining row when the result is freed.
    func cancel() {
        if let conn { _ = mariadb_cancel(conn) } // best effort: closing the connection follows
    }

    /// `'text'` escaped for this connection's character set.
    func literal(_ text: String) -> String {
        guard let conn else { return "''" }
        let bytes = Array(text.utf8)
        var out = [CChar](repeating: 0, count: bytes.count * 2 + 1)
        let n = bytes.withUnsafeBufferPointer { b in
            b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { mysql_real_escape_string(conn, &out, $0, UInt(b.count)) }
        }
        return "'" + String(decoding: out.prefix(Int(n)).map { UInt8(bitPattern: $0) }, as: UTF8.self) + "'"
    }

    func error() -> StrataError {
        guard let conn else { return StrataError(.io, "\(context): the MySQL connection is closed") }
        let code = mysql_errno(conn)
        var message = String(cString: mysql_error(conn))
        // Data errors quote the offending value: keep the words, not the value.
        if [1264, 1292, 1366, 1406, 1411].contains(code), let q = message.firstIndex(of: "'") {
            message = String(message[..<q]) + "(value not shown)"
        }
        return StrataError(.io, "\(context): MySQL at \(target) refused the query: \(message) (error \(code))")
    }

    /// Quoted with backticks, for identifiers.
    static func quoted<S: StringProtocol>(_ identifier: S) -> String {
        "`" + identifier.replacingOccurrences(of: "`", with: "``") + "`"
    }

    static func quotedName(_ name: String) -> String {
        name.split(separator: ".", omittingEmptySubsequences: false).map(quoted).joined(separator: ".")
    }
}

/// A streamed result: its fields, then rows until nil.
final class MySQLResult {
    private let r: UnsafeMutablePointer<MYSQL_RES>
    private let handle: UnsafeMutablePointer<MYSQL>
    private let connection: MySQLConnection
    typealias Field = (name: String, type: enum_field_types, length: Int, decimals: Int, unsigned: Bool, binary: Bool)
    let fields: [Field]

    init(_ r: UnsafeMutablePointer<MYSQL_RES>, handle: UnsafeMutablePointer<MYSQL>, connection: MySQLConnection) {
        self.r = r
        self.handle = handle
        self.connection = connection
        fields = MySQLResult.fields(of: r)
    }

    static func fields(of r: UnsafeMutablePointer<MYSQL_RES>) -> [Field] {
        let n = Int(mysql_num_fields(r))
        guard n > 0, let f = mysql_fetch_fields(r) else { return [] }
        return (0..<n).map { i in
            (String(cString: f[i].name), f[i].type, Int(f[i].length), Int(f[i].decimals), f[i].flags & 32 != 0, f[i].charsetnr == 63)
        }
    }

    deinit { mysql_free_result(r) }

    /// Calls `row` with an accessor of each column's bytes (nil for null) for the next row; false
    /// at the end. Throws when the stream broke (a lost connection).
    func next(_ row: ((Int) -> UnsafeBufferPointer<UInt8>?) throws -> Void) throws -> Bool {
        guard let values = mysql_fetch_row(r) else {
            if mysql_errno(handle) != 0 { throw connection.error() }
            return false
        }
        let lengths = mysql_fetch_lengths(r)!
        try row { c in
            guard let p = values[c] else { return nil }
            return p.withMemoryRebound(to: UInt8.self, capacity: Int(lengths[c])) { UnsafeBufferPointer(start: $0, count: Int(lengths[c])) }
        }
        return true
    }
}
#endif
