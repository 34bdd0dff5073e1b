import StrataCore
import StrataConfig
import StrataFormats

/// `type: union`: the stream followed by the rows of other tables.
public struct Union: TransformConfig {
    public static let descriptor = PluginDescriptor(
        name: "union", kind: .transform,
        summary: "Append the rows of other tables to the stream (UNION ALL by column name).",
        doc: """
        Columns match by name. Each other table must have only columns the stream has, with the same \
        types; a stream column the other table lacks is null for its rows (and becomes nullable). \
        The other tables are read whole, after the stream.
        """,
        keys: [ConfigKey("tables", "[layer.name]", required: true, "The tables whose rows to append.")],
        example: """
        transforms:
          - type: union
            tables: [silver.orders_archive]
        """,
        make: { m in .transform(try Union(m)) })

    let tables: [TableRef]
    let location: SourceLocation

    init(_ m: ConfigMap) throws {
        location = m.node("tables")?.location ?? m.location
        tables = try (m.columnList("tables") ?? []).map { try TableRef(parsing: $0.name, location: $0.location, path: $0.path) }
        if tables.isEmpty { throw m.error("tables", .invalidConfig, "union needs at least one table") }
    }

    public var reads: [TableRef] { tables }

    func merged(_ input: Schema, _ others: [(TableRef, Schema)]) throws -> Schema {
        var fields = input.fields
        for (t, s) in others {
            for f in s.fields {
                guard let i = input.index(of: f.name) else {
                    throw StrataError(.schemaMismatch, "\(t) has a column '\(f.name)' the stream does not", location: location,
                                      path: "union.tables", hint: "select the same columns on both sides first")
                }
                guard input[i].type == f.type else {
                    throw StrataError(.schemaMismatch, "column '\(f.name)' is \(input[i].type) in the stream but \(f.type) in \(t)",
                                      location: location, path: "union.tables", hint: "cast one side first")
                }
                if f.nullable { fields[i].nullable = true }
            }
            for (i, f) in input.fields.enumerated() where s.index(of: f.name) == nil { fields[i].nullable = true }
        }
        return Schema(fields)
    }

    public func outputSchema(input: Schema, _ resolver: any SchemaResolver) throws -> Schema {
        try merged(input, try tables.map { t in
            guard let s = resolver.schema(of: t) else {
                throw StrataError(.invalidPlan, "the schema of \(t) is not known yet", location: location, path: "union.tables")
            }
            return (t, s)
        })
    }

    public func makeOperator(input: Schema, _ context: RunContext) throws -> any BatchOperator {
        let readers = try tables.map { t -> (TableRef, any BatchReader) in
            let path = context.lakeRoot + "/" + t.relativePath
            guard DeltaLog(tablePath: path).exists() else {
                throw StrataError(.notFound, "\(t) does not exist yet", location: location, hint: "run the pipeline that writes it first")
            }
            return (t, try context.openTable(t))
        }
        let out = try merged(input, readers.map { ($0.0, $0.1.schema) })
        return UnionOperator(schema: out, readers: readers.map(\.1))
    }

    public func columnLineage(input: Schema, _ resolver: any SchemaResolver) throws -> ColumnLineage {
        var l = ColumnLineage.passThrough(input)
        for t in tables {
            guard let s = resolver.schema(of: t) else { continue }
            for f in s.fields { l.direct[f.name, default: []].append(.init(ColumnRef(f.name, table: t), .identity)) }
        }
        return l
    }
}

final class UnionOperator: BatchOperator {
    let schema: Schema
    let readers: [any BatchReader]

    init(schema: Schema, readers: [any BatchReader]) {
        self.schema = schema
        self.readers = readers
    }

    func conform(_ b: Batch) -> Batch {
        var out = Batch(schema: schema, columns: schema.fields.map { f in
            b.column(named: f.name) ?? .nulls(f.type, count: b.rowCount)
        })
        out.origin = b.origin
        return out
    }

    func push(_ batch: Batch) throws -> [Batch] { [conform(batch)] }

    func finish() throws -> [Batch] {
        var out: [Batch] = []
        for r in readers {
            while let b = try r.next() { if b.rowCount > 0 { out.append(conform(b)) } }
        }
        return out
    }
}

extension Union: SparkCompilable {
    public func compileSpark(_ job: SparkJob, input: SparkFrame, _ resolver: any SchemaResolver) throws -> SparkFrame {
        let out = try outputSchema(input: input.schema, resolver)
        job.comment("union: " + tables.map(\.description).joined(separator: ", ") + " (rows after the stream's, columns by name, missing ones null)")
        var current = input
        for t in tables {
            guard let s = resolver.schema(of: t) else { throw StrataError(.invalidPlan, "the schema of \(t) is not known yet", location: location) }
            let other = job.table(t, schema: s)
            // After every stream row, table by table in the order listed.
            let k = tables.firstIndex(of: t)!
            let ordered = job.frame("\(other.name).withColumn(\"__seq\", F.concat(F.array(F.lit(\(1 << 20 + k)).cast(\"bigint\")), F.col(\"__seq\")))", schema: s)
            current = job.frame("\(current.name).unionByName(\(ordered.name), allowMissingColumns=True)", schema: out)
        }
        return job.project(current, out, computed: Dictionary(uniqueKeysWithValues: out.fields.map { ($0.name, SparkSQL.identifier($0.name)) }))
    }
}
