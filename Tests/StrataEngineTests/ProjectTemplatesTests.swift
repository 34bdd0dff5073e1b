import Foundation
import StrataCore
import StrataPlugins
@testable import StrataEngine
import StrataTestSupport
import Testing

/// The projects `strata init` writes: the ecommerce example is this repository's demo, file for
/// file, and every template's config loads with the built-in plugins.
@Suite struct ProjectTemplatesTests {
    @Test func theEcommerceExampleIsTheRepositorysDemo() throws {
        for f in ProjectTemplate.ecommerceFiles {
            let repo = try String(contentsOfFile: TestPaths.packageRoot + "/" + f.path, encoding: .utf8)
            #expect(repo == f.text, "\(f.path) differs from the demo's: run scripts/update-readme")
        }
        let policies = try FileManager.default.contentsOfDirectory(atPath: TestPaths.packageRoot + "/policies").filter { $0.hasSuffix(".yaml") }
        #expect(Set(policies.map { "policies/" + $0 }) == Set(ProjectTemplate.ecommerceFiles.map(\.path).filter { $0.hasPrefix("policies/") }))
    }

    @Test(arguments: ProjectTemplate.allCases)
    func writesEveryFileAndRefusesToWriteOverOne(_ t: ProjectTemplate) throws {
        let dir = try TempDir("template-\(t.rawValue)")
        let r = try ProjectInit.write(t, to: dir.path + "/p")
        #expect(Set(t.files.map(\.path)).isSubset(of: Set(r.files)))
        for f in t.files { #expect(FileManager.default.contents(atPath: dir.path + "/p/" + f.path) == Data(f.text.utf8)) }
        let project = try Project.load(configPath: dir.path + "/p/pipelines.yaml", registry: .builtin())
        #expect(!project.pipelines.isEmpty)
        let e = #expect(throws: StrataError.self) { try ProjectInit.write(t, to: dir.path + "/p") }
        #expect(e?.code == .usage)
    }
}
