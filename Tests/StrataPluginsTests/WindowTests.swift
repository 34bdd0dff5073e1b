import StrataCore
@testable import StrataPlugins
import StrataTestSupport
import Testing

@Suite(.enabled(if: PythonOracle.available)) struct WindowTests {
    @Test func hourlyWindowsMatchDuckDB() throws {
        try expectSameAsDuckDB("""
        type: window
        time_column: ts
        every: 1 hour
        group_by: [category]
        aggregates:
          n: count(*)
          revenue: sum(amount)
        """, sql: """
        select time_bucket(interval 1 hour, ts::timestamp) s, s + interval 1 hour, category, count(*), sum(amount)::decimal(18,2)
        from orders where ts is not null group by s, category
        """)
    }

    @Test func fifteenMinuteWindows() throws {
        try expectSameAsDuckDB("type: window\ntime_column: ts\nevery: 15 minutes\naggregates:\n  n: count(*)\n",
                               sql: "select time_bucket(interval 15 minute, ts::timestamp) s, s + interval 15 minute, count(*) from orders where ts is not null group by s")
    }

    @Test func durations() {
        #expect(Window.parseDuration("1 day") == 86_400_000_000)
        #expect(Window.parseDuration("15m") == 900_000_000)
        #expect(Window.parseDuration("2 fortnights") == nil)
        #expect(Window.parseDuration("0 minutes") == nil)
    }
}
