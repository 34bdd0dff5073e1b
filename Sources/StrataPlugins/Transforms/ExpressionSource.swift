import StrataCore
import StrataConfig

/// An expression written in a config, with where its text starts, compiled against a schema on demand.
struct ExpressionSource: Sendable, Hashable {
    let text: String
    let location: SourceLocation
    let path: String

    /// From a scalar node: the text starts one column after an opening quote.
    init(node: Node, path: String) throws {
        guard case .scalar(let s, let quoted) = node.kind else {
            throw node.error(.typeMismatch, "expected an expression, got \(node.kindDescription)", path: path, hint: nil)
        }
        var loc = node.location
        if quoted, let first = s.first, first != "\n" {
            // Single/double-quoted scalars start after the quote; block scalars (| >) on the next line,
            // which the mark does not give, so they keep the indicator's position.
            loc.column += 1
        }
        text = s
        location = loc
        self.path = path
        // Syntax (and the depth and length limits) is checked when the config loads, so `validate`
        // reports a bad expression even where the input schema is only known at run time.
        do throws(ExprError) { _ = try ExpressionParser.parse(s) } catch { throw positioned(error) }
    }

    init(text: String, location: SourceLocation, path: String) {
        self.text = text
        self.location = location
        self.path = path
    }

    func positioned(_ e: ExprError) -> StrataError {
        var s = e.located(at: location, in: text)
        s.path = path
        return s
    }

    func compile(_ schema: Schema, table: String? = nil) throws -> TypedExpr {
        do throws(ExprError) { return try ExpressionCompiler.compile(try ExpressionParser.parse(text), schema: schema, tableName: table) } catch { throw positioned(error) }
    }

    func compilePredicate(_ schema: Schema, table: String? = nil) throws -> TypedExpr {
        do throws(ExprError) { return try ExpressionCompiler.compilePredicate(try ExpressionParser.parse(text), schema: schema, tableName: table) } catch { throw positioned(error) }
    }

    /// Column lineage of an expression that defines `output`: direct edges for value flows, and
    /// indirect CONDITIONAL edges for columns that only steer the value.
    static func lineage(_ e: TypedExpr) -> (direct: [ColumnLineage.Edge], indirect: [ColumnLineage.IndirectEdge]) {
        var direct: [ColumnLineage.Edge] = []
        var indirect: [ColumnLineage.IndirectEdge] = []
        for (col, kind) in e.lineage().sorted(by: { $0.key < $1.key }) {
            switch kind {
            case .identity: direct.append(.init(ColumnRef(col), .identity))
            case .transformation: direct.append(.init(ColumnRef(col), .transformation, description: e.sql))
            case .conditional: indirect.append(.init(ColumnRef(col), .conditional))
            }
        }
        return (direct, indirect)
    }
}

extension ConfigMap {
    func expression(_ key: String) throws -> ExpressionSource? {
        guard let n = node(key) else { return nil }
        return try ExpressionSource(node: n, path: keyPath(key))
    }

    /// `{name: expression}` in order.
    func expressionMap(_ key: String) throws -> [(name: String, expr: ExpressionSource)]? {
        guard let n = node(key) else { return nil }
        guard let pairs = n.mapping else {
            throw error(key, .typeMismatch, "expected a mapping of column names to expressions")
        }
        return try pairs.map { p in
            guard let name = p.key.scalar else { throw p.key.error(.typeMismatch, "expected a column name", path: keyPath(key), hint: nil) }
            return (name, try ExpressionSource(node: p.value, path: keyPath(key) + "." + name))
        }
    }
}

extension ConfigMap {
    /// `on_error:`; a plain `null` (which YAML reads as a null value) means `.null`.
    func onError() throws -> OnError {
        if let entry = node.mapping?.first(where: { $0.key.scalar == "on_error" }), entry.value.isNull {
            return .null
        }
        return try choice("on_error", default: OnError.fail)
    }
}

/// What a transform does with rows an expression cannot compute (a failed CAST, an overflow).
enum OnError: String, CaseIterable, Sendable {
    /// Fail the run (nothing is committed).
    case fail
    /// Set the value to null and go on.
    case null
    /// Move the row to the quarantine table with the reason.
    case quarantine
}

/// Sends rows of a batch to the run's quarantine with a reason (the row is stored as JSON text).
public enum RowQuarantine {
    public static func send(_ batch: Batch, rows: [Int], reasons: [String], context: RunContext) {
        for (i, r) in rows.enumerated() {
            var parts: [String] = []
            for (c, f) in batch.schema.fields.enumerated() {
                parts.append(jsonString(f.name) + ":" + json(batch.columns[c].value(r)))
            }
            context.quarantine.quarantine(QuarantineRecord(sourceFile: batch.origin ?? "", line: 0, reason: reasons[i],
                                                           raw: "{" + parts.joined(separator: ",") + "}"))
        }
    }

    static func json(_ v: Value) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d.isFinite ? "\(d)" : jsonString("\(d)")
        case .decimal: return v.description
        default: return jsonString(v.description)
        }
    }

    static func jsonString(_ s: String) -> String {
        BackslashEscaping.quoted(s, quote: "\"", control: { $0 < 0x20 ? "\\u" + BackslashEscaping.hex($0, width: 4) : "" })
    }
}
