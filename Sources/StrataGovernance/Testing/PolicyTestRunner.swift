import StrataCore

/// The outcome of one policy test.
public struct PolicyTestResult: Sendable, Hashable {
    public var test: PolicyTest
    public var passed: Bool
    /// What was checked or what went wrong, per table; names roles, tables, columns and rules, never values.
    public var details: [String]
}

/// Runs the `tests:` of a policy set against the known tables.
///
/// Table and column expectations are checked against `AccessDecision`s. A `rows_where`
/// expectation reads the table as the role through `read` (the engine's governed read path)
/// and checks every row; when `read` is nil or returns nil (no data yet), it checks instead that
/// the role's grant has a row filter at all, so removing a filter still fails the test.
public struct PolicyTestRunner {
    /// Reads `table` as `role` (row filter and masks applied); nil when there is no data.
    public typealias ReadAsRole = (_ role: String, _ table: TableRef) throws -> Batch?

    public let governance: Governance
    /// The tables tests may refer to, with their logical schemas (existing and planned).
    public let tables: [TableRef: Schema]
    /// Each table's column tags; defaults to the policies' classification.
    public let tagsOf: (TableRef, Schema) -> [String: Set<Tag>]
    /// Each table's stored masks; defaults to the gate's plan under the current policies.
    public let storedOf: ((TableRef, Schema) -> [String: MaskMethod])?
    public let read: ReadAsRole?

    public init(governance: Governance, tables: [TableRef: Schema],
                tagsOf: ((TableRef, Schema) -> [String: Set<Tag>])? = nil,
                storedOf: ((TableRef, Schema) -> [String: MaskMethod])? = nil,
                read: ReadAsRole? = nil) {
        self.governance = governance
        self.tables = tables
        self.tagsOf = tagsOf ?? { governance.tags(table: $0, schema: $1) }
        self.storedOf = storedOf
        self.read = read
    }

    public func run() -> [PolicyTestResult] {
        governance.policies.tests.map(run)
    }

    public func run(_ test: PolicyTest) -> PolicyTestResult {
        let pattern: Glob
        switch test.target {
        case .table(let g): pattern = g
        case .column(let g, _): pattern = g
        }
        let matched = tables.keys.filter { pattern.matches($0.policyName) }.sorted()
        guard !matched.isEmpty else {
            return PolicyTestResult(test: test, passed: false, details: ["\(pattern.pattern) matches no known table (a test must check something)"])
        }
        var passed = true
        var details: [String] = []
        for table in matched {
            let schema = tables[table]!
            let tags = tagsOf(table, schema)
            let decision = governance.decide(role: test.role, table: table, schema: schema, tags: tags, stored: storedOf?(table, schema))
            let (ok, detail) = check(test, table, schema, decision)
            passed = passed && ok
            details.append(detail)
            if ok, let rows = test.rowsWhere, !decision.isDenied {
                let (rok, rdetail) = checkRows(test, rows, table, decision)
                passed = passed && rok
                details.append(rdetail)
            }
        }
        return PolicyTestResult(test: test, passed: passed, details: details)
    }

    func check(_ test: PolicyTest, _ table: TableRef, _ schema: Schema, _ d: AccessDecision) -> (Bool, String) {
        let got: String
        switch test.target {
        case .table:
            got = d.isDenied ? "denied" : "allowed"
            let ok = (test.expect == .denied) == d.isDenied
            return (ok, "\(table): \(got)" + (ok ? "" : ", expected \(test.expect)") + rule(d))
        case .column(_, let column):
            if d.isDenied {
                return (test.expect == .denied, "\(table): denied" + (test.expect == .denied ? "" : ", expected \(test.expect)") + rule(d))
            }
            guard let c = d.columns.first(where: { $0.name == column }) else {
                let hint = Suggest.hint(for: column, in: schema.names).map { "; \($0)" } ?? ""
                return (false, "\(table): has no column '\(column)'\(hint)")
            }
            let ok: Bool
            switch (test.expect, c.effective) {
            case (.clear, .clear), (.hidden, .hidden), (.masked(nil), .masked): ok = true
            case (.masked(let want?), .masked(let have)): ok = want == have
            default: ok = false
            }
            let what = c.effective == c.visibility ? c.sees : "\(c.effective) (as stored)"
            return (ok, "\(table).\(column): \(what)" + (ok ? "" : ", expected \(test.expect)") + " — \(c.rule)")
        }
    }

    func checkRows(_ test: PolicyTest, _ filter: RowFilter, _ table: TableRef, _ d: AccessDecision) -> (Bool, String) {
        if let read {
            do {
                if let batch = try read(test.role, table) {
                    let keep = try filter.evaluate(batch)
                    let bad = keep.filter { !$0 }.count
                    return (bad == 0, bad == 0 ? "\(table): all \(batch.rowCount) rows the role reads satisfy \(filter.text)"
                                              : "\(table): \(bad) of \(batch.rowCount) rows the role reads do not satisfy \(filter.text)")
                }
            } catch {
                return (false, "\(table): could not check rows: \(error)")
            }
        }
        guard let f = d.rowFilter else {
            return (false, "\(table): no data to check, and role \(test.role) has no row filter on it")
        }
        return (true, "\(table): no data to check; the role's row filter is \(f.text)")
    }

    private func rule(_ d: AccessDecision) -> String {
        guard let r = d.rule else { return "" }
        return " — \(r)"
    }
}
