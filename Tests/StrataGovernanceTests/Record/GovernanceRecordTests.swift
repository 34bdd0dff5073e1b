import Foundation
import StrataCore
@testable import StrataGovernance
import Testing

struct GovernanceRecordTests {
    static let methods: [MaskMethod] = [
        .hash, .redact, .showLast(4), .showFirst(2), .emailDomain, .null, .tokenize,
        .generalize(.year), .generalize(.month), .generalize(.day), .generalize(.hour), .generalize(.network(v4: 24, v6: 48)),
    ]

    @Test func everyMaskMethodRoundTripsThroughItsRecordedSpelling() {
        for m in Self.methods {
            #expect(MaskMethod(recorded: m.description) == m, "\(m)")
        }
        for bad in ["", "hash: 1", "show_last", "show_last: x", "show_last: -1", "generalize: week", "generalize: /33 /48", "sha1", "Hash"] {
            #expect(MaskMethod(recorded: bad) == nil, "\(bad)")
        }
    }

    @Test func buildsOriginsAndStoredFormsAndRoundTrips() throws {
        let r = GovernanceRecord(
            policyDigest: "abc", columns: ["email", "name", "note", "n"],
            declared: ["email": [Tag.email], "note": [Tag.personName]],
            propagated: ["name": [Tag.personName]],
            final: ["email": [Tag.email], "name": [Tag.personName], "note": [Tag.personName, Tag.phone]],
            masks: ["email": .hash, "name": .redact, "note": .showLast(4)],
            declassified: [AppliedDeclassification(column: "n", tags: [Tag.email], reason: "counts only", location: nil)])
        #expect(r.columns["email"]?.tags == [.init(tag: "pii.email", origin: .declared)])
        #expect(r.columns["name"]?.tags == [.init(tag: "pii.name", origin: .propagated)])
        #expect(r.columns["note"]?.tags == [.init(tag: "pii.name", origin: .declared), .init(tag: "pii.phone", origin: .detected)])
        #expect(r.columns["n"]?.stored == .raw)
        #expect(r.declassified == [.init(column: "n", tags: ["pii.email"], reason: "counts only")])
        let text = try r.encoded()
        let back = try GovernanceRecord.decode(text, context: "t")
        #expect(back == r)
        #expect(back.masks == ["email": .hash, "name": .redact, "note": .showLast(4)])
        #expect(back.tags["note"] == [Tag.personName, Tag.phone])
        #expect(try r.encoded() == text, "encoding is deterministic")
    }

    @Test func unreadableRecordsAreErrorsNeverSilentLosses() throws {
        let good = try GovernanceRecord(policyDigest: "d", columns: ["email": .init(tags: [.init(tag: "pii.email", origin: .declared)],
                                                                                 stored: .masked(.hash))]).encoded()
        let damaged = [
            "not json",
            "{}",
            good.replacingOccurrences(of: "\"format\":1", with: "\"format\":2"),
            good.replacingOccurrences(of: "\"masked\"", with: "\"clear\""),
            good.replacingOccurrences(of: "\"hash\"", with: "\"sha1\""),
            good.replacingOccurrences(of: "\"pii.email\"", with: "\"PII EMAIL\""),
            good.replacingOccurrences(of: "\"declared\"", with: "\"guessed\""),
        ]
        for text in damaged {
            #expect(text != good || text == "{}")
            #expect(throws: StrataError.self, "\(text)") { try GovernanceRecord.decode(text, context: "silver.t version 3") }
        }
        do {
            _ = try GovernanceRecord.decode("{", context: "silver.t version 3")
        } catch let e as StrataError {
            #expect(e.code == .corruptData)
            #expect(e.message.contains("silver.t version 3"))
        }
    }
}
