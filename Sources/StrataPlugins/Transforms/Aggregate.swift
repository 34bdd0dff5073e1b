import StrataCore
import StrataConfig
import StrataFormats

/// One `name: fn(arg)` entry of `aggregates:`.
struct AggregateSpec: Sendable {
    let output: String
    let function: AggregateFunction
    /// The argument text; nil for `count(*)`.
    let argument: String?
    let location: SourceLocation
    let path: String

    /// Parses `sum(amount)`, `count(*)`, `count_distinct(user_id)`.
    static func parse(output: String, text: String, location: SourceLocation, path: String) throws -> AggregateSpec {
        let t = text.trimming(" ")
        guard let open = t.firstIndex(of: "("), t.hasSuffix(")") else {
            throw StrataError(.invalidConfig, "'\(text)' is not an aggregate", location: location, path: path,
                              hint: "write FUNCTION(COLUMN), e.g. sum(amount) or count(*); functions: "
                                + AggregateFunction.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let name = String(t[..<open]).trimming(" ").lowercased()
        var arg = String(t[t.index(after: open)..<t.index(before: t.endIndex)]).trimming(" ")
        var fn = AggregateFunction(rawValue: name)
        if fn == .count, arg.lowercased().hasPrefix("distinct ") {
            fn = .count_distinct
            arg = String(arg.dropFirst("distinct ".count)).trimming(" ")
        }
        guard let fn else {
            throw StrataError(.invalidConfig, "unknown aggregate function '\(name)'", location: location, path: path,
                              hint: Suggest.hint(for: name, in: AggregateFunction.allCases.map(\.rawValue))
                                ?? "functions: " + AggregateFunction.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if arg == "*" {
            guard fn == .count else {
                throw StrataError(.invalidConfig, "\(fn.rawValue)(*) is not defined", location: location, path: path, hint: "name a column")
            }
            return AggregateSpec(output: output, function: fn, argument: nil, location: location, path: path)
        }
        if arg.isEmpty {
            throw StrataError(.invalidConfig, "\(fn.rawValue)() needs an argument", location: location, path: path)
        }
        return AggregateSpec(output: output, function: fn, argument: arg, location: location, path: path)
    }
}

/// The shared keys of `aggregate` and `window`.
enum AggregateKeys {
    static let groupBy = ConfigKey("group_by", "[string]", default: "[]", "Columns to group by (none: one row for the whole input).")
    static let aggregates = ConfigKey("aggregates", "map name → fn(arg)", required: true,
                                      "Output columns: count(*), count(x), count_distinct(x), sum(x), avg(x), min(x), max(x), first(x), last(x).")

    static func specs(_ m: ConfigMap) throws -> [AggregateSpec] {
        let specs = try (m.namedMap("aggregates") ?? []).map {
            try AggregateSpec.parse(output: $0.key, text: $0.value, location: $0.location, path: $0.path)
        }
        if specs.isEmpty { throw m.error("aggregates", .invalidConfig, "at least one aggregate is required") }
        return specs
    }
}

/// Groups rows by key columns and folds each group's rows into aggregates.
///
/// Memory is proportional to the number of groups, not rows. Groups come out in order of first appearance.
final class GroupAggregator {
    let keyColumns: [Int]
    let args: [ArgumentEvaluator?]
    let functions: [AggregateFunction]
    let outputSchema: Schema
    private let groups: KeyIndex
    private var keyBuilders: [ColumnBuilder]
    private var accumulators: [any Accumulator]
    private let global: Bool

    init(input: Schema, keyColumns: [Int], specs: [AggregateSpec], args: [ArgumentEvaluator?], outputSchema: Schema) {
        self.keyColumns = keyColumns
        self.args = args
        self.functions = specs.map(\.function)
        self.outputSchema = outputSchema
        self.keyBuilders = keyColumns.map { ColumnBuilder(type: input[$0].type) }
        self.groups = KeyIndex(types: keyColumns.map { input[$0].type })
        self.accumulators = zip(specs, args).map { s, a in s.function.makeAccumulator(arg: a?.type) }
        self.global = keyColumns.isEmpty
    }

    var groupCount: Int { global ? 1 : groups.count }

    func add(_ batch: Batch, keys: [Column]) throws {
        var ids: [Int32]
        if global {
            ids = [Int32](repeating: 0, count: batch.rowCount)
        } else {
            var next = Int32(groups.count)
            ids = groups.assign(keys, rows: batch.rowCount)
            // A new group's first row is the row that got its id: ids are handed out in row order.
            for (r, g) in ids.enumerated() where g == next {
                for k in keyBuilders.indices { keyBuilders[k].append(from: keys[k], row: r) }
                next += 1
            }
        }
        let n = groupCount
        // Every other count_distinct (the costly ones: a hash set of pairs each) folds on a helper
        // thread meanwhile; each accumulator is still fed its batches in order, by one thread.
        var offloaded: PendingResult<Bool>?
        if !aside.isEmpty {
            let work = UncheckedBox((aside.map { accumulators[$0] }, try aside.map { try args[$0]?.evaluate(batch) }, ids))
            offloaded = helper.submit {
                let (accs, cols, ids) = work.value
                for (acc, col) in zip(accs, cols) { try acc.update(groups: ids, groupCount: n, column: col) }
                return true
            }
        }
        var failure: (any Error)?
        for (i, acc) in accumulators.enumerated() where !asideSet.contains(i) {
            do {
                try acc.update(groups: ids, groupCount: n, column: try args[i]?.evaluate(batch))
            } catch {
                failure = error
                break
            }
        }
        if let offloaded { _ = try offloaded.wait() }
        if let failure { throw failure }
    }

    /// Accumulators folded on `helper` (odd-ranked count_distinct ones).
    private lazy var aside: [Int] = {
        let distinct = functions.indices.filter { functions[$0] == .count_distinct }
        return distinct.enumerated().filter { $0.offset % 2 == 1 }.map(\.element)
    }()
    private lazy var asideSet = Set(aside)
    private lazy var helper = WorkerPool(threads: 1)

    func result() -> Batch {
        let n = groupCount
        var cols = keyBuilders.map { $0.finish() }
        for (i, acc) in accumulators.enumerated() {
            cols.append(acc.result(type: outputSchema[keyColumns.count + i].type, groupCount: n))
        }
        return Batch(schema: outputSchema, columns: cols)
    }
}

/// Hands a value that one thread at a time uses to another thread.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Computes an aggregate's argument column from a batch.
protocol ArgumentEvaluator: Sendable {
    var type: DataType { get }
    func evaluate(_ batch: Batch) throws -> Column
}

/// An argument that is an input column.
struct ColumnArgument: ArgumentEvaluator {
    let index: Int
    let type: DataType
    func evaluate(_ batch: Batch) throws -> Column { batch.columns[index] }
}

/// An argument that is an expression over the input (`sum(amount * quantity)`).
struct ExpressionArgument: ArgumentEvaluator {
    let expr: TypedExpr
    let context: EvaluationContext?
    var type: DataType { expr.type }
    func evaluate(_ batch: Batch) throws -> Column { try expr.evaluate(batch, context: context) }
}

enum Arguments {
    /// The argument's expression, positioned inside `fn(...)` in the config.
    static func source(_ spec: AggregateSpec) -> ExpressionSource? {
        guard let arg = spec.argument else { return nil }
        return ExpressionSource(text: arg, location: spec.location, path: spec.path)
    }

    /// Resolves an aggregate's argument against the input schema: a column, or any expression.
    static func resolve(_ spec: AggregateSpec, _ input: Schema, context: EvaluationContext? = nil) throws -> ArgumentEvaluator? {
        guard let src = source(spec) else { return nil }
        let e = try src.compile(input)
        if case .column(let name) = e.expr.node, let i = input.index(of: name) {
            return ColumnArgument(index: i, type: input[i].type)
        }
        return ExpressionArgument(expr: e, context: context)
    }

    /// Lineage of an aggregate output: AGGREGATION edges from the columns its argument reads.
    static func lineage(_ spec: AggregateSpec, _ input: Schema) throws -> (direct: [ColumnLineage.Edge], indirect: [ColumnLineage.IndirectEdge]) {
        guard let src = source(spec) else { return ([], []) }
        let e = try src.compile(input)
        let (direct, indirect) = ExpressionSource.lineage(e)
        // Counting reveals nothing of the values counted, so it carries no governance tags.
        let reveals = spec.function != .count && spec.function != .count_distinct
        return (direct.map { .init($0.input, .aggregation, description: "\(spec.function.rawValue)(\(e.sql))", revealsValues: reveals) }, indirect)
    }
}

/// `type: aggregate`: group by and aggregate.
public struct Aggregate: TransformConfig {
    public static let descriptor = PluginDescriptor(
        name: "aggregate", kind: .transform,
        summary: "Group rows and compute aggregates (count, count_distinct, sum, avg, min, max, first, last).",
        doc: """
        Holds one state per group (memory grows with groups, not rows) and emits the groups at the end of \
        input, in order of first appearance. Without `group_by`, emits exactly one row (even for no input). \
        SQL semantics: aggregates skip nulls; sum/avg/min/max of no values is null; count of no values is 0; \
        sum(int64) is int64 (overflow fails the run), sum(decimal(p,s)) is decimal(18,s), avg is double; \
        first/last keep the first/last row's value, null or not.
        """,
        keys: [AggregateKeys.groupBy, AggregateKeys.aggregates],
        example: """
        transforms:
          - type: aggregate
            group_by: [category, day]
            aggregates:
              revenue: sum(amount)
              orders: count(*)
              buyers: count_distinct(user_id)
        """,
        make: { m in .transform(try Aggregate(m)) })

    let groupBy: [NamedColumn]
    let specs: [AggregateSpec]

    init(_ m: ConfigMap) throws {
        groupBy = try m.columnList("group_by") ?? []
        specs = try AggregateKeys.specs(m)
        var names = Set<String>()
        for g in groupBy where !names.insert(g.name).inserted {
            throw StrataError(.invalidConfig, "'\(g.name)' is grouped twice", location: g.location, path: g.path)
        }
        for s in specs where !names.insert(s.output).inserted {
            throw StrataError(.invalidConfig, "output column '\(s.output)' is defined twice", location: s.location, path: s.path)
        }
    }

    static func outputSchema(input: Schema, keys: [Int], specs: [AggregateSpec], args: [ArgumentEvaluator?]) throws -> Schema {
        var fields = keys.map { input[$0] }
        for (s, a) in zip(specs, args) {
            do {
                let (t, nullable) = try s.function.resultType(a?.type)
                fields.append(Field(s.output, t, nullable: nullable))
            } catch let e as StrataError {
                throw StrataError(e.code, e.message, location: s.location, path: s.path, hint: e.hint)
            }
        }
        return Schema(fields)
    }

    public func outputSchema(input: Schema, _ resolver: any SchemaResolver) throws -> Schema {
        let keys = try groupBy.map { try $0.index(in: input) }
        return try Self.outputSchema(input: input, keys: keys, specs: specs, args: specs.map { try Arguments.resolve($0, input) })
    }

    public func makeOperator(input: Schema, _ context: RunContext) throws -> any BatchOperator {
        let keys = try groupBy.map { try $0.index(in: input) }
        let args = try specs.map { try Arguments.resolve($0, input, context: EvaluationContext(context)) }
        let out = try Self.outputSchema(input: input, keys: keys, specs: specs, args: args)
        return AggregateOperator(GroupAggregator(input: input, keyColumns: keys, specs: specs, args: args, outputSchema: out))
    }

    public func columnLineage(input: Schema, _ resolver: any SchemaResolver) throws -> ColumnLineage {
        try Self.lineage(groupBy: groupBy, specs: specs, input: input)
    }

    /// Group keys pass through (and group the rows); each aggregate aggregates what its argument reads.
    static func lineage(groupBy: [NamedColumn], specs: [AggregateSpec], input: Schema) throws -> ColumnLineage {
        var d: [String: [ColumnLineage.Edge]] = [:]
        for g in groupBy { d[g.name] = [.init(ColumnRef(g.name), .identity)] }
        var indirect: [ColumnLineage.IndirectEdge] = groupBy.map { .init(ColumnRef($0.name), .groupBy) }
        for s in specs {
            let (direct, ind) = try Arguments.lineage(s, input)
            d[s.output] = direct
            indirect += ind
        }
        return ColumnLineage(direct: d, indirect: indirect)
    }
}

/// Folds batches into groups on a `SerialWorker`, so the stages before it keep running meanwhile.
final class AggregateOperator: BatchOperator {
    let aggregator: GroupAggregator
    let worker = SerialWorker(depth: 2)
    var schema: Schema { aggregator.outputSchema }

    init(_ a: GroupAggregator) { aggregator = a }

    func push(_ batch: Batch) throws -> [Batch] {
        let a = aggregator
        try worker.submit { try a.add(batch, keys: a.keyColumns.map { batch.columns[$0] }) }
        return []
    }

    func finish() throws -> [Batch] {
        try worker.drain()
        let r = aggregator.result()
        return r.rowCount > 0 ? [r] : []
    }
}

extension Aggregate: SparkCompilable {
    public func compileSpark(_ job: SparkJob, input: SparkFrame, _ resolver: any SchemaResolver) throws -> SparkFrame {
        let out = try outputSchema(input: input.schema, resolver)
        job.comment("aggregate" + (groupBy.isEmpty ? "" : " by " + groupBy.map(\.name).joined(separator: ", ")))
        let aggs = try specs.map { try AggregateSpark.sql($0, input.schema, out) }
            + ["F.min(\"__seq\").alias(\"__seq\")"]
        let grouped = groupBy.isEmpty ? "\(input.name).agg(\(aggs.joined(separator: ", ")))"
            : "\(input.name).groupBy(\(groupBy.map { job.col($0.name) }.joined(separator: ", "))).agg(\(aggs.joined(separator: ", ")))"
        let g = job.frame(grouped, schema: out)
        // With no group, one row even for no input: its read position is 0.
        return groupBy.isEmpty ? job.frame("\(g.name).withColumn(\"__seq\", F.coalesce(F.col(\"__seq\"), F.array(F.lit(0).cast(\"bigint\"))))", schema: out) : g
    }
}

/// Aggregates as Spark SQL, with Strata's result types.
enum AggregateSpark {
    static func sql(_ spec: AggregateSpec, _ input: Schema, _ out: Schema) throws -> String {
        let type = out[out.index(of: spec.output)!].type
        var arg = "*"
        if let src = Arguments.source(spec) {
            let e = try src.compile(input)
            if case .column(let name) = e.expr.node, input.index(of: name) != nil { arg = SparkSQL.identifier(name) } else { arg = try src.spark(input) }
            // min and max ignore NaN natively; Spark orders NaN above every number.
            if e.type == .double, spec.function == .min || spec.function == .max { arg = "CASE WHEN isnan(\(arg)) THEN NULL ELSE \(arg) END" }
        }
        let body: String
        switch spec.function {
        case .count: body = "count(\(arg))"
        case .count_distinct: body = "count(DISTINCT \(arg))"
        case .sum: body = "sum(\(arg))"
        case .avg: body = "avg(CAST(\(arg) AS DOUBLE))"
        case .min: body = "min(\(arg))"
        case .max: body = "max(\(arg))"
        case .first: body = "min_by(\(arg), __seq)"
        case .last: body = "max_by(\(arg), __seq)"
        }
        return "F.expr(\(SparkJob.python("CAST(\(body) AS \(type.sqlName))"))).alias(\(SparkJob.python(spec.output)))"
    }
}
