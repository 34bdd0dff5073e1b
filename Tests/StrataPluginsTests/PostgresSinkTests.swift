#if Postgres
import Foundation
import StrataConfig
import StrataCore
import StrataFormats
@testable import StrataPlugins
import Testing

/// The `postgres` sink without a server: config checks, the target's identity, and the COPY text
/// its rows become. (Publishing to a real server: `PostgresSinkEndToEndTests`.)
@Suite struct PostgresSinkTests {
    func pgSink(_ yaml: String) throws -> PostgresSink {
        try #require(try sink("type: postgres\ndsn: host=db.internal port=6432 dbname=serving user=bi\n" + yaml) as? PostgresSink)
    }

    @Test func theTargetIsAnExternalTableGovernedAsItsLayer() throws {
        let s = try pgSink("table: analytics.daily_revenue\nmode: merge\nkeys: [day]\n")
        #expect(s.target.isExternal && s.target.layer == .gold)
        #expect(s.target.description == "postgres://db.internal:6432/serving.analytics.daily_revenue")
        #expect(s.lineageDataset.namespace == "postgres://db.internal:6432" && s.lineageDataset.name == "serving.analytics.daily_revenue")
        #expect(s.quotedTarget == "\"analytics\".\"daily_revenue\"" && s.quotedStateTable == "\"analytics\".\"_strata_state\"")
        let silver = try pgSink("table: Customers\nlayer: silver\nkeys: [id]\nmode: merge\n")
        #expect(silver.target.layer == .silver && silver.schemaName == "public" && silver.tableName == "Customers")
        // Its quarantine table is a lake table of its own, never the served table's name.
        #expect(silver.target.name.hasPrefix("pg_serving_public_customers_") && silver.target.name.count == "pg_serving_public_customers_".count + 8)
        #expect(silver.target.policyName == "silver." + silver.target.name, "policies match it as a table of its layer")
        // Targets that spell alike get names of their own.
        let lower = try pgSink("table: customers\nlayer: silver\nkeys: [id]\nmode: merge\n")
        #expect(lower.target.name != silver.target.name && lower.target.name.hasPrefix("pg_serving_public_customers_"))
        // An external ref never has a lake folder a layer uses.
        #expect(silver.target.relativePath.hasPrefix("_external/"))
    }

