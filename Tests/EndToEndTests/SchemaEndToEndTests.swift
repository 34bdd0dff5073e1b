import Foundation
import StrataTestSupport
import Testing

/// `strata schema` writes JSON Schemas that the jsonschema oracle accepts as draft 2020-12, that
/// the demo config, its policies, `strata init`'s projects and every YAML example of the README
/// pass, and that reject typo'd keys, unknown plugins and wrong types.
@Suite(.serialized, .enabled(if: oraclesAvailable))
struct SchemaEndToEndTests {
    static let check = #"""
    import sys, json, glob, re, yaml, jsonschema
    root, repo = sys.argv[1], sys.argv[2]
    # YAML 1.2 booleans, as strata and editors read them: `on:` (join's key) stays a string.
    class Loader(yaml.SafeLoader): pass
    Loader.yaml_implicit_resolvers = {k: [r for r in v if r[0] != 'tag:yaml.org,2002:bool'] for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()}
    Loader.add_implicit_resolver('tag:yaml.org,2002:bool', re.compile(r'^(?:true|True|TRUE|false|False|FALSE)$'), list('tTfF'))
    load = lambda text: yaml.load(text, Loader=Loader)
    ps = json.load(open(f'{root}/schemas/pipelines.schema.json'))
    qs = json.load(open(f'{root}/schemas/policies.schema.json'))
    V = jsonschema.Draft202012Validator
    V.check_schema(ps); V.check_schema(qs)
    frag = {"$schema": ps["$schema"], "$defs": ps["$defs"], "type": "object", "additionalProperties": False,
            "properties": {"source": {"$ref": "#/$defs/source"}, "sink": {"$ref": "#/$defs/sink"},
                           "transforms": {"type": "array", "items": {"$ref": "#/$defs/transform"}}}}
    def errors(schema, doc):
        return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in V(schema).iter_errors(doc)]
    out = {"valid": {}, "invalid": {}}
    def valid(name, schema, doc): out["valid"][name] = errors(schema, doc)
    valid("pipelines.yaml", ps, load(open(f'{repo}/pipelines.yaml')))
    for f in sorted(glob.glob(f'{repo}/policies/*.yaml')): valid(f.split('/')[-1], qs, load(open(f)))
    for f in ['pipelines.yaml'] + sorted(glob.glob(f'{root}/minimal/policies/*.yaml')):
        p = f if f.startswith('/') else f'{root}/minimal/{f}'
        valid('minimal/' + p.split('/minimal/')[-1], qs if '/policies/' in p else ps, load(open(p)))
    for i, b in enumerate(re.findall(r"```yaml\n(.*?)```", open(f'{repo}/README.md').read(), re.S)):
        d = load(b)
        valid(f"README yaml block {i + 1}", ps if 'pipelines' in d else frag, d)
    demo = lambda: load(open(f'{repo}/pipelines.yaml'))
    d = demo(); d['pipelines']['bronze_users']['sink']['compresion'] = 'zstd'; out["invalid"]["sink key typo"] = errors(ps, d)
    d = demo(); d['pipelines']['bronze_users']['source']['type'] = 'cvs'; out["invalid"]["unknown source"] = errors(ps, d)
    d = demo(); d['pipelines']['bronze_users']['sink']['mode'] = 'upsert'; out["invalid"]["bad mode"] = errors(ps, d)
    d = demo(); d['pipelines']['bronze_users']['sink']['table'] = 'platinum.users'; out["invalid"]["bad layer"] = errors(ps, d)
    d = demo(); d['pipelines']['bronze users'] = d['pipelines'].pop('bronze_users'); out["invalid"]["pipeline name"] = errors(ps, d)
    d = demo(); d['lineage'] = {'url': 'http://x', 'timout': 2}; out["invalid"]["lineage key typo"] = errors(ps, d)
    d = demo(); d['pipelines']['silver_transactions']['transforms'][0]['wher'] = 'x'; out["invalid"]["transform key typo"] = errors(ps, d)
    out["invalid"]["policy key typo"] = errors(qs, {"clasification": []})
    out["invalid"]["grant key typo"] = errors(qs, {"roles": {"a": {"grants": [{"tables": "*", "colums": {}}]}}})
    out["invalid"]["layer name"] = errors(qs, {"layers": {"platinum": {"store_raw": ["*"]}}})
    missing = [f"{k}.{n}" for k, v in ps["$defs"].items() if "." in k for n, p in v["properties"].items() if not p.get("description")]
    out["undocumented"] = missing
    print(json.dumps(out))
    """#

    @Test func schemasAcceptEveryShippedConfigAndRejectTypos() throws {
        let p = try StrataProject("schema")
        let r = try p.strata("schema", "--out", "schemas")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try p.strata("init", "minimal").status == 0)
        let out = try p.pythonJSON(Self.check, [TestPaths.packageRoot]) as! [String: Any]
        let valid = out["valid"] as! [String: [String]]
        #expect(valid.count >= 20, "\(valid.keys.sorted())")
        for (name, errors) in valid { #expect(errors.isEmpty, "\(name): \(errors)") }
        for (name, errors) in out["invalid"] as! [String: [String]] { #expect(!errors.isEmpty, "\(name) was accepted") }
        #expect((out["undocumented"] as! [String]).isEmpty, "\(out["undocumented"]!)")
        // The stdout forms are the same documents.
        let stdout = try p.strata("schema", "policies")
        #expect(stdout.stdout == (try String(contentsOfFile: p.root + "/schemas/policies.schema.json", encoding: .utf8)))
        #expect(try p.strata("schema", "polices").stderr.contains("did you mean 'policies'?"))
    }
}
