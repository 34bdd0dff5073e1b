import StrataCore
import StrataConfig
import StrataFormats

/// `type: join`: join the stream with another table of the lake.
public struct Join: TransformConfig {
    public static let descriptor = PluginDescriptor(
        name: "join", kind: .transform,
        summary: "Hash-join the stream with another table (inner, left, semi or anti).",
        doc: """
        The other table is the build side, read whole and held in memory; the pipeline's own input \
        streams through. Keys match by equality and null keys never match (SQL). `how: inner` keeps matching \
        pairs, `left` keeps every stream row (the other table's columns null when nothing matches), `semi` \
        keeps stream rows with a match (once), `anti` those without. The other table's columns come after \
        the stream's; a name both sides have is an error unless `prefix` renames the other side's columns.
        """,
        keys: [
            ConfigKey("table", "layer.name", required: true, "The table to join with (the build side)."),
            ConfigKey("on", "[string] | map stream → table", required: true, "Key columns: a list when both sides use the same names, or `{stream_col: table_col}`."),
            ConfigKey("how", "inner | left | semi | anti", default: "inner", "The kind of join."),
            ConfigKey("columns", "[string]", "The other table's columns to add (default: all but its keys)."),
            ConfigKey("prefix", "string", "A prefix for the other table's added columns, e.g. `product_`."),
        ],
        example: """
        transforms:
          - type: join
            table: silver.products
            on: [product_id]
            how: left
            columns: [category, brand]
        """,
        make: { m in .transform(try Join(m)) })

    enum Kind: String, CaseIterable, Sendable { case inner, left, semi, anti }

    let table: TableRef
    let leftKeys: [NamedColumn]
    let rightKeys: [NamedColumn]
    let kind: Kind
    let columns: [NamedColumn]?
    let prefix: String
    let tableLocation: SourceLocation?

    init(_ m: ConfigMap) throws {
        table = try TableRef(parsing: try m.requiredString("table"), location: m.node("table")?.location, path: m.keyPath("table"))
        tableLocation = m.node("table")?.location
        if m.node("on")?.mapping != nil, let pairs = try m.namedMap("on") {
            leftKeys = pairs.map { NamedColumn(name: $0.key, location: $0.location, path: $0.path) }
            rightKeys = pairs.map { NamedColumn(name: $0.value, location: $0.location, path: $0.path) }
        } else {
            let l = try m.columnList("on") ?? []
            leftKeys = l
            rightKeys = l
        }
        if leftKeys.isEmpty { throw m.error("on", .invalidConfig, "join needs at least one key") }
        kind = try m.choice("how", default: Kind.inner)
        columns = try m.columnList("columns")
        prefix = try m.string("prefix", default: "")
    }

    public var reads: [TableRef] { [table] }

    struct Resolved {
        let leftKeys: [Int]
        let rightKeys: [Int]
        let added: [Int]
        let output: Schema
    }

    func resolve(_ input: Schema, _ right: Schema) throws -> Resolved {
        let lk = try leftKeys.map { try $0.index(in: input) }
        let rk = try rightKeys.map { try $0.index(in: right, table: table.description) }
        for (i, (l, r)) in zip(lk, rk).enumerated() where input[l].type != right[r].type {
            throw StrataError(.typeMismatch, "join key '\(leftKeys[i].name)' is \(input[l].type) but \(table).\(right[r].name) is \(right[r].type)",
                              location: leftKeys[i].location, path: leftKeys[i].path, hint: "cast one side first")
        }
        var fields = input.fields
        var added: [Int] = []
        if kind == .inner || kind == .left {
            let keySet = Set(rk)
            added = try columns.map { try $0.map { try $0.index(in: right, table: table.description) } }
                ?? right.fields.indices.filter { !keySet.contains($0) }
            for a in added {
                var f = right[a]
                f.name = prefix + f.name
                if kind == .left { f.nullable = true }
                if input.index(of: f.name) != nil {
                    throw StrataError(.schemaMismatch, "both the stream and \(table) have a column '\(f.name)'",
                                      location: tableLocation, path: "join",
                                      hint: "pick other table columns with `columns:`, or set `prefix:`")
                }
                fields.append(f)
            }
        }
        return Resolved(leftKeys: lk, rightKeys: rk, added: added, output: Schema(fields))
    }

