import StrataCore

/// Where a policy rule was written: file, position and its dotted path, so decisions and
/// findings can say which rule decided (`policies/roles.yaml:14:9 roles.analyst.grants[0]`).
public struct RuleSource: Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation
    public var path: String

    public init(location: SourceLocation, path: String) {
        self.location = location
        self.path = path
    }

    public var description: String { "\(location) \(path)" }

    /// A source for decisions no rule made (the built-in defaults).
    public static func builtin(_ what: String) -> RuleSource {
        RuleSource(location: SourceLocation(file: "(built-in)", line: 0), path: what)
    }
}

/// All governance policies of a project, merged from `policies/*.yaml`.
///
/// Built by `PolicySet.load(directory:)`; every part keeps its `RuleSource`. Pure data: decisions
/// are made by `LayerGate`, `AccessPolicy` and `Classifier` over it.
public struct PolicySet: Sendable {
    /// The files read, in the order merged (sorted by name).
    public var files: [String] = []
    /// SHA-256 (hex) over every file's name and bytes, for audit records.
    public var digest: String = Digest.hex(Digest.sha256([UInt8]()))
    /// User-defined tags with their descriptions (built-ins are always known).
    public var tagDefinitions: [TagDefinition] = []
    public var classification: [ClassificationRule] = []
    public var detection = DetectionPolicy()
    /// Custom detector kinds (`patterns:`).
    public var patterns: [CustomPattern] = []
    /// Tag pattern → what to do with an unmasked column carrying it where a layer forbids raw storage.
    public var masking: [MaskingRule] = []
    public var layers: [Layer: LayerPolicy] = [:]
    /// Roles in file order.
    public var roles: [Role] = []
    public var tests: [PolicyTest] = []

    public init() {}

    /// No policies: nothing is classified (so no write is gated) and, with no roles, every
    /// governed read is denied.
    public static let empty = PolicySet()

    /// Every tag the policies know: built-ins and user-defined ones.
    /// A scanner as the detection policy configures it, with the custom `patterns:`.
    public func scanner() -> PIIScanner { detection.scanner(patterns: patterns) }

    /// The span detector `scrub` and the scanner use: built-in kinds and the custom `patterns:`.
    public var detector: SpanDetector { SpanDetector(patterns: patterns) }

    /// The tags the detector can find (built-in kinds and custom patterns): what `scrub` removes
    /// from free text, and what a declassification may name before the detector found it.
    public var detectableTags: Set<Tag> { Set(PIIKind.allCases.map(\.tag) + patterns.map(\.kind.tag)) }

    public var knownTags: [Tag] { Tag.builtin + tagDefinitions.map(\.tag) }

    public func role(named name: String) -> Role? { roles.first { $0.name == name } }
}

/// A user-defined tag.
public struct TagDefinition: Sendable, Hashable {
    public var tag: Tag
    public var description: String
    public var source: RuleSource
}

/// Tags given to columns: for tables matching any of `tables`, each column matching a pattern gets its tags.
public struct ClassificationRule: Sendable, Hashable {
    public var tables: [Glob]
    public var columns: [ColumnTagging]
    public var source: RuleSource

    public struct ColumnTagging: Sendable, Hashable {
        public var column: Glob
        public var tags: [Tag]
        public var source: RuleSource
    }
}

/// How the PII detector runs, and whether its findings count as tags.
public struct DetectionPolicy: Sendable, Hashable {
    public enum Mode: String, Sendable, Hashable, CaseIterable {
        /// Findings are reported (`policy scan`, `policy audit`) but do not tag columns.
        case report
        /// A detected column is treated as tagged with the detected kind's tag.
        case enforce
    }

    public var mode: Mode = .enforce
    public var sampleRows = 1000
    public var threshold = 0.5
    public var embeddedThreshold = 0.05
    public var kinds: Set<PIIKind> = Set(PIIKind.allCases)
    /// `layer.table.column` patterns never scanned.
    public var ignore: [Glob] = []
    public var source: RuleSource? = nil

    public init() {}

