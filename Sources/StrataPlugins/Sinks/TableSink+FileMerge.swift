import StrataCore
import StrataFormats

/// Merges by files: which live files can hold an incoming key, from each file's min/max
/// statistics and then its rows, so a merge rewrites only those files (a Delta `remove` and
/// `add` for each) and adds the new keys in new files. The rest of the table is not read.
///
/// Strata keeps no column values in the log (a value there could never be re-masked), so the
/// ranges come from the log's stats when another writer put them there, else from the Parquet
/// footer (`footerRange`: one small read per file, no data).
enum FileMerge {
    /// The files whose statistics admit some incoming key: for every key column the file's
    /// [min, max] holds that key's value. Files without statistics for a key column are candidates.
    static func candidates(_ files: [DeltaAddFile], keys: [String], incoming: Batch,
                           footerRange: (DeltaAddFile, String) -> (Value, Value)? = { _, _ in nil }) -> [DeltaAddFile] {
        let cols = keys.compactMap { incoming.column(named: $0) }
        guard cols.count == keys.count, incoming.rowCount > 0 else { return incoming.rowCount > 0 ? files : [] }
        if cols.count == 1, cols[0].validity == nil, case .int64(let raw) = cols[0].values {
            return candidates(files, key: keys[0], sortedKeys: Array(Set(raw)).sorted(), footerRange: footerRange)
        }
        // Incoming key tuples, as values (not deduplicated: Swift's String equality is canonical
        // equivalence, keys and statistics compare bytes).
        let tuples = (0..<incoming.rowCount).map { r in cols.map { $0.value(r) } }
        // Sorted by the first key column, to find the tuples inside a file's range quickly.
        let sorted = tuples.sorted { order($0[0], $1[0]) ?? 0 < 0 }
        return files.filter { f in
            let stats = f.stats ?? DeltaFileStats(numRecords: 0)
            var ranges: [(Value, Value)?] = []
            for k in keys {
                // Partition columns are not in the file stats: use the partition value itself.
                if let pv = f.partitionValues[k] {
                    guard let text = pv, let type = incoming.schema.field(named: k)?.type,
                          let v = try? DeltaPartitions.value(text, type: type, column: k) else { ranges.append(nil); continue } // unparsable: no pruning on it
                    ranges.append((v, v))
                } else if let lo = stats.minValues[k], let hi = stats.maxValues[k] {
                    ranges.append((lo, logUpperBound(hi)))
                } else {
                    ranges.append(footerRange(f, k))
                }
            }
            func inside(_ v: Value, _ r: (Value, Value)?) -> Bool {
                guard let r else { return true }
                if v == .null { return true }  // null keys: no pruning
                guard let a = order(r.0, v), let b = order(v, r.1) else { return true }
                return a <= 0 && b <= 0
            }
            // The first tuple whose first key is not below the file's minimum, then forward.
            var lo = 0, hi = sorted.count
            if let r0 = ranges[0] {
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if let c = order(sorted[mid][0], r0.0), c < 0 { lo = mid + 1 } else { hi = mid }
                }
            } else {
                lo = 0
            }
            for t in sorted[lo...] {
                if let r0 = ranges[0], let c = order(t[0], r0.1), c > 0 { break }
                if t.indices.allSatisfy({ inside(t[$0], ranges[$0]) }) { return true }
            }
            // Tuples with a null key sort first and may be skipped above: they match any file.
            return sorted.contains { $0.contains(.null) }
        }
    }

    /// The single-key, integer-stored case (int64, date, timestamp, decimal keys without nulls):
    /// a binary search of the sorted incoming keys per file.
    static func candidates(_ files: [DeltaAddFile], key: String, sortedKeys: [Int64],
                           footerRange: (DeltaAddFile, String) -> (Value, Value)?) -> [DeltaAddFile] {
        func raw(_ v: Value?) -> Int64? {
            switch v {
            case .int(let x)?, .timestamp(let x)?, .decimal(let x, _)?: return x
            case .date(let d)?: return Int64(d)
            default: return nil
            }
        }
        return files.filter { f in
            if f.partitionValues[key] != nil { return true }  // a partition key: the general path prunes it; here, no pruning
            var lo = raw(f.stats?.minValues[key]), hi = raw(f.stats?.maxValues[key].map(logUpperBound))
            if lo == nil || hi == nil, let r = footerRange(f, key) { (lo, hi) = (raw(r.0), raw(r.1)) }
            guard let lo, let hi else { return true }
            var a = 0, b = sortedKeys.count
            while a < b {
                let mid = (a + b) / 2
                if sortedKeys[mid] < lo { a = mid + 1 } else { b = mid }
            }
            return a < sortedKeys.count && sortedKeys[a] <= hi
        }
    }

    /// A maximum from the log's stats as a safe upper bound: Delta writes timestamp stats
    /// truncated to milliseconds, so the true maximum may lie up to 999 µs above.
    static func logUpperBound(_ v: Value) -> Value {
        if case .timestamp(let t) = v { return .timestamp(t &+ 999) }
        return v
    }

    /// Orders two values of the same type (nil when they cannot be compared); null first.
    static func order(_ a: Value, _ b: Value) -> Int? {
        func cmp<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        switch (a, b) {
        case (.null, .null): return 0
        case (.null, _): return -1
        case (_, .null): return 1
        case let (.int(x), .int(y)), let (.timestamp(x), .timestamp(y)): return cmp(x, y)
        case let (.date(x), .date(y)): return cmp(x, y)
        case (.double, .double): return nil  // NaN has no order: double keys are not pruned
        case let (.bool(x), .bool(y)): return cmp(x ? 1 : 0, y ? 1 : 0)
        case let (.string(x), .string(y)):
            // By UTF-8 bytes, as keys and Parquet statistics compare (not canonical equivalence).
            let a = Array(x.utf8), b = Array(y.utf8)
            return a == b ? 0 : (a.lexicographicallyPrecedes(b) ? -1 : 1)
        case let (.decimal(x, s1), .decimal(y, s2)) where s1 == s2: return cmp(x, y)
        default: return nil
        }
    }
}
