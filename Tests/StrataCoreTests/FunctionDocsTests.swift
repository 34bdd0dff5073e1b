import Foundation
import Testing
import StrataTestSupport
@testable import StrataCore

/// The expression reference cannot drift from the implementation: every catalog name is
/// documented, every documented function exists, every example evaluates to its documented result,
/// and docs/expressions.md holds exactly the generated reference.
@Suite struct FunctionDocsTests {
    @Test func everyCatalogFunctionIsDocumentedOnce() {
        let documented = FunctionDoc.all.filter { $0.kind == .function }.flatMap(\.names)
        for name in FunctionCatalog.arity.keys.sorted() {
            #expect(documented.filter { $0 == name }.count == 1, "\(name) is documented \(documented.filter { $0 == name }.count) times")
        }
    }

    @Test func everyDocumentedFunctionExists() {
        for doc in FunctionDoc.all where doc.kind == .function {
            for name in doc.names {
                #expect(FunctionCatalog.isKnown(name), "\(name) is documented but not in the function catalog")
            }
            // The signature starts with the main name, so the table reads right.
            #expect(doc.signature.hasPrefix(doc.name), "\(doc.name): signature '\(doc.signature)'")
        }
        for doc in FunctionDoc.all where doc.kind == .syntax {
            #expect(!FunctionCatalog.isKnown(doc.name.lowercased()), "\(doc.name) is a function, not syntax")
        }
    }

    @Test func namesAreUniqueAndFindable() {
        let names = FunctionDoc.allNames.map(FunctionDoc.normalized)
        #expect(Set(names).count == names.count, "duplicate names: \(names.filter { n in names.filter { $0 == n }.count > 1 })")
        #expect(FunctionDoc.find("SUBSTRING")?.name == "substr")
        #expect(FunctionDoc.find("is  not null")?.name == "IS NULL")
        #expect(FunctionDoc.find("try_cast")?.name == "CAST")
        #expect(FunctionDoc.find("substrr") == nil)
    }

    @Test func entriesAreComplete() {
        for doc in FunctionDoc.all {
            #expect(!doc.summary.isEmpty && !doc.summary.contains("\n"), "\(doc.name): summary must be one line")
            #expect(!doc.example.isEmpty && !doc.result.isEmpty, "\(doc.name): example and result are required")
        }
        for group in FunctionDoc.Group.allCases {
            #expect(FunctionDoc.all.contains { $0.group == group }, "group \(group) is empty")
        }
    }

    /// Each function entry's example calls that function (or an alias), so it really demonstrates it.
    @Test func examplesUseTheirFunction() throws {
        for doc in FunctionDoc.all where doc.kind == .function {
            for x in doc.examples {
                let e = try ExpressionParser.parse(x.expression)
                #expect(Self.calls(e).contains { doc.names.contains($0) }, "\(doc.name): example '\(x.expression)' does not call it")
            }
        }
    }

    static func calls(_ e: Expr) -> [String] {
        var out: [String] = []
        if case .call(let name, _) = e.node { out.append(name) }
        for c in e.children { out += calls(c) }
        return out
    }

    @Test(arguments: FunctionDoc.allExamples)
    func exampleEvaluatesToItsDocumentedResult(_ x: ExpressionExample) throws {
        let got = try FunctionDoc.evaluate(x.expression)
        #expect(got == x.result, "\(x.expression) gives \(got), the docs say \(x.result)")
    }

    /// The check above can fail: a wrong documented result is caught, and a bad example throws.
    @Test func evaluationReallyChecks() throws {
        #expect(try FunctionDoc.evaluate("substr('strata', 2, 3)") == "'tra'")
        #expect(try FunctionDoc.evaluate("substr('strata', 2, 3)") != "'str'")
        #expect(throws: ExprError.self) { try FunctionDoc.evaluate("substrr('strata', 2)") }
        #expect(throws: (any Error).self) { try FunctionDoc.evaluate("CAST('x' AS BIGINT)") }
        // now() needs the fixed clock: the examples' context supplies it.
        #expect(try FunctionDoc.evaluate("now()") == "TIMESTAMP '2025-01-31 12:00:00'")
    }