    /// A scanner configured by this policy, looking for the built-in kinds and `patterns`.
    public func scanner(patterns: [CustomPattern] = []) -> PIIScanner {
        PIIScanner(threshold: threshold, embeddedThreshold: embeddedThreshold, sampleRows: sampleRows, kinds: kinds, patterns: patterns)
    }

    /// True when `table.column` is excluded from detection.
    public func ignores(_ table: TableRef, _ column: String) -> Bool {
        let name = "\(table.policyName).\(column)"
        return ignore.contains { $0.matches(name) }
    }
}

/// What masking a tag means: a method, or refusing the write.
public enum MaskAction: Sendable, Hashable, CustomStringConvertible {
    case mask(MaskMethod)
    case refuse

    public var description: String {
        switch self {
        case .mask(let m): return m.description
        case .refuse: return "refuse"
        }
    }
}

/// One `masking:` entry: tag pattern → action.
public struct MaskingRule: Sendable, Hashable {
    public var tags: Glob
    public var action: MaskAction
    public var source: RuleSource
}

/// What a layer may store unmasked.
public struct LayerPolicy: Sendable, Hashable {
    public var layer: Layer
    /// Tag patterns stored raw in this layer (`["*"]` in bronze).
    public var storeRaw: [Glob]
    /// Per-layer overrides of the global `masking:` rules (e.g. `pii.card: refuse` in gold).
    public var masking: [MaskingRule]
    public var source: RuleSource
}

/// A role: the tables it may read (grants), what it sees of tagged columns, and its row filters.
public struct Role: Sendable, Hashable {
    public var name: String
    public var description: String?
    /// Table patterns this role may never read, whatever its grants say.
    public var deny: [Glob]
    /// Where `deny:` is written (nil when the role has none).
    public var denySource: RuleSource?
    public var grants: [Grant]
    /// Whether `strata unmask` reveals tokens for this role.
    public var canUnmask: Bool
    public var source: RuleSource
}

/// Read access to tables matching `tables`: column visibility by tag, and an optional row filter.
public struct Grant: Sendable, Hashable {
    public var tables: [Glob]
    public var columns: [VisibilityRule]
    public var rows: RowFilter?
    public var source: RuleSource
}

/// What a role sees of columns carrying tags that match `tags`.
public struct VisibilityRule: Sendable, Hashable {
    public var tags: Glob
    public var visibility: Visibility
    public var source: RuleSource
}

/// How a role sees one column.
public enum Visibility: Sendable, Hashable, CustomStringConvertible {
    case clear
    /// Masked with the given method, or (nil) with the policy's masking method for the tag.
    case masked(MaskMethod?)
    case hidden

    public var description: String {
        switch self {
        case .clear: return "clear"
        case .masked(let m): return m.map { "masked (\($0))" } ?? "masked"
        case .hidden: return "hidden"
        }
    }

    /// hidden > masked > clear.
    var restriction: Int {
        switch self {
        case .clear: return 0
        case .masked: return 1
        case .hidden: return 2
        }
    }
}

/// One `tests:` entry: an expectation about what a role can read.
public struct PolicyTest: Sendable, Hashable {
    public enum Target: Sendable, Hashable, CustomStringConvertible {
        case table(Glob)
        case column(table: Glob, column: String)

        public var description: String {
            switch self {
            case .table(let t): return t.pattern
            case let .column(t, c): return "\(t.pattern).\(c)"
            }
        }
    }

    public enum Expectation: Sendable, Hashable, CustomStringConvertible {
        case denied
        case allowed
        case clear
        case hidden
        /// Masked by any method (nil) or by exactly this one.
        case masked(MaskMethod?)

        public var description: String {
            switch self {
            case .denied: return "denied"
            case .allowed: return "allowed"
            case .clear: return "clear"
            case .hidden: return "hidden"
            case .masked(let m): return m.map { "masked (\($0))" } ?? "masked"
            }
        }
    }

    public var name: String
    public var role: String
    public var target: Target
    public var expect: Expectation
    /// Every row the role reads must satisfy this predicate.
    public var rowsWhere: RowFilter?
    public var source: RuleSource
}
