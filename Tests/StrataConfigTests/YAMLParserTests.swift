import Foundation
import Testing
@testable import StrataConfig
import StrataCore

/// Parses `text` as `f.yaml`, requiring a non-empty document.
func parse(_ text: String, limits: YAMLLimits = .default) throws -> Node {
    try #require(try YAML.parse(text, file: "f.yaml", limits: limits))
}

/// The description of the StrataError `body` throws (nil when it throws nothing or another error).
func failure(_ body: () throws -> Any?) -> StrataError? {
    do {
        _ = try body()
        return nil
    } catch let e as StrataError {
        return e
    } catch {
        return nil
    }
}

@Suite struct YAMLParserTests {
    // MARK: - Positions

    @Test func marksOfKeysAndValuesAreOneBased() throws {
        let root = try parse("""
        pipelines:
          orders:
            description: |
              line one
              line two
            sink:
              table: silver.orders
              compression: "zstd"
        """)
        #expect(root.mark == Mark(line: 1, column: 1))
        let pipelines = try #require(root.mapping)
        #expect(pipelines[0].key.mark == Mark(line: 1, column: 1))
        let orders = try #require(root["pipelines"]?.mapping?.first)
        #expect(orders.key.scalar == "orders")
        #expect(orders.key.mark == Mark(line: 2, column: 3))
        let description = try #require(orders.value.mapping?.first)
        #expect(description.key.mark == Mark(line: 3, column: 5))
        #expect(description.value.mark == Mark(line: 3, column: 18))
        #expect(description.value.scalar == "line one\nline two\n")
        // After the two-line block scalar, marks are still exact.
        let sink = try #require(orders.value["sink"])
        let sinkKey = try #require(orders.value.mapping?.last?.key)
        #expect(sinkKey.mark == Mark(line: 6, column: 5))
        #expect(sink.mark == Mark(line: 7, column: 7))
        #expect(sink.mapping?[0].key.mark == Mark(line: 7, column: 7))
        #expect(sink["table"]?.mark == Mark(line: 7, column: 14))
        #expect(sink.mapping?[1].key.mark == Mark(line: 8, column: 7))
        #expect(sink["compression"]?.mark == Mark(line: 8, column: 20))
        #expect(sink["compression"]?.location.description == "f.yaml:8:20")
    }

    @Test func marksAfterMultiLineQuotedAndFoldedScalars() throws {
        let root = try parse("""
        a: "first
          second"
        b: >
          folded
          text
        c: 'x'
        """)
        #expect(root["a"]?.scalar == "first second")
        #expect(root["b"]?.scalar == "folded text\n")
        #expect(root.mapping?[2].key.mark == Mark(line: 6, column: 1))
        #expect(root["c"]?.mark == Mark(line: 6, column: 4))
    }

    @Test func columnsCountCharactersNotBytes() throws {
        let root = try parse("é: ü\nnext: x\n")
        #expect(root["é"]?.mark == Mark(line: 1, column: 4))
        #expect(root["next"]?.mark == Mark(line: 2, column: 7))
    }

    @Test func flowStyleMarks() throws {
        let root = try parse("sink: {table: t, columns: [a, b]}\n")
        let sink = try #require(root["sink"])
        #expect(sink.mark == Mark(line: 1, column: 7))
        #expect(sink["table"]?.mark == Mark(line: 1, column: 15))
        #expect(sink["columns"]?.sequence?.map(\.mark) == [Mark(line: 1, column: 28), Mark(line: 1, column: 31)])
    }

    // MARK: - Scalars and styles

    @Test func quotedAndPlainScalars() throws {
        let root = try parse("""
        plain: text
        single: 'text'
        double: "null"
        literal: |
          null
        nullWord: null
        tilde: ~
        empty:
        tagged: !!str null
        number: 42
        """)
        func q(_ k: String) -> Bool? {
            if case .scalar(_, let quoted)? = root[k]?.kind { return quoted }
            return nil
        }
        #expect(q("plain") == false)
        #expect(q("single") == true)
        #expect(q("double") == true)
        #expect(q("literal") == true)
        #expect(q("number") == false)
        #expect(root["double"]?.isNull == false)
        #expect(root["literal"]?.isNull == false)
        #expect(root["nullWord"]?.isNull == true)
        #expect(root["tilde"]?.isNull == true)
        #expect(root["empty"]?.isNull == true)
        #expect(root["empty"]?.scalar == "")
        #expect(root["tagged"]?.isNull == false)
        #expect(root["tagged"]?.tag == "tag:yaml.org,2002:str")
        #expect(root["plain"]?.tag == nil)
        #expect(root["number"]?.scalar == "42")
        #expect(root["missing"] == nil)
        #expect(root["plain"]?.mapping == nil)
        #expect(root["plain"]?.sequence == nil)
        #expect(root.scalar == nil)
    }

