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
    let seen: KeyIndex

    init(schema: Schema, keys: [Int]) {
        self.schema = schema
        self.keys = keys
        self.seen = KeyIndex(types: keys.map { schema[$0].type })
    }

    func push(_ batch: Batch) throws -> [Batch] {
        let cols = keys.map { batch.columns[$0] }
        var next = Int32(seen.count)
        let ids = seen.assign(cols, rows: batch.rowCount)
        // A key's first row is the row that got its (new) id: ids are handed out in row order.
        var keep = [Int]()
        keep.reserveCapacity(Int(Int32(seen.count) - next))
        for (r, id) in ids.enumerated() where id == next {
            keep.append(r)
            next += 1
        }
        guard !keep.isEmpty else { return [] }
        var out = keep.count == batch.rowCount ? batch : batch.take(keep)
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
    var index: KeyIndex
    /// Per key id: the batch and row of its current winner.
    var winBatch: [Int32] = []
    var winRow: [Int32] = []
    var heldRows = 0

    init(schema: Schema, keys: [Int], order: Int?, keepLast: Bool) {
        self.schema = schema
        self.keys = keys
        self.order = order
        self.keepLast = keepLast
        self.index = KeyIndex(types: keys.map { schema[$0].type })
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
        let bi = Int32(held.count)
        held.append(batch)
        heldRows += batch.rowCount
        let ids = index.assign(keys.map { batch.columns[$0] }, rows: batch.rowCount)
        for (r, id) in ids.enumerated() {
            let k = Int(id)
            if k == winBatch.count {
                winBatch.append(bi)
                winRow.append(Int32(r))
            } else if order == nil {
                if keepLast { winBatch[k] = bi; winRow[k] = Int32(r) }
            } else if better(batch, r, than: held[Int(winBatch[k])], Int(winRow[k])) {
                winBatch[k] = bi
                winRow[k] = Int32(r)
            }
        }
        if heldRows > 4 * max(index.count, Batch.preferredRows) { compact() }
        return []
    }

    /// Rewrites the held batches to just the current winners, bounding memory by distinct keys.
    func compact() {
        let all = collect()
        held = all.rowCount > 0 ? [all] : []
        heldRows = all.rowCount
        index = KeyIndex(types: keys.map { schema[$0].type })
        let ids = index.assign(keys.map { all.columns[$0] }, rows: all.rowCount)
        winBatch = [Int32](repeating: 0, count: index.count)
        winRow = [Int32](repeating: 0, count: index.count)
        for (r, id) in ids.enumerated() { winRow[Int(id)] = Int32(r) }
    }

    /// The winners in first-seen order of their rows.
    func collect() -> Batch {
        var picks = [Int](repeating: 0, count: winBatch.count)
        for k in picks.indices { picks[k] = Int(winBatch[k]) << 32 | Int(winRow[k]) }
        picks.sort()
        var parts: [Batch] = []
        var i = 0
        while i < picks.count {
            let b = picks[i] >> 32
            var rows: [Int] = []
            while i < picks.count && picks[i] >> 32 == b { rows.append(picks[i] & 0xffff_ffff); i += 1 }
            parts.append(held[b].take(rows))
        }
        return Batch.concat(parts, schema: schema)
    }

    func finish() throws -> [Batch] {
        let out = collect()
        held = []
        winBatch = []
        winRow = []
        return out.rowCount > 0 ? [out] : []
    }
}

/// Orders values of one column type (strings by UTF-8 bytes, as SQL's binary collation).
public enum ValueOrder {
    public static func compare(_ a: Column, _ i: Int, _ b: Column, _ j: Int) -> Int {
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

extension Dedupe: SparkCompilable {
    public func compileSpark(_ job: SparkJob, input: SparkFrame, _ resolver: any SchemaResolver) throws -> SparkFrame {
        _ = try outputSchema(input: input.schema, resolver)
        if let o = orderBy, let i = input.schema.index(of: o.name), input.schema[i].type == .double {
            // Natively NaN ties with every value; no Spark ordering does that.
            throw StrataError(.invalidConfig, "dedupe order_by a double column is not supported by the Spark engine",
                              location: o.location, path: o.path, hint: "order by a timestamp, number or string column, or run this pipeline natively")
        }
        let last = keep == .last
        // The row Strata keeps: by order_by (a value beats null; ties go to the later row for
        // keep: last, the earlier for keep: first), else by read order.
        var order: [String] = []
        if let o = orderBy {
            order.append("F.col(\(job.python(SparkSQL.identifier(o.name)))).isNull()")
            order.append(job.col(o.name) + (last ? ".desc()" : ".asc()"))
        }
        order.append("F.col(\"__seq\")" + (last ? ".desc()" : ".asc()"))
        job.comment("dedupe: one row per " + keys.map(\.name).joined(separator: ", ") + ", keep \(keep.rawValue)" + (orderBy.map { " by \($0.name)" } ?? " in read order"))
        let w = "Window.partitionBy(\(keys.map { job.col($0.name) }.joined(separator: ", "))).orderBy(\(order.joined(separator: ", ")))"
        let ranked = job.frame("\(input.name).withColumn(\"__pick\", F.row_number().over(\(w)))", schema: input.schema)
        return job.frame("\(ranked.name).where(F.col(\"__pick\") == 1).drop(\"__pick\")", schema: input.schema)
    }
}
