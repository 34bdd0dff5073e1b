import StrataCore
import StrataGovernance
import Synchronization

/// The read governance a pipeline run installs for its plugins' table reads (table sources,
/// joins, unions, relationship checks, a merge sink's own target): every batch is conformed,
/// file by file, to the stored form its table promises now, so a file committed before a column
/// was classified never feeds raw values into a later layer.
final class TableReadGovernance: Sendable {
    let lake: Lake
    let governance: Governance
    let masker: Masker
    let target: TableRef
    private let conformers = Mutex<[TableRef: StoredFormConformer]>([:])
    /// The stored form of the pipeline's own write, once its gate has decided (a merge re-stores
    /// the target's existing rows in that form).
    private let writeMasks = Mutex<[String: MaskMethod]?>(nil)

    init(lake: Lake, governance: Governance, masker: Masker, target: TableRef) {
        self.lake = lake
        self.governance = governance
        self.masker = masker
        self.target = target
    }

    func setWriteMasks(_ masks: [String: MaskMethod]) { writeMasks.withLock { $0 = masks } }

    func conform(_ table: TableRef, _ batch: Batch) throws -> Batch {
        if let c = conformers.withLock({ $0[table] }) { return try c.conform(batch) }
        let g = try lake.governance(of: table)
        let goal: [String: MaskMethod]
        if table == target, let w = writeMasks.withLock({ $0 }) {
            goal = w
        } else {
            goal = StoredFormConformer.target(for: table, schema: try lake.snapshot(table).schema, governance: g, policies: governance)
        }
        let c = StoredFormConformer(governance: g, target: goal, masker: masker)
        if table != target { conformers.withLock { $0[table] = c } }
        return try c.conform(batch)
    }

    var governor: TableReadGovernor { { [self] table, batch in try conform(table, batch) } }
}
