import StrataCore

/// Decides what a role may read of a table: deny by default; a `deny:` pattern always wins;
/// otherwise the most specific grant covering the table (first in file order on ties) decides
/// column visibility and the row filter.
public struct AccessPolicy: Sendable {
    public let policies: PolicySet

    public init(policies: PolicySet) {
        self.policies = policies
    }

    /// The decision for `role` reading `table` with `schema`.
    ///
    /// - `tags`: each column's governing tags.
    /// - `stored`: columns stored masked (by the write gate), with their method: a role that sees
    ///   such a column clear sees the stored mask, and the same mask is not applied twice.
    public func decide(role name: String, table: TableRef, schema: Schema, tags: [String: Set<Tag>],
                       stored: [String: MaskMethod] = [:]) -> AccessDecision {
        let columns0 = schema.fields.map { f in
            ColumnAccess(name: f.name, type: f.type, tags: (tags[f.name] ?? []).sorted(), visibility: .hidden,
                         rule: .builtin("denied"), stored: stored[f.name])
        }
        guard let role = policies.role(named: name) else {
            let names = policies.roles.map(\.name)
            let hint = Suggest.hint(for: name, in: names) ?? (names.isEmpty ? "no roles are defined in the policies" : "roles: " + names.joined(separator: ", "))
            return AccessDecision(role: name, table: table, outcome: .denied("there is no role '\(name)'; \(hint)"), rule: nil,
                                  columns: columns0, rowFilter: nil)
        }
        let tableName = table.policyName
        if let g = role.deny.first(where: { $0.matches(tableName) }) {
            return AccessDecision(role: name, table: table, outcome: .denied("role \(name) is denied \(g.pattern)"),
                                  rule: role.denySource ?? role.source, columns: columns0, rowFilter: nil)
        }
        var best: (grant: Grant, specificity: Int)?
        for g in role.grants {
            let s = g.tables.filter { $0.matches(tableName) }.map(\.specificity).max()
            if let s, best == nil || s > best!.specificity { best = (g, s) }
        }
        guard let grant = best?.grant else {
            return AccessDecision(role: name, table: table, outcome: .denied("no grant of role \(name) covers \(table) (deny by default)"),
                                  rule: role.source, columns: columns0, rowFilter: nil)
        }
        let columns = schema.fields.map { f in
            column(f, tags: tags[f.name] ?? [], grant: grant, layer: table.layer, stored: stored[f.name])
        }
        return AccessDecision(role: name, table: table, outcome: .allowed, rule: grant.source, columns: columns, rowFilter: grant.rows)
    }

    func column(_ f: Field, tags: Set<Tag>, grant: Grant, layer: Layer, stored: MaskMethod?) -> ColumnAccess {
        var access = ColumnAccess(name: f.name, type: f.type, nullable: f.nullable || stored != nil, tags: tags.sorted(),
                                  visibility: .clear, rule: grant.source, stored: stored)
        guard !tags.isEmpty else {
            access.reason = "untagged"
            return access
        }
        // Per tag: the most specific visibility rule, or masked by default.
        var chosen: [(Tag, Visibility, RuleSource)] = []
        for tag in tags.sorted() {
            var best: VisibilityRule?
            for r in grant.columns where r.tags.matches(tag.name) {
                if best == nil || r.tags.specificity > best!.tags.specificity { best = r }
            }
            if let best {
                chosen.append((tag, best.visibility, best.source))
            } else {
                chosen.append((tag, .masked(nil), RuleSource(location: grant.source.location,
                                                             path: grant.source.path + " (no rule for \(tag): masked by default)")))
            }
        }
        let restriction = chosen.map(\.1.restriction).max()!
        let deciding = chosen.filter { $0.1.restriction == restriction }
        access.rule = deciding[0].2
        switch restriction {
        case 0:
            access.visibility = .clear
            access.reason = "clear for " + deciding.map(\.0.name).joined(separator: ", ")
        case 2:
            access.visibility = .hidden
            access.reason = "hidden for \(deciding[0].0)"
        default:
            // Explicit methods first, else the masking rule of each tag; the strongest that applies.
            var methods: [(MaskMethod, Tag, RuleSource)] = []
            // Free text: the detectable kinds in it take no masking rule of their own (the gate's
            // rule): the text's other tags decide when their method hides the whole value, else scrub.
            let freeText = f.type == .string && chosen.contains { $0.0 == .freeText }
            let detectable = policies.detectableTags
            var scrubbed: [Tag] = []
            for (tag, v, src) in deciding {
                if case .masked(let m?) = v {
                    methods.append((m, tag, src))
                } else if freeText && detectable.contains(tag) {
                    scrubbed.append(tag)
                } else {
                    let (action, msrc) = policies.maskAction(for: tag, layer: layer)
                    if case .mask(let m) = action { methods.append((m, tag, msrc)) } else { methods.append((.hash, tag, msrc)) }
                }
            }
            if let first = scrubbed.first, !methods.contains(where: { $0.0.hidesWholeValue }) {
                let (action, msrc) = policies.maskAction(for: .freeText, layer: layer)
                if case .mask(.scrub(let style)) = action { methods.append((.scrub(style), first, msrc)) }
                else { methods.append((.scrub(.placeholder(MaskMethod.ScrubStyle.defaultTemplate)), first, .builtin("free text: detected kinds are scrubbed"))) }
            }
            let inputType = stored.flatMap { try? $0.outputType(for: f.type, column: f.name) } ?? f.type // a type test: a method that does not apply keeps the type
            let usable = methods.filter { (try? $0.0.outputType(for: inputType, column: f.name)) != nil } // type test only
            let pick = usable.max(by: { $0.0.strength < $1.0.strength }) ?? (.null, methods[0].1, methods[0].2)
            access.visibility = .masked(pick.0)
            access.reason = "masked for \(pick.1)"
            if case .masked(nil) = deciding[0].1 { access.maskRule = pick.2 }
        }
        return access
    }
}

