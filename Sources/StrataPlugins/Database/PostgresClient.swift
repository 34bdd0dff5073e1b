#if Postgres
import CPostgres
import Foundation
import StrataCore

/// A PostgreSQL connection through libpq: connect, run statements, read results in text format.
///
/// Errors carry the server's SQLSTATE and primary message, never the DETAIL line (where rows'
/// values appear: "Failing row contains …", "Key (email)=(…)") and, for data exceptions
/// (SQLSTATE class 22), not the offending value either; the password is never part of a message.
final class PostgresConnection {
    private var conn: OpaquePointer?
    /// `host:port/db` as connected, for messages.
    let target: String
    /// The source's config path, for messages.
    let context: String

    /// Connects with `dsn` (a libpq connection string or URI, without a password) and `password`.
    init(dsn: String, password: String?, context: String) throws {
        self.context = context
        var keys = ["dbname", "application_name", "connect_timeout"]
        var values = [dsn, "strata", "10"]
        if let password { keys.append("password"); values.append(password) }
        let c = PostgresConnection.withCStrings(keys) { k in
            PostgresConnection.withCStrings(values) { v in PQconnectdbParams(k, v, 1) }
        }
        conn = c
        let host = c.flatMap { PQhost($0) }.map { String(cString: $0) } ?? "?"
        let port = c.flatMap { PQport($0) }.map { String(cString: $0) } ?? "?"
        let db = c.flatMap { PQdb($0) }.map { String(cString: $0) } ?? "?"
        target = "\(host):\(port)/\(db)"
        guard let c, PQstatus(c) == CONNECTION_OK else {
            let why = c.map { PostgresConnection.firstLine(String(cString: PQerrorMessage($0))) } ?? "out of memory"
            if let c { PQfinish(c) }
            conn = nil
            throw StrataError(.io, "\(context): cannot connect to PostgreSQL at \(target)", hint: PostgresConnection.hint(why), cause: why)
        }
        // Text output the reader parses exactly: ISO dates, UTC timestamps, round-trip floats.
        // Server notices (`table … does not exist, skipping`) are not the user's business.
        // Text in and out is UTF-8 whatever the database's encoding (the server converts, or refuses).
        for s in ["SET client_encoding = 'UTF8'", "SET bytea_output = 'hex'", "SET client_min_messages = warning", "SET TIME ZONE 'UTC'", "SET DateStyle = 'ISO, YMD'", "SET extra_float_digits = 3", "SET IntervalStyle = 'iso_8601'"] {
            try exec(s, context: context)
        }
    }

    deinit { close() }

    func close() {
        if let copyBuffer { PQfreemem(copyBuffer) }
        copyBuffer = nil
        if let conn { PQfinish(conn) }
        conn = nil
    }

