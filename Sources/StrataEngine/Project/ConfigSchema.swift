public import StrataPlugins
import StrataCore
import StrataGovernance
import Foundation

/// JSON Schemas (draft 2020-12) of `pipelines.yaml` and of a policies file, generated from the
/// same key declarations the loaders check (`ConfigKey`s of the project, of every plugin and of the
/// policy model), so an editor's completion and the binary cannot disagree: descriptions are the
/// keys' docs, defaults their defaults, `a | b | c` types become enums, unknown keys are refused.
///
/// Limits, said in the descriptions where they apply: `${VAR}` interpolation is only checked as a
/// string, and maps without declared keys (a plugin's free-form `map`) are only checked as objects.
public enum ConfigSchema {
    public static let draft = "https://json-schema.org/draft/2020-12/schema"

    /// The schema of `pipelines.yaml`; its `$defs` hold `pipeline`, `source`, `transform`, `sink`
    /// and one definition per plugin (`source.csv`, `transform.derive`, …).
    public static func pipelines(registry: PluginRegistry) -> [String: Any] {
        let keys = Project.documentedKeys
        var defs: [String: Any] = [:]
        for kind in [PluginKind.source, .transform, .sink] {
            let plugins = registry.plugins.filter { $0.kind == kind }
            var branches: [[String: Any]] = []
            for p in plugins {
                let name = "\(kind.rawValue).\(p.name)"
                var o = object(p.keys)
                var props = o["properties"] as! [String: Any]
                props["type"] = ["const": p.name, "description": p.summary] as [String: Any]
                o["properties"] = props
                o["required"] = ["type"] + (o["required"] as? [String] ?? [])
                o["description"] = p.summary
                defs[name] = o
                branches.append(["if": ["properties": ["type": ["const": p.name]], "required": ["type"]],
                                 "then": ["$ref": "#/$defs/\(name)"]])
            }
            defs[kind.rawValue] = [
                "type": "object",
                "description": "A \(kind.rawValue) plugin config: `type:` (\(plugins.map(\.name).joined(separator: ", "))) and its keys.",
                "required": ["type"],
                "properties": ["type": ["enum": plugins.map(\.name)]],
                "allOf": branches,
            ] as [String: Any]
        }
        var pipeline = object(keys.pipeline)
        var pp = pipeline["properties"] as! [String: Any]
        pp["source"] = described("#/$defs/source", keys.pipeline, "source")
        pp["sink"] = described("#/$defs/sink", keys.pipeline, "sink")
        pp["transforms"] = ["type": "array", "items": ["$ref": "#/$defs/transform"],
                            "description": doc(keys.pipeline, "transforms")] as [String: Any]
        pp["declassify"] = ["type": "array", "items": object(Project.declassifyKeys),
                            "description": doc(keys.pipeline, "declassify")] as [String: Any]
        pipeline["properties"] = pp
        defs["pipeline"] = pipeline
        var top = object(keys.top)
        var tp = top["properties"] as! [String: Any]
        tp["lineage"] = object(Project.lineageKeys).merging(["description": doc(keys.top, "lineage")]) { $1 }
        tp["pipelines"] = ["type": "object", "description": doc(keys.top, "pipelines"),
                           "propertyNames": ["pattern": "^[A-Za-z][A-Za-z0-9_-]*$"],
                           "additionalProperties": ["$ref": "#/$defs/pipeline"]] as [String: Any]
        top["properties"] = tp
        top["$schema"] = draft
        top["$id"] = "https://strata.dev/schema/pipelines.schema.json"
        top["title"] = "Strata pipelines.yaml"
        top["$defs"] = defs
        return top
    }

