/// A PySpark program under construction: one DataFrame per step, each with a comment saying
/// which part of the pipeline it is, so the program reads like the pipeline it came from.
///
/// The program reads its inputs, the run's clock and where to write from a job file (JSON) given
/// on its command line, and mask keys from the environment: nothing run-specific or secret is
/// in the program text. See `SparkProgram` (StrataEngine) for the prelude the helpers come from.
public final class SparkJob {
    /// Python lines of the body, in order.
    public private(set) var lines: [String] = []
    /// Tables the program reads, with the schema it reads them as.
    public private(set) var tables: [(table: TableRef, schema: Schema)] = []
    /// Reject conditions added by checks, in order: (frame, condition SQL, reason text, action).
    private var counter = 0

    public init() {}

    /// Appends comment lines (`# ...`).
    public func comment(_ text: String) {
        for l in text.split(separator: "\n", omittingEmptySubsequences: false) { lines.append("# " + l) }
    }

    /// Appends a Python statement as is.
    public func statement(_ code: String) { lines.append(code) }

    /// Assigns `code` to a fresh DataFrame variable and returns it, typed with `schema`.
    public func frame(_ code: String, schema: Schema) -> SparkFrame {
        counter += 1
        let name = "df\(counter)"
        lines.append("\(name) = \(code)")
        return SparkFrame(name: name, schema: schema)
    }

    /// A DataFrame of table `t`'s rows as the job hands them, with `__seq` giving Strata's read
    /// order. The first table read is the pipeline's source (the files its incremental selection
    /// picks); a later read of the same table (a self-join) is its whole snapshot, under the
    /// name `TABLE#snapshot`.
    public func table(_ t: TableRef, schema: Schema) -> SparkFrame {
        var name = t.description
        if !readingSource, tables.first?.table == t { name += SparkJob.snapshotSuffix }
        if !inputs.contains(name) {
            inputs.append(name)
            tables.append((t, schema))
        }
        readingSource = false
        return frame("read_table(\(python(name)), \(python(schema: schema)))", schema: schema)
    }

    /// The job's input names, in order (`tables` holds the same order).
    public private(set) var inputs: [String] = []
    private var readingSource = true
    public static let snapshotSuffix = "#snapshot"

    /// The program body.
    public var text: String { lines.joined(separator: "\n") + "\n" }

    /// A Python string literal.
    public func python(_ s: String) -> String { SparkJob.python(s) }

    public static func python(_ s: String) -> String {
        BackslashEscaping.quoted(s, quote: "\"", control: { "\\x" + BackslashEscaping.hex($0, width: 2) })
    }

    /// A Python list of string literals.
    public func python(_ list: [String]) -> String { "[" + list.map(python).joined(separator: ", ") + "]" }

    /// The schema as a Spark DDL string (`` `id` BIGINT, `email` STRING ``).
    public func python(schema: Schema) -> String {
        python(schema.fields.map { SparkSQL.identifier($0.name) + " " + $0.type.sqlName }.joined(separator: ", "))
    }

    /// `F.col` of a column name (back-quoted, so dots name one column).
    public func col(_ name: String) -> String { "F.col(\(python(SparkSQL.identifier(name))))" }

    /// `F.expr` of Spark SQL.
    public func expr(_ sql: String) -> String { "F.expr(\(python(sql)))" }
}


/// One DataFrame of the program and the Strata schema of its rows.
public struct SparkFrame: Sendable {
    public var name: String
    public var schema: Schema

    public init(name: String, schema: Schema) {
        self.name = name
        self.schema = schema
    }
}

/// A transform the Spark engine can compile. Transforms without a conformance are refused at
/// validate for `--engine spark`, naming the transform.
public protocol SparkCompilable {
    /// Appends the transform's steps to `job`, reading `input`; returns the frame it produces,
    /// whose schema must be `outputSchema(input:)`.
    func compileSpark(_ job: SparkJob, input: SparkFrame, _ resolver: any SchemaResolver) throws -> SparkFrame
}
