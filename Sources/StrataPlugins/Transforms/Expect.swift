import StrataCore
import StrataConfig
import StrataFormats

/// `type: expect`: data-quality checks with an action per check.
public struct Expect: TransformConfig {
    public static let descriptor = PluginDescriptor(
        name: "expect", kind: .transform,
        summary: "Data-quality checks (not_null, unique, accepted_values, range, regex, relationships, row_count, expression), each with an action.",
        doc: """
        Each check names a `column` (or `expression`) and an `action` for failing rows: `fail` stops the \
        run (nothing is committed), `drop` removes the rows, `quarantine` moves them to the quarantine \
        table with the check's name as the reason, `warn` keeps them and reports. Nulls pass every check \
        but not_null. `unique` flags the second and later rows of a key (across the whole run); \
        `relationships` needs the value to exist in another table's column; `row_count` checks the run's \
        total with `min`/`max` (fail or warn). Results appear in the run summary and in `--json`.
        """,
        keys: [ConfigKey("checks", "[map]", required: true, "The checks: each has `check`, `column`, its own keys and `action`.").fields(Expect.checkKeys)],
        example: """
        transforms:
          - type: expect
            checks:
              - {check: not_null, column: user_id, action: quarantine}
              - {check: unique, column: transaction_id, action: drop}
              - {check: accepted_values, column: status, values: [completed, refunded, cancelled], action: warn}
              - {check: range, column: amount, min: 0, max: 100000, action: quarantine}
              - {check: regex, column: email, pattern: '^[^@]+@[^@]+$', action: warn}
              - {check: relationships, column: product_id, to: silver.products, field: product_id, action: quarantine}
              - {check: row_count, min: 1, action: fail}
        """,
        make: { m in .transform(try Expect(m)) })

    enum Kind: String, CaseIterable, Sendable { case not_null, unique, accepted_values, range, regex, relationships, row_count, expression }
    enum Action: String, CaseIterable, Sendable { case fail, drop, quarantine, warn }

    struct Check: Sendable {
        let kind: Kind
        let action: Action
        let column: NamedColumn?
        let name: String
        /// The row predicate that must hold (not for unique, relationships, row_count).
        let predicate: ExpressionSource?
        let to: TableRef?
        let field: String?
        let min: Int?
        let max: Int?
    }

    static let checkKeys: [ConfigKey] = [
        ConfigKey("check", "not_null | unique | accepted_values | range | regex | relationships | row_count | expression", required: true, "The kind of check."),
        ConfigKey("column", "string", "The column checked."),
        ConfigKey("action", "fail | drop | quarantine | warn", default: "fail", "What failing rows do."),
        ConfigKey("values", "[scalar]", "accepted_values: the allowed values."),
        ConfigKey("min", "scalar", "range / row_count: the smallest allowed value (inclusive)."),
        ConfigKey("max", "scalar", "range / row_count: the largest allowed value (inclusive)."),
        ConfigKey("pattern", "regex", "regex: the pattern values must match."),
        ConfigKey("to", "layer.name", "relationships: the table holding the keys."),
        ConfigKey("field", "string", "relationships: the key column in `to` (default: the same name)."),
        ConfigKey("expression", "expression", "expression: a condition every row must meet."),
        ConfigKey("name", "string", "A name for the check in reports (default: `kind(column)`)."),
    ]

    let checks: [Check]

    init(_ m: ConfigMap) throws {
        guard let list = try m.list("checks"), !list.isEmpty else {
            throw m.error("checks", .invalidConfig, "expect needs at least one check")
        }
        checks = try list.enumerated().map { i, node in try Self.parse(node, path: m.keyPath("checks") + "[\(i)]") }
    }

