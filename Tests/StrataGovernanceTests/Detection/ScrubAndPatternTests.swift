@testable import StrataGovernance
import StrataCore
import Testing

/// `scrub` for free text, custom `patterns:`, and the gate's free-text rule.
@Suite struct ScrubAndPatternTests {
    let masker = Masker(keys: KeyStore(lakeRoot: "/nonexistent", environment: testEnvironment))

    func scrubbed(_ values: [String], _ style: MaskMethod.ScrubStyle = .placeholder(MaskMethod.ScrubStyle.defaultTemplate),
                  masker m: Masker? = nil) throws -> [String] {
        let out = try (m ?? masker).apply(.scrub(style), to: strings(values), name: "body")
        return (0..<out.count).map { out.value($0).description }
    }

    @Test func scrubReplacesEachSpanAndKeepsTheText() throws {
        let out = try scrubbed(["mail ana@example.org or call +1 415 555 0132, thanks", "nothing here", "IBAN DE89 3704 0044 0532 0130 00."])
        #expect(out == ["mail <email> or call <phone>, thanks", "nothing here", "IBAN <iban>."])
        let custom = try scrubbed(["mail ana@example.org"], .placeholder("[{kind} removed]"))
        #expect(custom == ["mail [email removed]"])
        // The hash style keeps joins: equal spans give equal text, different ones differ.
        let hashed = try scrubbed(["a ana@example.org", "b ana@example.org", "c bo@example.org"], .hash)
        #expect(hashed[0].dropFirst(2) == hashed[1].dropFirst(2))
        #expect(hashed[0].dropFirst(2) != hashed[2].dropFirst(2))
        #expect(hashed[0].hasPrefix("a <email:") && !hashed[0].contains("ana"))
        // Scrubbed text raises no finding.
        #expect(SpanDetector.builtin.spans(out[0]).isEmpty && SpanDetector.builtin.spans(hashed[0]).isEmpty)
    }

    @Test func scrubConfigRoundTripsThroughTheRecord() throws {
        for m in [MaskMethod.scrub(.placeholder(MaskMethod.ScrubStyle.defaultTemplate)), .scrub(.hash), .scrub(.placeholder("[{kind}]"))] {
            #expect(MaskMethod(recorded: m.description) == m, "\(m)")
        }
        let p = try policies("masking:\n  pii.free_text: {scrub: hash}\n  pii.name: scrub\n")
        #expect(p.masking.map(\.action) == [.mask(.scrub(.hash)), .mask(.scrub(.placeholder("<{kind}>")))])
        let bad = errorText { _ = try policies("masking:\n  pii.free_text: {scrub: \"{what}\"}\n") }
        #expect(bad?.contains("policies/test.yaml:2:26") == true && bad?.contains("{kind}") == true, "\(bad ?? "")")
    }

    @Test func customPatternsFindTheirKindWithTheirTag() throws {
        let p = try policies("""
        tags:
          internal.employee_id: Staff numbers
        patterns:
          employee_id:
            regex: 'EMP-[0-9]{6}'
            tag: internal.employee_id
          loyalty_card:
            regex: 'LC[0-9]{10}'
            tag: sensitive.financial
            validator: luhn
            confidence: medium
        """)
        #expect(p.patterns.map(\.kind.rawValue) == ["employee_id", "loyalty_card"])
        let spans = p.detector.spans("ask EMP-004211 about LC0000000018 and LC0000000019")
        #expect(spans.map { "\($0.kind):\($0.start):\($0.confidence)" } == ["employee_id:4:high", "loyalty_card:21:medium"], "LC…19 fails Luhn")
        var s = p.scanner()
        s.add(Batch(schema: Schema([Field("note", .string)]), columns: [strings(["ask EMP-004211 please"] + (1...99).map { "note \($0)" })]))
        #expect(s.detections().map { "\($0.kind):\($0.tag)" } == ["employee_id:internal.employee_id"])
        let m = Masker(keys: masker.keys, detector: p.detector)
        #expect(try scrubbed(["ask EMP-004211 please"], masker: m) == ["ask <employee_id> please"])
    }

