public import StrataGovernance
import StrataCore
import Foundation

extension Project {
    /// The project's governance, failing closed: a `policies:` folder that is missing, not a folder,
    /// or holds no policy files is a config error (exit 2), so a typo in the path can never run a
    /// lake without masking. Only `policies: none`, written explicitly, runs ungoverned.
    public func loadGovernance() throws -> Governance {
        if policiesNone { return Governance(policies: .empty) }
        let fm = FileManager.default
        var isDir: ObjCBool = false
        let shown = policiesRoot.hasPrefix(root + "/") ? String(policiesRoot.dropFirst(root.count + 1)) : policiesRoot
        guard fm.fileExists(atPath: policiesRoot, isDirectory: &isDir), isDir.boolValue else {
            throw StrataError(.invalidConfig, "the policies folder '\(shown)' does not exist", location: policiesLocation, path: "policies",
                              hint: "create it with policy files (see docs/policies.md), point `policies:` at it, or write `policies: none` to run without governance")
        }
        let files = try fm.contentsOfDirectory(atPath: policiesRoot)
            .filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasPrefix(".") }
        guard !files.isEmpty else {
            throw StrataError(.invalidConfig, "the policies folder '\(shown)' holds no policy files (*.yaml)", location: policiesLocation, path: "policies",
                              hint: "add policy files (see docs/policies.md), or write `policies: none` to run without governance")
        }
        return try Governance.load(directory: policiesRoot)
    }
}
