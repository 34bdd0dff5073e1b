import StrataCore

/// How a masked column's values are rewritten. Names follow Apache Ranger where it has one.
///
/// | method | config | output type | example |
/// |---|---|---|---|
/// | hash | `hash` | string | `3f1c…` (32 hex digits: HMAC-SHA-256 truncated to 128 bits) |
/// | redact | `redact` | string | `Luca J.` → `Xxxx X.` (letters x/X, digits 0, rest kept) |
/// | show_last N | `show_last: 4` | string | `+1 311 524 3210` → `+0 000 000 3210` |
/// | show_first N | `show_first: 2` | string | `DE89 3704` → `DE00 0000` |
/// | email_domain | `email_domain` | string | `ana@example.org` → `*@example.org` |
/// | null | `null` | unchanged | every value null |
/// | generalize | `generalize: year/month/day/hour` | unchanged | `2002-10-07` → `2002-10-01` |
/// | generalize | `generalize: /24` | string | `132.29.2.76` → `132.29.2.0`; IPv6 keeps /48 |
/// | tokenize | `tokenize` | string | `tok:` + base64url(AES-256-SIV), reversible by `strata unmask` |
/// | scrub | `scrub`, `scrub: hash`, `scrub: "[{kind}]"` | string | `mail ana@x.org` → `mail <email>` (each detected span replaced, the rest kept) |
///
/// Non-string inputs are masked through their text form (`42`, `2025-01-31`), so an int64 key and
/// the same key stored as text hash alike and still join. Nulls stay null under every method.
public enum MaskMethod: Sendable, Hashable, CustomStringConvertible {
    case hash
    case redact
    case showLast(Int)
    case showFirst(Int)
    case emailDomain
    case null
    case generalize(Generalization)
    case tokenize
    /// Free text: each span of personal data the detector finds is replaced, the rest is kept.
    case scrub(ScrubStyle)

    /// What `scrub` puts where a span stood.
    public enum ScrubStyle: Sendable, Hashable, CustomStringConvertible {
        /// A template where `{kind}` is the span's kind: `<{kind}>` gives `<email>`.
        case placeholder(String)
        /// `<email:3f1c…>`: the kind and the span's keyed hash (as `hash` computes it), so joins
        /// and counts on the scrubbed values still work.
        case hash

        public static let defaultTemplate = "<{kind}>"

        public var description: String {
            switch self {
            case .placeholder(let t): return t
            case .hash: return "hash"
            }
        }
    }

    /// How far `generalize` coarsens a value.
    public enum Generalization: Sendable, Hashable, CustomStringConvertible {
        /// Dates and timestamps: the first day of the year.
        case year
        /// Dates and timestamps: the first day of the month.
        case month
        /// Timestamps: midnight UTC of the day (dates are unchanged).
        case day
        /// Timestamps: the start of the hour.
        case hour
        /// IP addresses: keep the first `v4` bits of IPv4 and `v6` bits of IPv6 addresses.
        case network(v4: Int, v6: Int)

        public var description: String {
            switch self {
            case .year: return "year"
            case .month: return "month"
            case .day: return "day"
            case .hour: return "hour"
            case let .network(v4, v6): return "/\(v4) /\(v6)"
            }
        }
    }

    /// The method names as configs write them.
    public static let names = ["hash", "redact", "show_last", "show_first", "email_domain", "null", "generalize", "tokenize", "scrub"]

    /// `hash`, `show_last: 4`, `generalize: month`: the config spelling.
    public var description: String {
        switch self {
        case .hash: return "hash"
        case .redact: return "redact"
        case .showLast(let n): return "show_last: \(n)"
        case .showFirst(let n): return "show_first: \(n)"
        case .emailDomain: return "email_domain"
        case .null: return "null"
        case .generalize(let g): return "generalize: \(g)"
        case .tokenize: return "tokenize"
        case .scrub(.placeholder(let t)) where t == ScrubStyle.defaultTemplate: return "scrub"
        case .scrub(let style): return "scrub: \(style)"
        }
    }

    /// The Ranger-style name for lineage and audit records (`MASK_HASH`, `MASK_SHOW_LAST_4`).
    public var auditName: String {
        switch self {
        case .hash: return "MASK_HASH"
        case .redact: return "MASK"
        case .showLast(let n): return "MASK_SHOW_LAST_\(n)"
        case .showFirst(let n): return "MASK_SHOW_FIRST_\(n)"
        case .emailDomain: return "MASK_EMAIL_DOMAIN"
        case .null: return "MASK_NULL"
        case .generalize(let g): return "MASK_GENERALIZE_" + g.description.uppercased().replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "/", with: "")
        case .tokenize: return "MASK_TOKENIZE"
        case .scrub: return "MASK_SCRUB"
        }
    }

    /// How strongly the method hides values (higher hides more); picks one method for a column
    /// that carries several tags.
    public var strength: Int {
        switch self {
        case .null: return 100
        case .hash: return 90
        case .tokenize: return 80
        case .redact: return 70
        case .scrub: return 60
        case .emailDomain: return 50
        case .generalize: return 40
        case .showFirst(let n), .showLast(let n): return 30 - min(n, 29)
        }
    }

    /// True when no part of the original text survives (so it covers any personal data in it).
    public var hidesWholeValue: Bool {
        switch self {
        case .null, .hash, .tokenize, .redact: return true
        case .showLast, .showFirst, .emailDomain, .generalize, .scrub: return false
        }
    }

    /// True when the mask can be reversed (with the token key).
    public var isReversible: Bool { self == .tokenize }

    /// The type of the masked column for an input of `type`; throws when the method does not apply.
    public func outputType(for type: DataType, column: String) throws -> DataType {
        // Raw bytes are not text: only a digest of them, or nothing, is stored in their place.
        if type == .binary, self != .hash, self != .null {
            throw StrataError(.typeMismatch, "mask '\(self)' does not apply to binary column '\(column)'",
                              hint: "use hash or null for binary columns")
        }
        switch self {
        case .hash, .redact, .showLast, .showFirst, .tokenize, .scrub:
            return .string
        case .null:
            return type
        case .emailDomain:
            guard type == .string else { throw notApplicable(type, column, "string") }
            return .string
        case .generalize(let g):
            switch (g, type) {
            case (.year, .date), (.month, .date), (.day, .date): return .date
            case (.year, .timestamp), (.month, .timestamp), (.day, .timestamp), (.hour, .timestamp): return .timestamp
            case (.network, .string): return .string
            case (.network, _): throw notApplicable(type, column, "string (IP addresses)")
            case (.hour, _): throw notApplicable(type, column, "timestamp")
            default: throw notApplicable(type, column, "date or timestamp")
            }
        }
    }

    private func notApplicable(_ type: DataType, _ column: String, _ expected: String) -> StrataError {
        StrataError(.typeMismatch, "mask '\(self)' does not apply to \(type) column '\(column)'",
                    hint: "it applies to \(expected) columns; use hash, redact or null for this one")
    }
}
