public import StrataCore
import Foundation

/// The governance facts of one commit, typed and versioned: per column its tags with where each
/// came from and the form its values are stored in, the policy digest the write was planned under,
/// and the declassifications it applied.
///
/// Stored as one JSON string in the commit's `commitInfo` under `strataGovernance`. It is written
/// and read with `Codable` only; a record that does not decode stops reads and writes of the table
/// (`.corruptData`, exit 1) instead of losing tags. The schema is described in docs/governance-record.md.
public struct GovernanceRecord: Codable, Sendable, Hashable {
    /// The record format this build writes and the newest it reads.
    public static let currentFormat = 1
    /// The `commitInfo` field holding the record.
    public static let commitInfoKey = "strataGovernance"

    /// Where a column's tag came from.
    public enum Origin: String, Codable, Sendable, Hashable, CaseIterable {
        /// A `classification:` rule of the policies.
        case declared
        /// The PII detector found it in the data.
        case detected
        /// Carried from an input column through the pipeline's column lineage.
        case propagated
    }

    public struct TagEntry: Codable, Sendable, Hashable {
        public var tag: String
        public var origin: Origin
        public init(tag: String, origin: Origin) { self.tag = tag; self.origin = origin }
    }

    /// How a column's values are stored: `raw`, masked with a method (its config spelling), or
    /// `derived`: computed only from columns stored masked upstream (a hash's prefix, say), which
    /// the gate does not mask again.
    public struct StoredForm: Codable, Sendable, Hashable {
        public var form: String
        public var method: String?

        public static let raw = StoredForm(form: "raw", method: nil)
        public static let derived = StoredForm(form: "derived", method: nil)
        public static func masked(_ m: MaskMethod) -> StoredForm { StoredForm(form: "masked", method: m.description) }

        /// The mask, nil for raw; throws on a form or method this build does not know.
        public func mask(column: String) throws -> MaskMethod? {
            switch form {
            case "raw" where method == nil, "derived" where method == nil: return nil
            case "masked":
                guard let text = method, let m = MaskMethod(recorded: text) else {
                    throw StrataError(.corruptData, "unknown stored mask '\(method ?? "")' for column '\(column)'")
                }
                return m
            default:
                throw StrataError(.corruptData, "unknown stored form '\(form)' for column '\(column)'")
            }
        }
    }

    public struct ColumnEntry: Codable, Sendable, Hashable {
        public var tags: [TagEntry]
        public var stored: StoredForm
        public init(tags: [TagEntry], stored: StoredForm) { self.tags = tags; self.stored = stored }
    }

    public struct DeclassifiedEntry: Codable, Sendable, Hashable {
        public var column: String
        public var tags: [String]
        public var reason: String
        public init(column: String, tags: [String], reason: String) { self.column = column; self.tags = tags; self.reason = reason }
    }

    public var format: Int
    public var policyDigest: String
    public var columns: [String: ColumnEntry]
    public var declassified: [DeclassifiedEntry]

    public init(policyDigest: String, columns: [String: ColumnEntry], declassified: [DeclassifiedEntry] = []) {
        self.format = Self.currentFormat
        self.policyDigest = policyDigest
        self.columns = columns
        self.declassified = declassified
    }

    /// Builds the record of a write: every stored column, its tags by origin, its stored form.
    /// `declared` holds the tags the policies' classification gives the table's columns.
    public init(policyDigest: String, columns names: [String], declared: [String: Set<Tag>], propagated: [String: Set<Tag>],
                final: [String: Set<Tag>], masks: [String: MaskMethod], derived: Set<String> = [],
                declassified: [AppliedDeclassification]) {
        var cols: [String: ColumnEntry] = [:]
        for c in names {
            let tags = (final[c] ?? []).sorted().map { t -> TagEntry in
                // A tag the policies declare on this table counts as declared even where it also propagates.
                let origin: Origin = (declared[c]?.contains(t) == true) ? .declared
                    : (propagated[c]?.contains(t) == true) ? .propagated : .detected
                return TagEntry(tag: t.name, origin: origin)
            }
            cols[c] = ColumnEntry(tags: tags, stored: masks[c].map(StoredForm.masked) ?? (derived.contains(c) ? .derived : .raw))
        }
        self.init(policyDigest: policyDigest, columns: cols,
                  declassified: declassified.map { DeclassifiedEntry(column: $0.column, tags: $0.tags.map(\.name).sorted(), reason: $0.reason) })
    }

