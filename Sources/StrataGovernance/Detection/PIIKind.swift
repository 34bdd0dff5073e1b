/// A kind of personal data the detector recognizes in values: one of the built-in kinds, or a
/// custom kind a policy's `patterns:` section defines (with its own tag).
public struct PIIKind: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String
    /// The tag a detected column is given (`pii.email`, …).
    public let tag: Tag

    /// A built-in kind by name; nil for any other name.
    public init?(rawValue: String) {
        guard let k = Self.allCases.first(where: { $0.rawValue == rawValue }) else { return nil }
        self = k
    }

    /// A kind with its tag (custom kinds from `patterns:`).
    public init(custom name: String, tag: Tag) {
        self.rawValue = name
        self.tag = tag
    }

    private init(_ name: String, _ tag: Tag) {
        self.rawValue = name
        self.tag = tag
    }

    public static let email = PIIKind("email", .email)
    public static let phone = PIIKind("phone", .phone)
    public static let ip = PIIKind("ip", .ip)
    public static let card = PIIKind("card", .card)
    public static let iban = PIIKind("iban", .iban)
    public static let ssn = PIIKind("ssn", .nationalId)
    public static let mac = PIIKind("mac", .deviceId)

    /// The built-in kinds, in report order.
    public static let allCases: [PIIKind] = [.email, .phone, .ip, .card, .iban, .ssn, .mac]

    /// True for a kind defined by a policy's `patterns:` section.
    public var isCustom: Bool { !Self.allCases.contains(self) }

    /// The placeholder `scrub` puts where a span of this kind stood: `<email>`.
    public var placeholder: String { "<\(rawValue)>" }

    public var description: String { rawValue }

    public static func < (a: PIIKind, b: PIIKind) -> Bool { a.rawValue < b.rawValue }
}

/// How sure the detector is that a span is personal data.
public enum Confidence: Int, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The shape fits but so could other data (a national phone number, an IPv4 address): a column
    /// counts only when enough of its values hold one.
    case medium = 1
    /// A checksum holds (card, IBAN), the syntax is complete and unambiguous (e-mail, MAC, E.164
    /// phone) or a context word names it: one such value classifies the column.
    case high = 2

    public var description: String { self == .high ? "high" : "medium" }
    public static func < (a: Confidence, b: Confidence) -> Bool { a.rawValue < b.rawValue }
}

/// A column that looks like it holds personal data: which kind, how sure, and how much of the sample.
///
/// Never carries the values themselves: counts, and at most a masked example (`j***@e*****.com`).
public struct Detection: Sendable, Hashable, CustomStringConvertible {
    public var column: String
    public var kind: PIIKind
    /// True when the values are free text that contains the kind, rather than being it.
    public var embedded: Bool
    /// Values holding a span of the kind (among the sampled ones, plus high-confidence ones found beyond the sample).
    public var hits: Int
    public var sampled: Int
    /// Values checked in all (the sample and, scanning fully, every later value).
    public var scanned: Int
    /// The strongest confidence among the hits.
    public var confidence: Confidence
    /// One span of the kind with most of its characters masked, for evidence.
    public var example: String?

    public init(column: String, kind: PIIKind, embedded: Bool, hits: Int, sampled: Int,
                confidence: Confidence = .medium, example: String? = nil, scanned: Int? = nil) {
        self.column = column
        self.kind = kind
        self.embedded = embedded
        self.hits = hits
        self.sampled = sampled
        self.scanned = max(scanned ?? sampled, sampled)
        self.confidence = confidence
        self.example = example
    }

    public var ratio: Double { sampled == 0 ? 0 : min(1, Double(hits) / Double(sampled)) }
    public var tag: Tag { kind.tag }

    /// `email: 198 of 200 sampled values (99%)`, or `free text containing email: …`.
    public var description: String {
        let pct = Int((ratio * 100).rounded())
        return "\(embedded ? "free text containing \(kind)" : kind.rawValue): \(hits) of \(sampled) sampled values (\(pct)%)"
    }
}
