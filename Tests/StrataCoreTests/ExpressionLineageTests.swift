import Testing
@testable import StrataCore

@Suite struct ExpressionLineageTests {
    let schema = Schema([Field("status", .string), Field("amount", .decimal(precision: 10, scale: 2)), Field("fee", .double),
                         Field("country", .string), Field("email", .string)])

    func lineage(_ text: String) throws -> [String: LineageKind] {
        try ExpressionCompiler.compile(text, schema: schema).lineage()
    }

    @Test func kinds() throws {
        #expect(try lineage("amount") == ["amount": .identity])
        #expect(try lineage("(amount)") == ["amount": .identity])
        #expect(try lineage("CAST(amount AS DOUBLE)") == ["amount": .transformation])
        #expect(try lineage("amount * 2 + fee") == ["amount": .transformation, "fee": .transformation])
        #expect(try lineage("CASE WHEN status = 'x' THEN amount END") == ["status": .conditional, "amount": .transformation])
        #expect(try lineage("CASE status WHEN 'x' THEN amount ELSE fee END") ==
                ["status": .conditional, "amount": .transformation, "fee": .transformation])
        #expect(try lineage("if(country = 'DE', lower(email), NULL)") == ["country": .conditional, "email": .transformation])
        #expect(try lineage("nullif(email, status)") == ["email": .transformation, "status": .conditional])
        // A column used both ways reports the stronger (direct) kind.
        #expect(try lineage("CASE WHEN amount > 0 THEN amount ELSE 0 END") == ["amount": .transformation])
        // A nested CASE inside a condition stays conditional throughout.
        #expect(try lineage("CASE WHEN (CASE WHEN status = 'a' THEN fee END) > 1 THEN 'big' END") ==
                ["status": .conditional, "fee": .conditional])
        #expect(try lineage("upper(status) = 'X'") == ["status": .transformation])
        #expect(try lineage("'constant'") == [:])
        #expect(LineageKind.identity.isDirect && LineageKind.transformation.isDirect && !LineageKind.conditional.isDirect)
        #expect(LineageKind.conditional.rawValue == "CONDITIONAL")
    }
}
