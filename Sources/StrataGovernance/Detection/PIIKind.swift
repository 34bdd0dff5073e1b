/// A kind of personal data the detector recognizes in values.
public enum PIIKind: String, Sendable, Hashable, CaseIterable, Comparable, CustomStringConvertible {
    case email, phone, ip, card, iban

    /// The tag a detected column is given (`pii.email`, …).
    public var tag: Tag {
        switch self {
        case .email: return .email
        case .phone: return .phone
        case .ip: return .ip
        case .card: return .card
        case .iban: return .iban
        }
    }

    public var description: String { rawValue }

    public static func < (a: PIIKind, b: PIIKind) -> Bool { a.rawValue < b.rawValue }
}

/// A column that looks like it holds personal data: which kind, and how much of the sample.
///
/// Never carries the values themselves, only counts.
public struct Detection: Sendable, Hashable, CustomStringConvertible {
    public var column: String
    public var kind: PIIKind
    /// True when the values are free text that contains the kind, rather than being it.
    public var embedded: Bool
    public var hits: Int
    public var sampled: Int

    public init(column: String, kind: PIIKind, embedded: Bool, hits: Int, sampled: Int) {
        self.column = column
        self.kind = kind
        self.embedded = embedded
        self.hits = hits
        self.sampled = sampled
    }

    public var ratio: Double { sampled == 0 ? 0 : Double(hits) / Double(sampled) }
    public var tag: Tag { kind.tag }

    /// `email: 198 of 200 sampled values (99%)`, or `free text containing email: …`.
    public var description: String {
        let pct = Int((ratio * 100).rounded())
        return "\(embedded ? "free text containing \(kind)" : kind.rawValue): \(hits) of \(sampled) sampled values (\(pct)%)"
    }
}
