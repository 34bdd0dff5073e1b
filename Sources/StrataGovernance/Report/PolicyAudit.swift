import StrataCore

/// What the audit knows about one table: its logical schema, whether it exists, and the
/// classification inputs only data or the engine can give (detections, propagated tags,
/// declassifications, recorded stored masks).
public struct AuditTableInput: Sendable {
    public var table: TableRef
    public var schema: Schema
    public var exists: Bool
    public var detections: [Detection]
    public var propagated: [String: Set<Tag>]
    public var declassified: [AppliedDeclassification]
    /// For a table that exists: each column's stored form as reads deliver it (what its commits
    /// recorded, strengthened to current policy), the same map governed reads and `access explain`
    /// decide from. Nil: the gate's plan for a table not written yet.
    public var stored: [String: MaskMethod]?

    public init(table: TableRef, schema: Schema, exists: Bool = true, detections: [Detection] = [],
                propagated: [String: Set<Tag>] = [:], declassified: [AppliedDeclassification] = [],
                stored: [String: MaskMethod]? = nil) {
        self.stored = stored
        self.table = table
        self.schema = schema
        self.exists = exists
        self.detections = detections
        self.propagated = propagated
        self.declassified = declassified
    }
}

/// The answer to "who can see this column, and in what form?" for every table and column,
/// with findings a reviewer should look at.
public struct PolicyAuditReport: Sendable {
    public struct ColumnAudit: Sendable {
        public var name: String
        public var type: DataType
        public var declared: [Tag]
        public var detected: [Detection]
        public var propagated: [Tag]
        public var declassified: [AppliedDeclassification]
        /// `raw`, the mask method, `refused` or `pipeline mask`.
        public var stored: String
        /// Role → what it sees (`clear`, `masked (hash)`, `hidden`, `denied`).
        public var access: [(role: String, sees: String)]
    }

    public struct TableAudit: Sendable {
        public var table: TableRef
        public var exists: Bool
        public var columns: [ColumnAudit]
        /// Role → allowed/denied, and the row filter when allowed.
        public var roles: [(role: String, allowed: Bool, rowFilter: String?)]
    }

    public struct Finding: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable, CaseIterable {
            case unmaskedPIIOutsideBronze = "unmasked_pii_outside_bronze"
            case untaggedPII = "untagged_pii"
            case clearPIIAccess = "clear_pii_access"
            case declassification
            case staleGrant = "stale_grant"
            case refusedColumn = "refused_column"
        }
        public enum Severity: String, Sendable, Hashable, Comparable {
            case high, warning, info
            public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
            var rank: Int { self == .high ? 0 : self == .warning ? 1 : 2 }
        }
        public var severity: Severity
        public var kind: Kind
        public var subject: String
        public var message: String
    }

    public var policyDigest: String
    public var files: [String]
    public var tables: [TableAudit]
    public var findings: [Finding]
}

