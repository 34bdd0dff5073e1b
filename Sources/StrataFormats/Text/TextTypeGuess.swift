import StrataCore

/// Guesses a column type from text samples: the narrowest of bool < int64 < double, then date,
/// then timestamp, that every non-null sample parses as; otherwise (or with no samples) string.
///
/// Only `true`/`false` count as booleans here, so 0/1 columns stay integers, and only plain
/// numbers count as doubles (`nan`, `inf` stay strings); the readers accept more when a type is declared.
struct TextTypeGuess: Sendable {
    private static let bool: UInt8 = 1, int64: UInt8 = 2, double: UInt8 = 4, date: UInt8 = 8, timestamp: UInt8 = 16
    private var candidates: UInt8 = 31
    private(set) var samples = 0

    /// Narrows the candidates by one non-null sample.
    mutating func observe(_ b: UnsafeBufferPointer<UInt8>, _ temporal: TemporalParsers) {
        samples += 1
        var c = candidates
        if c == 0 { return }
        if c & Self.bool != 0, !TextParsing.looksLikeBoolWord(b) { c &= ~Self.bool }
        if c & Self.int64 != 0, TextParsing.parseInt64(b) == nil { c &= ~Self.int64 }
        if c & Self.double != 0, !TextParsing.looksLikeDecimalNumber(b) { c &= ~Self.double }
        // An integer beyond int64 is not a double either: it would be rounded. It stays text.
        if c & Self.double != 0, c & Self.int64 == 0, Self.isIntegerLiteral(b) { c &= ~Self.double }
        if c & Self.date != 0, temporal.parseDate(b) == nil { c &= ~Self.date }
        if c & Self.timestamp != 0, temporal.parseTimestamp(b) == nil { c &= ~Self.timestamp }
        candidates = c
    }

    mutating func observe(_ s: String, _ temporal: TemporalParsers) {
        var s = s
        s.withUTF8 { observe($0, temporal) }
    }

    /// Merges what another sample of the same column saw.
    mutating func merge(_ other: TextTypeGuess) {
        candidates &= other.candidates
        samples += other.samples
    }

    /// `-123`, `+45`, `6789`: digits with an optional sign, nothing else.
    static func isIntegerLiteral(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = b.startIndex
        if i < b.endIndex, b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+") { i += 1 }
        guard i < b.endIndex else { return false }
        while i < b.endIndex { guard b[i] >= 48 && b[i] <= 57 else { return false }; i += 1 }
        return true
    }

    /// The type guessed so far.
    var type: DataType {
        if samples == 0 { return .string }
        let c = candidates
        if c & Self.bool != 0 { return .bool }
        if c & Self.int64 != 0 { return .int64 }
        if c & Self.double != 0 { return .double }
        if c & Self.date != 0 { return .date }
        if c & Self.timestamp != 0 { return .timestamp }
        return .string
    }
}
