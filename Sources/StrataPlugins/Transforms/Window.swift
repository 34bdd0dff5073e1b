import StrataCore
import StrataConfig

/// `type: window`: tumbling time windows (KPIs per minute, hour, day).
public struct Window: TransformConfig {
    public static let descriptor = PluginDescriptor(
        name: "window", kind: .transform,
        summary: "Aggregate over tumbling time windows: one row per window (and group).",
        doc: """
        Each row falls in the window `[start, start + every)` of its `time_column` (windows are aligned \
        to the Unix epoch, UTC). The output has `window_start` and `window_end` (timestamps), the \
        `group_by` columns and the aggregates, as `aggregate` computes them. Rows with a null time are dropped.
        """,
        keys: [
            ConfigKey("time_column", "string", required: true, "A timestamp (or date) column."),
            ConfigKey("every", "duration", required: true, "Window size: `30 seconds`, `1 minute`, `15 minutes`, `1 hour`, `1 day`, `7 days`."),
            AggregateKeys.groupBy,
            AggregateKeys.aggregates,
        ],
        example: """
        transforms:
          - type: window
            time_column: ts
            every: 1 hour
            group_by: [event_type]
            aggregates:
              events: count(*)
              users: count_distinct(user_id)
        """,
        make: { m in .transform(try Window(m)) })

    let time: NamedColumn
    let every: Int64
    let groupBy: [NamedColumn]
    let specs: [AggregateSpec]

    init(_ m: ConfigMap) throws {
        let t = m.node("time_column")!
        time = NamedColumn(name: try m.requiredString("time_column"), location: t.location, path: m.keyPath("time_column"))
        let text = try m.requiredString("every")
        guard let micros = Self.parseDuration(text) else {
            throw m.error("every", .invalidConfig, "'\(text)' is not a duration", hint: "write N UNIT with UNIT seconds, minutes, hours or days, e.g. 15 minutes")
        }
        every = micros
        groupBy = try m.columnList("group_by") ?? []
        specs = try AggregateKeys.specs(m)
    }

    /// `15 minutes` → microseconds.
    static func parseDuration(_ text: String) -> Int64? {
        let parts = text.lowercased().split(separator: " ").map(String.init)
        guard (1...2).contains(parts.count) else { return nil }
        var n: Int64 = 1
        var unit = parts.last!
        if parts.count == 2 {
            guard let v = Int64(parts[0]), v > 0 else { return nil }
            n = v
        } else if let i = unit.firstIndex(where: { !$0.isNumber }), i != unit.startIndex, let v = Int64(unit[..<i]) {
            n = v
            unit = String(unit[i...])
        }
        let s: Int64
        switch unit {
        case "s", "sec", "second", "seconds": s = 1
        case "m", "min", "minute", "minutes": s = 60
        case "h", "hour", "hours": s = 3600
        case "d", "day", "days": s = 86_400
        default: return nil
        }
        return n * s * 1_000_000
    }

    static let startField = Field("window_start", .timestamp, nullable: false)
    static let endField = Field("window_end", .timestamp, nullable: false)

    func plan(_ input: Schema) throws -> (time: Int, keys: [Int], args: [ArgumentEvaluator?], extended: Schema, aggSchema: Schema, output: Schema) {
        let ti = try time.index(in: input)
        guard input[ti].type == .timestamp || input[ti].type == .date else {
            throw StrataError(.typeMismatch, "time_column '\(time.name)' is \(input[ti].type); expected timestamp or date",
                              location: time.location, path: time.path)
        }
        var extended = input
        extended.append(Self.startField)
        let keys = [extended.count - 1] + (try groupBy.map { try $0.index(in: input) })
        let args = try specs.map { try Arguments.resolve($0, input, context: nil) }
        let agg = try Aggregate.outputSchema(input: extended, keys: keys, specs: specs, args: args)
        var out = [agg[0], Self.endField] + agg.fields.dropFirst()
        out[0] = Self.startField
        return (ti, keys, args, extended, agg, Schema(out))
    }

    public func outputSchema(input: Schema, _ resolver: any SchemaResolver) throws -> Schema {
        try plan(input).output
    }