    /// Runs `sql` with text parameters `$1…`; throws on an error result.
    @discardableResult
    func exec(_ sql: String, _ params: [String] = [], context: String) throws -> PostgresResult {
        guard let conn else { throw StrataError(.io, "\(context): the PostgreSQL connection is closed") }
        let r: OpaquePointer?
        if params.isEmpty {
            r = PQexec(conn, sql)
        } else {
            r = PostgresConnection.withCStrings(params) { p in
                PQexecParams(conn, sql, Int32(params.count), nil, p, nil, nil, 0)
            }
        }
        guard let r else {
            throw StrataError(.io, "\(context): PostgreSQL at \(target) did not answer", cause: PostgresConnection.firstLine(String(cString: PQerrorMessage(conn))))
        }
        let status = PQresultStatus(r)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let e = resultError(r)
            PQclear(r)
            throw e
        }
        return PostgresResult(r)
    }

    /// `text` as a string literal of this connection (PQescapeLiteral), for statements that take
    /// no parameters (COPY).
    func literal(_ text: String) throws -> String {
        guard let conn, let p = PQescapeLiteral(conn, text, text.utf8.count) else {
            throw StrataError(.io, "\(context): cannot quote a value for PostgreSQL at \(target)")
        }
        defer { PQfreemem(p) }
        return String(cString: p)
    }

    /// Starts `COPY (…) TO STDOUT` (text format): rows then come from `copyRow`.
    func startCopy(_ sql: String) throws {
        guard let conn else { throw StrataError(.io, "\(context): the PostgreSQL connection is closed") }
        guard let r = PQexec(conn, sql) else {
            throw StrataError(.io, "\(context): PostgreSQL at \(target) did not answer", cause: PostgresConnection.firstLine(String(cString: PQerrorMessage(conn))))
        }
        defer { PQclear(r) }
        guard PQresultStatus(r) == PGRES_COPY_OUT else { throw resultError(r) }
    }

    /// The next COPY row (its bytes without the newline, valid until the next call), or nil at
    /// the end; throws when the server reported an error.
    func copyRow() throws -> UnsafeBufferPointer<UInt8>? {
        guard let conn else { throw StrataError(.io, "\(context): the PostgreSQL connection is closed") }
        if let copyBuffer { PQfreemem(copyBuffer); self.copyBuffer = nil }
        var buf: UnsafeMutablePointer<CChar>?
        let n = PQgetCopyData(conn, &buf, 0)
        if n > 0, let buf {
            copyBuffer = buf
            let len = Int(n) - (buf[Int(n) - 1] == 10 ? 1 : 0)
            return buf.withMemoryRebound(to: UInt8.self, capacity: Int(n)) { UnsafeBufferPointer(start: $0, count: len) }
        }
        // The end (-1) or an error (-2): the final result says which.
        var failure: StrataError?
        while let r = PQgetResult(conn) {
            if PQresultStatus(r) != PGRES_COMMAND_OK && failure == nil { failure = resultError(r) }
            PQclear(r)
        }
        if let failure { throw failure }
        if n == -2 { throw StrataError(.io, "\(context): the COPY from PostgreSQL at \(target) broke", cause: PostgresConnection.firstLine(String(cString: PQerrorMessage(conn)))) }
        return nil
    }

    private var copyBuffer: UnsafeMutablePointer<CChar>?

    /// Starts `COPY … FROM STDIN` (text format): rows then go in with `putCopy`, and `endCopy`
    /// finishes it.
    func startCopyIn(_ sql: String) throws {
        guard let conn else { throw StrataError(.io, "\(context): the PostgreSQL connection is closed") }
        guard let r = PQexec(conn, sql) else {
            throw StrataError(.io, "\(context): PostgreSQL at \(target) did not answer", cause: PostgresConnection.firstLine(String(cString: PQerrorMessage(conn))))
        }
        defer { PQclear(r) }
        guard PQresultStatus(r) == PGRES_COPY_IN else { throw resultError(r) }
    }

    /// Sends COPY data (whole rows, each ending in a newline).
    func putCopy(_ bytes: UnsafeBufferPointer<UInt8>) throws {
        guard let conn else { throw StrataError(.io, "\(context): the PostgreSQL connection is closed") }
        guard bytes.count > 0 else { return }
        let sent = bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(conn, $0.baseAddress, Int32(bytes.count)) }
        guard sent == 1 else {
            throw StrataError(.io, "\(context): the COPY to PostgreSQL at \(target) broke", cause: PostgresConnection.firstLine(String(cString: PQerrorMessage(conn))))
        }
    }

    /// Ends the COPY; returns the rows the server stored, or throws its error (a row it refused).
    @discardableResult
    func endCopy() throws -> Int {
        guard let conn else { throw StrataError(.io, "\(context): the PostgreSQL connection is closed") }
        guard PQputCopyEnd(conn, nil) == 1 else {
            throw StrataError(.io, "\(context): the COPY to PostgreSQL at \(target) broke", cause: PostgresConnection.firstLine(String(cString: PQerrorMessage(conn))))
        }
        var failure: StrataError?
        var rows = 0
        while let r = PQgetResult(conn) {
            if PQresultStatus(r) != PGRES_COMMAND_OK {
                if failure == nil { failure = resultError(r) }
            } else {
                rows = Int(String(cString: PQcmdTuples(r))) ?? 0
            }
            PQclear(r)
        }
        if let failure { throw failure }
        return rows
    }

    /// The error of a failed result: SQLSTATE and primary message (data exceptions without the value).
    private func resultError(_ r: OpaquePointer) -> StrataError {
        let state = PQresultErrorField(r, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? "?"
        var message = PQresultErrorField(r, Int32(UInt8(ascii: "M"))).map { String(cString: $0) }
            ?? conn.map { PostgresConnection.firstLine(String(cString: PQerrorMessage($0))) } ?? "?"
        // Data exceptions quote the value (`invalid input syntax for type integer: "…"`): cut at its
        // quote, whatever the server's language quotes with, or else after the first colon.
        if state.hasPrefix("22") {
            if let quote = message.firstIndex(where: { "\"'“”„«»‘’「".contains($0) }) {
                message = String(message[..<quote]) + "(value not shown)"
            } else if let colon = message.range(of: ": ") {
                message = String(message[..<colon.upperBound]) + "(value not shown)"
            }
        }
        return StrataError(.io, "\(context): PostgreSQL at \(target) refused the query: \(message) (SQLSTATE \(state))")
    }

    static func firstLine(_ s: String) -> String {
        s.split(separator: "\n").first.map { String($0).trimmingCharacters(in: .whitespaces) } ?? s
    }

    static func hint(_ why: String) -> String? {
        if why.contains("password authentication failed") { return "check the password in the source's password_env / password_file" }
        if why.contains("Connection refused") || why.contains("could not connect") { return "is the server running and listening on that host and port?" }
        if why.contains("does not exist") { return "check dbname (and user) in the dsn" }
        return nil
    }

    static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        defer { for p in pointers { free(p) } }
        pointers.append(nil)
        return pointers.withUnsafeBufferPointer { buf in
            buf.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buf.count) { body($0) }
        }
    }

    /// The host, port and database a connection string names (libpq's own parser and defaults;
    /// no I/O), or the parse error.
    static func parse(_ dsn: String) -> Result<(host: String, port: String, dbname: String, hasPassword: Bool), ParseError> {
        // A password anywhere (`password=`, `sslpassword=`, `user:password@` in a URI) is found
        // before libpq parses, so no parse error can quote a piece of it.
        let lower = dsn.lowercased()
        if lower.contains("password") { return .success(("", "", "", true)) }
        if let scheme = ["postgresql://", "postgres://"].first(where: { lower.hasPrefix($0) }),
           let at = dsn.dropFirst(scheme.count).firstIndex(of: "@"), dsn[dsn.index(dsn.startIndex, offsetBy: scheme.count)..<at].contains(":") {
            return .success(("", "", "", true))
        }
        var err: UnsafeMutablePointer<CChar>?
        guard let opts = PQconninfoParse(dsn, &err) else {
            let why = err.map { String(cString: $0) } ?? "not a connection string"
            if let err { PQfreemem(err) }
            return .failure(ParseError(message: firstLine(why)))
        }
        defer { PQconninfoFree(opts) }
        var values: [String: String] = [:]
        var i = 0
        while let k = opts[i].keyword {
            if let v = opts[i].val { values[String(cString: k)] = String(cString: v) }
            i += 1
        }
        let host = values["host"] ?? values["hostaddr"] ?? "localhost"
        return .success((host, values["port"] ?? "5432", values["dbname"] ?? values["user"] ?? "postgres", values["password"] != nil))
    }

    struct ParseError: Error { var message: String }
}