    @Test func configMistakesSayWhat() {
        let noKeys = #expect(throws: StrataError.self) { try pgSink("table: t\nmode: merge\n") }
        #expect(noKeys?.description.contains("mode merge needs key columns") == true)
        let bronze = #expect(throws: StrataError.self) { try pgSink("table: t\nlayer: bronze\n") }
        #expect(bronze?.description.contains("not a layer a database table can serve") == true)
        let typo = #expect(throws: StrataError.self) { try pgSink("table: t\nlayer: glod\n") }
        #expect(typo?.hint?.contains("gold") == true)
        let name = #expect(throws: StrataError.self) { try pgSink("table: a.b.c\n") }
        #expect(name?.description.contains("not a PostgreSQL table name") == true)
        let state = #expect(throws: StrataError.self) { try pgSink("table: _strata_state\n") }
        #expect(state?.description.contains("keeps pipelines' state") == true)
        let twice = #expect(throws: StrataError.self) { try pgSink("table: t\nmode: merge\nkeys: [a, a]\n") }
        #expect(twice?.description.contains("named twice") == true)
        let password = #expect(throws: StrataError.self) {
            try sink("type: postgres\ndsn: host=db password=s3cr3t-value\ntable: t\n")
        }
        #expect(password?.description.contains("the dsn holds a password") == true && password?.description.contains("s3cr3t") == false)
    }

    @Test func overwriteRefusesAnIncrementalSourceAndMergeTakesIt() throws {
        let overwrite = try pgSink("table: t\n")
        let incremental = try source("type: table\ntable: gold.revenue\n")
        let whole = try source("type: table\ntable: gold.revenue\nincremental: false\n")
        let e = #expect(throws: StrataError.self) { try overwrite.check(source: incremental) }
        #expect(e?.description.contains("would hold only the latest rows") == true)
        #expect(e?.hint?.contains("incremental: false") == true)
        try overwrite.check(source: whole)
        #expect(throws: StrataError.self) { try overwrite.check(source: try source("type: csv\npath: landing/*.csv\n")) }
        try pgSink("table: t\nmode: merge\nkeys: [id]\n").check(source: incremental)
    }

    @Test func rowsBecomeCopyTextWithEscapesAndExactValues() throws {
        let schema = Schema([Field("b", .bool), Field("i", .int64), Field("d", .double), Field("n", .decimal(precision: 12, scale: 2)),
                             Field("s", .string), Field("day", .date), Field("ts", .timestamp)])
        let rows: [[Value]] = [
            [.bool(true), .int(Int64.min), .double(0.1), .decimal(-5, scale: 2), .string("tab\there\nnew\\line\r"),
             Orders.date("2024-02-29"), Orders.ts("2024-02-29T23:59:59.123456Z")],
            [.bool(false), .int(0), .double(.nan), .decimal(123_456, scale: 2), .string("naïve café"), .null, .null],
            [.null, .int(Int64.max), .double(-.infinity), .null, .string(""), Orders.date("1969-12-31"), Orders.ts("1970-01-01T00:00:00Z")],
        ]
        let batch = Orders.batch(rows, schema: schema)
        var out: [UInt8] = []
        for r in 0..<batch.rowCount { #expect(CopyTextWriter.append(batch, row: r, to: &out) == nil) }
        let lines = String(decoding: out, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 4 && lines[3].isEmpty, "one line per row, each ending in a newline")
        #expect(lines[0] == "t\t-9223372036854775808\t0.1\t-0.05\ttab\\there\\nnew\\\\line\\r\t2024-02-29\t2024-02-29T23:59:59.123456Z")
        #expect(lines[1] == "f\t0\tNaN\t1234.56\tnaïve café\t\\N\t\\N")
        #expect(lines[2] == "\\N\t9223372036854775807\t-Infinity\t\\N\t\t1969-12-31\t1970-01-01T00:00:00Z")
    }

    @Test func datesBeforeYearOneAreWrittenTheWayPostgresReadsThem() {
        let yearZero = Int32(Temporal.days(year: 0, month: 1, day: 1))
        #expect(CopyTextWriter.date(yearZero) == "0001-01-01 BC")
        #expect(CopyTextWriter.date(Int32(Temporal.days(year: 1, month: 1, day: 1))) == "0001-01-01")
        let ides = Int64(Temporal.days(year: -43, month: 3, day: 15)) * Temporal.microsPerDay + 12 * 3_600_000_000 + 500_000
        #expect(CopyTextWriter.timestamp(ides) == "0044-03-15 12:00:00.500000+00 BC")
        #expect(CopyTextWriter.timestamp(0) == "1970-01-01T00:00:00Z")
        // Outside PostgreSQL's range: refused by column (the row goes to quarantine), not a failed publish.
        let schema = Schema([Field("d", .date), Field("t", .timestamp)])
        let firstDay = Int32(Temporal.days(year: -4713, month: 11, day: 24))
        let rows: [[Value]] = [[.date(firstDay), .timestamp(Int64(firstDay) * Temporal.microsPerDay)],
                               [.date(firstDay - 1), .null], [.null, .timestamp(Int64(firstDay) * Temporal.microsPerDay - 1)]]
        let batch = Orders.batch(rows, schema: schema)
        var out: [UInt8] = []
        #expect(CopyTextWriter.append(batch, row: 0, to: &out) == nil)
        #expect(String(decoding: out, as: UTF8.self) == "4714-11-24 BC\t4714-11-24 00:00:00+00 BC\n")
        #expect(CopyTextWriter.append(batch, row: 1, to: &out)?.column == "d")
        #expect(CopyTextWriter.append(batch, row: 2, to: &out)?.column == "t")
        #expect(String(decoding: out, as: UTF8.self) == "4714-11-24 BC\t4714-11-24 00:00:00+00 BC\n", "refused rows leave nothing")
    }

    @Test func aStringWithANulIsRefusedAndLeavesNothingHalfWritten() throws {
        let schema = Schema([Field("id", .int64), Field("s", .string)])
        let batch = Orders.batch([[.int(1), .string("a\u{0}b")], [.int(2), .string("ok")]], schema: schema)
        var out: [UInt8] = []
        #expect(CopyTextWriter.append(batch, row: 0, to: &out)?.column == "s")
        #expect(out.isEmpty, "the refused row leaves no bytes behind")
        #expect(CopyTextWriter.append(batch, row: 1, to: &out) == nil)
        #expect(String(decoding: out, as: UTF8.self) == "2\tok\n")
    }

    @Test func identifiersStayWithinPostgresLimitsAtCharacterBoundaries() {
        #expect(PostgresSink.truncated("abc", to: 44) == "abc")
        let long = String(repeating: "é", count: 40) // 80 bytes
        let cut = PostgresSink.truncated(long, to: 44)
        #expect(cut.utf8.count == 44 && cut == String(repeating: "é", count: 22))
        #expect(PostgresSink.truncated("aé", to: 2) == "a", "a character is never split")
    }
}
#endif
