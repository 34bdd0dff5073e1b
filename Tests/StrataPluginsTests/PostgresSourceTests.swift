#if Postgres
import Foundation
import StrataConfig
import StrataCore
@testable import StrataPlugins
import Testing

/// The `postgres` source without a server: config checks, the type mapping and text decoding.
/// (Reading from a real server: `PostgresEndToEndTests`.)
@Suite struct PostgresSourceTests {
    @Test func aTableSourceNamesItsLineageDatasetByTheConventions() throws {
        let s = try source("type: postgres\ndsn: host=db.internal port=6432 dbname=shop user=etl\ntable: sales.orders\n")
        let d = try #require(s.lineageDataset)
        #expect(d.namespace == "postgres://db.internal:6432" && d.name == "shop.sales.orders")
        let unqualified = try source("type: postgres\ndsn: postgresql://etl@db/shop\ntable: orders\n")
        #expect(unqualified.lineageDataset?.name == "shop.public.orders")
        #expect(unqualified.lineageDataset?.namespace == "postgres://db:5432")
        // A query gets a stable name from its text.
        let q1 = try source("type: postgres\ndsn: dbname=shop\nquery: SELECT 1\n"), q2 = try source("type: postgres\ndsn: dbname=shop\nquery: SELECT 1\n")
        #expect(q1.lineageDataset?.name == q2.lineageDataset?.name && q1.lineageDataset?.name.hasPrefix("shop.query_") == true)
        #expect(try s.outputSchema(Tables()) == nil, "the schema comes from the server at run time")
    }

    @Test func aPasswordInTheDsnIsRefusedWithoutBeingEchoed() {
        // Also where libpq's own parser would fail first and quote a piece of the dsn.
        for dsn in ["host=db dbname=shop password=s3cr3t-value", "postgresql://etl:s3cr3t-value@db/shop",
                    "'host=db password=s3cr3t value'", "postgresql://u:s3cr3t-value%zz@h/db", "host=db sslpassword=s3cr3t-value"] {
            let e = #expect(throws: StrataError.self) { try source("type: postgres\ndsn: \(dsn)\ntable: t\n") }
            #expect(e?.description.contains("the dsn holds a password") == true)
            #expect(e?.description.contains("s3cr3t-value") == false)
            #expect(e?.hint?.contains("password_env") == true)
        }
    }