    func rightSchema(_ resolver: any SchemaResolver) throws -> Schema {
        guard let s = resolver.schema(of: table) else {
            throw StrataError(.invalidPlan, "the schema of \(table) is not known yet", location: tableLocation, path: "join.table",
                              hint: "run the pipeline that writes it first")
        }
        return s
    }

    public func outputSchema(input: Schema, _ resolver: any SchemaResolver) throws -> Schema {
        try resolve(input, try rightSchema(resolver)).output
    }

    public func makeOperator(input: Schema, _ context: RunContext) throws -> any BatchOperator {
        let path = context.lakeRoot + "/" + table.relativePath
        guard DeltaLog(tablePath: path).exists() else {
            throw StrataError(.notFound, "\(table) does not exist yet", location: tableLocation, hint: "run the pipeline that writes it first")
        }
        // Read only the keys and the columns the join adds.
        let fullSchema = try DeltaTableReader(tablePath: path).schema
        let full = try resolve(input, fullSchema)
        var needed: [String] = []
        for i in full.rightKeys + full.added where !needed.contains(fullSchema[i].name) { needed.append(fullSchema[i].name) }
        let reader = try context.openTable(table, columns: needed)
        let r = try resolve(input, reader.schema)
        var parts: [Batch] = []
        while let b = try reader.next() { parts.append(b) }
        let build = Batch.concat(parts, schema: reader.schema)
        return JoinOperator(kind: kind, resolved: r, build: build)
    }

    public func columnLineage(input: Schema, _ resolver: any SchemaResolver) throws -> ColumnLineage {
        let right = try rightSchema(resolver)
        let r = try resolve(input, right)
        var lineage = ColumnLineage.passThrough(input)
        for a in r.added {
            lineage.direct[prefix + right[a].name] = [.init(ColumnRef(right[a].name, table: table), .identity)]
        }
        lineage.indirect = leftKeys.map { .init(ColumnRef($0.name), .join) }
            + rightKeys.map { .init(ColumnRef($0.name, table: table), .join) }
        return lineage
    }
}

final class JoinOperator: BatchOperator {
    let kind: Join.Kind
    let resolved: Join.Resolved
    let build: Batch
    /// Build-side keys (rows with a null key are left out: they never match).
    let index: KeyIndex
    /// Build rows of key id `k`: `rows[start[k]..<start[k + 1]]`, ascending.
    let start: [Int]
    let rows: [Int]
    var schema: Schema { resolved.output }

    init(kind: Join.Kind, resolved: Join.Resolved, build: Batch) {
        self.kind = kind
        self.resolved = resolved
        self.build = build
        let cols = resolved.rightKeys.map { build.columns[$0] }
        let index = KeyIndex(types: cols.map(\.type))
        var ids = [Int32](repeating: -1, count: build.rowCount)
        for r in 0..<build.rowCount where !RowKey.hasNull(cols, r) { ids[r] = index.assign(cols, row: r) }
        var start = [Int](repeating: 0, count: index.count + 1)
        for id in ids where id >= 0 { start[Int(id) + 1] += 1 }
        for k in 0..<index.count { start[k + 1] += start[k] }
        var fill = start
        var rows = [Int](repeating: 0, count: start[index.count])
        for (r, id) in ids.enumerated() where id >= 0 {
            rows[fill[Int(id)]] = r
            fill[Int(id)] += 1
        }
        self.index = index
        self.start = start
        self.rows = rows
    }

