public import StrataCore
public import StrataConfig
import StrataFormats

/// `type: csv` source: RFC 4180 files, one or more globs, declared or inferred schema.
public struct CSVSource: SourceConfig {
    /// Each run reads the files that are new or changed.
    public var readsIncrementally: Bool { true }

    public static let descriptor = PluginDescriptor(
        name: "csv", kind: .source,
        summary: "Read CSV files (RFC 4180) matched by paths or globs.",
        doc: """
        Quoted fields, doubled quotes, embedded newlines, CRLF and a UTF-8 BOM are handled. Columns are \
        matched to the header by name. Without `schema`, types are inferred by sampling `sample_rows` rows \
        (bool, int64, double, date, timestamp, else string; an integer beyond int64 makes the column a \
        string holding its exact digits, never a rounded double). Rows that cannot be parsed or typed go to the \
        quarantine table with the reason, file and line. Files already ingested are skipped on later runs.
        """,
        keys: [
            FileInput.pathKey,
            FileInput.schemaKey("Declared column types, e.g. `amount: decimal(12,2)`, `id: int64 not null`. Omit to infer."),
            ConfigKey("delimiter", "char", default: ",", "Field separator (one byte; `\\t` for tab)."),
            ConfigKey("quote", "char", default: "\"", "Quote character."),
            ConfigKey("header", "bool", default: "true", "The first line holds column names."),
            ConfigKey("null_values", "[string]", default: "[\"\"]", "Field texts read as null."),
            ConfigKey("trim", "bool", default: "false", "Trim spaces around unquoted fields."),
            ConfigKey("sample_rows", "int", default: "10000", "Rows sampled to infer types."),
            ConfigKey("extra_columns", "error | drop | keep", default: "error",
                      "A header column the schema does not have (declared, or inferred from the first file): `error` names it, `drop` ignores it, `keep` adds it (type inferred; null in files without it)."),
        ],
        example: """
        source:
          type: csv
          path: datalake/landing/transactions*.csv
          schema:
            transaction_id: int64 not null
            amount: decimal(12,2)
        """,
        make: { m in .source(try CSVSource(m)) })

    let input: FileInput
    public let options: CSVOptions

    public init(_ m: ConfigMap) throws {
        input = try FileInput(m)
        var o = CSVOptions()
        o.delimiter = try Self.byte(m, "delimiter", default: ",")
        o.quote = try Self.byte(m, "quote", default: "\"")
        o.header = try m.bool("header", default: true)
        o.nullTokens = try m.stringList("null_values") ?? [""]
        o.trimSpaces = try m.bool("trim", default: false)
        o.sampleRows = try m.int("sample_rows", default: 10_000, range: 1...10_000_000)
        o.extraColumns = try m.choice("extra_columns", default: CSVOptions.ExtraColumns.error)
        // Inferred and kept: the union of the files' headers, a column a file lacks read as null.
        if o.extraColumns == .keep && input.declared == nil { o.allowMissingColumns = true }
        if !o.header && input.declared == nil {
            throw m.error("header", .invalidConfig, "a file without a header needs a declared schema",
                          hint: "add `schema:` listing the columns in file order")
        }
        options = o
    }

    static func byte(_ m: ConfigMap, _ key: String, default d: String) throws -> UInt8 {
        var s = try m.string(key, default: d)
        if s == "\\t" { s = "\t" }
        guard s.utf8.count == 1, let b = s.utf8.first else {
            throw m.error(key, .invalidConfig, "expected a single one-byte character")
        }
        return b
    }

    public var reads: [TableRef] { [] }

    public var datasetName: String? { input.datasetName }

    /// Declared and kept extras: the declared columns, then what the files have beyond them.
    var widens: Bool { input.declared != nil && options.extraColumns == .keep }

    public func outputSchema(_ resolver: any SchemaResolver) throws -> Schema? { widens ? nil : input.declared }

    public func open(_ context: RunContext) throws -> any BatchReader {
        let options = self.options
        if widens, let declared = input.declared {
            // The extras' types come from inference over the new files (the union of their headers).
            var union = options
            union.allowMissingColumns = true
            return try input.open(context, widen: true, infer: { files in
                var schema = declared
                for f in try CSVSchemaInference.infer(files: files, options: union).fields where declared.index(of: f.name) == nil {
                    schema.append(f)
                }
                return schema
            }) { f, schema, quarantine in
                var o = options
                o.optionalColumns = Set(schema.names).subtracting(declared.names)
                return try CSVReader(path: f.absolute, displayPath: f.display, schema: schema, options: o, quarantine: quarantine)
            }
        }
        return try input.open(context, infer: { try CSVSchemaInference.infer(files: $0, options: options) }) { f, schema, quarantine in
            try CSVReader(path: f.absolute, displayPath: f.display, schema: schema, options: options, quarantine: quarantine)
        }
    }
}
