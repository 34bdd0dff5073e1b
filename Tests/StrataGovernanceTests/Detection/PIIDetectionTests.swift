@testable import StrataGovernance
import StrataCore
import Testing

func kind(_ s: String) -> PIIKind? {
    var s = s
    return s.withUTF8 { SpanDetector.builtin.wholeKind($0) }
}

func embedded(_ s: String) -> Set<PIIKind> {
    Set(SpanDetector.builtin.spans(s).map(\.kind))
}

@Suite struct PIIDetectionTests {
    @Test(arguments: [
        ("luca.johnson1@yahoo.com", PIIKind.email), ("a.b+tag@sub.example.co.uk", .email),
        ("132.29.2.76", .ip), ("2a02:4457:65d7:6e39:7413:8880:6302:1294", .ip), ("::1", nil), ("fe80::1ff:fe23:4567:890a", .ip),
        ("4111 1111 1111 1111", .card), ("5178880668923899", .card), ("3782-822463-10005", .card),
        ("DE89 3704 0044 0532 0130 00", .iban), ("GB82WEST12345698765432", .iban),
        ("+1 311 524 3210", .phone), ("+44 20 7946 0958", .phone), ("(415) 555-0132", .phone), ("030 12345678", .phone),
        ("07911123456", .phone), ("+49-30-1234567", .phone),
    ] as [(String, PIIKind?)])
    func truePositives(value: String, expected: PIIKind?) {
        #expect(kind(value) == expected, "\(value)")
    }

    @Test(arguments: [
        "4111 1111 1111 1112",          // Luhn fails
        "1111 1111 1111 1117",          // first digit not a card network
        "DE89 3704 0044 0532 0130 01",  // mod 97 fails
        "2025-01-31", "31.01.2025", "2025-01-01T00:00:03Z", "37.00", "12345.6789", "1000234",
        "SKU-GAR-000001", "evt_cd1f3bbc696f4b64", "https://shop.example.com/p/43", "user@localhost",
        "256.1.1.1", "1.2.3", "Premium Solar Lantern 12\"", "not an email @ all", "Houston",
    ])
    func falsePositives(value: String) {
        #expect(kind(value) == nil, "\(value)")
    }

    @Test func luhnAndMod97() {
        #expect(PIIPatterns.luhn([7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 3]))
        #expect(!PIIPatterns.luhn([7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 4]))
        #expect(PIIPatterns.mod97(Array("GB82WEST12345698765432".utf8)) == 1)
        #expect(PIIPatterns.mod97(Array("GB83WEST12345698765432".utf8)) != 1)
    }

    @Test func freeTextContainingPII() {
        #expect(embedded("Customer wrote from ana.lopez@example.org about order 1234") == [.email])
        #expect(embedded("call me back on +44 20 7946 0958 after 5pm") == [.phone])
        #expect(embedded("login from 10.20.30.40, then from 2001:db8::8a2e:370:7334.") == [.ip])
        #expect(embedded("refund to card 4111-1111-1111-1111 please") == [.card])
        #expect(embedded("pay to DE89 3704 0044 0532 0130 00 THANKS") == [.iban])
        // Wherever the number stands in the text (the check after it once read a position counted
        // from the number's start instead of the text's).
        #expect(embedded("please call me at +1-218-378-5815 after 5pm") == [.phone])
        #expect(embedded("x at +1-218-378-5815") == [.phone])
        #expect(embedded("Hello team, my card 4111 1111 1111 1111 was charged twice") == [.card])
        #expect(embedded("ticket 77: customer asks a callback at (312) 555-0199 today") == [.phone])
        #expect(embedded("call +1-218-378-5815x12") == [])
        #expect(embedded("order 1234 shipped on 2025-01-31 at 10:00, total 37.00 EUR") == [])
        #expect(embedded("see https://shop.example.com/p/43?ref=mail") == [])
    }

