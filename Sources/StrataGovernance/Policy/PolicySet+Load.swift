import Foundation
import StrataConfig
import StrataCore

extension PolicySet {
    public static let topKeys: [ConfigKey] = [
        ConfigKey("version", "int", default: "1", "Policy format version; only 1 exists."),
        ConfigKey("description", "string", "What this file governs, for reviewers."),
        ConfigKey("tags", "map", "User-defined tags: name → description. Built-in tags need no declaration."),
        ConfigKey("classification", "[map]", "Rules tagging columns: `tables:` globs and `columns:` (column glob → tag or tags)."),
        ConfigKey("detection", "map", "How the PII detector samples values, and whether its findings tag columns (`mode: enforce`)."),
        ConfigKey("patterns", "map", "Custom detector kinds: name → `regex:`, `tag:`, optional `validator:` (luhn, mod97) and `confidence:` (high, medium)."),
        ConfigKey("masking", "map", "Tag (or tag glob) → mask method, or `refuse`: how a tagged column is stored where its layer forbids raw storage."),
        ConfigKey("layers", "map", "Per layer: `store_raw:` tag globs stored unmasked, and `masking:` overrides."),
        ConfigKey("roles", "map", "Roles by name: `grants:`, `deny:`, `unmask:`, `description:`."),
        ConfigKey("tests", "[map]", "Expectations checked by `strata policy test`."),
    ]
    public static let detectionKeys: [ConfigKey] = [
        ConfigKey("mode", "report | enforce", default: "enforce", "`enforce`: a detected column is treated as tagged; `report`: findings are only reported (one warning per column in the run summary)."),
        ConfigKey("sample_rows", "int", default: "1000", "Non-null values sampled per column."),
        ConfigKey("threshold", "number", default: "0.5", "Share of sampled values that must be PII for the column to count."),
        ConfigKey("embedded_threshold", "number", default: "0.05", "Share of sampled free-text values that must contain PII."),
        ConfigKey("kinds", "[string]", default: "all", "Built-in kinds to look for: email, phone, ip, card, iban, ssn, mac (custom `patterns:` always count)."),
        ConfigKey("ignore", "[string]", "`layer.table.column` globs never scanned."),
    ]
    public static let patternKeys: [ConfigKey] = [
        ConfigKey("regex", "string", required: true, "The regular expression a span matches (Swift regex syntax)."),
        ConfigKey("tag", "string", required: true, "The tag a column holding such spans gets."),
        ConfigKey("validator", "luhn | mod97", "A check the matched text must also pass."),
        ConfigKey("confidence", "high | medium", default: "high", "`high`: one value classifies the column; `medium`: the thresholds decide."),
    ]
    public static let classificationKeys: [ConfigKey] = [
        ConfigKey("tables", "string | [string]", required: true, "`layer.table` globs the rule applies to."),
        ConfigKey("columns", "map", required: true, "Column glob → tag or list of tags."),
    ]
    public static let layerKeys: [ConfigKey] = [
        ConfigKey("store_raw", "[string]", default: "[]", "Tag globs this layer may store unmasked (`\"*\"`: everything)."),
        ConfigKey("masking", "map", "Overrides of the top-level `masking:` for this layer."),
    ]
    public static let roleKeys: [ConfigKey] = [
        ConfigKey("description", "string", "Who holds the role."),
        ConfigKey("grants", "[map]", default: "[]", "Tables the role may read, with column visibility and row filters."),
        ConfigKey("deny", "[string]", default: "[]", "Table globs the role may never read, whatever its grants."),
        ConfigKey("unmask", "bool", default: "false", "Whether `strata unmask` reveals tokens for this role."),
    ]
    public static let grantKeys: [ConfigKey] = [
        ConfigKey("tables", "string | [string]", required: true, "`layer.table` globs (`*` for every table)."),
        ConfigKey("columns", "map", "Tag glob → clear | masked | hidden | a mask method. Untagged columns are clear; tagged columns no rule matches are masked."),
        ConfigKey("rows", "string", "Row filter: only rows where this expression is true are visible."),
    ]
    public static let testKeys: [ConfigKey] = [
        ConfigKey("name", "string", required: true, "What the test checks, in words."),
        ConfigKey("role", "string", required: true, "The role reading."),
        ConfigKey("table", "string", "`layer.table` (globs allowed) for table-level expectations."),
        ConfigKey("column", "string", "`layer.table.column` for column-level expectations."),
        ConfigKey("expect", "string", required: true, "denied | allowed (tables); clear | masked | hidden | a mask method (columns)."),
        ConfigKey("rows_where", "string", "Every row the role reads must satisfy this expression."),
    ]