    /// The record as `commitInfo` stores it (sorted keys, so equal records are equal text).
    public func encoded() throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try enc.encode(self), as: UTF8.self)
    }

    /// Decodes a stored record; `context` names the table and version in errors.
    public static func decode(_ text: String, context: String) throws -> GovernanceRecord {
        let record: GovernanceRecord
        do {
            record = try JSONDecoder().decode(GovernanceRecord.self, from: Data(text.utf8))
        } catch {
            throw StrataError(.corruptData, "the governance record of \(context) cannot be read",
                              hint: "the commit was damaged or written by another tool; restore it, or rebuild the table with --full-refresh",
                              cause: String(describing: error).prefix(300).description)
        }
        guard record.format >= 1, record.format <= currentFormat else {
            throw StrataError(.corruptData, "the governance record of \(context) has format \(record.format); this strata reads 1…\(currentFormat)",
                              hint: "upgrade strata to read this lake")
        }
        for (c, e) in record.columns {
            for t in e.tags where Tag(parsing: t.tag) == nil {
                throw StrataError(.corruptData, "the governance record of \(context) has an invalid tag '\(t.tag)' on column '\(c)'")
            }
            do { _ = try e.stored.mask(column: c) } catch let err as StrataError {
                throw StrataError(.corruptData, "the governance record of \(context): \(err.message)")
            }
        }
        return record
    }

    /// Each column's tags (all origins).
    public var tags: [String: Set<Tag>] {
        var out: [String: Set<Tag>] = [:]
        for (c, e) in columns where !e.tags.isEmpty { out[c] = Set(e.tags.compactMap { Tag(parsing: $0.tag) }) }
        return out
    }

    /// Columns computed only from values masked upstream.
    public var derivedColumns: Set<String> { Set(columns.filter { $0.value.stored == .derived }.map(\.key)) }

    /// The columns stored masked, with their method (validated when decoded).
    public var masks: [String: MaskMethod] {
        var out: [String: MaskMethod] = [:]
        for (c, e) in columns { if let m = try? e.stored.mask(column: c) { out[c] = m } } // decode() rejected every unknown form
        return out
    }
}

extension MaskMethod {
    /// Parses a method's config spelling as `description` writes it (`hash`, `show_last: 4`,
    /// `generalize: month`, `generalize: /24 /48`); nil for anything else.
    public init?(recorded text: String) {
        let parts = text.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        let arg = parts.count == 2 ? parts[1] : nil
        switch (parts.first ?? "", arg) {
        case ("hash", nil): self = .hash
        case ("redact", nil): self = .redact
        case ("email_domain", nil): self = .emailDomain
        case ("null", nil): self = .null
        case ("tokenize", nil): self = .tokenize
        case ("scrub", nil): self = .scrub(.placeholder(ScrubStyle.defaultTemplate))
        case ("scrub", "hash"): self = .scrub(.hash)
        case ("scrub", let a?): self = .scrub(.placeholder(a))
        case ("show_last", let a?): guard let n = Int(a), n >= 0 else { return nil }; self = .showLast(n)
        case ("show_first", let a?): guard let n = Int(a), n >= 0 else { return nil }; self = .showFirst(n)
        case ("generalize", let a?):
            switch a {
            case "year": self = .generalize(.year)
            case "month": self = .generalize(.month)
            case "day": self = .generalize(.day)
            case "hour": self = .generalize(.hour)
            default:
                let bits = a.split(separator: " ").map { $0.hasPrefix("/") ? Int($0.dropFirst()) : nil }
                guard bits.count == 2, let v4 = bits[0], let v6 = bits[1], (0...32).contains(v4), (0...128).contains(v6) else { return nil }
                self = .generalize(.network(v4: v4, v6: v6))
            }
        default: return nil
        }
    }
}
