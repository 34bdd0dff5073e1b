/// An error in an expression, with where in the expression text it is.
///
/// `offset` is the 1-based character offset within the expression text (0: the expression as a
/// whole). The config layer adds it to the position of the YAML scalar that holds the expression
/// with `located(at:in:)`, so `pipelines.yaml:31:9` plus offset 8 reports `pipelines.yaml:31:16`.
public struct ExprError: Error, Sendable, Equatable, CustomStringConvertible {
    public var offset: Int
    public var error: StrataError

    public init(offset: Int, _ error: StrataError) {
        self.offset = offset
        self.error = error
    }

    init(_ code: StrataError.Code, _ message: String, at offset: Int, hint: String? = nil) {
        self.init(offset: offset, StrataError(code, message, hint: hint))
    }

    public var code: StrataError.Code { error.code }

    public var description: String { offset > 0 ? "at character \(offset): \(error)" : "\(error)" }

    /// The error located in the user's file: `start` is where the expression text begins
    /// (a YAML scalar's mark); `text` is the expression, so newlines in it move to later lines.
    /// The `path` of the error is kept; pass it on the returned value if the caller has one.
    public func located(at start: SourceLocation, in text: String) -> StrataError {
        var line = start.line
        var column = start.column
        var seen = 1
        for ch in text.unicodeScalars {
            if seen >= offset { break }
            if ch == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            seen += 1
        }
        var e = error
        e.location = SourceLocation(file: start.file, line: line, column: offset > 0 ? column : start.column)
        return e
    }
}

extension StrataError {
    /// The error with `hint` when it has none yet.
    func withHint(_ hint: String?) -> StrataError {
        var e = self
        if e.hint == nil { e.hint = hint }
        return e
    }
}
