import StrataCore

/// The one entry point the engine and the CLI use: classification, the write gate and read
/// access over one loaded `PolicySet`.
public struct Governance: Sendable {
    public let policies: PolicySet

    public init(policies: PolicySet) {
        self.policies = policies
    }

    /// Loads `policies/*.yaml` (see `PolicySet.load(directory:)`).
    public static func load(directory: String) throws -> Governance {
        Governance(policies: try PolicySet.load(directory: directory))
    }

    public var gate: LayerGate { LayerGate(policies: policies) }
    public var access: AccessPolicy { AccessPolicy(policies: policies) }

    /// Each column's governing tags (declared, enforcing detections, propagated).
    public func tags(table: TableRef, schema: Schema, detections: [Detection] = [],
                     propagated: [String: Set<Tag>] = [:]) -> [String: Set<Tag>] {
        policies.tags(table: table, schema: schema, detections: detections, propagated: propagated)
    }

    /// The masks the write gate applies to `table` under the current policies: the stored form
    /// of each column when the engine has not recorded one. Refused columns are absent.
    public func storedMasks(table: TableRef, schema: Schema, tags: [String: Set<Tag>]) -> [String: MaskMethod] {
        gate.plan(table: table, schema: schema, tags: tags).masks
    }

    /// The gate's plan for a write (call `check()` / `apply(to:masker:)` on it).
    public func planWrite(table: TableRef, schema: Schema, tags: [String: Set<Tag>], preMasked: Set<String> = []) -> GatePlan {
        gate.plan(table: table, schema: schema, tags: tags, preMasked: preMasked)
    }

    /// What `role` may read of `table`. `stored` defaults to the gate's masks for the table;
    /// `schema` is the table's logical schema (before write masks).
    public func decide(role: String, table: TableRef, schema: Schema, tags: [String: Set<Tag>],
                       stored: [String: MaskMethod]? = nil) -> AccessDecision {
        let s = stored ?? storedMasks(table: table, schema: schema, tags: tags)
        return access.decide(role: role, table: table, schema: schema, tags: tags, stored: s)
    }
}