    @Test func configMistakesSayWhat() {
        let both = #expect(throws: StrataError.self) { try source("type: postgres\ndsn: dbname=x\ntable: t\nquery: SELECT 1\n") }
        #expect(both?.description.contains("one `table` or one `query`") == true)
        let neither = #expect(throws: StrataError.self) { try source("type: postgres\ndsn: dbname=x\n") }
        #expect(neither?.description.contains("one `table` or one `query`") == true)
        let badDsn = #expect(throws: StrataError.self) { try source("type: postgres\ndsn: 'host=db nonsense'\ntable: t\n") }
        #expect(badDsn?.description.contains("not a PostgreSQL connection string") == true)
        let twoSecrets = #expect(throws: StrataError.self) {
            try source("type: postgres\ndsn: dbname=x\ntable: t\npassword_env: A\npassword_file: b\n")
        }
        #expect(twoSecrets?.path == "source.password_file")
        let cursor = #expect(throws: StrataError.self) {
            try source("type: postgres\ndsn: dbname=x\ntable: t\nschema: {id: int64}\nincremental: {cursor: updated_at}\n")
        }
        #expect(cursor?.description.contains("'updated_at' is not in the declared schema") == true)
        let limited = #expect(throws: StrataError.self) {
            try source("type: postgres\ndsn: dbname=x\nquery: SELECT * FROM t ORDER BY id LIMIT 100\nincremental: {cursor: id}\n")
        }
        #expect(limited?.description.contains("cannot LIMIT, OFFSET or FETCH") == true)
        let typo = #expect(throws: StrataError.self) { try source("type: postgres\ndsn: dbname=x\ntable: t\nincremental: {cursr: id}\n") }
        #expect(typo?.description.contains("did you mean 'cursor'?") == true)
    }

    @Test func typesMapByOidAndModifier() {
        #expect(PostgresTypes.map(oid: 23, typmod: -1) == .type(.int64))
        #expect(PostgresTypes.map(oid: 1184, typmod: -1) == .type(.timestamp))
        #expect(PostgresTypes.map(oid: 1700, typmod: (12 << 16 | 2) + 4) == .type(.decimal(precision: 12, scale: 2)))
        if case .unsupported(let why) = PostgresTypes.map(oid: 1700, typmod: -1) { #expect(why.contains("numeric without a precision")) } else { Issue.record("numeric") }
        if case .unsupported(let why) = PostgresTypes.map(oid: 1700, typmod: (38 << 16 | 4) + 4) { #expect(why.contains("numeric(38,4)")) } else { Issue.record("numeric(38,4)") }
        if case .unsupported(let why) = PostgresTypes.map(oid: 1700, typmod: (10 << 16 | (-2 & 0x7FF)) + 4) { #expect(why.contains("numeric(10,-2)")) } else { Issue.record("numeric(10,-2)") }
        if case .unsupported(let why) = PostgresTypes.map(oid: 1700, typmod: (5 << 16 | 30) + 4) { #expect(why.contains("numeric(5,30)")) } else { Issue.record("numeric(5,30)") }
        #expect(PostgresTypes.map(oid: 3802, typmod: -1) == .type(.string))
        #expect(PostgresTypes.map(oid: 1007, typmod: -1) == .lookUp)
        if case .unsupported(let why) = PostgresTypes.map(category: "A", name: "_int4") { #expect(why.contains("array")) } else { Issue.record("array") }
        #expect(PostgresTypes.map(category: "E", name: "mood") == .type(.string))
    }

    @Test func copyTextRowsSplitOnTabsAndUndoEscapes() {
        func fields(_ line: String) -> [String?] {
            var row = CopyTextRow()
            Array(line.utf8).withUnsafeBufferPointer { row.parse($0) }
            return row.fields.map { r in r.map { String(decoding: row.scratch[$0], as: UTF8.self) } }
        }
        #expect(fields("1\tabc\t\\N\t") == ["1", "abc", nil, ""], "\\N alone is null; an empty last field is empty")
        #expect(fields("a\\tb\\nc\\\\d\t\\x41\\101\\N") == ["a\tb\nc\\d", "AAN"], "hex and octal escapes; \\N inside a field is just N")
        #expect(fields("\\\\x00ff") == ["\\x00ff"], "bytea's hex text arrives with its backslash doubled")
        #expect(fields("") == [""])
        #expect(fields("\\N") == [nil])
        #expect(fields("naïve café\t{\"a\": 1}") == ["naïve café", "{\"a\": 1}"])
    }

    @Test func textDecodesExactlyOrNotAtAll() {
        func decode(_ text: String, _ type: DataType) -> Value? {
            var b = ColumnBuilder(type: type, capacity: 1)
            let ok = Array(text.utf8).withUnsafeBufferPointer { TextValues.append($0, as: type, to: &b) }
            return ok ? b.finish().value(0) : nil
        }
        #expect(decode("-9223372036854775808", .int64) == .int(.min))
        #expect(decode("9223372036854775808", .int64) == nil)
        #expect(decode("12a", .int64) == nil)
        #expect(decode("t", .bool) == .bool(true) && decode("f", .bool) == .bool(false) && decode("true", .bool) == nil)
        #expect(decode("-1234.50", .decimal(precision: 10, scale: 2)) == .decimal(-123450, scale: 2))
        #expect(decode("2024-02-29", .date) == .date(Int32(Temporal.days(year: 2024, month: 2, day: 29))))
        #expect(decode("infinity", .date) == nil, "±infinity has no Strata value: quarantined")
        #expect(decode("2024-03-01 01:00:00+00", .timestamp) == Temporal.parseTimestamp("2024-03-01T01:00:00Z").map(Value.timestamp))
        #expect(decode("NaN", .double).map { if case .double(let d) = $0 { return d.isNaN } else { return false } } == true)
        #expect(PostgresTypes.quotedName("sales.odd\"name") == "\"sales\".\"odd\"\"name\"")
        // bytea's hex text becomes its bytes; MySQL's binary values are their bytes already.
        func bytes(_ text: String, hex: Bool) -> Value? {
            var b = ColumnBuilder(type: .binary, capacity: 1)
            let ok = Array(text.utf8).withUnsafeBufferPointer { TextValues.append($0, as: .binary, to: &b, hexBinary: hex) }
            return ok ? b.finish().value(0) : nil
        }
        #expect(bytes("\\x00fF0a", hex: true) == .binary([0, 255, 10]))
        #expect(bytes("\\x", hex: true) == .binary([]))
        #expect(bytes("\\x0", hex: true) == nil && bytes("\\xzz", hex: true) == nil && bytes("00ff", hex: true) == nil)
        #expect(bytes("\\x00", hex: false) == .binary(Array("\\x00".utf8)))
        #expect(PostgresTypes.map(oid: 17, typmod: -1) == .type(.binary))
    }
}
#endif
