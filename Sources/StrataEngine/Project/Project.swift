public import StrataCore
public import StrataFormats
import StrataConfig
public import StrataPlugins
import Foundation
public import StrataGovernance

/// One pipeline of `pipelines.yaml`: a source, transforms in order, and a sink.
/// Where a pipeline computes: Strata's own engine, or Apache Spark (`SparkCompiler`).
public enum Engine: String, Sendable, CaseIterable {
    case native, spark
}

public struct PipelineSpec: Sendable {
    public var name: String
    public var description: String?
    public var source: any SourceConfig
    public var sourceType: String
    public var transforms: [any TransformConfig]
    public var transformTypes: [String]
    public var sink: any SinkConfig
    public var sinkType: String
    public var location: SourceLocation
    /// Explicit removals of governance tags from output columns.
    public var declassifications: [Declassification] = []
    /// Where the pipeline computes (`engine:`).
    public var engine: Engine = .native
    /// Where each key of this pipeline's config is written, relative to `pipelines.NAME`: errors
    /// found while planning (an unknown key column, a refused write) point there.
    public var keyLocations: [String: SourceLocation] = [:]

    /// Tables read by the source and transforms.
    public var reads: [TableRef] {
        var r = source.reads
        for t in transforms { r += t.reads }
        var seen = Set<TableRef>()
        return r.filter { seen.insert($0).inserted }
    }

    public var writes: TableRef { sink.target }

    /// `e` positioned in this pipeline's config when it names a key path but no position.
    public func located(_ e: StrataError) -> StrataError {
        var e = e
        e.locate(in: keyLocations, prefix: "pipelines.\(name)")
        return e
    }
}

/// A loaded project: the config file, where the lake lives, and its pipelines in file order.
public struct Project: Sendable {
    /// The config file as given (`pipelines.yaml`).
    public var configPath: String
    /// The folder holding the config; relative paths resolve against it.
    public var root: String
    /// The lake folder (absolute).
    public var lakeRoot: String
    /// The policies folder (absolute), whether or not it exists.
    public var policiesRoot: String
    /// True when the config says `policies: none`: the project runs without governance, explicitly.
    public var policiesNone = false
    /// Where `policies:` is written in the config (for errors about the folder).
    public var policiesLocation: SourceLocation?
    public var pipelines: [PipelineSpec]
    /// The config file's text (its SHA-256 is the config digest in audit records).
    public var configText: String
    /// An OpenLineage HTTP endpoint (Marquez) that also receives every event, when configured.
    public var lineageURL: String? = nil
    /// Seconds per attempt and attempts per event for the endpoint (`lineage.timeout`, `lineage.attempts`).
    public var lineageTimeout: Double = 2
    public var lineageAttempts: Int = 3

    /// The lineage endpoint, when configured.
    public var lineageEndpoint: LineageEndpoint? {
        lineageURL.map { LineageEndpoint(url: $0, timeout: lineageTimeout, attempts: lineageAttempts) }
    }

    static let topKeys: [ConfigKey] = [
        ConfigKey("version", "int", default: "1", "Config format version; only 1 exists."),
        ConfigKey("lake", "string", default: "datalake", "The lake folder, relative to this file."),
        ConfigKey("policies", "string", default: "policies", "The governance policies folder, relative to this file; it must exist and hold policy files. `none` runs without governance (nothing is classified by policy), and only when written explicitly."),
        ConfigKey("lineage", "map", "Lineage options: `url:` of an OpenLineage HTTP endpoint (e.g. Marquez) that also receives every event."),
        ConfigKey("pipelines", "map", required: true, "Pipelines by name: each has source, transforms and sink."),
    ]

    static let lineageKeys: [ConfigKey] = [
        ConfigKey("url", "string", required: true, "Base URL of the endpoint, e.g. http://localhost:5000 (events go to /api/v1/lineage)."),
        ConfigKey("timeout", "number", default: "2", "Seconds to wait for each attempt (0.1 to 60)."),
        ConfigKey("attempts", "int", default: "3", "Attempts per event (1 to 10) before the endpoint counts as down for the rest of the run."),
    ]

