import StrataCore

/// Reads Parquet files with nested columns (structs, maps and lists) as JSON values, one per row
/// and top-level field. Strata's tables are flat; this reads the files other tools nest, chiefly
/// Delta checkpoints (`add` is a struct holding the `partitionValues` map).
///
/// Levels are decoded per leaf and rows reassembled from them (the Dremel record shredding run
/// backwards), for any depth of structs and one level of repetition (a map or list of
/// primitives inside structs), which is what Delta checkpoints hold. Deeper repetition throws
/// `.unsupported`. Values come out as JSON: strings, integers, doubles, booleans.
final class ParquetNestedReader {
    let path: String
    private let file: InputFile
    private let meta: FileMetaData
    private let dataEnd: Int
    private let root: Node
    private let decoder = ParquetChunkDecoder()

    /// One schema node and its levels.
    final class Node {
        let element: SchemaElement
        var children: [Node] = []
        /// Non-required nodes from the root down to this one, inclusive.
        let defLevel: Int
        /// Repeated nodes from the root down to this one, inclusive.
        let repLevel: Int
        /// The index of this leaf's column chunk, in file order.
        var leaf: Int?

        init(_ e: SchemaElement, defLevel: Int, repLevel: Int) {
            element = e
            self.defLevel = defLevel
            self.repLevel = repLevel
        }

        var name: String { element.name }
        var isRepeated: Bool { element.repetition == Repetition.repeated }
        var leaves: [Node] { leaf != nil ? [self] : children.flatMap(\.leaves) }
        func child(_ name: String) -> Node? { children.first { $0.name == name } }
    }

    init(path: String) throws {
        self.path = path
        let file = try InputFile(path: path)
        self.file = file
        let (meta, dataEnd) = try ParquetReader.withPath(path) { try Footer.readMeta(file) }
        self.meta = meta
        self.dataEnd = dataEnd
        var at = 0
        var leafCount = 0
        func build(defLevel: Int, repLevel: Int, depth: Int = 0) throws -> Node {
            guard at < meta.schema.count else { throw ParquetChunkDecoder.corrupt("\(path): the schema tree is truncated") }
            guard depth < 32 else { throw ParquetChunkDecoder.corrupt("\(path): the schema nests more than 32 levels") }
            let e = meta.schema[at]
            at += 1
            let optional = at > 1 && e.repetition != Repetition.required
            let node = Node(e, defLevel: defLevel + (optional ? 1 : 0), repLevel: repLevel + (e.repetition == Repetition.repeated ? 1 : 0))
            let n = Int(e.numChildren ?? 0)
            guard n >= 0, n <= meta.schema.count - at else { throw ParquetChunkDecoder.corrupt("\(path): a schema element has an impossible child count") }
            if n == 0 && at > 1 {
                node.leaf = leafCount
                leafCount += 1
            }
            for _ in 0..<n { node.children.append(try build(defLevel: node.defLevel, repLevel: node.repLevel, depth: depth + 1)) }
            return node
        }
        let root = try build(defLevel: 0, repLevel: 0)
        self.root = root
        guard at == meta.schema.count else { throw ParquetChunkDecoder.corrupt("\(path): the schema tree does not match its element count") }
        for g in meta.rowGroups where g.columns.count != leafCount {
            throw ParquetChunkDecoder.corrupt("\(path): a row group has \(g.columns.count) column chunks for \(leafCount) leaves")
        }
    }

    /// Top-level field names.
    var fields: [String] { root.children.map(\.name) }

