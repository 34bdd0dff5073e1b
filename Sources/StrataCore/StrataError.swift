/// A place in a user's input: a config file position or a data file line.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int = 0) {
        self.file = file
        self.line = line
        self.column = column
    }

    /// `file:line:col`, or `file:line` when the column is unknown.
    public var description: String {
        column > 0 ? "\(file):\(line):\(column)" : "\(file):\(line)"
    }
}

/// The one error type of Strata: a code callers test, a message for people, where it came from,
/// an optional hint (the fix) and an optional cause.
///
/// Messages never contain raw values of data columns; they name files, lines and columns.
public struct StrataError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Code: String, Sendable, Hashable {
        /// The command line was wrong (unknown flag, missing argument).
        case usage
        /// A config or policy file is malformed (YAML syntax, limits, wrong type).
        case invalidConfig
        /// A config key that no plugin or section declares.
        case unknownKey
        /// A required config key is absent.
        case missingKey
        /// A `type:` that names no registered plugin.
        case unknownPlugin
        /// A value of the wrong type, or an expression that does not type-check.
        case typeMismatch
        /// Two schemas disagree (an append with other columns, a reader that finds other types).
        case schemaMismatch
        /// Pipelines form a cycle, or read a table nothing writes.
        case invalidPlan
        /// Input data cannot be parsed.
        case parse
        /// A file or table that should exist does not.
        case notFound
        /// Reading or writing the file system failed.
        case io
        /// A file written by Strata (or claimed to be) is damaged.
        case corruptData
        /// Another writer committed first and retrying did not help; or a write the table's own
        /// rules forbid (an append-only table asked to overwrite).
        case conflict
        /// A table or file uses a format feature Strata does not implement (a Delta table feature
        /// such as column mapping, a Parquet codec such as BROTLI): refused, never ignored.
        case unsupported
        /// A governance policy refused the write.
        case policyRefused
        /// A governance policy denied the read.
        case accessDenied
        /// A data-quality check with `action: fail` failed, or a run failed otherwise.
        case runFailed
        /// A bug in Strata.
        case internalError
    }

    public var code: Code
    public var message: String
    public var location: SourceLocation?
    /// The dotted config path (`pipelines.orders.sink.compression`), when the error is about a key.
    public var path: String?
    /// How to fix it (`did you mean 'compression'?`).
    public var hint: String?
    /// The underlying error's description, when one caused this.
    public var cause: String?

    public init(_ code: Code, _ message: String, location: SourceLocation? = nil, path: String? = nil,
                hint: String? = nil, cause: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
        self.path = path
        self.hint = hint
        self.cause = cause
    }

    /// `pipelines.yaml:14:5: pipelines.orders.sink.compresion: unknown key; did you mean 'compression'?`
    public var description: String {
        var s = ""
        if let location { s += "\(location): " }
        if let path, !path.isEmpty { s += "\(path): " }
        s += message
        if let hint { s += "; \(hint)" }
        if let cause { s += " (\(cause))" }
        return s
    }

    /// The process exit code for this error: 2 usage/config (including schemas that do not fit), 3 policy, 1 everything else.
    public var exitCode: Int32 {
        switch code {
        case .usage, .invalidConfig, .unknownKey, .missingKey, .unknownPlugin, .typeMismatch, .schemaMismatch, .invalidPlan:
            return 2
        case .policyRefused, .accessDenied:
            return 3
        default:
            return 1
        }
    }

    /// Wraps any error as a StrataError, keeping it when it already is one.
    public static func wrap(_ error: any Error, _ code: Code = .internalError, _ message: String) -> StrataError {
        if let e = error as? StrataError { return e }
        return StrataError(code, message, cause: "\(error)")
    }
}
