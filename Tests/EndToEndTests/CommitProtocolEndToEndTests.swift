import Foundation
import StrataTestSupport
import Testing

/// The governed commit protocol as a tester attacks it: governance facts per version, reads
/// governed file by file, quarantine governed like its layer, and failing closed.
@Suite(.serialized)
struct CommitProtocolEndToEndTests {
    static let pipelines = """
    version: 1
    pipelines:
      bronze_contacts:
        source: {type: csv, path: landing/*.csv}
        sink: {type: table, table: bronze.contacts}
      silver_contacts:
        source: {type: table, table: bronze.contacts}
        transforms:
          - type: expect
            checks:
              - {check: not_null, column: score, action: quarantine}
          - {type: select, columns: [id, contact, note, score]}
        sink: {type: table, table: silver.contacts}
      gold_contacts:
        source: {type: table, table: silver.contacts}
        transforms:
          - {type: select, columns: [id, contact]}
        sink: {type: table, table: gold.contacts}

    """

    // Detection only reports here: the policy change below is what classifies the e-mails.
    static let masking = """
    version: 1
    detection: {mode: report}
    masking:
      pii.email: hash
    layers:
      bronze: {store_raw: ["*"]}
      quarantine: {store_raw: ["*"]}
      silver: {store_raw: []}
      gold: {store_raw: []}

    """

    static let roles = """
    version: 1
    roles:
      engineer:
        unmask: true
        grants:
          - tables: "*"
            columns: {"*": clear}
      analyst:
        grants:
          - tables: ["silver.*", "gold.*", "quarantine.*"]

    """

    static let classification = """
    version: 1
    classification:
      - tables: "*"
        columns:
          contact: pii.email

    """

    static let emails = ["ana@example.org", "bo@example.net", "cy@example.com", "di@example.io"]

    /// A project whose first run stores `contact` raw everywhere (nothing classifies it yet).
    static func project() throws -> StrataProject {
        let p = try StrataProject("commit")
        try p.write("pipelines.yaml", pipelines)
        try p.write("policies/masking.yaml", masking)
        try p.write("policies/roles.yaml", roles)
        try p.write("landing/a.csv", "id,contact,note,score\n1,\(emails[0]),hi,1\n2,\(emails[1]),yo,\n")
        return p
    }

    func run(_ p: StrataProject, _ args: String...) throws {
        let r = try p.strata(args: ["run"] + args)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
    }

    /// Every raw e-mail of the landing files found in any output of `args` (show/export as a role).
    func leaked(_ p: StrataProject, _ args: String...) throws -> [String] {
        let r = try p.strata(args: args)
        #expect(r.status == 0, "\(args): \(r.stderr)")
        return Self.emails.filter { r.stdout.contains($0) }
    }