    /// Each row as (field name → value) for the top-level `fields` asked for; a field whose
    /// value is null is absent. `skip` names nested fields not to read (`add.stats_parsed`).
    func rows(fields wanted: [String], skip: Set<String> = []) throws -> [[String: JSONValue]] {
        let tops = root.children.filter { wanted.contains($0.name) }
        var out: [[String: JSONValue]] = []
        for g in meta.rowGroups {
            let rows = Int(g.numRows)
            var leafData: [Int: LeafData] = [:]
            func collect(_ n: Node, _ path: String) throws {
                if skip.contains(path) { return }
                if let i = n.leaf {
                    guard n.repLevel <= 1 else {
                        throw StrataError(.unsupported, "\(self.path): column '\(path)' is nested in more than one repeated field, which strata cannot read")
                    }
                    leafData[i] = try ParquetReader.withPath(self.path) { try readLeaf(n, chunk: g.columns[i], rows: rows, name: path) }
                }
                for c in n.children { try collect(c, path + "." + c.name) }
            }
            for t in tops { try collect(t, t.name) }
            let assembler = Assembler(leafData: leafData, skip: skip)
            for r in 0..<rows {
                var row: [String: JSONValue] = [:]
                for t in tops {
                    let v = try assembler.value(t, path: t.name, row: r, entry: nil)
                    if v != .null { row[t.name] = v }
                }
                out.append(row)
            }
        }
        return out
    }

    /// A leaf's levels and non-null values over one row group.
    struct LeafData {
        var maxDef: Int
        var defs: [UInt32]
        var reps: [UInt32]
        var values: [JSONValue]
        /// The level entry each row starts at, and (for its non-null values) the value index.
        var rowStart: [Int]
        var valueStart: [Int]

        func entryCount(row: Int) -> Int { rowStart[row + 1] - rowStart[row] }

        /// Leaves under one repeated field must agree on each row's entries; a damaged file
        /// whose do not is an error, never a read past the end.
        func check(row: Int, entry: Int) throws {
            guard row >= 0, row + 1 < rowStart.count, entry >= 0, entry < entryCount(row: row) else {
                throw ParquetChunkDecoder.corrupt("a nested column's levels disagree with its siblings'")
            }
        }

        func def(row: Int, entry: Int) throws -> Int {
            try check(row: row, entry: entry)
            return defs.isEmpty ? maxDef : Int(defs[rowStart[row] + entry])
        }

        /// The value of entry `entry` of `row`, or nil when it is null at some level.
        func value(row: Int, entry: Int) throws -> JSONValue? {
            guard try def(row: row, entry: entry) == maxDef else { return nil }
            var k = valueStart[row]
            let base = rowStart[row]
            if !defs.isEmpty { for j in 0..<entry where Int(defs[base + j]) == maxDef { k += 1 } } else { k += entry }
            return values[k]
        }
    }

    private func readLeaf(_ n: Node, chunk: ColumnChunk, rows: Int, name: String) throws -> LeafData {
        guard let md = chunk.metaData else { throw ParquetChunkDecoder.corrupt("column '\(name)' has no metadata") }
        let type: ParquetColumnType
        switch n.element.columnType() {
        case .success(let t): type = t
        case .failure(let e): throw e
        }
        var start = md.dataPageOffset
        if let d = md.dictionaryPageOffset, d >= 4, d < start { start = d }
        guard start >= 4, md.totalCompressedSize >= 0, md.totalCompressedSize <= Int64(dataEnd) - start, md.numValues >= 0 else {
            throw ParquetChunkDecoder.corrupt("column '\(name)' lies outside the file's data")
        }
        let bytes = try file.read(at: Int(start), count: Int(md.totalCompressedSize))
        let levels = try decoder.decodeLevelsChunk(bytes, meta: md, type: type, maxDef: n.defLevel, maxRep: n.repLevel, name: name)
        var values: [JSONValue] = []
        for page in levels.values {
            switch page {
            case .ints(let v): values += v.map { .int($0) }
            case .doubles(let v): values += v.map { .double($0) }
            case .bools(let v): values += v.map { .bool($0) }
            case .bytes(let b): values += (0..<b.count).map { .string(b.string($0)) }
            }
        }
        var rowStart: [Int] = []
        var valueStart: [Int] = []
        rowStart.reserveCapacity(rows + 1)
        var k = 0
        let entries = max(levels.defs.count, levels.reps.count, n.defLevel == 0 && n.repLevel == 0 ? values.count : 0)
        for i in 0..<entries {
            if levels.reps.isEmpty || levels.reps[i] == 0 {
                rowStart.append(i)
                valueStart.append(k)
            }
            if levels.defs.isEmpty || Int(levels.defs[i]) == n.defLevel { k += 1 }
        }
        guard rowStart.count == rows, k == values.count else {
            throw ParquetChunkDecoder.corrupt("column '\(name)' has levels for \(rowStart.count) rows and \(values.count) values; its row group has \(rows) rows")
        }
        rowStart.append(entries)
        valueStart.append(k)
        return LeafData(maxDef: n.defLevel, defs: levels.defs, reps: levels.reps, values: values, rowStart: rowStart, valueStart: valueStart)
    }