    func push(_ batch: Batch) throws -> [Batch] {
        let cols = resolved.leftKeys.map { batch.columns[$0] }
        let ids = index.lookup(cols, rows: batch.rowCount)
        var left: [Int] = []
        var right: [Int] = []
        left.reserveCapacity(batch.rowCount)
        if kind == .inner || kind == .left { right.reserveCapacity(batch.rowCount) }
        for (r, id) in ids.enumerated() {
            switch kind {
            case .inner:
                guard id >= 0 else { continue }
                for m in start[Int(id)]..<start[Int(id) + 1] { left.append(r); right.append(rows[m]) }
            case .left:
                if id >= 0 {
                    for m in start[Int(id)]..<start[Int(id) + 1] { left.append(r); right.append(rows[m]) }
                } else {
                    left.append(r)
                    right.append(-1)
                }
            case .semi:
                if id >= 0 { left.append(r) }
            case .anti:
                if id < 0 { left.append(r) }
            }
        }
        guard !left.isEmpty else { return [] }
        let all = left.count == batch.rowCount && (kind == .semi || kind == .anti || left.elementsEqual(0..<batch.rowCount))
        var columns = all ? batch.columns : batch.columns.map { $0.take(left) }
        if kind == .inner || kind == .left {
            for a in resolved.added { columns.append(build.columns[a].takeOrNull(right)) }
        }
        var out = Batch(schema: resolved.output, columns: columns)
        out.origin = batch.origin
        return [out]
    }

    func finish() throws -> [Batch] { [] }
}

extension Column {
    /// Gathers rows; an index of -1 gives null.
    func takeOrNull(_ indices: [Int]) -> Column {
        guard indices.contains(-1) else { return take(indices) }
        var b = ColumnBuilder(type: type, capacity: indices.count)
        for i in indices {
            if i < 0 { b.appendNull() } else { b.append(from: self, row: i) }
        }
        return b.finish()
    }
}

extension Join: SparkCompilable {
    public func compileSpark(_ job: SparkJob, input: SparkFrame, _ resolver: any SchemaResolver) throws -> SparkFrame {
        let right = try rightSchema(resolver)
        let r = try resolve(input.schema, right)
        let other = job.table(table, schema: right)
        // The other table's columns under private names, so no name is ambiguous after the join.
        var cols: [String] = []
        for (i, k) in r.rightKeys.enumerated() { cols.append("\(job.col(right[k].name)).alias(\"__k\(i)\")") }
        for a in r.added { cols.append("\(job.col(right[a].name)).alias(\(job.python("__r_" + right[a].name)))") }
        // A stream row matching several rows comes out once per match, in the other table's read order.
        if kind == .inner || kind == .left { cols.append("F.col(\"__seq\").alias(\"__rseq\")") }
        job.comment("join \(kind.rawValue) \(table) on " + zip(leftKeys, rightKeys).map { $0.name == $1.name ? $0.name : "\($0.name) = \($1.name)" }.joined(separator: ", "))
        let build = job.frame("\(other.name).select(\(cols.joined(separator: ", ")))", schema: right)
        let cond = r.leftKeys.enumerated().map { i, l in "(\(input.name)[\(job.python(SparkSQL.identifier(input.schema[l].name)))] == \(build.name)[\"__k\(i)\"])" }
        let how = ["inner": "inner", "left": "left", "semi": "left_semi", "anti": "left_anti"][kind.rawValue]!
        var joined = job.frame("\(input.name).join(\(build.name), \(cond.joined(separator: " & ")), \(job.python(how)))", schema: r.output)
        if kind == .inner || kind == .left {
            joined = job.frame("\(joined.name).withColumn(\"__seq\", F.concat(F.col(\"__seq\"), F.coalesce(F.col(\"__rseq\"), F.array().cast(\"array<bigint>\"))))", schema: r.output)
        }
        var renamed: [String: String] = [:]
        for a in r.added { renamed[prefix + right[a].name] = "__r_" + right[a].name }
        return job.project(joined, r.output, renamed: renamed)
    }
}
