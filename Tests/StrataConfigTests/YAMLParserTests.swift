import Testing
@testable import StrataConfig
import StrataCore

@Suite struct YAMLParserTests {
    @Test func smoke() throws {
        let n = try #require(try YAML.parse("a: 1\n", file: "f.yaml"))
        #expect(n["a"]?.scalar == "1")
    }
}
