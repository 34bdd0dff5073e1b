import StrataCore

/// Upsert and SCD Type 2 over whole batches: pure functions, so the sink can commit the result atomically.
enum TableMerge {
    struct Outcome {
        var result: Batch
        var inserted = 0
        var updated = 0
        var closed = 0
        var unchanged = 0
        var changed: Bool { inserted + updated + closed > 0 }
    }

    static func indices(_ names: [String], _ schema: Schema, table: TableRef) throws -> [Int] {
        try names.map { try schema.require($0, path: "sink.keys", table: table.description) }
    }

    /// Rows equal in every listed column.
    static func sameRow(_ a: Batch, _ i: Int, _ b: Batch, _ j: Int, columns: [(Int, Int)]) -> Bool {
        var ka: [UInt8] = [], kb: [UInt8] = []
        for (ca, cb) in columns {
            ka.removeAll(keepingCapacity: true)
            kb.removeAll(keepingCapacity: true)
            RowKey.append(a.columns[ca], i, to: &ka)
            RowKey.append(b.columns[cb], j, to: &kb)
            if ka != kb { return false }
        }
        return true
    }

    /// Upsert: existing rows keep their order and are replaced in place by the incoming row with
    /// the same key (the last one when the input repeats a key); other incoming rows are appended.
    static func upsert(existing: Batch, incoming: Batch, keys: [String], table: TableRef) throws -> Outcome {
        let schema = existing.schema
        let ek = try indices(keys, schema, table: table)
        let ik = try indices(keys, incoming.schema, table: table)
        let pairs = schema.fields.indices.map { ($0, incoming.schema.index(of: schema[$0].name)!) }
        // Key ids: incoming keys first (ids 0..<n in first-seen order), then existing keys; an
        // existing row matches when its key's id is an incoming one. Null is a key of its own.
        let index = KeyIndex(types: ik.map { incoming.schema[$0].type })
        let incomingIds = index.assign(ik.map { incoming.columns[$0] }, rows: incoming.rowCount)
        let n = index.count
        var lastIncoming = [Int](repeating: -1, count: n)
        for (r, id) in incomingIds.enumerated() { lastIncoming[Int(id)] = r }
        let existingIds = index.assign(ek.map { existing.columns[$0] }, rows: existing.rowCount)
        var out = Outcome(result: existing)
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: existing.rowCount + incoming.rowCount) }
        var matched = [Bool](repeating: false, count: n)
        for r in 0..<existing.rowCount {
            let id = Int(existingIds[r])
            if id < n, !matched[id] {
                let j = lastIncoming[id]
                matched[id] = true
                if sameRow(existing, r, incoming, j, columns: pairs) {
                    out.unchanged += 1
                } else {
                    out.updated += 1
                }
                for (c, ic) in pairs { builders[c].append(from: incoming.columns[ic], row: j) }
            } else {
                for c in schema.fields.indices { builders[c].append(from: existing.columns[c], row: r) }
            }
        }
        for id in 0..<n where !matched[id] {
            let j = lastIncoming[id]
            out.inserted += 1
            for (c, ic) in pairs { builders[c].append(from: incoming.columns[ic], row: j) }
        }
        out.result = Batch(schema: schema, columns: builders.map { $0.finish() })
        return out
    }

    static let validFrom = Field("valid_from", .timestamp, nullable: false)
    static let validTo = Field("valid_to", .timestamp)
    static let isCurrent = Field("is_current", .bool, nullable: false)

    /// SCD Type 2: for each key, incoming rows are applied in order of their effective time; a row
    /// whose tracked columns differ from the key's current version closes it (`valid_to`,
    /// `is_current = false`) and opens a new version. Rows not newer than the current version's
    /// `valid_from` were applied before and are skipped, so re-running the same input changes nothing.
    static func scd2(existing: Batch, incoming: Batch, keys: [String], tracked: [String], effective: [Int64], table: TableRef) throws -> Outcome {
        let schema = existing.schema
        let ek = try indices(keys, schema, table: table)
        let ik = try indices(keys, incoming.schema, table: table)
        let trackedPairs = try tracked.map { (try schema.require($0, path: "sink.tracked", table: table.description),
                                              try incoming.schema.require($0, path: "sink.tracked", table: table.description)) }
        let vf = schema.index(of: validFrom.name)!, vt = schema.index(of: validTo.name)!, cur = schema.index(of: isCurrent.name)!
        guard case .int64(let fromValues) = existing.columns[vf].values, case .bool(let currentFlags) = existing.columns[cur].values else {
            throw StrataError(.schemaMismatch, "\(table) is not an SCD2 table (valid_from/is_current have other types)")
        }
        let dataColumns = schema.fields.indices.filter { $0 != vf && $0 != vt && $0 != cur }
        let pairs = dataColumns.map { ($0, incoming.schema.index(of: schema[$0].name)!) }

        // Existing rows, with the current version of each key found.
        var rows: [(source: Int, row: Int, validFrom: Int64, validTo: Int64?, current: Bool)] = []
        var currentOf: [[UInt8]: Int] = [:]
        var key: [UInt8] = []
        let existingKeys = ek.map { existing.columns[$0] }, incomingKeys = ik.map { incoming.columns[$0] }
        for r in 0..<existing.rowCount {
            let to: Int64? = existing.columns[vt].isNull(r) ? nil : { if case .int64(let v) = existing.columns[vt].values { return v[r] } else { return nil } }()
            rows.append((0, r, fromValues[r], to, currentFlags[r]))
            if currentFlags[r] {
                RowKey.of(existingKeys, r, into: &key)
                currentOf[key] = rows.count - 1
            }
        }
        var out = Outcome(result: existing)
        let order = (0..<incoming.rowCount).sorted { (effective[$0], $0) < (effective[$1], $1) }
        for j in order {
            RowKey.of(incomingKeys, j, into: &key)
            let t = effective[j]
            if let c = currentOf[key] {
                let curRow = rows[c]
                if t <= curRow.validFrom { out.unchanged += 1; continue }
                let same: Bool
                if curRow.source == 0 {
                    same = sameRow(existing, curRow.row, incoming, j, columns: trackedPairs)
                } else {
                    same = sameRow(incoming, curRow.row, incoming, j, columns: trackedPairs.map { ($0.1, $0.1) })
                }
                if same { out.unchanged += 1; continue }
                rows[c].validTo = t
                rows[c].current = false
                out.closed += 1
            }
            rows.append((1, j, t, nil, true))
            currentOf[key] = rows.count - 1
            out.inserted += 1
        }
        var builders = schema.fields.map { ColumnBuilder(type: $0.type, capacity: rows.count) }
        for r in rows {
            if r.source == 0 {
                for c in dataColumns { builders[c].append(from: existing.columns[c], row: r.row) }
            } else {
                for (c, ic) in pairs { builders[c].append(from: incoming.columns[ic], row: r.row) }
            }
            builders[vf].append(r.validFrom)
            if let to = r.validTo { builders[vt].append(to) } else { builders[vt].appendNull() }
            builders[cur].append(r.current)
        }
        out.result = Batch(schema: schema, columns: builders.map { $0.finish() })
        return out
    }
}
