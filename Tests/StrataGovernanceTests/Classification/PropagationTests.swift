@testable import StrataGovernance
import StrataCore
import Testing

@Suite struct PropagationTests {
    let users = TableRef(layer: .silver, name: "users")
    let orders = TableRef(layer: .silver, name: "transactions")

    var inputTags: [ColumnRef: Set<PolicyTag>] {
        [ColumnRef("email", table: users): [.email], ColumnRef("full_name", table: users): [.personName],
         ColumnRef("amount", table: orders): [.financial], ColumnRef("user_id", table: users): []]
    }

    @Test func derivedColumnsCarryTheirInputsTags() throws {
        let r = try Propagation.outputTags(inputTags: inputTags, derivations: [
            "contact": Derivation(inputs: [ColumnRef("email", table: users)]),                                   // rename
            "label": Derivation(inputs: [ColumnRef("full_name", table: users), ColumnRef("email", table: users)]),     // concat
            "domain": Derivation(inputs: [ColumnRef("email", table: users)]),                                    // split_part(email, '@', 2)
            "total": Derivation(inputs: [ColumnRef("amount", table: orders)]),                                   // sum(amount)
            "n_users": Derivation(inputs: [ColumnRef("email", table: users)], revealsValues: false),             // count(distinct email)
            "user_id": Derivation(inputs: [ColumnRef("user_id", table: users)]),
        ])
        #expect(r.tags["contact"] == [.email])
        #expect(r.tags["label"] == [.email, .personName])
        #expect(r.tags["domain"] == [.email])
        #expect(r.tags["total"] == [.financial])
        #expect(r.tags["n_users"] == [])
        #expect(r.tags["user_id"] == [])
        #expect(r.declassified.isEmpty)
    }

    @Test func declassificationIsExplicitAndNeedsAReason() throws {
        let derivations = ["domain": Derivation(inputs: [ColumnRef("email", table: users)]),
                           "label": Derivation(inputs: [ColumnRef("full_name", table: users), ColumnRef("email", table: users)])]
        let loc = SourceLocation(file: "pipelines.yaml", line: 40, column: 9)
        let r = try Propagation.outputTags(inputTags: inputTags, derivations: derivations, declassifications: [
            Declassification(column: "domain", tags: [.email], reason: "only the mail provider's domain is kept", location: loc),
        ])
        #expect(r.tags["domain"] == [])
        #expect(r.inherited["domain"] == [.email])
        #expect(r.declassified == [AppliedDeclassification(column: "domain", tags: [.email], reason: "only the mail provider's domain is kept", location: loc)])

        #expect(errorText { _ = try Propagation.outputTags(inputTags: inputTags, derivations: derivations,
                                                           declassifications: [Declassification(column: "domain", reason: "  ", location: loc)]) }
                == "pipelines.yaml:40:9: declassifying column 'domain' needs a reason; say why the column no longer holds the tagged data, e.g. reason: aggregated over ≥ 100 users")
        #expect(errorText { _ = try Propagation.outputTags(inputTags: inputTags, derivations: derivations,
                                                           declassifications: [Declassification(column: "domian", reason: "x", location: loc)]) }
                == "pipelines.yaml:40:9: cannot declassify 'domian': it is not an output column; did you mean 'domain'?")
        #expect(errorText { _ = try Propagation.outputTags(inputTags: inputTags, derivations: derivations,
                                                           declassifications: [Declassification(column: "label", tags: [.phone], reason: "x", location: loc)]) }
                == "pipelines.yaml:40:9: cannot declassify 'label': it carries no tag pii.phone; it carries pii.email, pii.name")
        // Removing all tags at once.
        let all = try Propagation.outputTags(inputTags: inputTags, derivations: derivations,
                                             declassifications: [Declassification(column: "label", reason: "aggregated")])
        #expect(all.tags["label"] == [])
    }

    @Test func fromColumnLineage() throws {
        let lineage = ColumnLineage(direct: [
            "contact": [.init(ColumnRef("email", table: users), .identity)],
            "spend": [.init(ColumnRef("amount", table: orders), .aggregation)],
            "user_id": [.init(ColumnRef("user_id", table: users), .identity)],
        ], indirect: [.init(ColumnRef("email", table: users), .filter)])
        let r = try Propagation.outputTags(inputTags: inputTags, lineage: lineage)
        #expect(r.tags == ["contact": [.email], "spend": [.financial], "user_id": []])
    }

    @Test func classificationCombinesDeclaredDetectedAndPropagated() throws {
        let p = try policies("""
            classification:
              - tables: "silver.*"
                columns:
                  email: pii.email
            detection:
              mode: report
            """)
        let schema = Schema([Field("email", .string), Field("notes", .string), Field("alias", .string)])
        let det = [Detection(column: "notes", kind: .phone, embedded: true, hits: 9, sampled: 100)]
        let c = p.classify(table: users, schema: schema, detections: det, propagated: ["alias": [.email]])
        #expect(c["email"]?.declared.keys.sorted() == [.email])
        #expect(c["notes"]?.undeclaredDetections == det)
        #expect(p.tags(table: users, schema: schema, detections: det, propagated: ["alias": [.email]])
                == ["email": [.email], "notes": [], "alias": [.email]])
        var enforcing = p
        enforcing.detection.mode = .enforce
        #expect(enforcing.tags(table: users, schema: schema, detections: det)["notes"] == [.phone])
        enforcing.detection.ignore = [Glob("silver.users.notes")]
        #expect(enforcing.tags(table: users, schema: schema, detections: det)["notes"] == [])
    }
}