    static let pipelineKeys: [ConfigKey] = [
        ConfigKey("description", "string", "What the pipeline does, for plan output and lineage."),
        ConfigKey("source", "map", required: true, "Where rows come from: a source plugin config (`type:` and its keys)."),
        ConfigKey("transforms", "[map]", default: "[]", "Transform plugin configs applied in order."),
        ConfigKey("sink", "map", required: true, "Where rows go: a sink plugin config, usually `type: table`."),
        ConfigKey("engine", "native | spark", default: "native", "Where the pipeline computes: natively, or on Spark (`strata run --engine spark` sets it for every pipeline; see Scaling out)."),
        ConfigKey("declassify", "[map]", "Remove governance tags from output columns, each with a `reason` (recorded with the commit and audited): `{column: c, tags: [pii.email], reason: ...}`."),
    ]

    static let declassifyKeys: [ConfigKey] = [
        ConfigKey("column", "string", required: true, "The output column."),
        ConfigKey("tags", "[string]", "The tags to remove (default: all the column carries)."),
        ConfigKey("reason", "string", required: true, "Why the column no longer holds the tagged data."),
    ]

    /// The documented top-level and per-pipeline keys (for the README's reference).
    public static var documentedKeys: (top: [ConfigKey], pipeline: [ConfigKey]) { (topKeys, pipelineKeys) }