    /// Loads every `*.yaml` / `*.yml` file in `directory` (sorted by name) and merges them.
    /// A missing folder gives `PolicySet.empty`. Errors point at file:line:column with a fix.
    public static func load(directory: String) throws -> PolicySet {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: directory, isDirectory: &isDir) else { return .empty }
        guard isDir.boolValue else { throw StrataError(.invalidConfig, "policies path '\(directory)' is not a folder") }
        let names = try fm.contentsOfDirectory(atPath: directory)
            .filter { ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) && !$0.hasPrefix(".") }.sorted()
        let shown = (directory as NSString).lastPathComponent
        var files: [(name: String, text: String)] = []
        for n in names {
            guard let data = fm.contents(atPath: directory + "/" + n) else {
                throw StrataError(.io, "cannot read policy file '\(directory)/\(n)'")
            }
            files.append((shown + "/" + n, String(decoding: data, as: UTF8.self)))
        }
        return try parse(files: files)
    }

    /// Parses and merges policy files given as (name for errors, text).
    public static func parse(files: [(name: String, text: String)]) throws -> PolicySet {
        var set = PolicySet()
        var digestInput: [UInt8] = []
        var sections: [(file: String, top: ConfigMap)] = []
        for f in files {
            digestInput += Array(f.name.utf8) + [0] + Array(String(f.text.utf8.count).utf8) + [0] + Array(f.text.utf8)
            set.files.append(f.name)
            guard let root = try YAML.parse(f.text, file: f.name) else { continue }
            let top = try ConfigMap(root, keys: topKeys, path: "")
            _ = try top.int("version", default: 1, range: 1...1)
            sections.append((f.name, top))
        }
        set.digest = Digest.hex(Digest.sha256(digestInput))
        var parser = PolicyParser()
        // Tags first: any file may use a tag any other file defines.
        for s in sections { try parser.tags(s.top, into: &set) }
        for s in sections { try parser.rest(s.top, into: &set) }
        try parser.checkTests(set)
        return set
    }
}

/// The section readers; remembers first definitions to report duplicates across files.
struct PolicyParser {
    var firstDefinition: [String: SourceLocation] = [:]
    var detectionSeen = false

    func source(_ node: Node, _ path: String) -> RuleSource { RuleSource(location: node.location, path: path) }

    /// Where an expression's text starts: after the opening quote of a quoted scalar.
    func expressionStart(_ node: Node) -> SourceLocation {
        var l = node.location
        if case .scalar(_, quoted: true) = node.kind { l.column += 1 }
        return l
    }

    mutating func once(_ key: String, _ node: Node, _ path: String, what: String) throws {
        if let first = firstDefinition[key] {
            throw node.error(.invalidConfig, "\(what) is defined twice (first at \(first))", path: path,
                             hint: "keep one definition")
        }
        firstDefinition[key] = node.location
    }

    // MARK: tags

    mutating func tags(_ top: ConfigMap, into set: inout PolicySet) throws {
        guard let node = top.node("tags") else { return }
        guard let entries = node.mapping else { throw node.error(.typeMismatch, "expected a mapping of tag names to descriptions", path: "tags") }
        for (k, v) in entries {
            let name = k.scalar ?? ""
            guard let tag = Tag(parsing: name) else {
                throw k.error(.invalidConfig, "'\(name)' is not a valid tag name", path: "tags",
                              hint: "use lower-case dotted words, e.g. internal.session_id")
            }
            if Tag.builtin.contains(tag) {
                throw k.error(.invalidConfig, "'\(name)' is a built-in tag", path: "tags", hint: "remove it; built-in tags need no declaration")
            }
            try once("tag " + name, k, "tags." + name, what: "tag '\(name)'")
            set.tagDefinitions.append(TagDefinition(tag: tag, description: v.isNull ? "" : (v.scalar ?? ""), source: source(k, "tags." + name)))
        }
    }

    // MARK: everything else

