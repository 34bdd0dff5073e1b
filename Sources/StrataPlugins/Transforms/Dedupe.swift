import StrataCore
import StrataConfig

/// `type: dedupe`: one row per key.
public struct Dedupe: TransformConfig {
    public static let descriptor = PluginDescriptor(
        name: "dedupe", kind: .transform,
        summary: "Keep one row per key: the first or last seen, or by an order column.",
        doc: """
        Without `order_by`, `keep: first` streams (only the keys are held) and keeps each key's first \
        row in input order; `keep: last` keeps the last. With `order_by`, `keep: last` keeps the row with \
        the greatest `order_by` value (ties: the later row) and `keep: first` the smallest; nulls in \
        `order_by` lose to any value. Rows with a null key are kept as one group per null key.
        """,
        keys: [
            ConfigKey("keys", "[string]", required: true, "The columns that identify a row."),
            ConfigKey("order_by", "string", "The column that decides which row wins."),
            ConfigKey("keep", "first | last", default: "first", "Which row of each key to keep."),
        ],
        example: """
        transforms:
          - type: dedupe
            keys: [transaction_id]
            order_by: _ingested_at
            keep: last
        """,
        make: { m in .transform(try Dedupe(m)) })

    enum Keep: String, CaseIterable, Sendable { case first, last }

    let keys: [NamedColumn]
    let orderBy: NamedColumn?
    let keep: Keep

    init(_ m: ConfigMap) throws {
        keys = try m.columnList("keys") ?? []
        if keys.isEmpty { throw m.error("keys", .invalidConfig, "dedupe needs at least one key column") }
        if let o = m.node("order_by"), let s = o.scalar {
            orderBy = NamedColumn(name: s, location: o.location, path: m.keyPath("order_by"))
        } else {
            orderBy = nil
        }
        keep = try m.choice("keep", default: Keep.first)
    }

    public func outputSchema(input: Schema, _ resolver: any SchemaResolver) throws -> Schema {
        for k in keys { _ = try k.index(in: input) }
        if let o = orderBy {
            let i = try o.index(in: input)
            if input[i].type == .bool {
                throw StrataError(.typeMismatch, "order_by column '\(o.name)' is bool; use a number, date, timestamp or string",
                                  location: o.location, path: o.path)
            }
        }
        return input
    }

    public func makeOperator(input: Schema, _ context: RunContext) throws -> any BatchOperator {
        _ = try outputSchema(input: input, EmptyResolver())
        let k = try keys.map { try $0.index(in: input) }
        if orderBy == nil && keep == .first { return StreamingFirst(schema: input, keys: k) }
        return HoldingDedupe(schema: input, keys: k, order: try orderBy.map { try $0.index(in: input) }, keepLast: keep == .last)
    }

    public func columnLineage(input: Schema, _ resolver: any SchemaResolver) throws -> ColumnLineage {
        var indirect = keys.map { ColumnLineage.IndirectEdge(ColumnRef($0.name), .filter) }
        if let o = orderBy { indirect.append(.init(ColumnRef(o.name), .sort)) }
        return .passThrough(input, indirect: indirect)
    }
}

/// Keeps each key's first row as it streams by.
final class StreamingFirst: BatchOperator {
    let schema: Schema
    let keys: [Int]
    var seen = Set<[UInt8]>()
    var key: [UInt8] = []

    init(schema: Schema, keys: [Int]) {
        self.schema = schema
        self.keys = keys
    }

    func push(_ batch: Batch) throws -> [Batch] {
        let cols = keys.map { batch.columns[$0] }
        var keep = [Bool](repeating: false, count: batch.rowCount)
        var any = false
        for r in 0..<batch.rowCount {
            RowKey.of(cols, r, into: &key)
            if seen.insert(key).inserted { keep[r] = true; any = true }
        }
        guard any else { return [] }
        var out = batch.filter(keep)
        out.origin = batch.origin
        return [out]
    }

    func finish() throws -> [Batch] { [] }
}

