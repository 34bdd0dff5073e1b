import Testing
@testable import StrataConfig
import StrataCore

enum WriteMode: String, CaseIterable { case append, overwrite, merge }

let sinkKeys = [
    ConfigKey("table", "string", required: true, "The table written."),
    ConfigKey("compression", "snappy | zstd | none", default: "snappy", "Parquet compression."),
    ConfigKey("mode", "append | overwrite | merge", default: "append", "Write mode."),
    ConfigKey("row_group_rows", "int", default: "64000", "Rows per row group."),
    ConfigKey("ratio", "double", "A ratio."),
    ConfigKey("enabled", "bool", default: "true", "On or off."),
    ConfigKey("keys", "[string]", "Merge keys."),
    ConfigKey("columns", "map", "Column types."),
    ConfigKey("options", "map", "Nested options."),
    ConfigKey("checks", "list", "Checks."),
]
let optionKeys = [ConfigKey("header", "bool", ""), ConfigKey("delimiter", "string", "")]

/// The sink section of a small pipelines file.
func sink(_ body: String, file: String = "pipelines.yaml") throws -> ConfigMap {
    let text = "pipelines:\n  orders:\n    sink:\n" + body.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n") + "\n"
    let root = try #require(try YAML.parse(text, file: file))
    let node = try #require(root["pipelines"]?["orders"]?["sink"])
    return try ConfigMap(node, keys: sinkKeys, path: "pipelines.orders.sink")
}

@Suite struct ConfigMapTests {
    // MARK: - Keys

    @Test func unknownKeyWithDidYouMean() throws {
        let text = """
        orders:
          sink:
            compresion: zstd
            table: t
        """
        let root = try #require(try YAML.parse(text, file: "pipelines.yaml"))
        let e = failure { try ConfigMap(root["orders"]!["sink"]!, keys: sinkKeys, path: "pipelines.orders.sink") }
        #expect(e?.code == .unknownKey)
        #expect(e?.path == "pipelines.orders.sink.compresion")
        #expect(e?.description == "pipelines.yaml:3:5: pipelines.orders.sink.compresion: unknown key; did you mean 'compression'?")
    }

    @Test func unknownKeyListsValidKeysWhenNothingIsClose() {
        let e = failure { try sink("table: t\nwhatever: 1") }
        #expect(e?.description == "pipelines.yaml:5:7: pipelines.orders.sink.whatever: unknown key; valid keys: table, compression, mode, row_group_rows, ratio, enabled, keys, columns, options, checks")
        let none = failure { try ConfigMap(try parse("a: 1"), keys: [], path: "") }
        #expect(none?.description == "f.yaml:1:1: a: unknown key; this section takes no keys")
    }

    @Test func missingRequiredKey() {
        let e = failure { try sink("mode: append") }
        #expect(e?.code == .missingKey)
        #expect(e?.description == "pipelines.yaml:4:7: pipelines.orders.sink: missing required key 'table'; add 'table:' (string)")
        let null = failure { try sink("table:\nmode: append") }
        #expect(null?.code == .missingKey)
        #expect(null?.description == "pipelines.yaml:4:7: pipelines.orders.sink.table: required key has no value; give it a value (string)")
    }

