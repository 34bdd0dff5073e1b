public import StrataCore
import StrataConfig
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The files a file source reads: glob patterns expanded, sorted, and filtered to what is new.
///
/// A file is identified by its path relative to the project; its state entry records size and
/// modification time, so a file that changes is read again (with a warning).
struct FileSelection {
    struct Entry {
        var absolute: String
        var display: String
        var size: Int
        var stamp: String
    }

    /// Expands `patterns` (relative to the project root); a pattern that matches nothing is an error.
    static func expand(_ patterns: [String], context: RunContext, path: String) throws -> [Entry] {
        var out: [Entry] = []
        var seen = Set<String>()
        for pattern in patterns {
            let abs = context.resolve(pattern)
            let matches = try glob(abs)
            if matches.isEmpty {
                // Files this pipeline already ingested and that were since moved away (archived):
                // nothing new, not a mistake in the pattern.
                if ingested(pattern, context: context) { continue }
                throw StrataError(.notFound, "no file matches '\(pattern)'", path: path,
                                  hint: "paths are relative to the folder of pipelines.yaml (\(context.projectRoot))")
            }
            for m in matches where seen.insert(m).inserted {
                var st = stat()
                guard stat(m, &st) == 0 else { continue }
                if (st.st_mode & S_IFMT) == S_IFDIR { continue }
                let display = m.hasPrefix(context.projectRoot + "/") ? String(m.dropFirst(context.projectRoot.count + 1)) : m
                out.append(Entry(absolute: m, display: display, size: Int(st.st_size),
                                 stamp: "\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"))
            }
        }
        return out.sorted { $0.display < $1.display }
    }

    /// True when the pipeline's previous state records a file that `pattern` matches.
    static func ingested(_ pattern: String, context: RunContext) -> Bool {
        let abs = context.resolve(pattern)
        return context.previousState.keys.contains { key in
            guard key.hasPrefix("file:") else { return false }
            let display = String(key.dropFirst(5))
            let path = display.hasPrefix("/") ? display : context.resolve(display)
            return fnmatch(abs, path, FNM_PATHNAME) == 0
        }
    }

    /// Keeps the files not recorded in the pipeline's previous state, recording each one kept.
    static func newFiles(_ all: [Entry], context: RunContext) -> [Entry] {
        var out: [Entry] = []
        for e in all {
            let key = "file:" + e.display
            if let seen = context.previousState[key] {
                if seen == e.stamp { continue }
                context.warn("\(e.display) changed since it was ingested; reading it again")
            }
            out.append(e)
            context.recordState(key, e.stamp)
        }
        return out
    }

    /// The runtime half every file source shares: expand the patterns, keep the new files, settle the
    /// schema (declared, else inferred from the new files) and read the files one after the other.
    /// With `widen`, `infer` settles the schema even when one is declared (the declared schema
    /// is then what an empty selection reads as).
    static func reader(patterns: [String], declared: Schema?, widen: Bool = false, path: String, context: RunContext,
                       infer: ([(path: String, displayPath: String)]) throws -> Schema,
                       open: @escaping (Entry, Schema, @escaping (QuarantineRecord) -> Void) throws -> any BatchReader) throws -> any BatchReader {
        let files = newFiles(try expand(patterns, context: context, path: path + ".path"), context: context)
        let schema = files.isEmpty ? (declared ?? .empty)
            : try (widen ? nil : declared) ?? infer(files.map { ($0.absolute, $0.display) })
        let q = context.quarantine
        return MultiFileReader(schema: schema, files: files, context: context) { f in
            try open(f, schema, { q.quarantine($0) })
        }
    }

    static func glob(_ pattern: String) throws -> [String] {
        var g = glob_t()
        defer { globfree(&g) }
        let rc = Glibc.glob(pattern, 0, nil, &g)
        if rc == GLOB_NOMATCH { return [] }
        guard rc == 0 else { throw StrataError(.io, "cannot expand '\(pattern)'") }
        var out: [String] = []
        for i in 0..<Int(g.gl_pathc) {
            if let p = g.gl_pathv[i] { out.append(String(cString: p)) }
        }
        return out
    }
}

/// The part of a file source's config every file format shares: `path` (globs) and `schema`.
struct FileInput: Sendable {
    let paths: [String]
    let declared: Schema?
    /// The config path of the source section, for errors.
    let path: String

    static let pathKey = ConfigKey("path", "string | [string]", required: true, "File paths or globs, relative to pipelines.yaml.")

    static func schemaKey(_ doc: String) -> ConfigKey { ConfigKey("schema", "map column → type", doc) }

    init(_ m: ConfigMap) throws {
        path = m.path
        paths = try m.stringList("path", orScalar: true) ?? []
        if paths.isEmpty { throw m.error("path", .missingKey, "at least one path is required") }
        declared = try DeclaredSchema.parse(try m.stringMap("schema"), file: m.location.file, path: m.keyPath("schema"))
    }

    /// The lineage dataset name of the input files.
    var datasetName: String { paths.joined(separator: ",") }

    /// With `widen`, the declared schema is only a base: `infer` settles the schema even then
    /// (CSV's `extra_columns: keep` adds the columns the files have beyond it).
    func open(_ context: RunContext, widen: Bool = false, infer: ([(path: String, displayPath: String)]) throws -> Schema,
              reader: @escaping (FileSelection.Entry, Schema, @escaping (QuarantineRecord) -> Void) throws -> any BatchReader) throws -> any BatchReader {
        try FileSelection.reader(patterns: paths, declared: declared, widen: widen, path: path, context: context, infer: infer, open: reader)
    }
}

/// Reads several files one after the other with one reader per file, all conformed to one schema.
final class MultiFileReader: BatchReader {
    let schema: Schema
    private var files: [FileSelection.Entry]
    private let open: (FileSelection.Entry) throws -> any BatchReader
    private var current: (any BatchReader)?
    private let context: RunContext

    init(schema: Schema, files: [FileSelection.Entry], context: RunContext, open: @escaping (FileSelection.Entry) throws -> any BatchReader) {
        self.schema = schema
        self.files = files.reversed()
        self.open = open
        self.context = context
    }

    func next() throws -> Batch? {
        while true {
            if let r = current {
                if let b = try r.next() {
                    context.addInput(rows: b.rowCount, bytes: 0)
                    return b
                }
                current = nil
            }
            guard let f = files.popLast() else { return nil }
            context.addInput(rows: 0, bytes: f.size)
            current = try open(f)
        }
    }
}

/// Parses a declared `schema:` mapping (column → type, optionally `not null`).
enum DeclaredSchema {
    static func parse(_ entries: [(key: String, value: String, mark: Mark)]?, file: String, path: String) throws -> Schema? {
        guard let entries else { return nil }
        var fields: [Field] = []
        for (name, text, mark) in entries {
            var t = text.trimming(" ")
            var nullable = true
            if t.lowercased().hasSuffix(" not null") {
                nullable = false
                t = String(t.dropLast(" not null".count)).trimming(" ")
            }
            guard let type = DataType(parsing: t) else {
                throw StrataError(.typeMismatch, "'\(text)' is not a type", location: SourceLocation(file: file, line: mark.line, column: mark.column),
                                  path: path + "." + name,
                                  hint: Suggest.hint(for: t, in: DataType.names) ?? "types are " + DataType.names.joined(separator: ", "))
            }
            fields.append(Field(name, type, nullable: nullable))
        }
        return Schema(fields)
    }
}
