import StrataCore

/// Writes Parquet files with nested columns (structs, maps and lists of primitives) from JSON
/// rows: the writing half of `ParquetNestedReader`, used for Delta checkpoints.
///
/// Rows are shredded into each leaf's definition and repetition levels (one level of
/// repetition), written as one uncompressed PLAIN v1 data page per leaf and row group. Fields
/// absent from a row are null; a required field that is absent is an internal error.
package struct ParquetNestedWriter {
    /// A field of the schema to write.
    package indirect enum FieldType: Sendable {
        case string, int32, int64, bool
        case group([NestedField])
        /// `map<string, string>`, as the MAP / key_value / key+value groups.
        case stringMap(valueRequired: Bool)
        /// `list<string>`, as the three-level LIST / list / element groups.
        case stringList
    }

    package struct NestedField: Sendable {
        package var name: String
        package var type: FieldType
        package var required: Bool

        package init(_ name: String, _ type: FieldType, required: Bool = false) {
            self.name = name
            self.type = type
            self.required = required
        }
    }

    /// One leaf of the expanded schema.
    private struct Leaf {
        var path: [String]
        var physical: Int32
        var maxDef: Int
        var maxRep: Int
        var string: Bool
        var defs: [UInt32] = []
        var reps: [UInt32] = []
        var values = ScratchBuffer(capacity: 256)
    }

    private var elements: [SchemaElement] = []
    private var leaves: [Leaf] = []
    private let fields: [NestedField]
    private var rows = 0

    package init(fields: [NestedField]) {
        self.fields = fields
        elements = [SchemaElement(name: "schema", numChildren: Int32(fields.count))]
        for f in fields { expand(f, path: [], def: 0, rep: 0) }
    }

    private mutating func expand(_ f: NestedField, path: [String], def: Int, rep: Int) {
        let d = def + (f.required ? 0 : 1)
        let repetition = f.required ? Repetition.required : Repetition.optional
        let p = path + [f.name]
        func leaf(_ name: String, _ physical: Int32, string: Bool, repetition: Int32, def: Int, rep: Int, path: [String]) {
            var e = SchemaElement(type: physical, repetition: repetition, name: name)
            if string { e.convertedType = ConvertedType.utf8; e.logicalType = .string }
            elements.append(e)
            leaves.append(Leaf(path: path, physical: physical, maxDef: def, maxRep: rep, string: string))
        }
        switch f.type {
        case .string: leaf(f.name, PhysicalType.byteArray, string: true, repetition: repetition, def: d, rep: rep, path: p)
        case .int32: leaf(f.name, PhysicalType.int32, string: false, repetition: repetition, def: d, rep: rep, path: p)
        case .int64: leaf(f.name, PhysicalType.int64, string: false, repetition: repetition, def: d, rep: rep, path: p)
        case .bool: leaf(f.name, PhysicalType.boolean, string: false, repetition: repetition, def: d, rep: rep, path: p)
        case .group(let children):
            elements.append(SchemaElement(repetition: repetition, name: f.name, numChildren: Int32(children.count)))
            for c in children { expand(c, path: p, def: d, rep: rep) }
        case .stringMap(let valueRequired):
            var e = SchemaElement(repetition: repetition, name: f.name, numChildren: 1)
            e.convertedType = 1  // MAP
            elements.append(e)
            elements.append(SchemaElement(repetition: Repetition.repeated, name: "key_value", numChildren: 2))
            leaf("key", PhysicalType.byteArray, string: true, repetition: Repetition.required, def: d + 1, rep: rep + 1, path: p + ["key_value", "key"])
            leaf("value", PhysicalType.byteArray, string: true, repetition: valueRequired ? Repetition.required : Repetition.optional,
                 def: d + 1 + (valueRequired ? 0 : 1), rep: rep + 1, path: p + ["key_value", "value"])
        case .stringList:
            var e = SchemaElement(repetition: repetition, name: f.name, numChildren: 1)
            e.convertedType = 3  // LIST
            elements.append(e)
            elements.append(SchemaElement(repetition: Repetition.repeated, name: "list", numChildren: 1))
            leaf("element", PhysicalType.byteArray, string: true, repetition: Repetition.required, def: d + 1, rep: rep + 1, path: p + ["list", "element"])
        }
    }

    /// Adds one row: top-level field name → value (absent = null).
    package mutating func append(_ row: [String: JSONValue]) throws {
        var k = 0
        for f in fields { try shred(f, row[f.name] ?? .null, def: 0, rep: 0, leaf: &k) }
        rows += 1
    }

    /// Appends the levels of `value` to the leaves under `f`, starting at leaf `k`.
    private mutating func shred(_ f: NestedField, _ value: JSONValue, def: Int, rep: Int, leaf k: inout Int) throws {
        let present = value != .null
        if !present && f.required { throw StrataError(.internalError, "checkpoint field '\(f.name)' is required but absent") }
        let d = def + (f.required || !present ? 0 : 1)
        switch f.type {
        case .string, .int32, .int64, .bool:
            try put(k, present ? value : nil, def: d, rep: rep)
            k += 1
        case .group(let children):
            if !present {
                for c in children { skip(c, def: def, rep: rep, leaf: &k) }
            } else {
                for c in children { try shred(c, value[c.name] ?? .null, def: d, rep: rep, leaf: &k) }
            }
        case .stringMap:
            let entries = value.members ?? []
            if entries.isEmpty {
                try put(k, nil, def: d, rep: rep); try put(k + 1, nil, def: d, rep: rep)
            } else {
                for (i, m) in entries.enumerated() {
                    let r = i == 0 ? rep : leaves[k].maxRep
                    try put(k, .string(m.key), def: d + 1, rep: r)
                    let v = m.value == .null ? nil : m.value
                    try put(k + 1, v, def: d + 1 + (v == nil ? 0 : (leaves[k + 1].maxDef - d - 1)), rep: r)
                }
            }
            k += 2
        case .stringList:
            let items = value.elements ?? []
            if items.isEmpty {
                try put(k, nil, def: d, rep: rep)
            } else {
                for (i, item) in items.enumerated() { try put(k, item, def: d + 1, rep: i == 0 ? rep : leaves[k].maxRep) }
            }
            k += 1
        }
    }

    /// Null levels for every leaf under an absent `f`.
    private mutating func skip(_ f: NestedField, def: Int, rep: Int, leaf k: inout Int) {
        switch f.type {
        case .string, .int32, .int64, .bool, .stringList:
            leaves[k].defs.append(UInt32(def)); leaves[k].reps.append(UInt32(rep)); k += 1
        case .stringMap:
            for j in 0..<2 { leaves[k + j].defs.append(UInt32(def)); leaves[k + j].reps.append(UInt32(rep)) }
            k += 2
        case .group(let children):
            for c in children { skip(c, def: def, rep: rep, leaf: &k) }
        }
    }

    private mutating func put(_ k: Int, _ value: JSONValue?, def: Int, rep: Int) throws {
        leaves[k].defs.append(UInt32(def))
        leaves[k].reps.append(UInt32(rep))
        guard let value else { return }
        let out = leaves[k].values
        switch leaves[k].physical {
        case PhysicalType.byteArray:
            guard let s = value.stringValue else { throw StrataError(.internalError, "checkpoint field \(leaves[k].path.joined(separator: ".")) is not a string") }
            let u = Array(s.utf8)
            out.appendUInt32LE(UInt32(u.count))
            u.withUnsafeBytes { out.append($0) }
        case PhysicalType.int32:
            guard let i = value.int64Value, let v = Int32(exactly: i) else { throw StrataError(.internalError, "checkpoint field \(leaves[k].path.joined(separator: ".")) is not an int32") }
            out.appendUInt32LE(UInt32(bitPattern: v))
        case PhysicalType.int64:
            guard let i = value.int64Value else { throw StrataError(.internalError, "checkpoint field \(leaves[k].path.joined(separator: ".")) is not an integer") }
            withUnsafeBytes(of: i.littleEndian) { out.append($0) }
        default:
            guard case .bool(let b) = value else { throw StrataError(.internalError, "checkpoint field \(leaves[k].path.joined(separator: ".")) is not a boolean") }
            // PLAIN booleans are bit-packed; collected as bytes here and packed at the end.
            out.append(b ? 1 : 0)
        }
    }

    /// Writes the file (one row group) to `path`.
    package func write(to path: String, createdBy: String) throws {
        let file = try OutputFile(path: path)
        try file.write(ParquetFormat.magic)
        var chunks: [ColumnChunk] = []
        let groupStart = file.offset
        var total: Int64 = 0
        for l in leaves {
            let body = ScratchBuffer(capacity: 1024)
            var scratch: [UInt32] = []
            func levels(_ v: [UInt32], maxLevel: Int) {
                guard maxLevel > 0 else { return }
                let tmp = ScratchBuffer(capacity: 256)
                scratch = v
                scratch.withUnsafeBufferPointer { RLEHybrid.encode($0, bitWidth: RLEHybrid.bitWidth(forCount: maxLevel + 1), into: tmp) }
                body.appendUInt32LE(UInt32(tmp.count))
                body.append(tmp.bytes)
            }
            levels(l.reps, maxLevel: l.maxRep)
            levels(l.defs, maxLevel: l.maxDef)
            if l.physical == PhysicalType.boolean {
                let bits = l.values.bytes
                var packed = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
                for (i, b) in bits.enumerated() where b != 0 { packed[i >> 3] |= 1 << UInt8(i & 7) }
                packed.withUnsafeBytes { body.append($0) }
            } else {
                body.append(l.values.bytes)
            }
            guard body.count <= Int(Int32.max) else { throw StrataError(.io, "a checkpoint column exceeds 2 GiB") }
            var header: [UInt8] = []
            PageHeader(type: PageType.dataPage, uncompressedPageSize: Int32(body.count), compressedPageSize: Int32(body.count),
                       dataPage: DataPageHeader(numValues: Int32(l.defs.count), encoding: Encoding.plain)).write(to: &header)
            let offset = Int64(file.offset)
            try file.write(header)
            try file.write(body.bytes)
            let size = Int64(header.count + body.count)
            total += size
            chunks.append(ColumnChunk(fileOffset: 0, metaData: ColumnMetaData(
                type: l.physical, encodings: [Encoding.plain, Encoding.rle], pathInSchema: l.path, codec: Codec.uncompressed,
                numValues: Int64(l.defs.count), totalUncompressedSize: size, totalCompressedSize: size, dataPageOffset: offset,
                dictionaryPageOffset: nil, statistics: nil)))
        }
        let meta = FileMetaData(version: 1, schema: elements, numRows: Int64(rows),
                                rowGroups: rows == 0 ? [] : [RowGroup(columns: chunks, totalByteSize: total, numRows: Int64(rows),
                                                                      fileOffset: Int64(groupStart), totalCompressedSize: total, ordinal: 0)],
                                keyValueMetadata: nil, createdBy: createdBy, columnOrders: 0)
        let footer = meta.serialized()
        try file.write(footer)
        try file.write(withUnsafeBytes(of: UInt32(footer.count).littleEndian) { Array($0) })
        try file.write(ParquetFormat.magic)
        try file.close()
    }
}