/// Holds the winning row of each key until the end of input.
final class HoldingDedupe: BatchOperator {
    let schema: Schema
    let keys: [Int]
    let order: Int?
    let keepLast: Bool
    /// Batches holding candidate rows; winners point into them.
    var held: [Batch] = []
    var winner: [[UInt8]: (batch: Int, row: Int)] = [:]
    var heldRows = 0
    var key: [UInt8] = []

    init(schema: Schema, keys: [Int], order: Int?, keepLast: Bool) {
        self.schema = schema
        self.keys = keys
        self.order = order
        self.keepLast = keepLast
    }

    /// True when (b2, r2) should replace (b1, r1).
    func better(_ b2: Batch, _ r2: Int, than b1: Batch, _ r1: Int) -> Bool {
        guard let o = order else { return keepLast }
        let c1 = b1.columns[o], c2 = b2.columns[o]
        let n1 = c1.isNull(r1), n2 = c2.isNull(r2)
        if n1 || n2 {
            if n1 && n2 { return keepLast }
            return n1  // a value beats null
        }
        let cmp = ValueOrder.compare(c2, r2, c1, r1)
        if cmp == 0 { return keepLast }
        return keepLast ? cmp > 0 : cmp < 0
    }

    func push(_ batch: Batch) throws -> [Batch] {
        guard batch.rowCount > 0 else { return [] }
        let bi = held.count
        held.append(batch)
        heldRows += batch.rowCount
        let cols = keys.map { batch.columns[$0] }
        for r in 0..<batch.rowCount {
            RowKey.of(cols, r, into: &key)
            if let w = winner[key] {
                if better(batch, r, than: held[w.batch], w.row) { winner[key] = (bi, r) }
            } else {
                winner[key] = (bi, r)
            }
        }
        if heldRows > 4 * max(winner.count, Batch.preferredRows) { compact() }
        return []
    }

    /// Rewrites the held batches to just the current winners, bounding memory by distinct keys.
    func compact() {
        let all = collect()
        held = all.rowCount > 0 ? [all] : []
        heldRows = all.rowCount
        var fresh: [[UInt8]: (batch: Int, row: Int)] = [:]
        let cols = keys.map { all.columns[$0] }
        for r in 0..<all.rowCount {
            RowKey.of(cols, r, into: &key)
            fresh[key] = (0, r)
        }
        winner = fresh
    }

    /// The winners in first-seen order of their rows.
    func collect() -> Batch {
        let picks = winner.values.sorted { ($0.batch, $0.row) < ($1.batch, $1.row) }
        var parts: [Batch] = []
        var i = 0
        while i < picks.count {
            let b = picks[i].batch
            var rows: [Int] = []
            while i < picks.count && picks[i].batch == b { rows.append(picks[i].row); i += 1 }
            parts.append(held[b].take(rows))
        }
        return Batch.concat(parts, schema: schema)
    }

    func finish() throws -> [Batch] {
        let out = collect()
        held = []
        winner = [:]
        return out.rowCount > 0 ? [out] : []
    }
}

/// Orders values of one column type (strings by UTF-8 bytes, as SQL's binary collation).
enum ValueOrder {
    static func compare(_ a: Column, _ i: Int, _ b: Column, _ j: Int) -> Int {
        switch (a.values, b.values) {
        case (.int64(let x), .int64(let y)): return x[i] < y[j] ? -1 : (x[i] > y[j] ? 1 : 0)
        case (.double(let x), .double(let y)): return x[i] < y[j] ? -1 : (x[i] > y[j] ? 1 : 0)
        case (.bool(let x), .bool(let y)): return x[i] == y[j] ? 0 : (x[i] ? 1 : -1)
        case (.bytes(let x), .bytes(let y)):
            let r1 = x.range(i), r2 = y.range(j)
            let n = min(r1.count, r2.count)
            for k in 0..<n {
                let c1 = x.bytes[r1.lowerBound + k], c2 = y.bytes[r2.lowerBound + k]
                if c1 != c2 { return c1 < c2 ? -1 : 1 }
            }
            return r1.count == r2.count ? 0 : (r1.count < r2.count ? -1 : 1)
        default: return 0
        }
    }
}
