/// A column of a pipeline input: the main input stream (`table == nil`, or the source table) or
/// another table a transform reads (join, union).
public struct ColumnRef: Sendable, Hashable, CustomStringConvertible {
    public var table: TableRef?
    public var column: String

    public init(_ column: String, table: TableRef? = nil) {
        self.table = table
        self.column = column
    }

    public var description: String { table.map { "\($0).\(column)" } ?? column }
}

/// How an output column's value is made from an input column (OpenLineage DIRECT subtypes).
public enum DirectLineage: String, Sendable, Hashable, Comparable, CaseIterable {
    case identity = "IDENTITY"
    case transformation = "TRANSFORMATION"
    case aggregation = "AGGREGATION"

    public static func < (a: Self, b: Self) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// How an input column influences the output without flowing into a value (OpenLineage INDIRECT subtypes).
public enum IndirectLineage: String, Sendable, Hashable, CaseIterable {
    case join = "JOIN"
    case groupBy = "GROUP_BY"
    case filter = "FILTER"
    case sort = "SORT"
    case window = "WINDOW"
    case conditional = "CONDITIONAL"
}

/// Where each output column of a step comes from.
///
/// `direct[out]` lists the inputs whose values flow into `out`; `indirect` lists inputs that shape
/// which rows exist or how they group (filters, join keys, group keys, conditions).
public struct ColumnLineage: Sendable, Hashable {
    public struct Edge: Sendable, Hashable {
        public var input: ColumnRef
        public var kind: DirectLineage
        public var description: String?

        public init(_ input: ColumnRef, _ kind: DirectLineage, description: String? = nil) {
            self.input = input
            self.kind = kind
            self.description = description
        }
    }

    public struct IndirectEdge: Sendable, Hashable {
        public var input: ColumnRef
        public var kind: IndirectLineage

        public init(_ input: ColumnRef, _ kind: IndirectLineage) {
            self.input = input
            self.kind = kind
        }
    }

    public var direct: [String: [Edge]]
    public var indirect: [IndirectEdge]

    public init(direct: [String: [Edge]] = [:], indirect: [IndirectEdge] = []) {
        self.direct = direct
        self.indirect = indirect
    }

    /// Every output column is the same-named input column (filters, dedupe, sorts).
    public static func passThrough(_ schema: Schema, indirect: [IndirectEdge] = []) -> ColumnLineage {
        var d: [String: [Edge]] = [:]
        for f in schema.fields { d[f.name] = [Edge(ColumnRef(f.name), .identity)] }
        return ColumnLineage(direct: d, indirect: indirect)
    }

    /// This step's lineage expressed in terms of `previous`'s inputs: the composition of two steps.
    ///
    /// Edges into the main stream (`table == nil`) are replaced by what `previous` says of that column;
    /// edges into other tables stay. Kinds combine by taking the stronger (identity < transformation < aggregation).
    public func composed(after previous: ColumnLineage) -> ColumnLineage {
        func resolve(_ e: Edge) -> [Edge] {
            guard e.input.table == nil else { return [e] }
            guard let prior = previous.direct[e.input.column] else { return [] }
            return prior.map { Edge($0.input, max($0.kind, e.kind), description: e.description ?? $0.description) }
        }
        var d: [String: [Edge]] = [:]
        for (out, edges) in direct {
            var seen = Set<Edge>()
            d[out] = edges.flatMap(resolve).filter { seen.insert($0).inserted }
        }
        var ind = previous.indirect
        for i in indirect {
            if i.input.table == nil, let prior = previous.direct[i.input.column] {
                ind += prior.map { IndirectEdge($0.input, i.kind) }
            } else if i.input.table != nil {
                ind.append(i)
            }
        }
        var seen = Set<IndirectEdge>()
        return ColumnLineage(direct: d, indirect: ind.filter { seen.insert($0).inserted })
    }
}