    @Test func policyTightenedAfterWriteRemasksStorageAndPurgesOldVersions() throws {
        let p = try Self.project()
        try run(p)
        // Now the policy classifies the column: validate and plan say what the next run must re-mask.
        try p.write("policies/classification.yaml", Self.classification)
        let validate = try p.strata("validate")
        #expect(validate.status == 0)
        #expect(validate.stdout.contains("needs re-masking: silver.contacts stores 'contact'"), "\(validate.stdout)")
        #expect(validate.stdout.contains("needs re-masking: gold.contacts stores 'contact'"), "\(validate.stdout)")
        #expect(!validate.stdout.contains("needs re-masking: bronze"), "bronze stores raw by policy: \(validate.stdout)")
        #expect(try p.strata("plan").stdout.contains("re-mask silver.contacts"))
        // Before the run re-masks, every governed read already masks the old file, for every role and version.
        for role in ["analyst", "engineer"] {
            #expect(try leaked(p, "show", "silver.contacts", "--as", role, "--version", "0", "--format", "json") == [],
                    "role \(role) sees raw e-mails before the re-mask")
        }
        // A second landing file arrives; the run re-masks first, then appends.
        try p.write("landing/b.csv", "id,contact,note,score\n3,\(Self.emails[2]),hey,3\n4,\(Self.emails[3]),ho,4\n")
        let r = try p.strata("run")
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stderr.contains("re-masked after a policy change: silver.contacts"), "\(r.stderr)")
        for role in ["analyst", "engineer"] {
            for format in ["json", "csv"] {
                #expect(try leaked(p, "show", "silver.contacts", "--as", role, "--format", format, "--limit", "100") == [],
                        "role \(role) sees raw e-mails")
            }
            let out = p.root + "/export-\(role).csv"
            #expect(try leaked(p, "export", "silver.contacts", "--as", role, "--format", "csv", "--out", out) == [])
            let exported = try String(contentsOfFile: out, encoding: .utf8)
            #expect(exported.split(separator: "\n").count == 4, "header + 3 valid rows: \(exported.count) bytes")
            #expect(Self.emails.allSatisfy { !exported.contains($0) }, "role \(role): export holds raw e-mails")
            #expect(try leaked(p, "show", "gold.contacts", "--as", role, "--format", "json") == [])
        }
        // Older versions held the raw values: they are purged, and say so.
        let old = try p.strata("show", "silver.contacts", "--as", "engineer", "--version", "0")
        #expect(old.status == 1)
        #expect(old.stderr.contains("purged by policy"), "\(old.stderr)")
        #expect(Self.emails.allSatisfy { !old.stdout.contains($0) && !old.stderr.contains($0) })
        // access explain says what the reads did.
        let explain = try p.strata("access", "explain", "silver.contacts", "--as", "engineer")
        #expect(explain.stdout.contains("masked (hash"), "\(explain.stdout)")
        // The rewrite is audited and reconciles; nothing is left to re-mask.
        #expect(try p.strata("audit", "verify").status == 0)
        let reconcile = try p.strata("audit", "reconcile")
        #expect(reconcile.status == 0, "\(reconcile.stdout)\n\(reconcile.stderr)")
        #expect(try p.strata("audit", "show", "--action", "remask", "--json").stdout.contains("silver.contacts"))
        #expect(!(try p.strata("validate").stdout.contains("needs re-masking")))
        // Independent reader: no Parquet file and no log line of silver, gold or quarantine holds a raw
        // e-mail (bronze still does: the search works); the downstream append pipeline did not take the
        // rewrite for new rows; every record decodes and names the stored form.
        let out = try p.pythonJSON("""
        import sys, json, glob, duckdb
        from deltalake import DeltaTable
        root = sys.argv[1]
        emails = sys.argv[2].split(",")
        def raw(layer):
            hits = []
            for f in glob.glob(root + f"/datalake/{layer}/**/*", recursive=True):
                if f.endswith(".parquet"):
                    text = " ".join(str(v) for row in duckdb.sql(f"select * from read_parquet('{f}')").fetchall() for v in row)
                elif f.endswith(".json"):
                    text = open(f).read()
                else:
                    continue
                hits += [f.replace(root, "") for e in emails if e in text]
            return hits
        records = []
        for f in sorted(glob.glob(root + "/datalake/silver/contacts/_delta_log/*.json")):
            for line in open(f):
                a = json.loads(line)
                if "commitInfo" in a:
                    c = a["commitInfo"]
                    records.append([c["operation"], json.loads(c["strataGovernance"])["columns"]["contact"]])
        print(json.dumps({"silver": raw("silver"), "gold": raw("gold"), "quarantine": raw("quarantine"), "bronze": len(raw("bronze")),
                          "silver_rows": len(DeltaTable(root + "/datalake/silver/contacts").to_pyarrow_table()),
                          "gold_rows": len(DeltaTable(root + "/datalake/gold/contacts").to_pyarrow_table()),
                          "records": records}))
        """, [Self.emails.joined(separator: ",")]) as! [String: Any]
        #expect((out["silver"] as? [String]) == [], "\(out)")
        #expect((out["gold"] as? [String]) == [], "\(out)")
        #expect((out["quarantine"] as? [String]) == [], "\(out)")
        #expect((out["bronze"] as? Int ?? 0) > 0, "bronze keeps raw values, so the search works: \(out)")
        #expect(out["silver_rows"] as? Int == 3, "\(out)")
        #expect(out["gold_rows"] as? Int == 3, "the re-mask is no new data for the downstream append: \(out)")
        let records = out["records"] as! [[Any]]
        #expect(records.map { $0[0] as? String } == ["WRITE", "REMASK", "WRITE"], "\(records)")
        let forms = records.map { (($0[1] as? [String: Any])?["stored"] as? [String: Any])?["method"] as? String }
        #expect(forms == [nil, "hash", "hash"], "\(records)")
        let tags = (records.last?[1] as? [String: Any])?["tags"] as? [[String: String]]
        #expect(tags == [["tag": "pii.email", "origin": "declared"]], "\(String(describing: tags))")
    }

    @Test func detectionClassifyingAColumnOnlyInALaterCommitRemasksTheEarlierFiles() throws {
        let p = try Self.project()
        try p.write("policies/masking.yaml", Self.masking.replacingOccurrences(of: "detection: {mode: report}",
                                                                            with: "detection: {mode: enforce, sample_rows: 100, threshold: 0.5}"))
        // First file: one national phone number (medium confidence: no country code, no context
        // word) among 40 notes, below the detection thresholds: stored raw.
        let phones = ["030 9018205", "020 7946 0958", "(415) 555-0132", "01 42 68 53 00"]
        let notes = (1...40).map { i in "\(i),c\(i),\(i == 7 ? "x " + phones[0] : "note \(i)"),\(i)" }
        try p.write("landing/a.csv", "id,contact,note,score\n" + notes.joined(separator: "\n") + "\n")
        try run(p)
        // Second file: every note is a phone number: the detector classifies the column in this commit.
        try p.write("landing/b.csv", "id,contact,note,score\n41,v,\(phones[1]),41\n42,u,\(phones[2]),42\n43,t,\(phones[3]),43\n")
        let r = try p.strata("run")
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("re-masked after this commit: silver.contacts"), "\(r.stderr)")
        for role in ["analyst", "engineer"] {
            for v in ["0", "1", "2", "3"] {
                let shown = try p.strata("show", "silver.contacts", "--as", role, "--version", v, "--format", "json")
                #expect(phones.allSatisfy { !shown.stdout.contains($0) }, "role \(role) version \(v): \(shown.stdout)")
            }
        }
        // Independent reader: no phone number in any silver or gold Parquet file or log line.
        let found = try p.python("""
        import sys, glob, duckdb
        root, phones = sys.argv[1], sys.argv[2].split(",")
        hits = []
        for layer in ("silver", "gold"):
            for f in glob.glob(root + f"/datalake/{layer}/**/*", recursive=True):
                if f.endswith(".parquet"):
                    text = str(duckdb.sql(f"select * from read_parquet('{f}')").fetchall())
                elif f.endswith(".json"):
                    text = open(f).read()
                else:
                    continue
                hits += [f for ph in phones if ph in text]
        print(len(hits), hits)
        """, [phones.joined(separator: ",")])
        #expect(found.hasPrefix("0 "), "raw phone numbers stored: \(found)")
    }

    @Test func aStrongerMethodOrARefusalReachesStoredData() throws {
        let p = try Self.project()
        try p.write("policies/classification.yaml", Self.classification)
        try run(p)
        // silver stores the e-mails hashed; now the policy says null in silver and refuse in gold.
        try p.write("policies/masking.yaml", Self.masking
            .replacingOccurrences(of: "  silver: {store_raw: []}", with: "  silver: {store_raw: [], masking: {pii.email: \"null\"}}")
            .replacingOccurrences(of: "  gold: {store_raw: []}", with: "  gold: {store_raw: [], masking: {pii.email: refuse}}"))
        // Gold's contact holds values masked upstream, which the write gate accepts; what is stored
        // is brought to the new rules: validate and plan say so, and the run re-masks both tables.
        let v = try p.strata("validate")
        #expect(v.status == 0, "\(v.stderr)")
        #expect(v.stdout.contains("needs re-masking: silver.contacts") && v.stdout.contains("needs re-masking: gold.contacts"), "\(v.stdout)")
        let plan = try p.strata("plan")
        #expect(plan.stdout.contains("re-mask silver.contacts") && plan.stdout.contains("re-mask gold.contacts"), "\(plan.stdout)")
        let r = try p.strata("run")
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stderr.contains("re-masked after a policy change: silver.contacts")
                && r.stderr.contains("re-masked after a policy change: gold.contacts"), "\(r.stderr)")
        #expect(!(try p.strata("validate").stdout.contains("needs re-masking")))
        let out = try p.pythonJSON("""
        import sys, json
        from deltalake import DeltaTable
        root = sys.argv[1]
        print(json.dumps({t: [r["contact"] for r in DeltaTable(root + "/datalake/" + t).to_pyarrow_table().to_pylist()] for t in ["silver/contacts", "gold/contacts"]}))
        """) as! [String: [Any]]
        #expect(out["silver/contacts"]?.isEmpty == false && out["silver/contacts"]?.allSatisfy { $0 is NSNull } == true, "\(out)")
        #expect(out["gold/contacts"]?.isEmpty == false && out["gold/contacts"]?.allSatisfy { $0 is NSNull } == true, "\(out)")
    }

    @Test func silverQuarantineIsEncryptedAndReplacedByFullRefresh() throws {
        let p = try Self.project()
        try p.write("policies/classification.yaml", Self.classification)
        try run(p)
        let count = """
        import sys, json
        from deltalake import DeltaTable
        t = DeltaTable(sys.argv[1] + "/datalake/quarantine/silver_contacts").to_pyarrow_table().to_pylist()
        print(json.dumps({"rows": len(t), "raw": [r["_raw"] for r in t], "files": [r["_source_file"] for r in t]}))
        """
        let q = try p.pythonJSON(count) as! [String: Any]
        let raws = q["raw"] as! [String]
        #expect(q["rows"] as? Int == 1)
        #expect(raws.allSatisfy { $0.hasPrefix("tok:") && !$0.contains("@") }, "\(raws)")
        // Provenance: the upstream table, its version and the file the row came from.
        let files = q["files"] as! [String]
        #expect(files.allSatisfy { $0.hasPrefix("bronze.contacts@0:") && $0.hasSuffix(".parquet") }, "\(files)")
        // A role allowed to unmask reads the rejected row back; others see only the token.
        let unmasked = try p.strata("unmask", "--as", "engineer", raws[0])
        #expect(unmasked.status == 0, "\(unmasked.stderr)")
        #expect(unmasked.stdout.contains(Self.emails[1]), "\(unmasked.stdout)")
        #expect(try p.strata("unmask", "--as", "analyst", raws[0]).status == 3)
        #expect(try leaked(p, "show", "quarantine.silver_contacts", "--as", "analyst", "--format", "json") == [])
        // Bronze quarantine is untouched by this (bronze stores raw); a full refresh replaces the rejects.
        try run(p, "--full-refresh")
        let again = try p.pythonJSON(count) as! [String: Any]
        #expect(again["rows"] as? Int == 1, "a full refresh must replace the rejects, not add a copy: \(again)")
    }

    @Test func columnsDerivedFromMaskedValuesAreNotMaskedAgainNorRemasked() throws {
        let p = try Self.project()
        try p.write("policies/classification.yaml", Self.classification)
        try p.write("pipelines.yaml", Self.pipelines + """
          gold_prefixes:
            source: {type: table, table: silver.contacts, incremental: false}
            transforms:
              - type: derive
                columns: {prefix: "left(contact, 8)"}
              - {type: select, columns: [id, prefix]}
            sink: {type: table, table: gold.prefixes, mode: overwrite}

        """)
        try run(p)
        let v = try p.strata("validate")
        #expect(v.status == 0)
        #expect(!v.stdout.contains("needs re-masking"), "\(v.stdout)")
        // The prefix is 8 hex digits of the silver hash, recorded as derived, and stays so.
        let shown = try p.strata("show", "gold.prefixes", "--format", "csv")
        let prefixes = shown.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").last.map(String.init) ?? "" }
        #expect(prefixes.count == 1 && prefixes.allSatisfy { $0.count == 8 && $0.allSatisfy(\.isHexDigit) }, "\(shown.stdout)")
        let again = try p.strata("run", "--full-refresh")
        #expect(again.status == 0)
        #expect(!again.stderr.contains("re-masked"), "\(again.stderr)")
        let history = try p.strata("history", "gold.prefixes")
        #expect(!history.stdout.contains("REMASK"), "\(history.stdout)")
        let record = try p.python("""
        import sys, json, glob
        f = sorted(glob.glob(sys.argv[1] + "/datalake/gold/prefixes/_delta_log/*.json"))[-1]
        for line in open(f):
            a = json.loads(line)
            if "commitInfo" in a: print(json.loads(a["commitInfo"]["strataGovernance"])["columns"]["prefix"]["stored"]["form"])
        """)
        #expect(record.trimmingCharacters(in: .whitespacesAndNewlines) == "derived")
    }

    @Test func missingOrEmptyPoliciesFolderIsAConfigError() throws {
        let p = try Self.project()
        try FileManager.default.removeItem(atPath: p.root + "/policies")
        for cmd in [["validate"], ["run"]] {
            let r = try p.strata(args: cmd)
            #expect(r.status == 2, "\(cmd): \(r.stdout)\n\(r.stderr)")
            #expect(r.stderr.contains("policies folder 'policies' does not exist"), "\(r.stderr)")
            #expect(r.stderr.contains("policies: none"), "\(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: p.root + "/datalake/silver"), "nothing may be written")
        try FileManager.default.createDirectory(atPath: p.root + "/policies", withIntermediateDirectories: true)
        let empty = try p.strata("run")
        #expect(empty.status == 2)
        #expect(empty.stderr.contains("holds no policy files"), "\(empty.stderr)")
        // A misspelt folder is positioned in the config.
        try p.write("pipelines.yaml", Self.pipelines.replacingOccurrences(of: "version: 1\n", with: "version: 1\npolicies: polices\n"))
        let typo = try p.strata("validate")
        #expect(typo.status == 2)
        #expect(typo.stderr.contains("pipelines.yaml:2:"), "\(typo.stderr)")
        // Ungoverned only when said explicitly.
        try p.write("pipelines.yaml", Self.pipelines.replacingOccurrences(of: "version: 1\n", with: "version: 1\npolicies: none\n"))
        try run(p)
    }

    @Test func theLakeMustBeAFolderOfItsOwn() throws {
        let p = try Self.project()
        for (lake, what) in [("/", "the file system root"), (".", "the project folder")] {
            try p.write("pipelines.yaml", Self.pipelines.replacingOccurrences(of: "version: 1\n", with: "version: 1\nlake: \(lake)\n"))
            let r = try p.strata("validate")
            #expect(r.status == 2, "\(r.stderr)")
            #expect(r.stderr.contains("pipelines.yaml:2:") && r.stderr.contains(what), "\(r.stderr)")
        }
        // An existing folder with other files is refused until --force says it is meant.
        try p.write("stuff/notes.txt", "mine")
        try p.write("pipelines.yaml", Self.pipelines.replacingOccurrences(of: "version: 1\n", with: "version: 1\nlake: stuff\n"))
        let refused = try p.strata("run")
        #expect(refused.status == 2, "\(refused.stderr)")
        #expect(refused.stderr.contains("not a Strata lake") && refused.stderr.contains("notes.txt") && refused.stderr.contains("--force"), "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: p.root + "/stuff/_audit"))
        try run(p, "--force")
        #expect(FileManager.default.fileExists(atPath: p.root + "/stuff/_audit"))
        try run(p) // a Strata lake now: no --force needed
    }

    @Test func unreadableGovernanceRecordStopsReadsAndWrites() throws {
        let p = try Self.project()
        try p.write("policies/classification.yaml", Self.classification)
        try run(p)
        let commit = p.root + "/datalake/silver/contacts/_delta_log/00000000000000000000.json"
        let text = try String(contentsOfFile: commit, encoding: .utf8)
        let damaged = text.replacingOccurrences(of: "\\\"form\\\":\\\"masked\\\"", with: "\\\"form\\\":\\\"clear\\\"")
        #expect(damaged != text, "the test must change the record")
        try damaged.write(toFile: commit, atomically: true, encoding: .utf8)
        let show = try p.strata("show", "silver.contacts", "--as", "analyst")
        #expect(show.status == 1, "\(show.stdout)\n\(show.stderr)")
        #expect(show.stderr.contains("governance record of silver.contacts version 0 cannot be read")
                || show.stderr.contains("unknown stored form"), "\(show.stderr)")
        #expect(Self.emails.allSatisfy { !show.stdout.contains($0) })
        try p.write("landing/b.csv", "id,contact,note,score\n3,\(Self.emails[2]),hey,3\n")
        let r = try p.strata("run")
        #expect(r.status == 1, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stderr.contains("silver.contacts version 0"), "\(r.stderr)")
    }
}