    static func literal(_ node: Node) -> String {
        guard case .scalar(let s, let quoted) = node.kind else { return "NULL" }
        if !quoted, Double(s) != nil { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
    }

    static func parse(_ node: Node, path: String) throws -> Check {
        let c = try ConfigMap(node, keys: checkKeys, path: path)
        let kind = try c.choice("check", default: Kind.expression)
        let action = try c.choice("action", default: Action.fail)
        let column = c.node("column").flatMap { n in n.scalar.map { NamedColumn(name: $0, location: n.location, path: c.keyPath("column")) } }
        let quoted = column.map { "\"" + $0.name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" } ?? ""
        func need(_ key: String) throws -> Node {
            guard let n = c.node(key) else { throw c.error(key, .missingKey, "check \(kind.rawValue) needs '\(key)'") }
            return n
        }
        if kind != .row_count && kind != .expression && column == nil { _ = try need("column") }
        var predicate: String?
        var to: TableRef?
        var field: String?
        var minCount: Int?, maxCount: Int?
        switch kind {
        case .not_null: predicate = "\(quoted) IS NOT NULL"
        case .unique: break
        case .accepted_values:
            let values = try need("values").sequence ?? []
            predicate = "\(quoted) IS NULL OR \(quoted) IN (" + values.map(literal).joined(separator: ", ") + ")"
        case .range:
            var parts: [String] = []
            if let n = c.node("min") { parts.append("\(quoted) >= \(literal(n))") }
            if let n = c.node("max") { parts.append("\(quoted) <= \(literal(n))") }
            if parts.isEmpty { _ = try need("min") }
            predicate = "\(quoted) IS NULL OR (" + parts.joined(separator: " AND ") + ")"
        case .regex:
            let p = try need("pattern")
            predicate = "\(quoted) IS NULL OR regexp_like(\(quoted), \(literal(p)))"
        case .relationships:
            let t = try need("to")
            to = try TableRef(parsing: t.scalar ?? "", location: t.location, path: c.keyPath("to"))
            field = try c.string("field") ?? column?.name
        case .row_count:
            minCount = try c.int("min")
            maxCount = try c.int("max")
            if minCount == nil && maxCount == nil { _ = try need("min") }
            if action == .drop || action == .quarantine {
                throw c.error("action", .invalidConfig, "row_count checks the whole run; its action is fail or warn")
            }
        case .expression:
            let e = try need("expression")
            return Check(kind: kind, action: action, column: column, name: try c.string("name") ?? "expression(\(e.scalar ?? ""))",
                         predicate: try ExpressionSource(node: e, path: c.keyPath("expression")), to: nil, field: nil, min: nil, max: nil)
        }
        let name = try c.string("name") ?? "\(kind.rawValue)" + (column.map { "(\($0.name))" } ?? "")
        let source = predicate.map { ExpressionSource(text: $0, location: column?.location ?? c.location, path: column?.path ?? path) }
        return Check(kind: kind, action: action, column: column, name: name, predicate: source, to: to, field: field,
                     min: minCount, max: maxCount)
    }

    public var reads: [TableRef] { checks.compactMap(\.to) }

    public var declaredChecks: [DeclaredCheck] {
        checks.map { c in
            let rule: String
            switch c.kind {
            case .unique: rule = "no two rows share \(c.column?.name ?? "the key")"
            case .relationships: rule = "exists in \(c.to?.description ?? "?").\(c.field ?? c.column?.name ?? "?")"
            case .row_count: rule = "rows " + [c.min.map { ">= \($0)" }, c.max.map { "<= \($0)" }].compactMap { $0 }.joined(separator: " and ")
            default: rule = c.predicate?.text ?? c.name
            }
            return DeclaredCheck(name: c.name, kind: c.kind.rawValue, column: c.column?.name, action: c.action.rawValue, rule: rule)
        }
    }

    public func outputSchema(input: Schema, _ resolver: any SchemaResolver) throws -> Schema {
        for c in checks {
            if let col = c.column { _ = try col.index(in: input) }
            if let p = c.predicate { _ = try p.compilePredicate(input) }
            if let t = c.to, let field = c.field, let other = resolver.schema(of: t) {
                _ = try other.require(field, location: c.column?.location, path: c.column?.path, table: t.description)
            }
        }
        return input
    }

    public func makeOperator(input: Schema, _ context: RunContext) throws -> any BatchOperator {
        _ = try outputSchema(input: input, EmptyResolver())
        var compiled: [(Check, TypedExpr?, Int?, Set<[UInt8]>?)] = []
        for c in checks {
            let e = try c.predicate.map { try $0.compilePredicate(input) }
            let idx = try c.column.map { try $0.index(in: input) }
            var keys: Set<[UInt8]>?
            if c.kind == .relationships, let t = c.to, let field = c.field {
                let path = context.lakeRoot + "/" + t.relativePath
                guard DeltaLog(tablePath: path).exists() else {
                    throw StrataError(.notFound, "\(t) does not exist yet", location: c.column?.location, hint: "run the pipeline that writes it first")
                }
                let reader = try context.openTable(t, columns: [field])
                guard reader.schema[0].type == input[idx!].type else {
                    throw StrataError(.typeMismatch, "\(c.name): \(t).\(field) is \(reader.schema[0].type), the column is \(input[idx!].type)",
                                      location: c.column?.location)
                }
                var set = Set<[UInt8]>()
                var key: [UInt8] = []
                while let b = try reader.next() {
                    for r in 0..<b.rowCount {
                        key.removeAll(keepingCapacity: true)
                        RowKey.append(b.columns[0], r, to: &key)
                        set.insert(key)
                    }
                }
                keys = set
            }
            compiled.append((c, e, idx, keys))
        }
        return ExpectOperator(schema: input, checks: compiled, context: context)
    }

    public func columnLineage(input: Schema, _ resolver: any SchemaResolver) throws -> ColumnLineage {
        let filtering = checks.filter { $0.action == .drop || $0.action == .quarantine }
        var ind: [ColumnLineage.IndirectEdge] = []
        for c in filtering {
            if let col = c.column { ind.append(.init(ColumnRef(col.name), .filter)) }
            if let t = c.to, let f = c.field { ind.append(.init(ColumnRef(f, table: t), .filter)) }
        }
        return .passThrough(input, indirect: ind)
    }
}

final class ExpectOperator: BatchOperator {
    let schema: Schema
    let checks: [(Expect.Check, TypedExpr?, Int?, Set<[UInt8]>?)]
    let context: RunContext
    var failed: [Int]
    var seen: [Set<[UInt8]>]
    var rows = 0
    var key: [UInt8] = []

    init(schema: Schema, checks: [(Expect.Check, TypedExpr?, Int?, Set<[UInt8]>?)], context: RunContext) {
        self.schema = schema
        self.checks = checks
        self.context = context
        failed = [Int](repeating: 0, count: checks.count)
        seen = [Set<[UInt8]>](repeating: [], count: checks.count)
    }

    func push(_ batch: Batch) throws -> [Batch] {
        rows += batch.rowCount
        var keep = [Bool](repeating: true, count: batch.rowCount)
        var quarantined: [Int: String] = [:]
        let ctx = EvaluationContext(context)
        for (ci, (check, expr, col, keys)) in checks.enumerated() {
            var ok: [Bool]
            switch check.kind {
            case .unique:
                let c = batch.columns[col!]
                ok = [Bool](repeating: true, count: batch.rowCount)
                for r in 0..<batch.rowCount where !c.isNull(r) {
                    key.removeAll(keepingCapacity: true)
                    RowKey.append(c, r, to: &key)
                    if !seen[ci].insert(key).inserted { ok[r] = false }
                }
            case .relationships:
                let c = batch.columns[col!]
                ok = [Bool](repeating: true, count: batch.rowCount)
                for r in 0..<batch.rowCount where !c.isNull(r) {
                    key.removeAll(keepingCapacity: true)
                    RowKey.append(c, r, to: &key)
                    if !keys!.contains(key) { ok[r] = false }
                }
            case .row_count:
                continue
            default:
                var failures: [RowFailure] = []
                ok = try expr!.evaluatePredicate(batch, context: ctx, failures: &failures)
            }
            let bad = ok.indices.filter { !ok[$0] }
            guard !bad.isEmpty else { continue }
            failed[ci] += bad.count
            switch check.action {
            case .fail:
                // Reported before the run stops, so its result reaches lineage and the docs.
                context.report(CheckResult(name: check.name, action: check.action.rawValue, checkedRows: rows,
                                           failedRows: failed[ci], message: "\(bad.count) row(s) of a batch failed",
                                           kind: check.kind.rawValue, column: check.column?.name))
                throw StrataError(.runFailed, "check \(check.name) failed for \(bad.count) row(s) of a batch from \(batch.origin ?? "the input")",
                                  location: check.column?.location, path: check.column?.path,
                                  hint: "fix the data, or change the check's action to drop, quarantine or warn")
            case .drop:
                for r in bad { keep[r] = false }
            case .quarantine:
                for r in bad where keep[r] {
                    keep[r] = false
                    quarantined[r] = "check \(check.name) failed"
                }
            case .warn:
                break
            }
        }
        if !quarantined.isEmpty {
            let rs = quarantined.keys.sorted()
            RowQuarantine.send(batch, rows: rs, reasons: rs.map { quarantined[$0]! }, context: context)
        }
        if keep.allSatisfy({ $0 }) { return [batch] }
        var out = batch.filter(keep)
        out.origin = batch.origin
        return out.rowCount > 0 ? [out] : []
    }

    func finish() throws -> [Batch] {
        for (ci, (check, _, _, _)) in checks.enumerated() {
            if check.kind == .row_count {
                let low = check.min.map { rows < $0 } ?? false
                let high = check.max.map { rows > $0 } ?? false
                let message = low ? "\(rows) rows, fewer than \(check.min!)" : (high ? "\(rows) rows, more than \(check.max!)" : nil)
                context.report(CheckResult(name: check.name, action: check.action.rawValue, checkedRows: rows,
                                           failedRows: message == nil ? 0 : rows, message: message, kind: check.kind.rawValue))
                if let message, check.action == .fail {
                    throw StrataError(.runFailed, "check \(check.name) failed: \(message)", location: nil)
                }
                if let message { context.warn("check \(check.name): \(message)") }
                continue
            }
            context.report(CheckResult(name: check.name, action: check.action.rawValue, checkedRows: rows, failedRows: failed[ci],
                                       message: failed[ci] > 0 ? "\(failed[ci]) of \(rows) rows failed" : nil,
                                       kind: check.kind.rawValue, column: check.column?.name))
            if failed[ci] > 0 && check.action == .warn {
                context.warn("check \(check.name): \(failed[ci]) of \(rows) rows failed")
            }
        }
        return []
    }
}

extension Expect: SparkCompilable {
    public func compileSpark(_ job: SparkJob, input: SparkFrame, _ resolver: any SchemaResolver) throws -> SparkFrame {
        _ = try outputSchema(input: input.schema, resolver)
        var current = input
        var specs: [String] = []
        job.comment("expect: " + checks.map(\.name).joined(separator: ", "))
        for (i, c) in checks.enumerated() {
            var ok = "TRUE"
            switch c.kind {
            case .unique:
                let col = SparkSQL.identifier(c.column!.name)
                current = job.frame("\(current.name).withColumn(\"__u\(i)\", F.row_number().over(Window.partitionBy(\(job.col(c.column!.name))).orderBy(F.col(\"__seq\"))))", schema: current.schema)
                ok = "\(col) IS NULL OR __u\(i) = 1"
            case .relationships:
                guard let t = c.to, let field = c.field, let other = resolver.schema(of: t), let fi = other.index(of: field) else {
                    throw StrataError(.invalidPlan, "\(c.name): the schema of \(c.to?.description ?? "?") is not known yet", location: c.column?.location)
                }
                if let ci = input.schema.index(of: c.column!.name), input.schema[ci].type != other[fi].type {
                    throw StrataError(.typeMismatch, "\(c.name): \(t).\(field) is \(other[fi].type), the column is \(input.schema[ci].type)", location: c.column?.location)
                }
                let keys = job.table(t, schema: other)
                let distinct = job.frame("\(keys.name).select(\(job.col(other[fi].name)).alias(\"__key\(i)\")).where(F.col(\"__key\(i)\").isNotNull()).distinct()", schema: Schema([other[fi]]))
                current = job.frame("\(current.name).join(\(distinct.name), \(current.name)[\(job.python(SparkSQL.identifier(c.column!.name)))] == \(distinct.name)[\"__key\(i)\"], \"left\")", schema: current.schema)
                ok = "\(SparkSQL.identifier(c.column!.name)) IS NULL OR __key\(i) IS NOT NULL"
            case .row_count:
                ok = "TRUE"
            default:
                ok = try c.predicate!.spark(input.schema, predicate: true)
            }
            var fields = ["\"name\": \(job.python(c.name))", "\"kind\": \(job.python(c.kind.rawValue))", "\"action\": \(job.python(c.action.rawValue))",
                          "\"ok\": \(job.python("coalesce(\(ok), FALSE)"))"]
            if let col = c.column { fields.append("\"column\": \(job.python(col.name))") }
            if let m = c.min { fields.append("\"min\": \(m)") }
            if let m = c.max { fields.append("\"max\": \(m)") }
            specs.append("{" + fields.joined(separator: ", ") + "}")
        }
        // Checks see every row; a failing row is rejected by the first quarantine check it fails
        // (unless a drop check before it removed it), counted by every check it fails.
        let checked = job.frame("expect(\(current.name), [\n    " + specs.joined(separator: ",\n    ") + "])", schema: input.schema)
        return job.project(checked, input.schema)
    }
}