/// One result in text format; cleared when released.
final class PostgresResult {
    let r: OpaquePointer

    init(_ r: OpaquePointer) { self.r = r }
    deinit { PQclear(r) }

    var rows: Int { Int(PQntuples(r)) }
    var columns: Int { Int(PQnfields(r)) }
    func name(_ c: Int) -> String { String(cString: PQfname(r, Int32(c))) }
    func type(_ c: Int) -> UInt32 { PQftype(r, Int32(c)) }
    func modifier(_ c: Int) -> Int32 { PQfmod(r, Int32(c)) }
    func isNull(_ row: Int, _ c: Int) -> Bool { PQgetisnull(r, Int32(row), Int32(c)) == 1 }

    /// The value's text bytes (valid while the result lives).
    func bytes(_ row: Int, _ c: Int) -> UnsafeBufferPointer<UInt8> {
        let n = Int(PQgetlength(r, Int32(row), Int32(c)))
        return PQgetvalue(r, Int32(row), Int32(c)).withMemoryRebound(to: UInt8.self, capacity: n) { UnsafeBufferPointer(start: $0, count: n) }
    }

    func string(_ row: Int, _ c: Int) -> String { String(decoding: bytes(row, c), as: UTF8.self) }

    /// The rows an INSERT, UPDATE or COPY affected.
    var affected: Int { Int(String(cString: PQcmdTuples(r))) ?? 0 }
}
#endif
