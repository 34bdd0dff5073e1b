import Foundation
import StrataCore
import StrataTestSupport
import Testing

/// `strata functions` as a user runs it: the real binary prints the same reference the docs hold.
@Suite struct FunctionsCommandTests {
    @Test func listsEveryFunctionAndOperator() throws {
        let p = try StrataProject("functions")
        let r = try p.strata("functions")
        #expect(r.status == 0, "\(r.stderr)")
        for doc in FunctionDoc.all {
            #expect(r.stdout.contains(doc.names.joined(separator: ", ")), "\(doc.name) is not listed")
            #expect(r.stdout.contains(doc.signature), "\(doc.name): signature is not listed")
        }
        for group in FunctionDoc.Group.allCases { #expect(r.stdout.contains(group.title + ":\n")) }
    }

    @Test func showsOneEntryByNameOrAliasWithItsExamples() throws {
        let p = try StrataProject("functions")
        let r = try p.strata("functions", "SUBSTRING")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("substr, substring (strings)\n"))
        #expect(r.stdout.contains("substr(s string, start int64 [, length int64]) → string"))
        #expect(r.stdout.contains("substr('strata', 2, 3)  → 'tra'"))
        #expect(r.stdout.contains("substr('strata', -3)    → 'ata'"))

        let words = try p.strata("functions", "is", "not", "null")
        #expect(words.status == 0, "\(words.stderr)")
        #expect(words.stdout.hasPrefix("IS NULL, IS NOT NULL (operators and syntax)"))
    }

    @Test func severalNamesShowEachEntry() throws {
        let p = try StrataProject("functions")
        let r = try p.strata("functions", "lower", "upper")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("lower (strings)") && r.stdout.contains("\n\nupper (strings)"), "\(r.stdout)")
        let one = try p.strata("functions", "is", "not", "null")
        #expect(one.status == 0 && one.stdout.hasPrefix("IS NULL, IS NOT NULL"), "a name of several words still works")
        let bad = try p.strata("functions", "lower", "uper")
        #expect(bad.status == 2 && bad.stderr.contains("'uper'; did you mean 'upper'?"), "\(bad.stderr)")
    }

    @Test func unknownNameIsAUsageErrorWithDidYouMean() throws {
        let p = try StrataProject("functions")
        let r = try p.strata("functions", "substrr")
        #expect(r.status == 2)
        #expect(r.stdout.isEmpty)
        #expect(r.stderr.contains("error: no function or operator named 'substrr'; did you mean 'substr'?"), "\(r.stderr)")

        let far = try p.strata("functions", "frobnicate")
        #expect(far.status == 2)
        #expect(far.stderr.contains("run `strata functions` for the list"), "\(far.stderr)")

        let option = try p.strata("functions", "--markdwon")
        #expect(option.status == 2)
        #expect(option.stderr.contains("did you mean '--markdown'?"), "\(option.stderr)")
    }

    /// `--markdown` is what `scripts/update-readme` writes into docs/expressions.md.
    @Test func markdownIsTheGeneratedReference() throws {
        let p = try StrataProject("functions")
        let r = try p.strata("functions", "--markdown")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == FunctionDoc.markdown().trimmingCharacters(in: .whitespacesAndNewlines))

        let one = try p.strata("functions", "lpad", "--markdown")
        #expect(one.status == 0)
        #expect(one.stdout.contains(try #require(FunctionDoc.find("lpad")).markdownRow))
    }

    @Test func jsonHasEveryEntryAndItsExamples() throws {
        let p = try StrataProject("functions")
        let all = try p.strata("--json", "functions")
        #expect(all.status == 0, "\(all.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(all.stdout.utf8)) as? [String: Any])
        let functions = try #require(obj["functions"] as? [[String: Any]])
        #expect(functions.map { $0["name"] as? String } == FunctionDoc.all.map(\.name))
        #expect((obj["sections"] as? [[String: Any]])?.count == FunctionDoc.sections.count)

        let one = try p.strata("functions", "date_add", "--json")
        #expect(one.status == 0, "\(one.stderr)")
        let d = try #require(try JSONSerialization.jsonObject(with: Data(one.stdout.utf8)) as? [String: Any])
        #expect(d["name"] as? String == "date_add")
        #expect(d["kind"] as? String == "function")
        #expect(d["result"] as? String == "DATE '2024-02-29'")
        let examples = try #require(d["examples"] as? [[String: String]])
        #expect(examples.first == ["expression": "date_add(DATE '2024-01-31', 1, 'month')", "result": "DATE '2024-02-29'"])
        #expect(examples.count == FunctionDoc.find("date_add")?.examples.count)
    }

    @Test func helpListsTheCommand() throws {
        let p = try StrataProject("functions")
        let r = try p.strata("help")
        #expect(r.stdout.contains("  functions "))
    }
}
