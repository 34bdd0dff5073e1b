import Foundation
import StrataCore

/// Bounds on what a YAML document may make the parser do, so hostile input is refused fast.
///
/// Every refusal is a `.invalidConfig` error positioned where the limit was crossed.
public struct YAMLLimits: Sendable, Hashable {
    /// Deepest nesting of sequences and mappings (aliased subtrees included).
    public var maxDepth: Int
    /// Most nodes in the finished tree, counting every node an alias copies in.
    public var maxNodes: Int
    /// Most nodes all aliases together may copy in (stops "billion laughs" alias bombs).
    public var maxAliasNodes: Int
    /// Largest document, in bytes.
    public var maxDocumentBytes: Int

    public init(maxDepth: Int = 64, maxNodes: Int = 1_000_000, maxAliasNodes: Int = 10_000,
                maxDocumentBytes: Int = 16 << 20) {
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxAliasNodes = maxAliasNodes
        self.maxDocumentBytes = maxDocumentBytes
    }

    /// Depth 64, 1,000,000 nodes, 10,000 alias-copied nodes, 16 MiB.
    public static let `default` = YAMLLimits()
}

/// Parses YAML config files (one document each) into `Node` trees with line:column marks.
///
/// Supports block and flow styles, anchors and aliases (`&a` / `*a`, copied into the tree) and
/// merge keys (`<<: *base`, `<<: [*a, *b]`; keys written in the mapping win, then earlier merges).
/// Rejects syntax errors (libyaml's problem text at its position), duplicate keys, more than one
/// document, unknown anchors, and anything beyond `YAMLLimits`. Environment references are not
/// expanded here: call `Node.interpolated(env:)` on the result.
public enum YAML {
    /// Parses `text`; `file` names it in marks and errors. Returns nil for an empty document
    /// (nothing but comments, or a lone null).
    public static func parse(_ text: String, file: String, limits: YAMLLimits = .default) throws -> Node? {
        try parse(bytes: Array(text.utf8), file: file, limits: limits)
    }

    /// Reads and parses the file at `path` (checking its size before reading it); marks name `path`.
    public static func load(path: String, limits: YAMLLimits = .default) throws -> Node? {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw StrataError(.notFound, "config file '\(path)' does not exist")
        }
        if isDirectory.boolValue {
            throw StrataError(.io, "cannot read config file '\(path)': it is a folder")
        }
        let size = (try? fm.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        if size > limits.maxDocumentBytes { throw tooLarge(file: path, bytes: size, limits: limits) }
        guard let data = fm.contents(atPath: path) else {
            throw StrataError(.io, "cannot read config file '\(path)'")
        }
        return try parse(bytes: [UInt8](data), file: path, limits: limits)
    }

    /// Parses UTF-8 bytes (invalid UTF-8 is a positioned error).
    package static func parse(bytes: [UInt8], file: String, limits: YAMLLimits = .default) throws -> Node? {
        if bytes.count > limits.maxDocumentBytes { throw tooLarge(file: file, bytes: bytes.count, limits: limits) }
        let parser = try YAMLParser(bytes: bytes, file: file)
        var builder = NodeBuilder(file: file, limits: limits)
        return try builder.build(parser)
    }

    private static func tooLarge(file: String, bytes: Int, limits: YAMLLimits) -> StrataError {
        StrataError(.invalidConfig, "document is \(mib(bytes)), over the \(mib(limits.maxDocumentBytes)) limit",
                    location: SourceLocation(file: file, line: 1, column: 1),
                    hint: "split it into smaller files")
    }

    private static func mib(_ bytes: Int) -> String {
        let m = Double(bytes) / 1_048_576
        return m == m.rounded() ? "\(Int(m)) MiB" : String(format: "%.1f MiB", m)
    }
}