    /// The schema of one file of `policies/` (every key optional: the files merge).
    public static func policies() -> [String: Any] {
        let k = PolicySet.self
        var top = object(k.topKeys)
        var p = top["properties"] as! [String: Any]
        let tagList: [String: Any] = ["oneOf": [["type": "string"], ["type": "array", "items": ["type": "string"]]]]
        let maskMethod: [String: Any] = ["description": "A mask method (`hash`, `redact`, `null`, `tokenize`, `email_domain`) or `refuse`; or one with a parameter (`{show_last: 4}`, `{show_first: 2}`, `{generalize: year}`).",
                                         "oneOf": [["type": "string"], ["type": "object", "minProperties": 1, "maxProperties": 1]]]
        p["tags"] = ["type": "object", "description": doc(k.topKeys, "tags"), "additionalProperties": ["type": "string"]] as [String: Any]
        var classification = object(k.classificationKeys)
        var cp = classification["properties"] as! [String: Any]
        cp["columns"] = ["type": "object", "description": doc(k.classificationKeys, "columns"), "additionalProperties": tagList] as [String: Any]
        classification["properties"] = cp
        p["classification"] = ["type": "array", "description": doc(k.topKeys, "classification"), "items": classification] as [String: Any]
        p["detection"] = object(k.detectionKeys).merging(["description": doc(k.topKeys, "detection")]) { $1 }
        p["patterns"] = ["type": "object", "description": doc(k.topKeys, "patterns"), "additionalProperties": object(k.patternKeys)] as [String: Any]
        p["masking"] = ["type": "object", "description": doc(k.topKeys, "masking"), "additionalProperties": maskMethod] as [String: Any]
        var layer = object(k.layerKeys)
        var lp = layer["properties"] as! [String: Any]
        lp["masking"] = ["type": "object", "description": doc(k.layerKeys, "masking"), "additionalProperties": maskMethod] as [String: Any]
        layer["properties"] = lp
        p["layers"] = ["type": "object", "description": doc(k.topKeys, "layers"),
                       "propertyNames": ["enum": Layer.allCases.map(\.rawValue)], "additionalProperties": layer] as [String: Any]
        var grant = object(k.grantKeys)
        var gp = grant["properties"] as! [String: Any]
        gp["columns"] = ["type": "object", "description": doc(k.grantKeys, "columns"), "additionalProperties": maskMethod] as [String: Any]
        grant["properties"] = gp
        var role = object(k.roleKeys)
        var rp = role["properties"] as! [String: Any]
        rp["grants"] = ["type": "array", "description": doc(k.roleKeys, "grants"), "items": grant] as [String: Any]
        role["properties"] = rp
        p["roles"] = ["type": "object", "description": doc(k.topKeys, "roles"), "additionalProperties": role] as [String: Any]
        var test = object(k.testKeys)
        var tp = test["properties"] as! [String: Any]
        tp["expect"] = ["description": doc(k.testKeys, "expect"), "oneOf": [["type": "string"], ["type": "object", "minProperties": 1, "maxProperties": 1]]] as [String: Any]
        test["properties"] = tp
        p["tests"] = ["type": "array", "description": doc(k.topKeys, "tests"), "items": test] as [String: Any]
        top["properties"] = p
        top["$schema"] = draft
        top["$id"] = "https://strata.dev/schema/policies.schema.json"
        top["title"] = "Strata policies file"
        return top
    }

    /// A schema as pretty JSON text (keys sorted, so the file is stable).
    public static func text(_ schema: [String: Any]) throws -> String {
        let data = try JSONSerialization.data(withJSONObject: schema, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    // MARK: keys to schemas

    static func doc(_ keys: [ConfigKey], _ name: String) -> String { keys.first { $0.name == name }?.doc ?? "" }

    static func described(_ ref: String, _ keys: [ConfigKey], _ name: String) -> [String: Any] {
        ["$ref": ref, "description": doc(keys, name)]
    }

    /// An object of exactly these keys (unknown keys refused), the required ones required.
    static func object(_ keys: [ConfigKey]) -> [String: Any] {
        var props: [String: Any] = [:]
        for k in keys { props[k.name] = property(k) }
        var o: [String: Any] = ["type": "object", "properties": props, "additionalProperties": false]
        let required = keys.filter(\.required).map(\.name)
        if !required.isEmpty { o["required"] = required }
        return o
    }

    static func property(_ k: ConfigKey) -> [String: Any] {
        var s = type(k.type.trimmingCharacters(in: .whitespaces))
        if k.type == "[map]", !k.fields.isEmpty { s = ["type": "array", "items": object(k.fields)] }
        s["description"] = k.doc
        if let d = k.defaultValue, let v = defaultValue(d, type: k.type) { s["default"] = v }
        return s
    }

    static var tableName: [String: Any] { ["type": "string", "pattern": "^(" + Layer.allCases.map(\.rawValue).joined(separator: "|") + ")\\.[a-z][a-z0-9_]*$"] }

    /// The schema of a type as the key declarations write it.
    static func type(_ t: String) -> [String: Any] {
        switch t {
        case "string", "char", "regex", "expression", "duration": return ["type": "string"]
        case "int": return ["type": "integer"]
        case "number": return ["type": "number"]
        case "bool": return ["type": "boolean"]
        case "layer.name": return tableName
        case "scalar": return ["type": ["string", "number", "boolean"]]
        case "map": return ["type": "object"]
        case "[map]": return ["type": "array", "items": ["type": "object"]]
        default: break
        }
        if t.hasPrefix("[") && t.hasSuffix("]") && !t.contains("|") {
            return ["type": "array", "items": type(String(t.dropFirst().dropLast()))]
        }
        if t.hasPrefix("map ") { return ["type": "object", "additionalProperties": ["type": ["string", "number", "boolean"]]] }
        let alternatives = t.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        if alternatives.count > 1 {
            if alternatives.allSatisfy({ $0.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" } }) {
                // `null` is one of the words (`on_error: null`), and YAML reads it as null.
                return ["enum": alternatives + (alternatives.contains("null") ? [NSNull()] : []) as [Any]]
            }
            return ["oneOf": alternatives.map { type($0) }]
        }
        return [:]
    }

    /// The default as a JSON value of the key's type; nil when its text is prose (`all`, `[]` of a map).
    static func defaultValue(_ d: String, type: String) -> Any? {
        switch type {
        case "int": return Int(d)
        case "number": return Double(d)
        case "bool": return d == "true" || d == "false" ? d == "true" : nil
        default:
            if type.hasPrefix("[") {
                return (try? JSONSerialization.jsonObject(with: Data(d.utf8), options: .fragmentsAllowed)) as? [Any] // prose default: none given
            }
            return d
        }
    }
}