    /// Rebuilds values from leaves' levels.
    struct Assembler {
        let leafData: [Int: LeafData]
        let skip: Set<String>

        /// Some leaf under `n` that was read (to find where `n` is defined and how many entries it has).
        func probe(_ n: Node, path: String) -> LeafData? {
            if let i = n.leaf { return leafData[i] }
            for c in n.children where !skip.contains(path + "." + c.name) {
                if let d = probe(c, path: path + "." + c.name) { return d }
            }
            return nil
        }

        /// The value of node `n` in `row`; `entry` picks the element inside the repeated field.
        func value(_ n: Node, path: String, row: Int, entry: Int?) throws -> JSONValue {
            guard let p = probe(n, path: path) else { return .null }
            if n.isRepeated && entry == nil {
                // A repeated field: one element per level entry, or none when the first entry is
                // not defined down to the repeated node.
                guard try p.def(row: row, entry: 0) >= n.defLevel else { return .array([]) }
                return .array(try (0..<p.entryCount(row: row)).map { try element(n, path: path, row: row, entry: $0) })
            }
            return try element(n, path: path, row: row, entry: entry)
        }

        private func element(_ n: Node, path: String, row: Int, entry: Int?) throws -> JSONValue {
            guard let p = probe(n, path: path) else { return .null }
            if let i = n.leaf { return try leafData[i]!.value(row: row, entry: entry ?? 0) ?? .null }
            let e = entry ?? 0
            if try p.def(row: row, entry: e) < n.defLevel { return .null }
            // MAP (converted type 1 or 2) and LIST (3) wrap one repeated child.
            if let c = n.element.convertedType, c == 1 || c == 2 || c == 3, n.children.count == 1, n.children[0].isRepeated, entry == nil {
                let r = n.children[0]
                let items = try value(r, path: path + "." + r.name, row: row, entry: nil)
                guard case .array(let list) = items else { return .null }
                if c == 3 {
                    // Three-level lists: each element is a group holding the one element field.
                    return .array(list.map { item in
                        if r.leaf == nil, r.children.count == 1, case .object(let m) = item { return m.first?.value ?? .null }
                        return item
                    })
                }
                var members: [JSONMember] = []
                for item in list {
                    guard let k = item["key"]?.stringValue else { continue }
                    members.append(JSONMember(k, item["value"] ?? .null))
                }
                return .object(members)
            }
            var members: [JSONMember] = []
            for c in n.children where !skip.contains(path + "." + c.name) {
                let v = try value(c, path: path + "." + c.name, row: row, entry: entry)
                if v != .null { members.append(JSONMember(c.name, v)) }
            }
            return .object(members)
        }
    }
}

