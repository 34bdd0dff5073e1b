import StrataCore
import StrataConfig
import Foundation

/// A column named in a config, with where it was written (for plan-time errors).
struct NamedColumn: Sendable, Hashable {
    let name: String
    let location: SourceLocation
    let path: String

    /// The column's position in `schema`, or a positioned error with a did-you-mean.
    func index(in schema: Schema, table: String? = nil) throws -> Int {
        try schema.require(name, location: location, path: path, table: table)
    }
}

extension ConfigMap {
    /// A list of column names (`[a, b]`; a bare name is an error with the fix), each with its position.
    func columnList(_ key: String) throws -> [NamedColumn]? {
        guard let n = node(key) else { return nil }
        guard let items = n.sequence else {
            if n.scalar != nil { throw scalarForList(key, n) }
            throw n.error(.typeMismatch, "expected a list of column names, got \(n.kindDescription)", path: keyPath(key))
        }
        return try items.enumerated().map { i, item in
            guard let s = item.scalar else {
                throw item.error(.typeMismatch, "expected a column name, got \(item.kindDescription)", path: keyPath(key) + "[\(i)]", hint: nil)
            }
            return NamedColumn(name: s, location: item.location, path: keyPath(key) + "[\(i)]")
        }
    }

    /// A mapping of names to scalar texts (`{new: old}`), each with the value's position.
    func namedMap(_ key: String) throws -> [(key: String, value: String, location: SourceLocation, path: String)]? {
        guard let entries = try stringMap(key) else { return nil }
        return entries.map { e in
            (e.key, e.value, SourceLocation(file: location.file, line: e.mark.line, column: e.mark.column), keyPath(key) + "." + e.key)
        }
    }
}

/// An operator that maps each batch to one batch and holds no state.
final class MapOperator: BatchOperator {
    let schema: Schema
    private let body: (Batch) throws -> Batch

    init(schema: Schema, _ body: @escaping (Batch) throws -> Batch) {
        self.schema = schema
        self.body = body
    }

    func push(_ batch: Batch) throws -> [Batch] {
        let out = try body(batch)
        return out.rowCount == 0 ? [] : [out]
    }

    func finish() throws -> [Batch] { [] }
}

/// Encodes the values of some columns of a row as bytes, so equal keys give equal bytes
/// (a null is distinct from every value; types are not mixed within one key position).
enum RowKey {
    static func append(_ column: Column, _ row: Int, to out: inout [UInt8]) {
        if column.isNull(row) {
            out.append(0)
            return
        }
        out.append(1)
        switch column.values {
        case .bool(let v): out.append(v[row] ? 1 : 0)
        case .int64(let v): withUnsafeBytes(of: v[row].littleEndian) { out.append(contentsOf: $0) }
        case .double(let v):
            let d = v[row] == 0 ? 0.0 : v[row]  // -0.0 and 0.0 are one key
            withUnsafeBytes(of: d.bitPattern.littleEndian) { out.append(contentsOf: $0) }
        case .bytes(let b):
            let r = b.range(row)
            withUnsafeBytes(of: UInt32(r.count).littleEndian) { out.append(contentsOf: $0) }
            out.append(contentsOf: b.bytes[r])
        }
    }

    /// The key bytes of `row` over `columns`.
    static func of(_ columns: [Column], _ row: Int, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        for c in columns { append(c, row, to: &out) }
    }

    /// True when any key column is null at `row` (SQL joins never match null keys).
    static func hasNull(_ columns: [Column], _ row: Int) -> Bool {
        columns.contains { $0.isNull(row) }
    }
}