    @Test func patternErrorsArePositioned() {
        let regex = errorText { _ = try policies("patterns:\n  x_id:\n    regex: 'EMP-[0-9'\n    tag: pii.name\n") }
        #expect(regex?.hasPrefix("policies/test.yaml:3:12: patterns.x_id.regex: the regular expression does not compile") == true, "\(regex ?? "")")
        let validator = errorText { _ = try policies("patterns:\n  x_id:\n    regex: 'X'\n    tag: pii.name\n    validator: lhun\n") }
        #expect(validator?.contains("did you mean 'luhn'") == true, "\(validator ?? "")")
        let builtin = errorText { _ = try policies("patterns:\n  email:\n    regex: 'X'\n    tag: pii.name\n") }
        #expect(builtin?.contains("'email' is a built-in detector kind") == true, "\(builtin ?? "")")
        let tag = errorText { _ = try policies("patterns:\n  x_id:\n    regex: 'X'\n    tag: secret.x\n") }
        #expect(tag?.contains("policies/test.yaml:4:10") == true, "\(tag ?? "")")
    }

    @Test func freeTextIsScrubbedUnlessItsOwnMethodHidesEverything() throws {
        let schema = Schema([Field("body", .string)])
        let silver = TableRef(layer: .silver, name: "tickets")
        let tags: [String: Set<PolicyTag>] = ["body": [.freeText, .email, .phone]]
        // No rule for pii.free_text: scrub, although pii.email alone would hash the whole text.
        let plain = try policies("masking:\n  pii.email: hash\nlayers:\n  silver: {store_raw: []}\n")
        #expect(Governance(policies: plain).planWrite(table: silver, schema: schema, tags: tags).masks == ["body": .scrub(.placeholder("<{kind}>"))])
        // A declared free-text method that hides the whole value wins over the detected kinds.
        let redact = try policies("masking:\n  pii.email: hash\n  pii.free_text: redact\nlayers:\n  silver: {store_raw: []}\n")
        #expect(Governance(policies: redact).planWrite(table: silver, schema: schema, tags: tags).masks == ["body": .redact])
        // Free text a layer may store raw still loses the kinds it holds.
        let raw = try policies("masking:\n  pii.email: hash\nlayers:\n  silver: {store_raw: [pii.free_text]}\n")
        #expect(Governance(policies: raw).planWrite(table: silver, schema: schema, tags: tags).masks == ["body": .scrub(.placeholder("<{kind}>"))])
        #expect(Governance(policies: raw).planWrite(table: silver, schema: schema, tags: ["body": [.freeText]]).masks.isEmpty)
        // A refusal still refuses.
        let refuse = try policies("masking:\n  pii.card: refuse\nlayers:\n  silver: {store_raw: []}\n")
        #expect(Governance(policies: refuse).planWrite(table: silver, schema: schema, tags: ["body": [.freeText, .card]]).refusal != nil)
        // Role views follow the same rule: a masked view of the text is the scrubbed text.
        let roles = try policies("masking:\n  pii.email: hash\nlayers:\n  silver: {store_raw: []}\nroles:\n  analyst:\n    grants:\n      - tables: \"*\"\n")
        let d = Governance(policies: roles).decide(role: "analyst", table: silver, schema: schema, tags: tags)
        #expect(d.columns.first?.visibility == Visibility.masked(MaskMethod.scrub(.placeholder("<{kind}>"))))
    }

    @Test func maskedExamplesDiscloseNoValue() {
        func example(_ s: String) -> String { var s = s; return s.withUTF8 { PIIScanner.maskedExample($0) } }
        #expect(example("jana.novak@example.com") == "j***.n****@e******.com")
        #expect(example("+1 415 555 0132") == "+* *** *** **32")
        #expect(example("DE89 3704 0044 0532 0130 00") == "**** **** **** **** **** 00")
        #expect(example("josé@correo.es") == "j***@c*****.es")
    }
}
