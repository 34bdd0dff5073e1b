public import StrataCore
public import StrataConfig
import StrataFormats

/// `type: jsonl` source: one JSON object per line, schema inferred across all files.
public struct JSONLSource: SourceConfig {
    /// Each run reads the files that are new or changed.
    public var readsIncrementally: Bool { true }

    public static let descriptor = PluginDescriptor(
        name: "jsonl", kind: .source,
        summary: "Read JSON Lines files (one object per line) matched by paths or globs.",
        doc: """
        The schema is inferred across every file read, so a field that appears only in later files \
        becomes a nullable column. Nested objects flatten to `parent.child` columns; arrays are kept as \
        JSON text; an integer beyond int64 makes the column a string holding its exact digits (never a \
        rounded double). Lines that are not JSON objects, or whose values do not fit the column type, go to the \
        quarantine table with the reason, file and line. Files already ingested are skipped on later runs.
        """,
        keys: [
            FileInput.pathKey,
            FileInput.schemaKey("Declared column types (flattened names). Omit to infer."),
            ConfigKey("flatten", "bool", default: "true", "Flatten nested objects to `a.b` columns (else keep them as JSON text)."),
            ConfigKey("infer_timestamps", "bool", default: "true", "Strings that all parse as ISO 8601 become timestamp/date columns."),
            ConfigKey("sample_rows", "int", default: "1000000", "Rows per file read to infer the schema."),
        ],
        example: """
        source:
          type: jsonl
          path: datalake/landing/clickstream/*.jsonl
        """,
        make: { m in .source(try JSONLSource(m)) })

    let input: FileInput
    public let options: JSONLOptions

    public init(_ m: ConfigMap) throws {
        input = try FileInput(m)
        var o = JSONLOptions()
        o.flatten = try m.bool("flatten", default: true)
        o.inferTimestamps = try m.bool("infer_timestamps", default: true)
        o.sampleRows = try m.int("sample_rows", default: 1_000_000, range: 1...1_000_000_000)
        options = o
    }

    public var reads: [TableRef] { [] }

    public var datasetName: String? { input.datasetName }

    public func outputSchema(_ resolver: any SchemaResolver) throws -> Schema? { input.declared }

    public func open(_ context: RunContext) throws -> any BatchReader {
        let options = self.options
        return try input.open(context, infer: { try JSONLSchemaInference.infer(files: $0, options: options) }) { f, schema, quarantine in
            try JSONLReader(path: f.absolute, displayPath: f.display, schema: schema, options: options, quarantine: quarantine)
        }
    }
}