/// Dense ids for row keys: the first distinct key gets 0, the next 1, and so on (first-seen order).
///
/// An open-addressing hash table (linear probing, power-of-two size, at most 70% full) over keys
/// kept flat, so no key costs an allocation: a key that is one 64-bit integer column (int64, date,
/// timestamp, decimal), optionally paired with a group id, is hashed and compared as integers (its
/// null is one more key); one string column is keyed by its raw bytes (null apart); one bool or
/// double column by its `RowKey` bytes. Key bytes are stored end to end in one arena. A key of
/// several columns is the chain of its columns' ids: (id of column 1, id of column 2) is a pair
/// with an id, and so on, so tuples are never copied.
/// Equal keys get equal ids exactly as `RowKey` bytes would decide (null is its own key).
final class KeyIndex {
    /// True when keys are (group, one int64) pairs; false for bytes.
    let integerKeys: Bool
    /// True when keys are the raw bytes of one string column (its null is one more key).
    let stringKeys: Bool
    /// The id of the null key of a one-column key, once seen.
    private var nullID: Int32 = -1
    /// Keys of several columns: one index per column, then per further column an index of
    /// (id so far, that column's id) pairs; the last one's ids are the keys' ids.
    private var perColumn: [KeyIndex] = []
    private var links: [KeyIndex] = []
    private(set) var count = 0
    /// Per slot: the upper 32 bits of the key's hash, then id + 1 in the lower 32; 0 = empty.
    private var slots: UnsafeMutablePointer<UInt64>
    private var slotCount: Int
    // Integer keys, per id.
    private var ints: UnsafeMutablePointer<Int64>
    private var groups: UnsafeMutablePointer<Int32>  // pairs only
    private var idCapacity: Int
    // Byte keys: per id the arena end offset.
    private var ends: UnsafeMutablePointer<Int>
    private var arena: UnsafeMutablePointer<UInt8>
    private var arenaCount = 0
    private var arenaCapacity = 4096
    private var scratch: [UInt8] = []

    /// An index for keys over columns of these types.
    convenience init(types: [DataType]) {
        var integer = false, string = false
        if types.count == 1, case .int64 = ColumnValues.empty(for: types[0]) { integer = true }
        if types.count == 1, case .bytes = ColumnValues.empty(for: types[0]) { string = true }
        self.init(integerKeys: integer, stringKeys: string)
        if types.count > 1 {
            perColumn = types.map { KeyIndex(types: [$0]) }
            links = types.dropFirst().map { _ in KeyIndex(integerKeys: true) }
        }
    }

    /// (group, value) ids for rows, adding new pairs (composite keys).
    private func link(_ g: [Int32], _ v: [Int32]) -> [Int32] {
        reserve(g.count)
        var out = [Int32](repeating: 0, count: g.count)
        for r in g.indices { out[r] = insertInteger(group: g[r], value: Int64(v[r]), add: true) }
        return out
    }

    /// (group, value) ids for rows, -1 where either is -1 or the pair is unknown.
    private func linkLookup(_ g: [Int32], _ v: [Int32]) -> [Int32] {
        var out = [Int32](repeating: -1, count: g.count)
        for r in g.indices where g[r] >= 0 && v[r] >= 0 { out[r] = insertInteger(group: g[r], value: Int64(v[r]), add: false) }
        return out
    }

    init(integerKeys: Bool, stringKeys: Bool = false) {
        self.integerKeys = integerKeys
        self.stringKeys = stringKeys && !integerKeys
        arena = .allocate(capacity: arenaCapacity)
        slotCount = 1024
        slots = .allocate(capacity: slotCount)
        slots.initialize(repeating: 0, count: slotCount)
        idCapacity = 512
        ints = .allocate(capacity: integerKeys ? idCapacity : 0)
        groups = .allocate(capacity: integerKeys ? idCapacity : 0)
        ends = .allocate(capacity: integerKeys ? 0 : idCapacity)
    }

    deinit {
        slots.deallocate()
        ints.deallocate()
        groups.deallocate()
        ends.deallocate()
        arena.deallocate()
    }

    /// Bytes held by the index (for memory accounting in tests and reports).
    var memoryBytes: Int {
        slotCount * 8 + idCapacity * (integerKeys ? 12 : 8) + arenaCapacity
    }

    // MARK: Hashing

    @inline(__always)
    static func mix(_ x: UInt64) -> UInt64 {
        var h = x
        h ^= h >> 33
        h = h &* 0xff51afd7ed558ccd
        h ^= h >> 33
        h = h &* 0xc4ceb9fe1a85ec53
        h ^= h >> 33
        return h
    }

    @inline(__always)
    static func hash(group: Int32, value: Int64) -> UInt64 {
        mix(UInt64(bitPattern: value) ^ (UInt64(UInt32(bitPattern: group)) &* 0x9e3779b97f4a7c15))
    }