    @Test func resultsRenderAsSQLLiterals() {
        #expect(FunctionDoc.render(.null) == "NULL")
        #expect(FunctionDoc.render(.string("it's")) == "'it''s'")
        #expect(FunctionDoc.render(.bool(false)) == "FALSE")
        #expect(FunctionDoc.render(.int(-3)) == "-3")
        #expect(FunctionDoc.render(.double(4)) == "4.0")
        #expect(FunctionDoc.render(.decimal(1250, scale: 2)) == "12.50")
        #expect(FunctionDoc.render(.date(19783)) == "DATE '2024-03-01'")
        #expect(FunctionDoc.render(.timestamp(1_738_324_800_250_000)) == "TIMESTAMP '2025-01-31 12:00:00.25'")
    }

    /// The units and format specifiers the notes list are the ones the implementation accepts.
    @Test func notesListWhatTheImplementationAccepts() throws {
        let words = Set(FunctionDoc.unitsNote.split(whereSeparator: { !$0.isLetter }).map(String.init))
        for unit in Calendar.units.keys {
            #expect(words.contains(unit) || (unit.hasSuffix("s") && words.contains(String(unit.dropLast()))), "unit \(unit) is not documented")
        }
        for word in ["microsecond", "millisecond", "second", "minute", "hour", "day", "week", "month", "quarter", "year", "us", "ms", "s", "m", "h", "d", "w", "y"] {
            #expect(Calendar.units[word] != nil, "documented unit \(word) is not accepted")
            #expect(words.contains(word))
        }
        for f in DateFormat.fields {
            #expect(FunctionDoc.formatNote.contains("%\(f)"), "specifier %\(f) is not documented")
        }
        let extract = try #require(FunctionDoc.find("EXTRACT"))
        for part in FunctionCatalog.extractFields.keys {
            #expect(extract.summary.contains(part), "EXTRACT part \(part) is not documented")
        }
    }

    @Test func markdownHasATablePerGroupAndEveryEntry() {
        let md = FunctionDoc.markdown()
        #expect(md == FunctionDoc.markdown(), "the reference must be deterministic")
        for group in FunctionDoc.Group.allCases { #expect(md.contains("### \(group.title)\n\n| function | signature |")) }
        for doc in FunctionDoc.all { #expect(md.contains(doc.markdownRow + "\n"), "\(doc.name) is missing") }
        for section in FunctionDoc.sections { #expect(md.contains("### \(section.title)\n")) }
        // Every table row has the header's five cells (an unescaped | would add one).
        for line in md.split(separator: "\n") where line.hasPrefix("| `") && !line.contains("| example |") {
            let cells = line.replacing("\\|", with: "").split(separator: "|", omittingEmptySubsequences: false).count - 2
            #expect(cells == 5 || cells == 2, "row has \(cells) cells: \(line)")
        }
        #expect(FunctionDoc.markdown(headingLevel: 2).contains("\n## Strings\n"))
    }

    @Test func pipesInCellsAreEscaped() throws {
        let row = try #require(FunctionDoc.find("||")).markdownRow
        #expect(row.hasPrefix("| `\\|\\|` |"))
        #expect(row.contains("`'order-' \\|\\| 42`"))
    }

    /// docs/expressions.md holds the generated reference between its markers (scripts/update-readme
    /// rewrites it); so does README.md once it carries the markers.
    @Test(arguments: ["docs/expressions.md", "README.md"])
    func docsHoldTheGeneratedReference(_ file: String) throws {
        let text = try String(contentsOfFile: TestPaths.packageRoot + "/" + file, encoding: .utf8)
        guard let begin = text.range(of: FunctionDoc.referenceBegin) else {
            #expect(file == "README.md", "\(file) has no function reference markers")
            return
        }
        let end = try #require(text.range(of: FunctionDoc.referenceEnd), "\(file): BEGIN marker without END")
        let block = text[begin.upperBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(block == FunctionDoc.markdown().trimmingCharacters(in: .whitespacesAndNewlines),
                "\(file) is stale: run scripts/update-readme (it writes `strata functions --markdown` between the markers)")
    }
}