    @Test func scannerReportsColumnsAboveTheThresholdWithoutValues() {
        var emails = ColumnBuilder(type: .string)
        var notes = ColumnBuilder(type: .string)
        var clean = ColumnBuilder(type: .string)
        var ids = ColumnBuilder(type: .int64)
        for i in 0..<100 {
            if i % 10 == 0 { emails.appendNull() } else { emails.append("user\(i)@example.com") }
            notes.append(i % 10 == 0 ? "please contact user\(i)@example.com" : "delivered on time")
            clean.append("SKU-\(i)")
            ids.append(Int64(i))
        }
        let schema = Schema([Field("email", .string), Field("notes", .string), Field("sku", .string), Field("id", .int64)])
        var scanner = PIIScanner()
        scanner.add(Batch(schema: schema, columns: [emails.finish(), notes.finish(), clean.finish(), ids.finish()]))
        let found = scanner.detections()
        #expect(found.map { "\($0.column):\($0.kind):\($0.embedded):\($0.hits)/\($0.sampled):\($0.confidence)" } == [
            "email:email:false:90/90:high", "notes:email:true:10/100:high",
        ])
        #expect(found.map(\.example) == ["u****@e******.com", "u****@e******.com"])
        #expect(found[1].description == "free text containing email: 10 of 100 sampled values (10%)")
        #expect(!found.map(\.description).joined().contains("example.com"))
        #expect(!found.compactMap(\.example).joined().contains("user"))
    }

    @Test func thresholdAndSampleLimit() {
        // Thresholds hold for medium-confidence kinds (national phone numbers) ...
        let c = strings(["030 1234567", "x", "y", "z"])
        #expect(PIIScanner.scan(c, name: "c", threshold: 0.5, embeddedThreshold: 0.5).isEmpty)
        #expect(PIIScanner.scan(c, name: "c", threshold: 0.25).map(\.kind) == [.phone])
        // ... while one e-mail address or valid IBAN is enough.
        let one = strings(["a@b.org"] + (1...99).map { "note \($0)" })
        #expect(PIIScanner.scan(one, name: "c").map(\.kind) == [.email])
        let iban = strings(["pay to DE89 3704 0044 0532 0130 00 THANKS"] + (1...99).map { "note \($0)" })
        #expect(PIIScanner.scan(iban, name: "c").map(\.kind) == [.iban])
        // A number that passes Luhn in a card network's issuer range is a card number.
        let cards = strings(["refund 4111 1111 1111 1111 please"] + (1...99).map { "note \($0)" })
        #expect(PIIScanner.scan(cards, name: "c").map(\.kind) == [.card])
        // Beyond the sample, only high-confidence spans count, and only when scanning fully.
        var s = PIIScanner(sampleRows: 2, fullScan: false)
        s.add(Batch(schema: Schema([Field("c", .string)]), columns: [strings(["hello", "world", "a@b.org", "c@d.org"])]))
        #expect(s.detections().isEmpty)
        #expect(s.isSaturated)
        var full = PIIScanner(sampleRows: 2)
        full.add(Batch(schema: Schema([Field("c", .string)]), columns: [strings(["hello", "world", "a@b.org", "+44 20 7946 0958 x", "030 1234567 y"])]))
        #expect(full.detections().map { "\($0.kind):\($0.hits)" } == ["email:1", "phone:1"], "the national number beyond the sample is medium: not counted")
    }

    /// The committed demo users: every PII column is found, nothing else is.
    @Test func demoLandingUsers() throws {
        let emails = ["luca.johnson1@yahoo.com", "giulia.wang2@hotmail.com"]
        let phones = ["+1 311 524 3210", "+81 726 546 9935"]
        let ips = ["132.29.2.76", "2a02:4457:65d7:6e39:7413:8880:6302:1294"]
        let names = ["Luca Johnson", "Giulia Wang"]
        let schema = Schema([Field("email", .string), Field("phone", .string), Field("ip_address", .string), Field("full_name", .string)])
        var s = PIIScanner()
        s.add(Batch(schema: schema, columns: [strings(emails), strings(phones), strings(ips), strings(names)]))
        #expect(s.detections().map { "\($0.column):\($0.kind)" } == ["email:email", "phone:phone", "ip_address:ip"])
    }
}