/// Builds the policy audit report.
public enum PolicyAudit {
    public static func build(_ governance: Governance, tables inputs: [AuditTableInput]) -> PolicyAuditReport {
        let p = governance.policies
        var tables: [PolicyAuditReport.TableAudit] = []
        var findings: [PolicyAuditReport.Finding] = []
        let enforce = p.detection.mode == .enforce
        for input in inputs.sorted(by: { $0.table < $1.table }) {
            let t = input.table
            var cls = p.classify(table: t, schema: input.schema, detections: input.detections, propagated: input.propagated)
            for d in input.declassified { cls[d.column]?.declassified.append(d) }
            let tags = cls.mapValues { $0.effective(enforceDetection: enforce) }
            let plan = governance.planWrite(table: t, schema: input.schema, tags: tags)
            let storedMasks = input.stored ?? plan.masks
            let decisions = p.roles.map { governance.decide(role: $0.name, table: t, schema: input.schema, tags: tags, stored: storedMasks) }
            var columns: [PolicyAuditReport.ColumnAudit] = []
            for (i, f) in input.schema.fields.enumerated() {
                let c = cls[f.name] ?? ColumnClassification()
                let gd = plan.decisions[i]
                var stored: String
                switch gd.action {
                case .storeRaw: stored = "raw"
                case .preMasked: stored = "pipeline mask"
                case .mask(let m, _): stored = m.description
                case .refuse: stored = "refused"
                }
                // An existing table reports what reads deliver, from its commits' records.
                if let recorded = input.stored { stored = recorded[f.name]?.description ?? (stored == "pipeline mask" ? stored : "raw") }
                let access = decisions.map { d in (d.role, d.isDenied ? "denied" : d.columns[i].sees) }
                columns.append(.init(name: f.name, type: f.type, declared: c.declared.keys.sorted(), detected: c.detected,
                                     propagated: c.propagated.sorted(), declassified: c.declassified, stored: stored, access: access))
                let subject = "\(t).\(f.name)"
                let piiTags = tags[f.name, default: []].filter(\.isPII).sorted()
                if t.layer != .bronze, t.layer != .quarantine, !piiTags.isEmpty, gd.action == .storeRaw {
                    findings.append(.init(severity: .high, kind: .unmaskedPIIOutsideBronze, subject: subject,
                                          message: "\(piiTags.map(\.name).joined(separator: ", ")) stored unmasked in \(t.layer) (\(gd.rule?.description ?? "no rule"))"))
                }
                if case .refuse(let tag) = gd.action {
                    findings.append(.init(severity: .warning, kind: .refusedColumn, subject: subject,
                                          message: "writes are refused: \(tag) may not be stored unmasked in \(t.layer) (\(gd.rule?.description ?? ""))"))
                }
                for d in c.undeclaredDetections {
                    findings.append(.init(severity: enforce ? .info : .warning, kind: .untaggedPII, subject: subject,
                                          message: "looks like \(d.description) but no rule tags it \(d.tag)" + (enforce ? " (treated as tagged: detection enforces)" : "")))
                }
                for d in decisions where !d.isDenied {
                    let ca = d.columns[i]
                    if !piiTags.isEmpty, case .clear = ca.effective {
                        findings.append(.init(severity: t.layer == .bronze || t.layer == .quarantine ? .info : .warning, kind: .clearPIIAccess, subject: subject,
                                              message: "role \(d.role) sees \(piiTags.map(\.name).joined(separator: ", ")) in clear (\(ca.rule))"))
                    }
                }
                for d in c.declassified {
                    findings.append(.init(severity: .info, kind: .declassification, subject: subject,
                                          message: "declassified \(d.tags.sorted().map(\.name).joined(separator: ", ")): \(d.reason)" + (d.location.map { " (\($0))" } ?? "")))
                }
            }
            tables.append(.init(table: t, exists: input.exists, columns: columns,
                                roles: decisions.map { ($0.role, !$0.isDenied, $0.rowFilter?.text) }))
        }
        findings += staleReferences(p, known: inputs.map(\.table))
        findings.sort { ($0.severity, $0.kind.rawValue, $0.subject) < ($1.severity, $1.kind.rawValue, $1.subject) }
        return PolicyAuditReport(policyDigest: p.digest, files: p.files, tables: tables, findings: findings)
    }

    /// Grants, denies and classification rules whose table patterns match no known table.
    static func staleReferences(_ p: PolicySet, known: [TableRef]) -> [PolicyAuditReport.Finding] {
        let names = known.map(\.policyName)
        var out: [PolicyAuditReport.Finding] = []
        func check(_ globs: [Glob], _ source: RuleSource, _ what: String) {
            for g in globs where !names.contains(where: { g.matches($0) }) {
                let hint = g.isLiteral ? Suggest.hint(for: g.pattern, in: names).map { "; \($0)" } ?? "" : ""
                out.append(.init(severity: .warning, kind: .staleGrant, subject: g.pattern,
                                 message: "\(what) names \(g.pattern), which matches no existing or planned table (\(source))\(hint)"))
            }
        }
        for r in p.roles {
            for g in r.grants { check(g.tables, g.source, "grant of role \(r.name)") }
            check(r.deny, r.denySource ?? r.source, "deny of role \(r.name)")
        }
        for c in p.classification { check(c.tables, c.source, "classification rule") }
        return out
    }
}