    mutating func rest(_ top: ConfigMap, into set: inout PolicySet) throws {
        let known = set.knownTags
        if let list = try top.list("classification") {
            for (i, item) in list.enumerated() {
                set.classification.append(try classification(item, path: "classification[\(i)]", known: known))
            }
        }
        if let m = try top.map("detection", keys: PolicySet.detectionKeys) {
            if detectionSeen {
                throw m.node.error(.invalidConfig, "detection is defined in more than one file", path: "detection", hint: "keep one detection section")
            }
            detectionSeen = true
            set.detection = try detection(m)
        }
        if let node = top.node("patterns") {
            guard let entries = node.mapping else { throw node.error(.typeMismatch, "expected a mapping of pattern names to patterns", path: "patterns") }
            for (k, v) in entries {
                let name = k.scalar ?? ""
                guard let f = name.utf8.first, f >= 97, f <= 122, name.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }) else {
                    throw k.error(.invalidConfig, "'\(name)' is not a valid pattern name", path: "patterns", hint: "use a lower-case word, e.g. employee_id")
                }
                if PIIKind(rawValue: name) != nil {
                    throw k.error(.invalidConfig, "'\(name)' is a built-in detector kind", path: "patterns", hint: "choose another name")
                }
                try once("pattern " + name, k, "patterns." + name, what: "pattern '\(name)'")
                set.patterns.append(try pattern(name, v, known: known))
            }
        }
        if let node = top.node("masking") {
            set.masking += try maskingRules(node, path: "masking", known: known, scope: "masking")
        }
        if let node = top.node("layers") {
            guard let entries = node.mapping else { throw node.error(.typeMismatch, "expected a mapping of layers", path: "layers") }
            for (k, v) in entries {
                let name = k.scalar ?? ""
                guard let layer = Layer(rawValue: name) else {
                    throw k.error(.invalidConfig, "'\(name)' is not a layer", path: "layers",
                                  hint: Suggest.hint(for: name, in: Layer.allCases.map(\.rawValue)) ?? "layers are bronze, silver, gold, quarantine")
                }
                try once("layer " + name, k, "layers." + name, what: "layer '\(name)'")
                let path = "layers." + name
                let m = try ConfigMap(v, keys: PolicySet.layerKeys, path: path)
                let raw = try (m.node("store_raw").map { try tagPatterns($0, path: path + ".store_raw", known: known) }) ?? []
                let overrides = try m.node("masking").map { try maskingRules($0, path: path + ".masking", known: known, scope: path + ".masking") } ?? []
                set.layers[layer] = LayerPolicy(layer: layer, storeRaw: raw, masking: overrides, source: source(k, path))
            }
        }
        if let node = top.node("roles") {
            guard let entries = node.mapping else { throw node.error(.typeMismatch, "expected a mapping of role names to roles", path: "roles") }
            for (k, v) in entries {
                let name = k.scalar ?? ""
                guard TableRef.isValidName(name) else {
                    throw k.error(.invalidConfig, "'\(name)' is not a valid role name", path: "roles",
                                  hint: "use lower-case letters, digits and '_', starting with a letter")
                }
                try once("role " + name, k, "roles." + name, what: "role '\(name)'")
                set.roles.append(try role(name, key: k, value: v, known: known))
            }
        }
        if let list = try top.list("tests") {
            for item in list {
                set.tests.append(try test(item, path: "tests[\(set.tests.count)]"))
            }
        }
    }

    func classification(_ node: Node, path: String, known: [Tag]) throws -> ClassificationRule {
        let m = try ConfigMap(node, keys: PolicySet.classificationKeys, path: path)
        let tables = try tableGlobs(m.node("tables")!, path: path + ".tables")
        let columnsNode = m.node("columns")!
        guard let entries = columnsNode.mapping else {
            throw columnsNode.error(.typeMismatch, "expected a mapping of column globs to tags", path: path + ".columns",
                                    hint: "write e.g. `email: pii.email`")
        }
        var columns: [ClassificationRule.ColumnTagging] = []
        for (k, v) in entries {
            let col = k.scalar ?? ""
            let cpath = path + ".columns." + col
            let tagNodes: [Node] = v.sequence ?? [v]
            guard !tagNodes.isEmpty else { throw v.error(.invalidConfig, "no tags given", path: cpath) }
            columns.append(.init(column: Glob(col), tags: try tagNodes.map { try tag($0, path: cpath, known: known) }, source: source(k, cpath)))
        }
        return ClassificationRule(tables: tables, columns: columns, source: source(node, path))
    }

    func detection(_ m: ConfigMap) throws -> DetectionPolicy {
        var d = DetectionPolicy()
        d.mode = try m.choice("mode", default: DetectionPolicy.Mode.enforce)
        d.sampleRows = try m.int("sample_rows", default: 1000, range: 1...10_000_000)
        d.threshold = try m.double("threshold") ?? 0.5
        d.embeddedThreshold = try m.double("embedded_threshold") ?? 0.05
        for (key, v) in [("threshold", d.threshold), ("embedded_threshold", d.embeddedThreshold)] where !(v > 0 && v <= 1) {
            throw m.error(key, .invalidConfig, "out of range; expected a share above 0 and at most 1, e.g. 0.5")
        }
        if let kinds = try m.stringList("kinds") {
            d.kinds = []
            for (i, k) in kinds.enumerated() {
                guard let kind = PIIKind(rawValue: k) else {
                    let node = m.node("kinds")!.sequence?[i] ?? m.node("kinds")!
                    throw node.error(.invalidConfig, "unknown detector kind '\(k)'", path: "detection.kinds",
                                     hint: Suggest.hint(for: k, in: PIIKind.allCases.map(\.rawValue)) ?? "kinds: " + PIIKind.allCases.map(\.rawValue).joined(separator: ", "))
                }
                d.kinds.insert(kind)
            }
        }
        d.ignore = (try m.stringList("ignore") ?? []).map(Glob.init)
        d.source = RuleSource(location: m.location, path: "detection")
        return d
    }

    func pattern(_ name: String, _ node: Node, known: [Tag]) throws -> CustomPattern {
        let path = "patterns." + name
        let m = try ConfigMap(node, keys: PolicySet.patternKeys, path: path)
        let regex = try m.string("regex") ?? ""
        let tag = try self.tag(m.node("tag")!, path: path + ".tag", known: known)
        var validator: CustomPattern.Validator?
        if let v = try m.string("validator") {
            guard let parsed = CustomPattern.Validator(rawValue: v) else {
                throw m.error("validator", .invalidConfig, "unknown validator '\(v)'",
                              hint: Suggest.hint(for: v, in: CustomPattern.Validator.allCases.map(\.rawValue)) ?? "validators: luhn, mod97")
            }
            validator = parsed
        }
        let confidence: Confidence
        switch try m.string("confidence") ?? "high" {
        case "high": confidence = .high
        case "medium": confidence = .medium
        case let other:
            throw m.error("confidence", .invalidConfig, "unknown confidence '\(other)'", hint: Suggest.hint(for: other, in: ["high", "medium"]) ?? "high or medium")
        }
        do {
            return try CustomPattern(name: name, pattern: regex, tag: tag, validator: validator, confidence: confidence)
        } catch {
            throw m.error("regex", .invalidConfig, "the regular expression does not compile: \(error)", hint: "check the pattern's syntax, e.g. 'EMP-[0-9]{6}'")
        }
    }

    func maskingRules(_ node: Node, path: String, known: [Tag], scope: String) throws -> [MaskingRule] {
        guard let entries = node.mapping else {
            throw node.error(.typeMismatch, "expected a mapping of tags to mask methods", path: path, hint: "write e.g. `pii.email: hash`")
        }
        var out: [MaskingRule] = []
        for (k, v) in entries {
            let pattern = try tagPattern(k, path: path, known: known)
            let p = path + "." + pattern.pattern
            let action: MaskAction = v.scalar == "refuse" ? .refuse : .mask(try MaskMethod(node: v, path: p))
            out.append(MaskingRule(tags: pattern, action: action, source: source(k, p)))
        }
        return out
    }

    func role(_ name: String, key: Node, value: Node, known: [Tag]) throws -> Role {
        let path = "roles." + name
        let m = try ConfigMap(value, keys: PolicySet.roleKeys, path: path)
        var grants: [Grant] = []
        for (i, g) in (try m.list("grants") ?? []).enumerated() {
            let gpath = "\(path).grants[\(i)]"
            let gm = try ConfigMap(g, keys: PolicySet.grantKeys, path: gpath)
            let tables = try tableGlobs(gm.node("tables")!, path: gpath + ".tables")
            var rules: [VisibilityRule] = []
            if let cols = gm.node("columns") {
                guard let entries = cols.mapping else {
                    throw cols.error(.typeMismatch, "expected a mapping of tags to visibility", path: gpath + ".columns",
                                     hint: "write e.g. `pii.*: masked`")
                }
                for (k, v) in entries {
                    let pattern = try tagPattern(k, path: gpath + ".columns", known: known)
                    let vpath = gpath + ".columns." + pattern.pattern
                    rules.append(VisibilityRule(tags: pattern, visibility: try visibility(v, path: vpath), source: source(k, vpath)))
                }
            }
            var rows: RowFilter?
            if let text = try gm.string("rows") {
                let f = RowFilter(text, location: expressionStart(gm.node("rows")!))
                do { try f.validate() } catch var e as StrataError { e.path = gpath + ".rows"; throw e }
                rows = f
            }
            grants.append(Grant(tables: tables, columns: rules, rows: rows, source: source(g, gpath)))
        }
        let deny = try m.node("deny").map { try tableGlobs($0, path: path + ".deny") } ?? []
        return Role(name: name, description: try m.string("description"), deny: deny,
                    denySource: m.node("deny").map { source($0, path + ".deny") }, grants: grants,
                    canUnmask: try m.bool("unmask", default: false), source: source(key, path))
    }

    func visibility(_ node: Node, path: String) throws -> Visibility {
        switch node.scalar {
        case "clear": return .clear
        case "masked": return .masked(nil)
        case "hidden": return .hidden
        default:
            if node.mapping == nil, let s = node.scalar, !MaskMethod.names.contains(s) {
                throw node.error(.invalidConfig, "expected clear, masked, hidden or a mask method, got '\(s)'", path: path,
                                 hint: Suggest.hint(for: s, in: ["clear", "masked", "hidden"] + MaskMethod.names))
            }
            return .masked(try MaskMethod(node: node, path: path))
        }
    }

    func test(_ node: Node, path: String) throws -> PolicyTest {
        let m = try ConfigMap(node, keys: PolicySet.testKeys, path: path)
        let name = try m.requiredString("name")
        let role = try m.requiredString("role")
        let target: PolicyTest.Target
        switch (try m.string("table"), try m.string("column")) {
        case (let t?, nil):
            try checkTableGlob(t, m.node("table")!, path: path + ".table")
            target = .table(Glob(t))
        case (nil, let c?):
            let parts = c.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else {
                throw m.error("column", .invalidConfig, "'\(c)' is not a column reference", hint: "write LAYER.TABLE.COLUMN, e.g. gold.customer_segments.email")
            }
            let t = parts[0] + "." + parts[1]
            try checkTableGlob(String(t), m.node("column")!, path: path + ".column")
            target = .column(table: Glob(String(t)), column: String(parts[2]))
        case (nil, nil):
            throw m.node.error(.missingKey, "a test needs 'table:' or 'column:'", path: path, hint: "add `table: gold.*` or `column: gold.customers.email`")
        case (_?, _?):
            throw m.error("column", .invalidConfig, "give either 'table:' or 'column:', not both")
        }
        let expectNode = m.node("expect")!
        let expect: PolicyTest.Expectation
        switch expectNode.scalar {
        case "denied": expect = .denied
        case "allowed": expect = .allowed
        case "clear": expect = .clear
        case "hidden": expect = .hidden
        case "masked": expect = .masked(nil)
        default:
            if expectNode.mapping == nil, let s = expectNode.scalar, !MaskMethod.names.contains(s) {
                throw expectNode.error(.invalidConfig, "unknown expectation '\(s)'", path: path + ".expect",
                                       hint: Suggest.hint(for: s, in: ["denied", "allowed", "clear", "masked", "hidden"] + MaskMethod.names)
                                        ?? "expect denied, allowed, clear, masked, hidden or a mask method")
            }
            expect = .masked(try MaskMethod(node: expectNode, path: path + ".expect"))
        }
        if case .table = target, ![.denied, .allowed].contains(expect) {
            throw expectNode.error(.invalidConfig, "a table test expects 'denied' or 'allowed'", path: path + ".expect",
                                   hint: "to test a column's visibility, write `column: LAYER.TABLE.COLUMN`")
        }
        if case .column = target, expect == .allowed {
            throw expectNode.error(.invalidConfig, "a column test expects clear, masked, hidden, a mask method or denied", path: path + ".expect")
        }
        var rows: RowFilter?
        if let text = try m.string("rows_where") {
            let f = RowFilter(text, location: expressionStart(m.node("rows_where")!))
            do { try f.validate() } catch var e as StrataError { e.path = path + ".rows_where"; throw e }
            rows = f
        }
        return PolicyTest(name: name, role: role, target: target, expect: expect, rowsWhere: rows, source: source(node, path))
    }

    /// Every test names a defined role.
    func checkTests(_ set: PolicySet) throws {
        let names = set.roles.map(\.name)
        for t in set.tests where !names.contains(t.role) {
            throw StrataError(.invalidConfig, "unknown role '\(t.role)'", location: t.source.location, path: t.source.path + ".role",
                              hint: Suggest.hint(for: t.role, in: names) ?? (names.isEmpty ? "no roles are defined" : "roles: " + names.joined(separator: ", ")))
        }
    }

    // MARK: small readers

    func tableGlobs(_ node: Node, path: String) throws -> [Glob] {
        let items: [Node] = node.sequence ?? [node]
        guard !items.isEmpty else { throw node.error(.invalidConfig, "no tables given", path: path, hint: "write e.g. `silver.*`") }
        return try items.map { item in
            guard let s = item.scalar, !item.isNull else {
                throw item.error(.typeMismatch, "expected a table pattern, got \(item.kindDescription)", path: path)
            }
            try checkTableGlob(s, item, path: path)
            return Glob(s)
        }
    }

    /// `*`, or LAYER.NAME where LAYER is a layer (or a glob) and NAME a valid name (or a glob).
    func checkTableGlob(_ s: String, _ node: Node, path: String) throws {
        if s == "*" { return }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw node.error(.invalidConfig, "'\(s)' is not a table pattern", path: path, hint: "write LAYER.TABLE with optional * globs, e.g. silver.* or *.users")
        }
        let layer = parts[0]
        if Glob(layer).isLiteral, Layer(rawValue: layer) == nil {
            throw node.error(.invalidConfig, "'\(layer)' is not a layer", path: path,
                             hint: Suggest.hint(for: layer, in: Layer.allCases.map(\.rawValue)) ?? "layers are bronze, silver, gold")
        }
        if !Glob(layer).isLiteral, !Layer.allCases.contains(where: { Glob(layer).matches($0.rawValue) }) {
            throw node.error(.invalidConfig, "'\(layer)' matches no layer", path: path, hint: "layers are bronze, silver, gold")
        }
    }

    func tag(_ node: Node, path: String, known: [Tag]) throws -> Tag {
        guard let s = node.scalar, !node.isNull else {
            throw node.error(.typeMismatch, "expected a tag, got \(node.kindDescription)", path: path)
        }
        guard let t = Tag(parsing: s), known.contains(t) else {
            throw node.error(.invalidConfig, "unknown tag '\(s)'", path: path,
                             hint: Suggest.hint(for: s, in: known.map(\.name)) ?? "declare it under `tags:` or use a built-in tag (\(Tag.builtin.map(\.name).joined(separator: ", ")))")
        }
        return t
    }

    /// A tag or a tag glob that matches at least one known tag.
    func tagPattern(_ node: Node, path: String, known: [Tag]) throws -> Glob {
        guard let s = node.scalar, !node.isNull else {
            throw node.error(.typeMismatch, "expected a tag or tag pattern, got \(node.kindDescription)", path: path)
        }
        let g = Glob(s)
        if g.isLiteral { return Glob(try tag(node, path: path, known: known).name) }
        guard known.contains(where: { g.matches($0.name) }) else {
            throw node.error(.invalidConfig, "tag pattern '\(s)' matches no known tag", path: path,
                             hint: "known tags: " + known.map(\.name).joined(separator: ", "))
        }
        return g
    }

    func tagPatterns(_ node: Node, path: String, known: [Tag]) throws -> [Glob] {
        let items: [Node] = node.sequence ?? [node]
        return try items.map { try tagPattern($0, path: path, known: known) }
    }
}
