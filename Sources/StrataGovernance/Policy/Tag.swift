import StrataCore

/// A classification tag on a column: `pii.email`, `sensitive.financial`, or a user-defined one.
///
/// Tags are lower-case dotted words (`[a-z][a-z0-9_]*` separated by `.`). A tag says what a
/// column holds; policies say what may happen to columns carrying it.
public struct Tag: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let name: String

    /// A tag from trusted text; stops on an invalid name (use `init(parsing:)` for user input).
    public init(_ name: String) {
        precondition(Tag.isValid(name), "invalid tag name")
        self.name = name
    }

    /// A tag from user input; nil when the text is not a valid tag name.
    public init?(parsing text: String) {
        guard Tag.isValid(text) else { return nil }
        self.name = text
    }

    public var description: String { name }

    /// True for the built-in `pii.*` family.
    public var isPII: Bool { name.hasPrefix("pii.") }

    public static func < (a: Tag, b: Tag) -> Bool { a.name < b.name }

    public static let email = Tag("pii.email")
    public static let phone = Tag("pii.phone")
    public static let personName = Tag("pii.name")
    public static let ip = Tag("pii.ip")
    public static let address = Tag("pii.address")
    public static let card = Tag("pii.card")
    public static let iban = Tag("pii.iban")
    public static let birthDate = Tag("pii.birth_date")
    public static let nationalId = Tag("pii.national_id")
    public static let deviceId = Tag("pii.device_id")
    /// Free text that may hold personal data anywhere in it (support tickets, comments): masked
    /// with `scrub` unless a rule says otherwise.
    public static let freeText = Tag("pii.free_text")
    public static let financial = Tag("sensitive.financial")

    /// The tags every policy knows without declaring them.
    public static let builtin: [Tag] = [.email, .phone, .personName, .ip, .address, .card, .iban, .birthDate, .nationalId, .deviceId, .freeText, .financial]

    static func isValid(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard !parts.isEmpty else { return false }
        for p in parts {
            guard let f = p.utf8.first, f >= 97, f <= 122 else { return false }
            guard p.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }) else { return false }
        }
        return true
    }
}