extension ParquetChunkDecoder {
    /// The definition and repetition levels of a column chunk with `maxDef`/`maxRep`, and its
    /// non-null values page by page.
    func decodeLevelsChunk(_ bytes: [UInt8], meta md: ColumnMetaData, type: ParquetColumnType, maxDef: Int, maxRep: Int,
                           name: String) throws -> (defs: [UInt32], reps: [UInt32], values: [DecodedValues]) {
        let defWidth = maxDef > 0 ? RLEHybrid.bitWidth(forCount: maxDef + 1) : 0
        let repWidth = maxRep > 0 ? RLEHybrid.bitWidth(forCount: maxRep + 1) : 0
        var defs: [UInt32] = [], reps: [UInt32] = []
        var values: [DecodedValues] = []
        var dictionary: DecodedValues?
        var entries = 0
        var pos = 0
        let total = Int(md.numValues)
        func nonNull(_ d: ArraySlice<UInt32>, _ n: Int) throws -> Int {
            if maxDef == 0 { return n }
            var k = 0
            for x in d {
                guard x <= UInt32(maxDef) else { throw Self.corrupt("column '\(name)' has a definition level above \(maxDef)") }
                if x == UInt32(maxDef) { k += 1 }
            }
            return k
        }
        func levels(_ buf: UnsafeRawBufferPointer, width: Int, count: Int, into out: inout [UInt32]) throws {
            try RLEHybrid.decode(buf, bitWidth: width, count: count, into: &out)
        }
        while entries < total {
            let (header, payload) = try nextPage(bytes, at: &pos, name: name)
            let comp = payload.count, unc = Int(header.uncompressedPageSize)
            switch header.type {
            case PageType.dictionaryPage:
                guard let dh = header.dictionaryPage, dh.numValues >= 0 else { throw Self.corrupt("column '\(name)' has a dictionary page without its header") }
                let data = try inflate(bytes, payload, size: unc, codec: md.codec)
                dictionary = try data.withUnsafeBytes { try decodePlain($0, count: Int(dh.numValues), type: type, name: name).values }
            case PageType.dataPage:
                guard let dp = header.dataPage, dp.numValues >= 0, Int(dp.numValues) <= total - entries else {
                    throw Self.corrupt("column '\(name)' has a data page with more values than its chunk")
                }
                let n = Int(dp.numValues)
                let data = try inflate(bytes, payload, size: unc, codec: md.codec)
                try data.withUnsafeBytes { buf in
                    var at = 0
                    func section(_ width: Int, into out: inout [UInt32]) throws {
                        guard buf.count - at >= 4 else { throw Self.corrupt("column '\(name)' has a truncated page") }
                        let len = Int(buf.loadUnaligned(fromByteOffset: at, as: UInt32.self).littleEndian)
                        guard len <= buf.count - at - 4 else { throw Self.corrupt("column '\(name)' has levels past its page") }
                        try levels(UnsafeRawBufferPointer(rebasing: buf[(at + 4)..<(at + 4 + len)]), width: width, count: n, into: &out)
                        at += 4 + len
                    }
                    let d0 = defs.count
                    if maxRep > 0 { try section(repWidth, into: &reps) }
                    if maxDef > 0 { try section(defWidth, into: &defs) }
                    let k = try nonNull(defs[d0...], n)
                    values.append(try decodePageValues(UnsafeRawBufferPointer(rebasing: buf[at...]), count: k, encoding: dp.encoding,
                                                       dictionary: dictionary, type: type, name: name))
                }
                entries += n
            case PageType.dataPageV2:
                guard let dp = header.dataPageV2, dp.numValues >= 0, Int(dp.numValues) <= total - entries else {
                    throw Self.corrupt("column '\(name)' has a data page with more values than its chunk")
                }
                let n = Int(dp.numValues)
                let defLen = Int(dp.definitionLevelsByteLength), repLen = Int(dp.repetitionLevelsByteLength)
                guard defLen >= 0, repLen >= 0, defLen + repLen <= comp, defLen + repLen <= unc else {
                    throw Self.corrupt("column '\(name)' has a page whose level sizes exceed the page")
                }
                let d0 = defs.count
                try bytes.withUnsafeBytes { b in
                    let s = payload.lowerBound
                    if maxRep > 0 { try levels(UnsafeRawBufferPointer(rebasing: b[s..<(s + repLen)]), width: repWidth, count: n, into: &reps) }
                    if maxDef > 0 { try levels(UnsafeRawBufferPointer(rebasing: b[(s + repLen)..<(s + repLen + defLen)]), width: defWidth, count: n, into: &defs) }
                }
                let k = try nonNull(defs[d0...], n)
                let data = try inflate(bytes, (payload.lowerBound + repLen + defLen)..<payload.upperBound, size: unc - defLen - repLen,
                                       codec: dp.isCompressed ? md.codec : Codec.uncompressed)
                try data.withUnsafeBytes { buf in
                    values.append(try decodePageValues(buf, count: k, encoding: dp.encoding, dictionary: dictionary, type: type, name: name))
                }
                entries += n
            default:
                continue
            }
        }
        guard (maxDef == 0 || defs.count == total), (maxRep == 0 || reps.count == total) else {
            throw Self.corrupt("column '\(name)' has fewer levels than values")
        }
        return (defs, reps, values)
    }
}