    static func hash(_ p: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x243f6a8885a308d3 ^ UInt64(p.count)
        var i = 0
        let n = p.count
        while i + 8 <= n {
            let w = p.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            h = (h ^ mix(w)) &* 0x9e3779b97f4a7c15
            i += 8
        }
        if i < n {
            var w: UInt64 = 0
            var shift: UInt64 = 0
            while i < n {
                w |= UInt64(p[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ mix(w)) &* 0x9e3779b97f4a7c15
        }
        return mix(h)
    }

    // MARK: Growth

    /// Makes room for `extra` more keys without growing inside a probe loop.
    private func reserve(_ extra: Int) {
        let need = count + extra
        if need > idCapacity {
            var cap = idCapacity
            while cap < need { cap *= 2 }
            if integerKeys {
                ints = Self.regrow(ints, count, cap)
                groups = Self.regrow(groups, count, cap)
            } else {
                ends = Self.regrow(ends, count, cap)
            }
            idCapacity = cap
        }
        if need * 10 > slotCount * 7 {
            var size = slotCount
            while need * 10 > size * 7 { size *= 2 }
            rehash(size)
        }
    }

    private static func regrow<T>(_ p: UnsafeMutablePointer<T>, _ count: Int, _ cap: Int) -> UnsafeMutablePointer<T> {
        let q = UnsafeMutablePointer<T>.allocate(capacity: cap)
        q.moveInitialize(from: p, count: count)
        p.deallocate()
        return q
    }

    private func rehash(_ size: Int) {
        slots.deallocate()
        slotCount = size
        slots = .allocate(capacity: size)
        slots.initialize(repeating: 0, count: size)
        let m = size - 1
        for id in 0..<count where id != Int(nullID) {
            let h: UInt64
            if integerKeys {
                h = Self.hash(group: groups[id], value: ints[id])
            } else {
                let start = id == 0 ? 0 : ends[id - 1]
                h = Self.hash(UnsafeRawBufferPointer(start: arena + start, count: ends[id] - start))
            }
            var i = Int(truncatingIfNeeded: h) & m
            while slots[i] != 0 { i = (i + 1) & m }
            slots[i] = Self.slot(h, id)
        }
    }

    @inline(__always)
    static func slot(_ h: UInt64, _ id: Int) -> UInt64 { (h & 0xffff_ffff_0000_0000) | UInt64(id + 1) }

    /// The id in slot `s` when its hash tag is `h`'s, else nil.
    @inline(__always)
    static func id(_ s: UInt64, _ h: UInt64) -> Int? {
        (s ^ h) & 0xffff_ffff_0000_0000 == 0 ? Int(s & 0xffff_ffff) - 1 : nil
    }

    /// Byte equality without a call for short keys.
    @inline(__always)
    static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
        var i = 0
        while i + 8 <= n {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) { return false }
            i += 8
        }
        while i < n {
            if a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) { return false }
            i += 1
        }
        return true
    }

    // MARK: Integer keys

    /// The id of (group, value), adding it when new; the caller has reserved room. Single-column
    /// keys use group 0 (their null is `nullKey`).
    @inline(__always)
    private func insertInteger(group: Int32, value: Int64, add: Bool) -> Int32 {
        let m = slotCount - 1
        let h = Self.hash(group: group, value: value)
        var i = Int(truncatingIfNeeded: h) & m
        while true {
            let s = slots[i]
            if s == 0 {
                guard add else { return -1 }
                let id = count
                slots[i] = Self.slot(h, id)
                ints[id] = value
                groups[id] = group
                count += 1
                return Int32(id)
            }
            if let id = Self.id(s, h), ints[id] == value && groups[id] == group { return Int32(id) }
            i = (i + 1) & m
        }
    }

    /// Adds (group, value) pairs; true for each pair not seen before (count_distinct).
    func insertPairs(groups g: [Int32], values: [Int64], validity: [Bool]?, body: (Int, Int32) -> Void) {
        precondition(integerKeys)
        reserve(g.count)
        g.withUnsafeBufferPointer { gp in
            values.withUnsafeBufferPointer { vp in
                for r in 0..<gp.count {
                    if let v = validity, !v[r] { continue }
                    let before = count
                    _ = insertInteger(group: gp[r], value: vp[r], add: true)
                    if count > before { body(r, gp[r]) }
                }
            }
        }
    }

    // MARK: Byte keys

    @inline(__always)
    private func insertBytes(_ key: UnsafeRawBufferPointer, add: Bool) -> Int32 {
        let h = Self.hash(key)
        let m = slotCount - 1
        var i = Int(truncatingIfNeeded: h) & m
        while true {
            let s = slots[i]
            if s == 0 {
                guard add else { return -1 }
                let id = count
                slots[i] = Self.slot(h, id)
                appendArena(key)
                ends[id] = arenaCount
                count += 1
                return Int32(id)
            }
            if let id = Self.id(s, h) {
                let start = id == 0 ? 0 : ends[id - 1]
                let len = ends[id] - start
                if len == key.count && (len == 0 || Self.equal(arena + start, key.baseAddress!, len)) { return Int32(id) }
            }
            i = (i + 1) & m
        }
    }

    @inline(__always)
    private func appendArena(_ key: UnsafeRawBufferPointer) {
        if arenaCount + key.count > arenaCapacity {
            var cap = arenaCapacity * 2
            while arenaCount + key.count > cap { cap *= 2 }
            arena = Self.regrow(arena, arenaCount, cap)
            arenaCapacity = cap
        }
        if key.count > 0 { (arena + arenaCount).update(from: key.baseAddress!.assumingMemoryBound(to: UInt8.self), count: key.count) }
        arenaCount += key.count
    }

    /// The id of a one-column key's null (never in the hash slots).
    @inline(__always)
    private func nullKey(add: Bool) -> Int32 {
        if nullID < 0 && add {
            nullID = Int32(count)
            if integerKeys {
                ints[count] = 0
                groups[count] = 0
            } else {
                ends[count] = arenaCount
            }
            count += 1
        }
        return nullID
    }

    /// The ids of one string column's values (null: one more key, or -1 when `add` is false).
    private func strings(_ column: Column, _ b: ByteArrays, rows: Int, add: Bool, into out: UnsafeMutableBufferPointer<Int32>) {
        let validity = column.validity
        b.bytes.withUnsafeBytes { all in
            b.offsets.withUnsafeBufferPointer { offs in
                for r in 0..<rows {
                    if let validity, !validity[r] {
                        out[r] = add ? nullKey(add: true) : -1
                        continue
                    }
                    let key = UnsafeRawBufferPointer(rebasing: all[Int(offs[r])..<Int(offs[r + 1])])
                    out[r] = insertBytes(key, add: add)
                }
            }
        }
    }

    // MARK: Rows

    /// The ids of the keys of rows `0..<rows` over `columns`, adding new keys in row order.
    func assign(_ columns: [Column], rows: Int) -> [Int32] {
        if !perColumn.isEmpty {
            var g = perColumn[0].assign([columns[0]], rows: rows)
            for j in 1..<columns.count { g = links[j - 1].link(g, perColumn[j].assign([columns[j]], rows: rows)) }
            count = links[links.count - 1].count
            return g
        }
        var ids = [Int32](repeating: 0, count: rows)
        reserve(rows)
        ids.withUnsafeMutableBufferPointer { out in
            if integerKeys, case .int64(let v) = columns[0].values {
                let validity = columns[0].validity
                v.withUnsafeBufferPointer { vp in
                    if let validity {
                        for r in 0..<rows { out[r] = validity[r] ? insertInteger(group: 0, value: vp[r], add: true) : nullKey(add: true) }
                    } else {
                        for r in 0..<rows { out[r] = insertInteger(group: 0, value: vp[r], add: true) }
                    }
                }
            } else if stringKeys, case .bytes(let b) = columns[0].values {
                strings(columns[0], b, rows: rows, add: true, into: out)
            } else {
                precondition(!integerKeys && !stringKeys, "KeyIndex: key column storage differs from its type")
                for r in 0..<rows {
                    RowKey.of(columns, r, into: &scratch)
                    out[r] = scratch.withUnsafeBytes { insertBytes($0, add: true) }
                }
            }
        }
        return ids
    }

    /// The id of row `row`'s key, adding it when new.
    func assign(_ columns: [Column], row: Int) -> Int32 {
        if !perColumn.isEmpty {
            var g = perColumn[0].assign([columns[0]], row: row)
            for j in 1..<columns.count { g = links[j - 1].link([g], [perColumn[j].assign([columns[j]], row: row)])[0] }
            count = links[links.count - 1].count
            return g
        }
        reserve(1)
        if integerKeys, case .int64(let v) = columns[0].values {
            return columns[0].isNull(row) ? nullKey(add: true) : insertInteger(group: 0, value: v[row], add: true)
        }
        if stringKeys, case .bytes(let b) = columns[0].values {
            if columns[0].isNull(row) { return nullKey(add: true) }
            return b.bytes.withUnsafeBytes { insertBytes(UnsafeRawBufferPointer(rebasing: $0[b.range(row)]), add: true) }
        }
        precondition(!integerKeys && !stringKeys, "KeyIndex: key column storage differs from its type")
        RowKey.of(columns, row, into: &scratch)
        return scratch.withUnsafeBytes { insertBytes($0, add: true) }
    }

    /// The ids of rows' keys, -1 where the key is unknown or (SQL join keys) has a null.
    func lookup(_ columns: [Column], rows: Int) -> [Int32] {
        if !perColumn.isEmpty {
            var g = perColumn[0].lookup([columns[0]], rows: rows)
            for j in 1..<columns.count { g = links[j - 1].linkLookup(g, perColumn[j].lookup([columns[j]], rows: rows)) }
            return g
        }
        var ids = [Int32](repeating: -1, count: rows)
        ids.withUnsafeMutableBufferPointer { out in
            if integerKeys, case .int64(let v) = columns[0].values {
                let validity = columns[0].validity
                v.withUnsafeBufferPointer { vp in
                    for r in 0..<rows {
                        if let validity, !validity[r] { continue }
                        out[r] = insertInteger(group: 0, value: vp[r], add: false)
                    }
                }
            } else if stringKeys, case .bytes(let b) = columns[0].values {
                strings(columns[0], b, rows: rows, add: false, into: out)
            } else {
                precondition(!integerKeys && !stringKeys, "KeyIndex: key column storage differs from its type")
                for r in 0..<rows where !RowKey.hasNull(columns, r) {
                    RowKey.of(columns, r, into: &scratch)
                    out[r] = scratch.withUnsafeBytes { insertBytes($0, add: false) }
                }
            }
        }
        return ids
    }
}