    public func makeOperator(input: Schema, _ context: RunContext) throws -> any BatchOperator {
        let p = try plan(input)
        return WindowOperator(timeIndex: p.time, every: every, isDate: input[p.time].type == .date, extended: p.extended,
                              output: p.output,
                              aggregator: GroupAggregator(input: p.extended, keyColumns: p.keys, specs: specs, args: p.args, outputSchema: p.aggSchema))
    }

    public func columnLineage(input: Schema, _ resolver: any SchemaResolver) throws -> ColumnLineage {
        var l = try Aggregate.lineage(groupBy: groupBy, specs: specs, input: input)
        l.direct["window_start"] = [.init(ColumnRef(time.name), .transformation, description: "tumbling window start")]
        l.direct["window_end"] = [.init(ColumnRef(time.name), .transformation, description: "tumbling window end")]
        l.indirect.insert(.init(ColumnRef(time.name), .window), at: 0)
        return l
    }
}

final class WindowOperator: BatchOperator {
    let timeIndex: Int
    let every: Int64
    let isDate: Bool
    let extended: Schema
    let schema: Schema
    let aggregator: GroupAggregator

    init(timeIndex: Int, every: Int64, isDate: Bool, extended: Schema, output: Schema, aggregator: GroupAggregator) {
        self.timeIndex = timeIndex
        self.every = every
        self.isDate = isDate
        self.extended = extended
        self.schema = output
        self.aggregator = aggregator
    }

    func push(_ batch: Batch) throws -> [Batch] {
        let t = batch.columns[timeIndex]
        guard case .int64(let v) = t.values else { return [] }
        var keep = [Bool](repeating: true, count: batch.rowCount)
        var starts = [Int64](repeating: 0, count: batch.rowCount)
        for i in 0..<batch.rowCount {
            if t.isNull(i) { keep[i] = false; continue }
            let micros = isDate ? v[i] * Temporal.microsPerDay : v[i]
            var s = micros - micros % every
            if micros % every < 0 { s -= every }
            starts[i] = s
        }
        var b = Batch(schema: extended, columns: batch.columns + [Column(type: .timestamp, values: .int64(starts))])
        if t.validity != nil { b = b.filter(keep) }
        try aggregator.add(b, keys: aggregator.keyColumns.map { b.columns[$0] })
        return []
    }

    func finish() throws -> [Batch] {
        let r = aggregator.result()
        guard r.rowCount > 0 else { return [] }
        guard case .int64(let starts) = r.columns[0].values else { return [] }
        let end = Column(type: .timestamp, values: .int64(starts.map { $0 + every }))
        return [Batch(schema: schema, columns: [r.columns[0], end] + r.columns.dropFirst())]
    }
}

extension Window: SparkCompilable {
    public func compileSpark(_ job: SparkJob, input: SparkFrame, _ resolver: any SchemaResolver) throws -> SparkFrame {
        let p = try plan(input.schema)
        let t = SparkSQL.identifier(time.name)
        let micros = input.schema[p.time].type == .date ? "unix_micros(CAST(\(t) AS TIMESTAMP))" : "unix_micros(\(t))"
        // The window's start: the time floored to a multiple of `every` since the epoch; rows without a time are left out.
        let start = "timestamp_micros(CASE WHEN \(micros) >= 0 THEN \(micros) DIV \(every) ELSE -((\(every - 1) - \(micros)) DIV \(every)) END * \(every))"
        job.comment("window: every \(every / 1_000_000) s over \(time.name)" + (groupBy.isEmpty ? "" : " by " + groupBy.map(\.name).joined(separator: ", ")))
        let timed = job.frame("\(input.name).where(\(job.col(time.name)).isNotNull()).withColumn(\"window_start\", \(job.expr(start)))", schema: p.extended)
        let aggs = try specs.map { try AggregateSpark.sql($0, input.schema, p.aggSchema) } + ["F.min(\"__seq\").alias(\"__seq\")"]
        let keys = ["F.col(\"window_start\")"] + groupBy.map { job.col($0.name) }
        let g = job.frame("\(timed.name).groupBy(\(keys.joined(separator: ", "))).agg(\(aggs.joined(separator: ", ")))", schema: p.aggSchema)
        let ended = job.frame("\(g.name).withColumn(\"window_end\", \(job.expr("timestamp_micros(unix_micros(window_start) + \(every))")))", schema: p.output)
        return job.project(ended, p.output)
    }
}