    @Test func blockAndFlowStylesGiveTheSameTree() throws {
        let block = try parse("""
        name: orders
        columns:
          - id
          - amount
        options:
          header: true
          sep: ","
        """)
        let flow = try parse(#"{name: orders, columns: [id, amount], options: {header: true, sep: ","}}"#)
        #expect(shape(block) == shape(flow))
        #expect(shape(block) == #"{name:orders,columns:[id,amount],options:{header:true,sep:","}}"#)
    }

    @Test func keyOrderIsKept() throws {
        let keys = (0..<40).map { "k\(39 - $0)" }
        let root = try parse(keys.map { "\($0): 1" }.joined(separator: "\n"))
        #expect(root.mapping?.map { $0.key.scalar! } == keys)
    }

    @Test func emptyDocumentsAreNil() throws {
        #expect(try YAML.parse("", file: "f.yaml") == nil)
        #expect(try YAML.parse("# only a comment\n\n", file: "f.yaml") == nil)
        #expect(try YAML.parse("---\n", file: "f.yaml") == nil)
        #expect(try YAML.parse("~\n", file: "f.yaml") == nil)
        #expect(try YAML.parse("--- x\n", file: "f.yaml")?.scalar == "x")
    }

    // MARK: - Anchors, aliases, merge keys

    @Test func aliasesCopyTheAnchoredSubtree() throws {
        let root = try parse("""
        base: &b {x: 1, y: [a, b]}
        copy: *b
        name: &n hello
        again: *n
        """)
        let copy = try #require(root["copy"])
        #expect(shape(copy) == "{x:1,y:[a,b]}")
        #expect(copy.mark == Mark(line: 2, column: 7))          // the alias
        #expect(copy["x"]?.mark == Mark(line: 1, column: 14))   // inside the anchor
        #expect(root["again"]?.scalar == "hello")
        #expect(root["again"]?.mark == Mark(line: 4, column: 8))
    }

    @Test func mergeKeys() throws {
        let root = try parse("""
        defaults: &d
          format: parquet
          compression: snappy
        extra: &e
          compression: gzip
          partition: day
          owner: data
        sink:
          <<: *d
          compression: zstd
          table: t
        both:
          <<: [*e, *d]
          owner: me
        """)
        let sink = try #require(root["sink"])
        #expect(shape(sink) == "{format:parquet,compression:zstd,table:t}")
        #expect(sink["format"]?.mark == Mark(line: 2, column: 11))
        // Keys written in the mapping win, then earlier merges.
        #expect(shape(try #require(root["both"])) == "{compression:gzip,partition:day,format:parquet,owner:me}")
    }

    @Test func inlineMergeAndBadMergeValue() throws {
        let root = try parse("a:\n  <<: {x: 1}\n  y: 2\n")
        #expect(shape(try #require(root["a"])) == "{x:1,y:2}")
        #expect(failure { try parse("a:\n  <<: 1\n")}?.description
                == "f.yaml:2:7: merge key '<<' expects a mapping or a list of mappings")
        #expect(failure { try parse("a:\n  <<: [{x: 1}, 2]\n")}?.description
                == "f.yaml:2:16: merge key '<<' expects a mapping or a list of mappings")
        // A quoted '<<' is an ordinary key.
        #expect(try parse("a:\n  '<<': 1\n")["a"]?["<<"]?.scalar == "1")
    }

    // MARK: - Errors

    @Test func syntaxErrorsCarryLibyamlProblemAndPosition() {
        let cases: [(String, String)] = [
            ("a: b: c\n", "f.yaml:1:5: invalid YAML: mapping values are not allowed in this context"),
            ("a: [1, 2\n", "f.yaml:2:1: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at 1:4)"),
            ("a:\n  b: 1\n c: 2\n", "f.yaml:3:2: invalid YAML: did not find expected key (while parsing a block mapping at 1:1)"),
            ("a: 1\n\tb: 2\n", "f.yaml:2:1: invalid YAML: found a tab character that violates indentation (while scanning a plain scalar at 1:4)"),
        ]
        for (text, expected) in cases {
            let e = failure { try YAML.parse(text, file: "f.yaml") }
            #expect(e?.code == .invalidConfig)
            #expect(e?.description == expected)
        }
    }

    @Test func invalidUTF8IsPositioned() {
        let e = failure { try YAML.parse(bytes: Array("a: 1\nb: ".utf8) + [0xFF, 0x0A], file: "f.yaml") }
        #expect(e?.description == "f.yaml:2:4: invalid YAML: invalid leading UTF-8 octet")
    }

    @Test func duplicateKeysNameBothLines() {
        let e = failure { try parse("a: 1\nb: 2\na: 3\n") }
        #expect(e?.code == .invalidConfig)
        #expect(e?.description == "f.yaml:3:1: duplicate key 'a' (first defined at line 1); remove or rename one of them")
        // Large mappings take the hashed path.
        let many = (0..<30).map { "k\($0): 1" }.joined(separator: "\n") + "\nk7: 2\n"
        #expect(failure { try parse(many) }?.description == "f.yaml:31:1: duplicate key 'k7' (first defined at line 8); remove or rename one of them")
        // Quoting does not make a different key.
        #expect(failure { try parse("x:\n  a: 1\n  'a': 2\n") }?.description.hasPrefix("f.yaml:3:3: duplicate key 'a'") == true)
    }

    @Test func oneDocumentPerFile() {
        let e = failure { try parse("a: 1\n---\nb: 2\n") }
        #expect(e?.description == "f.yaml:2:1: a second YAML document; a config file holds one document; remove the '---' line or move the document to its own file")
    }

    @Test func unknownAnchors() {
        #expect(failure { try parse("a: *nope\n") }?.description
                == "f.yaml:1:4: unknown anchor 'nope'; define it with '&nope' before this alias")
        #expect(failure { try parse("a: &base 1\nb: *bsae\n") }?.description
                == "f.yaml:2:4: unknown anchor 'bsae'; did you mean 'base'?")
        #expect(failure { try parse("a: *later\nb: &later 1\n") }?.code == .invalidConfig)
        #expect(failure { try parse("- &x [*x]\n") }?.description
                == "f.yaml:1:7: alias '*x' refers to the collection that contains it")
    }

    // MARK: - Hostile input

    @Test func billionLaughsIsRefused() throws {
        var doc = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for i in 1...9 {
            doc += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 9).joined(separator: ", ") + "]\n"
        }
        // Refused by counting expanded nodes, not by expanding them (timing belongs in benchmarks).
        let e = failure { try parse(doc) }
        #expect(e?.code == .invalidConfig)
        #expect(e?.description.hasPrefix("f.yaml:5:") == true)
        #expect(e?.message == "aliases expand to more than 10000 nodes")
    }

    @Test func aliasesWithinTheLimitAreAccepted() throws {
        // 109 aliases of a 91-node list = 9,919 copied nodes: under 10,000; one more is over.
        var doc = "a: &a [" + Array(repeating: "[1, 2, 3, 4, 5, 6, 7, 8, 9]", count: 9).joined(separator: ", ") + "]\nb:\n"
        doc += String(repeating: "  - *a\n", count: 109)
        #expect(try parse(doc)["b"]?.sequence?.count == 109)
        doc += "  - *a\n"
        #expect(failure { try parse(doc) }?.message == "aliases expand to more than 10000 nodes")
    }

    @Test func deepNestingIsRefused() throws {
        let flow = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(failure { try parse(flow) }?.description == "f.yaml:1:65: nesting deeper than 64 levels")
        let block = String(repeating: "- ", count: 10_000) + "x\n"
        #expect(failure { try parse(block) }?.description == "f.yaml:1:129: nesting deeper than 64 levels")
        // Exactly 64 levels is fine.
        let ok = String(repeating: "[", count: 64) + "1" + String(repeating: "]", count: 64)
        #expect(try parse(ok).sequence?.count == 1)
    }

    @Test func deepNestingThroughAliasesIsRefused() {
        let deep = String(repeating: "[", count: 40) + "1" + String(repeating: "]", count: 40)
        let doc = "a: &d \(deep)\nb: \(String(repeating: "[", count: 30))*d\(String(repeating: "]", count: 30))\n"
        #expect(failure { try parse(doc) }?.message == "nesting deeper than 64 levels (through alias '*d')")
    }

    @Test func nodeLimit() {
        let limits = YAMLLimits(maxNodes: 100)
        let list = "[" + Array(repeating: "1", count: 99).joined(separator: ", ") + "]"
        #expect((try? parse(list, limits: limits))?.sequence?.count == 99)   // 100 nodes with the list
        let over = "[" + Array(repeating: "1", count: 100).joined(separator: ", ") + "]"
        #expect(failure { try parse(over, limits: limits) }?.description == "f.yaml:1:299: document has more than 100 nodes")
    }

    @Test func oversizedDocumentsAreRefusedBeforeParsing() throws {
        let big = String(repeating: "# padding line of a hostile document\n", count: 20 * 1_048_576 / 37 + 1)
        let e = failure { try YAML.parse(big, file: "f.yaml") }
        #expect(e?.description == "f.yaml:1:1: document is 20.0 MiB, over the 16 MiB limit; split it into smaller files")

        let dir = try TestDir()
        let path = dir.path + "/big.yaml"
        try Data(big.utf8).write(to: URL(fileURLWithPath: path))
        #expect(failure { try YAML.load(path: path) }?.description == "\(path):1:1: document is 20.0 MiB, over the 16 MiB limit; split it into smaller files")
    }

    // MARK: - Files

    @Test func loadNamesTheFileInMarks() throws {
        let dir = try TestDir()
        let path = dir.path + "/pipelines.yaml"
        try Data("a:\n  b: c\n".utf8).write(to: URL(fileURLWithPath: path))
        let root = try #require(try YAML.load(path: path))
        #expect(root["a"]?["b"]?.location.description == "\(path):2:6")
        #expect(failure { try YAML.load(path: dir.path + "/nope.yaml") }?.code == .notFound)
        #expect(failure { try YAML.load(path: dir.path) }?.code == .io)
    }

    // MARK: - Size (parsed whole and positioned right; tests never assert on time)

    @Test func fiveMegabytesParse() throws {
        var doc = "# generated pipelines\npipelines:\n"
        var i = 0
        while doc.utf8.count < 5_000_000 {
            doc += """
              orders_\(i):
                description: "Orders from the shop, cleaned and deduplicated (\(i))"
                source:
                  type: csv
                  path: landing/orders/*.csv
                  options: {header: true, delimiter: ",", quote: '"'}
                  columns:
                    order_id: int64 not null
                    customer_email: string
                    amount: decimal(12,2)
                    ordered_at: timestamp
                transforms:
                  - type: filter
                    where: amount > 0 and customer_email is not null
                  - type: derive
                    columns: {year: "year(ordered_at)", domain: "split_part(customer_email, '@', 2)"}
                  - type: dedupe
                    keys: [order_id]
                sink:
                  table: silver.orders_\(i)
                  mode: merge
                  keys: [order_id]
                  partition_by: [year]
                  compression: zstd

            """
            i += 1
        }
        let root = try parse(doc)
        #expect(root["pipelines"]?.mapping?.count == i)
        #expect(root["pipelines"]?["orders_\(i - 1)"]?["sink"]?["compression"]?.scalar == "zstd")
        #expect(root["pipelines"]?["orders_\(i - 1)"]?["sink"]?["compression"]?.location.line == doc.split(separator: "\n", omittingEmptySubsequences: false).count - 1)
    }
}

/// A compact text form of a tree: `{k:v,...}`, `[a,b]`, quoted scalars in double quotes.
func shape(_ n: Node) -> String {
    switch n.kind {
    case .scalar(let s, let quoted): return quoted ? "\"\(s)\"" : s
    case .sequence(let items): return "[" + items.map(shape).joined(separator: ",") + "]"
    case .mapping(let m): return "{" + m.map { shape($0.key) + ":" + shape($0.value) }.joined(separator: ",") + "}"
    }
}

/// A temporary folder removed when the value is released.
final class TestDir {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "strata-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}