/// Runs jobs in submission order on a thread of its own, so a stateful operator (aggregate) folds
/// batch N while the pipeline's thread reads, filters and joins batch N + 1.
///
/// At most `depth` jobs wait (the submitter blocks beyond that, bounding held batches). A job's
/// error is rethrown by the next `submit` or by `drain`, and later jobs are skipped. The thread
/// starts with the first job and ends when the worker is released.
final class SerialWorker: @unchecked Sendable {
    private let state: State
    private var started = false

    init(depth: Int) { state = State(depth: max(1, depth)) }

    deinit { state.stop() }

    /// Queues `job`; throws the error of an earlier job.
    func submit(_ job: @escaping () throws -> Void) throws {
        if !started {
            started = true
            let state = self.state
            let t = Thread { state.run() }
            t.name = "strata-operator"
            t.start()
        }
        try state.push(job)
    }

    /// Waits until every queued job has run; throws the first error.
    func drain() throws {
        guard started else { return }
        try state.drain()
    }

    private final class State: @unchecked Sendable {
        private let condition = NSCondition()
        private var jobs: [() throws -> Void] = []
        private var busy = false
        private var stopped = false
        private var failure: (any Error)?
        private let depth: Int

        init(depth: Int) { self.depth = depth }

        func push(_ job: @escaping () throws -> Void) throws {
            condition.lock()
            defer { condition.unlock() }
            while jobs.count >= depth && failure == nil { condition.wait() }
            if let failure { throw failure }
            jobs.append(job)
            condition.broadcast()
        }

        func drain() throws {
            condition.lock()
            defer { condition.unlock() }
            while (!jobs.isEmpty || busy) && failure == nil { condition.wait() }
            if let failure { throw failure }
        }

        func stop() {
            condition.lock()
            stopped = true
            jobs = []
            condition.broadcast()
            condition.unlock()
        }

        func run() {
            while true {
                condition.lock()
                while jobs.isEmpty && !stopped { condition.wait() }
                if stopped { condition.unlock(); return }
                let job = jobs.removeFirst()
                busy = true
                condition.unlock()
                var error: (any Error)?
                do { try job() } catch let e { error = e }
                condition.lock()
                busy = false
                if let error, failure == nil {
                    failure = error
                    jobs = []
                }
                condition.broadcast()
                condition.unlock()
            }
        }
    }
}