/// What one role sees of one column, and which rule decided it.
public struct ColumnAccess: Sendable, Hashable {
    public var name: String
    public var type: DataType
    public var nullable: Bool = true
    public var tags: [Tag]
    /// clear, masked(method) (always with a method once decided) or hidden.
    public var visibility: Visibility
    /// The grant or visibility rule that decided.
    public var rule: RuleSource
    /// The mask the column is stored with, if the write gate masked it.
    public var stored: MaskMethod?
    /// The masking rule that chose the method when the visibility rule said only `masked`.
    public var maskRule: RuleSource?
    public var reason: String = ""

    /// The mask the read path applies on top of what is stored (nil: none).
    public var readMask: MaskMethod? {
        guard case .masked(let m?) = visibility else { return nil }
        return m == stored ? nil : m
    }

    /// What the role really gets: a clear view of a column stored masked is that mask.
    public var effective: Visibility {
        if case .clear = visibility, let s = stored { return .masked(s) }
        return visibility
    }

    /// What the role sees, in words: `clear`, `masked (hash)`, `masked (hash, as stored)`, `hidden`.
    public var sees: String {
        switch visibility {
        case .clear: return stored.map { "masked (\($0), as stored)" } ?? "clear"
        case .masked(let m?): return "masked (\(m))"
        case .masked(nil): return "masked"
        case .hidden: return "hidden"
        }
    }
}

/// A role's access to a table: denied, or per-column visibility and a row filter.
public struct AccessDecision: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        case allowed
        case denied(String)
    }

    public var role: String
    public var table: TableRef
    public var outcome: Outcome
    /// The grant (allowed) or the deny / role (denied) that decided; nil for an unknown role.
    public var rule: RuleSource?
    public var columns: [ColumnAccess]
    public var rowFilter: RowFilter?

    public var isDenied: Bool { if case .denied = outcome { return true } else { return false } }

    /// Throws `.accessDenied` (exit 3) naming the role, table and reason.
    public func check() throws {
        guard case .denied(let reason) = outcome else { return }
        throw StrataError(.accessDenied, "role \(role) may not read \(table): \(reason)", hint: rule.map { "decided by \($0)" })
    }

    /// The columns the role sees (hidden ones dropped), with their types after masking.
    public var visibleSchema: Schema {
        Schema(columns.compactMap { c in
            if case .hidden = c.visibility { return nil }
            let storedType = c.stored.flatMap { try? $0.outputType(for: c.type, column: c.name) } ?? c.type // type test only
            guard let m = c.readMask else { return Field(c.name, storedType, nullable: c.nullable) }
            return Field(c.name, (try? m.outputType(for: storedType, column: c.name)) ?? .string) // type test only
        })
    }

    /// The batch as the role may see it: row filter first (on stored values), then masks, then
    /// hidden columns dropped. Throws when the read is denied.
    public func apply(to batch: Batch, masker: Masker) throws -> Batch {
        try check()
        var b = batch
        if let f = rowFilter { b = try f.apply(to: b) }
        var fields: [Field] = []
        var cols: [Column] = []
        for (f, col) in zip(b.schema.fields, b.columns) {
            guard let access = columns.first(where: { $0.name == f.name }) else { continue } // unknown → not shown
            if case .hidden = access.visibility { continue }
            if let m = access.readMask {
                let masked = try masker.apply(m, to: col, name: f.name)
                fields.append(Field(f.name, masked.type, nullable: true))
                cols.append(masked)
            } else {
                fields.append(Field(f.name, f.type, nullable: access.nullable))
                cols.append(col)
            }
        }
        var out = cols.isEmpty ? Batch(rowCount: b.rowCount) : Batch(schema: Schema(fields), columns: cols)
        out.origin = batch.origin
        return out
    }

    /// One line per column for `strata access explain`: name, type, tags, what the role sees, rule.
    public func explain() -> [(column: String, type: String, tags: String, sees: String, rule: String)] {
        columns.map { c in
            var rule = c.rule.description
            if let m = c.maskRule { rule += "; method from \(m)" }
            return (c.name, c.type.description, c.tags.map(\.name).joined(separator: ", "), isDenied ? "denied" : c.sees, rule)
        }
    }
}