    /// Loads and validates a project from its config file; no data is read.
    public static func load(configPath: String, registry: PluginRegistry,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Project {
        guard let data = FileManager.default.contents(atPath: configPath) else {
            // A config path that leads nowhere is a usage error (exit 2), like any bad argument.
            throw StrataError(.usage, "cannot read config file '\(configPath)'",
                              hint: FileManager.default.fileExists(atPath: configPath) ? "check its permissions" : "pass --config PATH, or run in the folder holding pipelines.yaml")
        }
        let text = String(decoding: data, as: UTF8.self)
        let file = configPath.split(separator: "/").last.map(String.init) ?? configPath
        return try parse(text, file: file, configPath: configPath, registry: registry, environment: environment)
    }

    /// Parses config text (`file` names it in errors).
    public static func parse(_ text: String, file: String, configPath: String, registry: PluginRegistry,
                             environment: [String: String]) throws -> Project {
        guard let parsed = try YAML.parse(text, file: file) else {
            throw StrataError(.invalidConfig, "the config file is empty", location: SourceLocation(file: file, line: 1, column: 1),
                              hint: "declare at least `pipelines:`; see README.md")
        }
        let root = try parsed.interpolated(env: environment)
        let top = try ConfigMap(root, keys: topKeys, path: "")
        let version = try top.int("version", default: 1, range: 1...1)
        _ = version
        let absConfig = URL(fileURLWithPath: configPath).standardizedFileURL.path
        let dir = (absConfig as NSString).deletingLastPathComponent
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : (dir as NSString).appendingPathComponent(p) }
        let lake = URL(fileURLWithPath: resolve(try top.string("lake", default: "datalake"))).standardizedFileURL.path
        // The lake is a folder of its own: Strata writes _audit, _state, _keys and layer folders into it.
        let home = ProcessInfo.processInfo.environment["HOME"].map { URL(fileURLWithPath: $0).standardizedFileURL.path }
        if lake == "/" || lake == home || lake == dir {
            throw top.error("lake", .invalidConfig, "'\(lake)' cannot be the lake: it must be a folder of its own, not \(lake == "/" ? "the file system root" : lake == dir ? "the project folder" : "the home folder")",
                            hint: "use a dedicated folder such as `lake: datalake`")
        }
        let policiesText = try top.string("policies", default: "policies")
        let policies = resolve(policiesText)

        guard let pipelinesNode = top.node("pipelines"), case .mapping(let entries) = pipelinesNode.kind else {
            throw top.error("pipelines", .typeMismatch, "expected a mapping of pipeline names to pipelines")
        }
        var specs: [PipelineSpec] = []
        var writers: [TableRef: String] = [:]
        for (keyNode, value) in entries {
            guard let name = keyNode.scalar, isValidPipelineName(name) else {
                throw keyNode.error(.invalidConfig, "'\(keyNode.scalar ?? "?")' is not a valid pipeline name", path: "pipelines",
                                    hint: "use letters, digits, '_' and '-', starting with a letter")
            }
            let path = "pipelines.\(name)"
            let m = try ConfigMap(value, keys: pipelineKeys, path: path)
            guard case .source(let source) = try registry.build(m.node("source")!, kind: .source, path: path + ".source") else {
                throw StrataError(.internalError, "source plugin built a non-source")
            }
            var transforms: [any TransformConfig] = []
            var transformTypes: [String] = []
            if let list = try m.list("transforms") {
                for (i, t) in list.enumerated() {
                    guard case .transform(let tc) = try registry.build(t, kind: .transform, path: "\(path).transforms[\(i)]") else {
                        throw StrataError(.internalError, "transform plugin built a non-transform")
                    }
                    transforms.append(tc)
                    transformTypes.append(t["type"]?.scalar ?? "?")
                }
            }
            let sinkNode = m.node("sink")!
            guard case .sink(let sink) = try registry.build(sinkNode, kind: .sink, path: path + ".sink") else {
                throw StrataError(.internalError, "sink plugin built a non-sink")
            }
            if let other = writers[sink.target] {
                throw StrataError(.invalidPlan, "\(sink.target) is written by both '\(other)' and '\(name)'",
                                  location: sinkNode.location, path: path + ".sink",
                                  hint: "each table has exactly one writing pipeline")
            }
            writers[sink.target] = name
            if let served = sink as? any ExternalSinkConfig { try served.check(source: source) }
            var declassifications: [Declassification] = []
            for (i, d) in (try m.list("declassify") ?? []).enumerated() {
                let dm = try ConfigMap(d, keys: declassifyKeys, path: "\(path).declassify[\(i)]")
                let tags = try dm.stringList("tags").map { names in
                    Set(try names.map { name in
                        guard let t = Tag(parsing: name) else {
                            throw dm.error("tags", .invalidConfig, "'\(name)' is not a valid tag name", hint: "tags are lower-case dotted words, e.g. pii.email")
                        }
                        return t
                    })
                }
                declassifications.append(Declassification(column: try dm.requiredString("column"), tags: tags,
                                                          reason: try dm.requiredString("reason"), location: dm.location))
            }
            var spec = PipelineSpec(name: name, description: try m.string("description"), source: source,
                                    sourceType: m.node("source")?["type"]?.scalar ?? "?",
                                    transforms: transforms, transformTypes: transformTypes, sink: sink,
                                    sinkType: sinkNode["type"]?.scalar ?? "?", location: keyNode.location)
            spec.declassifications = declassifications
            spec.engine = try m.choice("engine", default: Engine.native)
            spec.keyLocations = value.pathLocations()
            specs.append(spec)
        }
        var project = Project(configPath: configPath, root: dir, lakeRoot: lake, policiesRoot: policies, pipelines: specs, configText: text)
        project.policiesNone = policiesText == "none"
        project.policiesLocation = top.node("policies")?.location ?? top.location
        if let l = try top.map("lineage", keys: lineageKeys) {
            let url = try l.requiredString("url")
            guard url.hasPrefix("http://") || url.hasPrefix("https://") else {
                throw l.error("url", .invalidConfig, "'\(url)' is not an http(s) URL")
            }
            project.lineageURL = url
            let timeout = try l.double("timeout") ?? 2
            guard (0.1...60).contains(timeout) else { throw l.error("timeout", .invalidConfig, "expected seconds from 0.1 to 60") }
            project.lineageTimeout = timeout
            project.lineageAttempts = try l.int("attempts", default: 3, range: 1...10)
        }
        return project
    }

    static func isValidPipelineName(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, f.properties.isAlphabetic, f.isASCII else { return false }
        return s.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
    }

    public func pipeline(named name: String) -> PipelineSpec? { pipelines.first { $0.name == name } }
}