    @Test func sectionMustBeAMapping() throws {
        let e = failure { try ConfigMap(try parse("s: [1, 2]")["s"]!, keys: sinkKeys, path: "s") }
        #expect(e?.code == .typeMismatch)
        #expect(e?.description == "f.yaml:1:4: s: expected a mapping, got a list")
        let scalar = failure { try ConfigMap(try parse("s: text")["s"]!, keys: [], path: "s") }
        #expect(scalar?.description == "f.yaml:1:4: s: expected a mapping, got a string")
        // A null section reads as empty.
        let empty = try ConfigMap(try parse("s:\nt: 1")["s"]!, keys: optionKeys, path: "s")
        #expect(!empty.has("header"))
        #expect(empty.location.description == "f.yaml:1:3")
        #expect(failure { try ConfigMap(try parse("s:\nt: 1")["s"]!, keys: sinkKeys, path: "s") }?.code == .missingKey)
        #expect(failure { try ConfigMap(try parse("s: {[a]: 1}")["s"]!, keys: [], path: "s") }?.description
                == "f.yaml:1:5: s: expected a string key, got a list")
    }

    @Test func mergedKeysAreCheckedToo() throws {
        let root = try parse("""
        base: &b
          table: t
          compresion: zstd
        sink:
          <<: *b
          mode: merge
        """)
        let e = failure { try ConfigMap(root["sink"]!, keys: sinkKeys, path: "sink") }
        // Positioned where the misspelled key is written: in the anchored mapping.
        #expect(e?.description == "f.yaml:3:3: sink.compresion: unknown key; did you mean 'compression'?")
    }

    // MARK: - Strings

    @Test func strings() throws {
        let m = try sink("table: silver.orders\ncompression: 'zstd'\nratio: 0.5\nkeys: [a]\noptions:")
        #expect(try m.string("table") == "silver.orders")
        #expect(try m.requiredString("table") == "silver.orders")
        #expect(try m.string("compression", default: "snappy") == "zstd")
        #expect(try m.string("ratio") == "0.5")
        #expect(try m.string("mode") == nil)
        #expect(try m.string("mode", default: "append") == "append")
        #expect(try m.string("options") == nil)       // null reads as absent
        #expect(m.has("table") && !m.has("options") && !m.has("mode"))
        #expect(m.node("options") == nil)
        #expect(m.node("table")?.mark == Mark(line: 4, column: 14))
        let e = failure { try m.string("keys") }
        #expect(e?.code == .typeMismatch)
        #expect(e?.description == "pipelines.yaml:7:13: pipelines.orders.sink.keys: expected a string, got a list")
        let r = failure { try m.requiredString("mode") }
        #expect(r?.description == "pipelines.yaml:4:7: pipelines.orders.sink.mode: missing required key 'mode'")
    }

    // MARK: - Numbers and booleans

    @Test func integers() throws {
        let m = try sink("table: t\nrow_group_rows: 64_000")
        #expect(try m.int("row_group_rows") == 64000)
        #expect(try sink("table: t\nrow_group_rows: 64000").int("row_group_rows") == 64000)
        #expect(try sink("table: t\nrow_group_rows: -3").int("row_group_rows") == -3)
        #expect(try sink("table: t\nrow_group_rows: \"12\"").int("row_group_rows") == 12)
        #expect(try sink("table: t").int("row_group_rows", default: 64000) == 64000)
        #expect(try sink("table: t").int("row_group_rows") == nil)
        let e = failure { try sink("table: t\nrow_group_rows: abc").int("row_group_rows") }
        #expect(e?.code == .typeMismatch)
        #expect(e?.description == "pipelines.yaml:5:23: pipelines.orders.sink.row_group_rows: expected an integer")
        for bad in ["1.5", "_1", "1_", "1__0", "0x10", "99999999999999999999", "''"] {
            #expect(failure { try sink("table: t\nrow_group_rows: \(bad)").int("row_group_rows") }?.code == .typeMismatch, "\(bad)")
        }
        let coll = failure { try sink("table: t\nrow_group_rows: {a: 1}").int("row_group_rows") }
        #expect(coll?.message == "expected an integer, got a mapping")
    }

    @Test func integerRange() throws {
        #expect(try sink("table: t\nrow_group_rows: 100").int("row_group_rows", default: 64000, range: 1...1_000_000) == 100)
        let e = failure { try sink("table: t\nrow_group_rows: 0").int("row_group_rows", default: 64000, range: 1...1_000_000) }
        #expect(e?.code == .invalidConfig)
        #expect(e?.description == "pipelines.yaml:5:23: pipelines.orders.sink.row_group_rows: out of range; expected an integer from 1 to 1000000")
        // The default is checked too: a caller's bad default is caught, not written.
        #expect(failure { try sink("table: t").int("row_group_rows", default: 0, range: 1...10) }?.code == .invalidConfig)
    }

    @Test func doubles() throws {
        #expect(try sink("table: t\nratio: 0.25").double("ratio") == 0.25)
        #expect(try sink("table: t\nratio: 1e3").double("ratio") == 1000)
        #expect(try sink("table: t\nratio: 10_000").double("ratio") == 10000)
        #expect(try sink("table: t\nratio: -2").double("ratio") == -2)
        #expect(try sink("table: t").double("ratio") == nil)
        for bad in ["abc", "inf", "nan", ".inf", "0x1p3", "1.0.0"] {
            let e = failure { try sink("table: t\nratio: \(bad)").double("ratio") }
            #expect(e?.description == "pipelines.yaml:5:14: pipelines.orders.sink.ratio: expected a number", "\(bad)")
        }
    }

    @Test func booleans() throws {
        for (text, value) in [("true", true), ("False", false), ("yes", true), ("NO", false), ("on", true), ("off", false)] {
            #expect(try sink("table: t\nenabled: \(text)").bool("enabled", default: !value) == value)
        }
        #expect(try sink("table: t").bool("enabled", default: true) == true)
        #expect(try sink("table: t").bool("enabled") == nil)
        let e = failure { try sink("table: t\nenabled: maybe").bool("enabled", default: true) }
        #expect(e?.code == .typeMismatch)
        #expect(e?.description == "pipelines.yaml:5:16: pipelines.orders.sink.enabled: expected a boolean (true or false)")
        #expect(failure { try sink("table: t\nenabled: [true]").bool("enabled", default: true) }?.message
                == "expected a boolean, got a list")
    }

    // MARK: - Lists, choices, nested maps

    @Test func stringLists() throws {
        #expect(try sink("table: t\nkeys: [id, day]").stringList("keys") == ["id", "day"])
        #expect(try sink("table: t\nkeys:\n  - id\n  - 'day'").stringList("keys") == ["id", "day"])
        // A bare name is not a list of one: `keys: a, b` would be one column named 'a, b'.
        let bare = failure { try sink("table: t\nkeys: a, b").stringList("keys") }
        #expect(bare?.description == "pipelines.yaml:5:13: pipelines.orders.sink.keys: expected a list, got a string; write `keys: [a, b]`")
        #expect(try sink("table: t\nkeys: id").stringList("keys", orScalar: true) == ["id"])
        #expect(try sink("table: t\nkeys: []").stringList("keys") == [])
        #expect(try sink("table: t").stringList("keys") == nil)
        let e = failure { try sink("table: t\nkeys: {a: 1}").stringList("keys") }
        #expect(e?.description == "pipelines.yaml:5:13: pipelines.orders.sink.keys: expected a list of strings, got a mapping")
        let item = failure { try sink("table: t\nkeys: [id, [x]]").stringList("keys") }
        #expect(item?.description == "pipelines.yaml:5:18: pipelines.orders.sink.keys[1]: expected a string, got a list")
        #expect(failure { try sink("table: t\nkeys: [id, ~]").stringList("keys") }?.message == "expected a string, got null")
    }

    @Test func choices() throws {
        #expect(try sink("table: t\nmode: merge").choice("mode", default: WriteMode.append) == .merge)
        #expect(try sink("table: t").choice("mode", default: WriteMode.overwrite) == .overwrite)
        let optional: WriteMode? = try sink("table: t").choice("mode")
        #expect(optional == nil)
        let e = failure { try sink("table: t\nmode: apend").choice("mode", default: WriteMode.append) }
        #expect(e?.description == "pipelines.yaml:5:13: pipelines.orders.sink.mode: expected one of: append, overwrite, merge; did you mean 'append'?")
        let far = failure { try sink("table: t\nmode: upsert_everything").choice("mode", default: WriteMode.append) }
        #expect(far?.description == "pipelines.yaml:5:13: pipelines.orders.sink.mode: expected one of: append, overwrite, merge")
        #expect(failure { try sink("table: t\nmode: [append]").choice("mode", default: WriteMode.append) }?.code == .typeMismatch)
    }

    @Test func nestedMaps() throws {
        let m = try sink("table: t\noptions:\n  header: true\n  delimiter: ';'")
        let options = try #require(try m.map("options", keys: optionKeys))
        #expect(options.path == "pipelines.orders.sink.options")
        #expect(try options.bool("header", default: false) == true)
        #expect(try options.string("delimiter") == ";")
        #expect(try sink("table: t").map("options", keys: optionKeys) == nil)
        let e = failure { try sink("table: t\noptions:\n  headr: true").map("options", keys: optionKeys) }
        #expect(e?.description == "pipelines.yaml:6:9: pipelines.orders.sink.options.headr: unknown key; did you mean 'header'?")
        let notMap = failure { try sink("table: t\noptions: [1]").map("options", keys: optionKeys) }
        #expect(notMap?.description == "pipelines.yaml:5:16: pipelines.orders.sink.options: expected a mapping, got a list")
    }

    @Test func stringMaps() throws {
        let m = try sink("table: t\ncolumns:\n  id: int64 not null\n  amount: decimal(12,2)\n  at: timestamp")
        let columns = try #require(try m.stringMap("columns"))
        #expect(columns.map(\.key) == ["id", "amount", "at"])
        #expect(columns.map(\.value) == ["int64 not null", "decimal(12,2)", "timestamp"])
        #expect(columns.map(\.mark) == [Mark(line: 6, column: 13), Mark(line: 7, column: 17), Mark(line: 8, column: 13)])
        #expect(try sink("table: t").stringMap("columns") == nil)
        let e = failure { try sink("table: t\ncolumns:\n  id: {type: int64}").stringMap("columns") }
        #expect(e?.description == "pipelines.yaml:6:13: pipelines.orders.sink.columns.id: expected a string, got a mapping")
        let null = failure { try sink("table: t\ncolumns:\n  id:").stringMap("columns") }
        #expect(null?.description == "pipelines.yaml:6:9: pipelines.orders.sink.columns.id: expected a string, got null")
        let list = failure { try sink("table: t\ncolumns: [a]").stringMap("columns") }
        #expect(list?.description == "pipelines.yaml:5:16: pipelines.orders.sink.columns: expected a mapping, got a list")
    }

    @Test func lists() throws {
        let m = try sink("table: t\nchecks:\n  - {type: not_null, column: id}\n  - unique")
        let checks = try #require(try m.list("checks"))
        #expect(checks.count == 2)
        #expect(checks[0]["type"]?.scalar == "not_null")
        #expect(checks[1].scalar == "unique")
        #expect(try sink("table: t").list("checks") == nil)
        let e = failure { try sink("table: t\nchecks: unique").list("checks") }
        #expect(e?.description == "pipelines.yaml:5:15: pipelines.orders.sink.checks: expected a list, got a string")
    }

    // MARK: - Errors and paths

    @Test func errorsArePositionedAtTheValueKeyOrSection() throws {
        let m = try sink("table: silver.orders\nmode:")
        #expect(m.error("table", .invalidConfig, "no such table", hint: "check the name").description
                == "pipelines.yaml:4:14: pipelines.orders.sink.table: no such table; check the name")
        #expect(m.error("mode", .invalidConfig, "bad").description == "pipelines.yaml:5:7: pipelines.orders.sink.mode: bad")
        #expect(m.error("ratio", .missingKey, "needed").description == "pipelines.yaml:4:7: pipelines.orders.sink.ratio: needed")
        #expect(m.error("ratio", .missingKey, "needed").code == .missingKey)
        #expect(m.keyPath("table") == "pipelines.orders.sink.table")
        let top = try ConfigMap(try parse("table: t"), keys: sinkKeys, path: "")
        #expect(top.keyPath("table") == "table")
        let node = try parse("a: 1")
        #expect(node.error(.parse, "broken", path: "x", hint: "fix it").description == "f.yaml:1:1: x: broken; fix it")
    }

    @Test func undeclaredKeyIsAProgrammingError() async {
        await #expect(processExitsWith: .failure) {
            let root = try? YAML.parse("table: t\n", file: "f.yaml")
            let m = try? ConfigMap(root!, keys: [ConfigKey("table", "string", "")], path: "")
            _ = try? m?.string("tabel")
        }
    }
}
