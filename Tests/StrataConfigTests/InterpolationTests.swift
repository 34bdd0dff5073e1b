import Testing
@testable import StrataConfig
import StrataCore

@Suite struct InterpolationTests {
    let env = ["DB_HOST": "db.internal", "DB_PASSWORD": "s3cret", "PORT": "5432", "EMPTY": "", "ENABLED": "yes"]

    @Test func replacesVariablesAndKeepsMarks() throws {
        let root = try parse("""
        db:
          url: "postgres://${DB_HOST}:${PORT}/lake"
          port: ${PORT}
        """).interpolated(env: env)
        let db = try #require(root["db"])
        #expect(db["url"]?.scalar == "postgres://db.internal:5432/lake")
        #expect(db["url"]?.mark == Mark(line: 2, column: 8))
        #expect(db["port"]?.scalar == "5432")
        #expect(db["port"]?.mark == Mark(line: 3, column: 9))
        // Plain stays plain, quoted stays quoted, so typed reads work as written.
        if case .scalar(_, let quoted)? = db["port"]?.kind { #expect(!quoted) } else { Issue.record("not a scalar") }
        if case .scalar(_, let quoted)? = db["url"]?.kind { #expect(quoted) } else { Issue.record("not a scalar") }
        let map = try ConfigMap(db, keys: [ConfigKey("url", "string", ""), ConfigKey("port", "int", "")], path: "db")
        #expect(try map.int("port") == 5432)
    }

    @Test func defaults() throws {
        let root = try parse("""
        a: ${UNSET:-fallback}
        b: ${EMPTY:-used when empty}
        c: ${PORT:-9999}
        d: ${EMPTY}
        e: "${UNSET:-}"
        f: x${UNSET:-:-y}z
        """).interpolated(env: env)
        #expect(root["a"]?.scalar == "fallback")
        #expect(root["b"]?.scalar == "used when empty")
        #expect(root["c"]?.scalar == "5432")
        #expect(root["d"]?.scalar == "")
        #expect(root["e"]?.scalar == "")
        #expect(root["f"]?.scalar == "x:-yz")
    }

    @Test func escapesAndLoneDollars() throws {
        let root = try parse("""
        a: "$${NOT_A_VAR} costs $5 and $$"
        b: price in $
        c: $${DB_HOST}${DB_HOST}
        """).interpolated(env: env)
        #expect(root["a"]?.scalar == "${NOT_A_VAR} costs $5 and $$")
        #expect(root["b"]?.scalar == "price in $")
        #expect(root["c"]?.scalar == "${DB_HOST}db.internal")
    }

    @Test func sequencesNestedMapsAndKeys() throws {
        let root = try parse("""
        hosts: [a, "${DB_HOST}", {name: "${PORT}"}]
        ${DB_HOST}: key is left alone
        """).interpolated(env: env)
        #expect(shape(root) == #"{hosts:[a,"db.internal",{name:"5432"}],${DB_HOST}:key is left alone}"#)
    }

    @Test func missingVariableNamesItWithDidYouMean() {
        let text = """
        pipelines:
          orders:
            password: ${DB_PASWORD}
        """
        let e = failure { try parse(text).interpolated(env: env) }
        #expect(e?.code == .invalidConfig)
        #expect(e?.description == "f.yaml:3:15: pipelines.orders.password: environment variable 'DB_PASWORD' is not set; did you mean 'DB_PASSWORD'?")
        // Values from the environment never appear in messages.
        #expect(e?.description.contains("s3cret") == false)
    }

    @Test func missingVariableWithoutNeighbourSuggestsADefault() {
        let e = failure { try parse("list:\n  - ok\n  - ${WAREHOUSE_TOKEN}\n").interpolated(env: env) }
        #expect(e?.description == "f.yaml:3:5: list[1]: environment variable 'WAREHOUSE_TOKEN' is not set; set it, or give a default: ${WAREHOUSE_TOKEN:-default}")
    }

    @Test func malformedReferences() {
        let unterminated = failure { try parse("a: \"${DB_HOST\"\n").interpolated(env: env) }
        #expect(unterminated?.description == "f.yaml:1:4: a: unterminated '${' in value; close it with '}', or write '$${' for a literal '${'")
        let badName = failure { try parse("a: ${DB-HOST}\n").interpolated(env: env) }
        #expect(badName?.description == "f.yaml:1:4: a: invalid environment variable reference in value; write ${NAME} or ${NAME:-default}, NAME being letters, digits and '_'")
        #expect(failure { try parse("a: ${}\n").interpolated(env: env) }?.code == .invalidConfig)
        #expect(failure { try parse("a: ${1X}\n").interpolated(env: env) }?.code == .invalidConfig)
    }

    @Test func defaultsToTheProcessEnvironment() throws {
        // PATH is set in every test environment.
        let root = try parse("p: ${PATH}\n").interpolated()
        #expect(root["p"]?.scalar?.isEmpty == false)
        #expect(root["p"]?.scalar != "${PATH}")
    }
}
