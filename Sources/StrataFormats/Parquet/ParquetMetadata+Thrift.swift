/// Thrift compact encoding and decoding of the footer and page-header structures.

// MARK: - Writing

extension LogicalType {
    func write(_ w: inout ThriftWriter, id: Int16) {
        w.beginStruct(id)
        switch self {
        case .string:
            w.beginStruct(1); w.endStruct()
        case let .decimal(scale, precision):
            w.beginStruct(5); w.i32(1, scale); w.i32(2, precision); w.endStruct()
        case .date:
            w.beginStruct(6); w.endStruct()
        case let .timestamp(utc, unit):
            w.beginStruct(8)
            w.bool(1, utc)
            w.beginStruct(2); w.beginStruct(unit); w.endStruct(); w.endStruct()
            w.endStruct()
        case let .integer(bitWidth, signed):
            w.beginStruct(10)
            w.fieldHeader(1, ThriftType.i8); w.bytes.append(UInt8(bitPattern: bitWidth))
            w.bool(2, signed)
            w.endStruct()
        case .other(let id):
            w.beginStruct(id); w.endStruct()
        }
        w.endStruct()
    }
}

extension SchemaElement {
    func write(_ w: inout ThriftWriter) {
        w.beginElementStruct()
        if let type { w.i32(1, type) }
        if let typeLength { w.i32(2, typeLength) }
        if let repetition { w.i32(3, repetition) }
        w.string(4, name)
        if let numChildren { w.i32(5, numChildren) }
        if let convertedType { w.i32(6, convertedType) }
        if let scale { w.i32(7, scale) }
        if let precision { w.i32(8, precision) }
        if let logicalType { logicalType.write(&w, id: 10) }
        w.endStruct()
    }
}

extension Statistics {
    func write(_ w: inout ThriftWriter, id: Int16) {
        w.beginStruct(id)
        if let nullCount { w.i64(3, nullCount) }
        if let distinctCount { w.i64(4, distinctCount) }
        if let maxValue { w.binary(5, maxValue) }
        if let minValue { w.binary(6, minValue) }
        w.endStruct()
    }
}

extension ColumnMetaData {
    func write(_ w: inout ThriftWriter, id: Int16) {
        w.beginStruct(id)
        w.i32(1, type)
        w.listHeader(2, elementType: ThriftType.i32, count: encodings.count)
        for e in encodings { w.rawI32(e) }
        w.listHeader(3, elementType: ThriftType.binary, count: pathInSchema.count)
        for p in pathInSchema { w.rawString(p) }
        w.i32(4, codec)
        w.i64(5, numValues)
        w.i64(6, totalUncompressedSize)
        w.i64(7, totalCompressedSize)
        w.i64(9, dataPageOffset)
        if let dictionaryPageOffset { w.i64(11, dictionaryPageOffset) }
        if let statistics { statistics.write(&w, id: 12) }
        w.endStruct()
    }
}

extension RowGroup {
    func write(_ w: inout ThriftWriter) {
        w.beginElementStruct()
        w.listHeader(1, elementType: ThriftType.structure, count: columns.count)
        for c in columns {
            w.beginElementStruct()
            w.i64(2, c.fileOffset)
            c.metaData?.write(&w, id: 3)
            w.endStruct()
        }
        w.i64(2, totalByteSize)
        w.i64(3, numRows)
        if let fileOffset { w.i64(5, fileOffset) }
        if let totalCompressedSize { w.i64(6, totalCompressedSize) }
        if let ordinal { w.i16(7, ordinal) }
        w.endStruct()
    }
}

extension FileMetaData {
    /// The footer bytes (without the length and magic that follow it).
    func serialized() -> [UInt8] {
        var w = ThriftWriter(capacity: 1024)
        w.beginElementStruct()
        w.i32(1, version)
        w.listHeader(2, elementType: ThriftType.structure, count: schema.count)
        for e in schema { e.write(&w) }
        w.i64(3, numRows)
        w.listHeader(4, elementType: ThriftType.structure, count: rowGroups.count)
        for g in rowGroups { g.write(&w) }
        if let kv = keyValueMetadata, !kv.isEmpty {
            w.listHeader(5, elementType: ThriftType.structure, count: kv.count)
            for p in kv {
                w.beginElementStruct()
                w.string(1, p.key)
                if let v = p.value { w.string(2, v) }
                w.endStruct()
            }
        }
        if let createdBy { w.string(6, createdBy) }
        if columnOrders > 0 {
            // ColumnOrder is a union; TYPE_ORDER (id 1) is an empty TypeDefinedOrder struct.
            w.listHeader(7, elementType: ThriftType.structure, count: columnOrders)
            for _ in 0..<columnOrders {
                w.beginElementStruct()
                w.beginStruct(1); w.endStruct()
                w.endStruct()
            }
        }
        w.endStruct()
        return w.bytes
    }
}

extension PageHeader {
    /// Appends the header to `out`.
    func write(to out: inout [UInt8]) {
        var w = ThriftWriter(capacity: 48)
        w.beginElementStruct()
        w.i32(1, type)
        w.i32(2, uncompressedPageSize)
        w.i32(3, compressedPageSize)
        if let d = dataPage {
            w.beginStruct(5)
            w.i32(1, d.numValues)
            w.i32(2, d.encoding)
            w.i32(3, d.definitionLevelEncoding)
            w.i32(4, d.repetitionLevelEncoding)
            w.endStruct()
        }
        if let d = dictionaryPage {
            w.beginStruct(7)
            w.i32(1, d.numValues)
            w.i32(2, d.encoding)
            w.endStruct()
        }
        if let d = dataPageV2 {
            w.beginStruct(8)
            w.i32(1, d.numValues)
            w.i32(2, d.numNulls)
            w.i32(3, d.numRows)
            w.i32(4, d.encoding)
            w.i32(5, d.definitionLevelsByteLength)
            w.i32(6, d.repetitionLevelsByteLength)
            w.bool(7, d.isCompressed)
            w.endStruct()
        }
        w.endStruct()
        out.append(contentsOf: w.bytes)
    }
}

// MARK: - Reading

/// Throws `.corruptData` naming a required field that is missing.
private func required<T>(_ v: T?, _ what: String) throws -> T {
    guard let v else { throw ThriftReader.corrupt("required field \(what) is missing") }
    return v
}

extension LogicalType {
    static func read(_ r: inout ThriftReader, _ type: UInt8) throws -> LogicalType? {
        var result: LogicalType?
        try r.structure(type) { r, id, t in
            switch id {
            case 1: try r.skip(t); result = .string
            case 5:
                var scale: Int32 = 0, precision: Int32 = 0
                try r.structure(t) { r, id, t in
                    switch id {
                    case 1: scale = try r.i32(t)
                    case 2: precision = try r.i32(t)
                    default: return false
                    }
                    return true
                }
                result = .decimal(scale: scale, precision: precision)
            case 6: try r.skip(t); result = .date
            case 8:
                var utc = false
                var unit: Int16 = 0
                try r.structure(t) { r, id, t in
                    switch id {
                    case 1: utc = try r.bool(t)
                    case 2:
                        try r.structure(t) { r, id, t in
                            unit = id
                            try r.skip(t)
                            return true
                        }
                    default: return false
                    }
                    return true
                }
                result = .timestamp(utc: utc, unit: unit)
            case 10:
                var bits: Int8 = 64
                var signed = true
                try r.structure(t) { r, id, t in
                    switch id {
                    case 1:
                        if t == ThriftType.i8 { bits = Int8(bitPattern: try r.byte()) } else { bits = Int8(truncatingIfNeeded: try r.i32(t)) }
                    case 2: signed = try r.bool(t)
                    default: return false
                    }
                    return true
                }
                result = .integer(bitWidth: bits, signed: signed)
            default:
                try r.skip(t)
                result = .other(id)
            }
            return true
        }
        return result
    }
}

extension SchemaElement {
    static func read(_ r: inout ThriftReader, _ type: UInt8) throws -> SchemaElement {
        var e = SchemaElement(name: "")
        var name: String?
        try r.structure(type) { r, id, t in
            switch id {
            case 1: e.type = try r.i32(t)
            case 2: e.typeLength = try r.i32(t)
            case 3: e.repetition = try r.i32(t)
            case 4: name = try r.string(t)
            case 5: e.numChildren = try r.i32(t)
            case 6: e.convertedType = try r.i32(t)
            case 7: e.scale = try r.i32(t)
            case 8: e.precision = try r.i32(t)
            case 10: e.logicalType = try LogicalType.read(&r, t)
            default: return false
            }
            return true
        }
        e.name = try required(name, "SchemaElement.name")
        return e
    }
}

extension Statistics {
    static func read(_ r: inout ThriftReader, _ type: UInt8) throws -> Statistics {
        var s = Statistics()
        try r.structure(type) { r, id, t in
            switch id {
            case 1: s.legacyMax = try r.binary(t)
            case 2: s.legacyMin = try r.binary(t)
            case 3: s.nullCount = try r.i64(t)
            case 4: s.distinctCount = try r.i64(t)
            case 5: s.maxValue = try r.binary(t)
            case 6: s.minValue = try r.binary(t)
            default: return false
            }
            return true
        }
        return s
    }
}

extension ColumnMetaData {
    static func read(_ r: inout ThriftReader, _ type: UInt8) throws -> ColumnMetaData {
        var ptype: Int32?, codec: Int32?, numValues: Int64?, unc: Int64?, comp: Int64?, dataOffset: Int64?
        var encodings: [Int32] = [], path: [String] = []
        var dictOffset: Int64?
        var stats: Statistics?
        try r.structure(type) { r, id, t in
            switch id {
            case 1: ptype = try r.i32(t)
            case 2: encodings = try r.list(t) { r, et in try r.i32(et) }
            case 3: path = try r.list(t) { r, et in try r.string(et) }
            case 4: codec = try r.i32(t)
            case 5: numValues = try r.i64(t)
            case 6: unc = try r.i64(t)
            case 7: comp = try r.i64(t)
            case 9: dataOffset = try r.i64(t)
            case 11: dictOffset = try r.i64(t)
            case 12: stats = try Statistics.read(&r, t)
            default: return false
            }
            return true
        }
        return ColumnMetaData(type: try required(ptype, "ColumnMetaData.type"), encodings: encodings, pathInSchema: path,
                              codec: try required(codec, "ColumnMetaData.codec"),
                              numValues: try required(numValues, "ColumnMetaData.num_values"),
                              totalUncompressedSize: try required(unc, "ColumnMetaData.total_uncompressed_size"),
                              totalCompressedSize: try required(comp, "ColumnMetaData.total_compressed_size"),
                              dataPageOffset: try required(dataOffset, "ColumnMetaData.data_page_offset"),
                              dictionaryPageOffset: dictOffset, statistics: stats)
    }
}

extension RowGroup {
    static func read(_ r: inout ThriftReader, _ type: UInt8) throws -> RowGroup {
        var columns: [ColumnChunk] = []
        var total: Int64 = 0, rows: Int64?
        var g = RowGroup(columns: [], totalByteSize: 0, numRows: 0)
        try r.structure(type) { r, id, t in
            switch id {
            case 1:
                columns = try r.list(t) { r, et in
                    var c = ColumnChunk()
                    try r.structure(et) { r, id, t in
                        switch id {
                        case 1:
                            _ = try r.binary(t)
                            throw ThriftReader.corrupt("column chunks in other files (file_path) are not supported")
                        case 2: c.fileOffset = try r.i64(t)
                        case 3: c.metaData = try ColumnMetaData.read(&r, t)
                        default: return false
                        }
                        return true
                    }
                    return c
                }
            case 2: total = try r.i64(t)
            case 3: rows = try r.i64(t)
            case 5: g.fileOffset = try r.i64(t)
            case 6: g.totalCompressedSize = try r.i64(t)
            case 7: g.ordinal = Int16(truncatingIfNeeded: try r.i32(t))
            default: return false
            }
            return true
        }
        g.columns = columns
        g.totalByteSize = total
        g.numRows = try required(rows, "RowGroup.num_rows")
        return g
    }
}

extension FileMetaData {
    /// Parses a footer.
    static func parse(_ bytes: [UInt8]) throws -> FileMetaData {
        var r = ThriftReader(bytes)
        var version: Int32 = 1, schema: [SchemaElement] = [], rows: Int64?, groups: [RowGroup] = []
        var kv: [KeyValue]?, createdBy: String?, orders = 0
        try r.readStruct { r, id, t in
            switch id {
            case 1: version = try r.i32(t)
            case 2: schema = try r.list(t) { r, et in try SchemaElement.read(&r, et) }
            case 3: rows = try r.i64(t)
            case 4: groups = try r.list(t) { r, et in try RowGroup.read(&r, et) }
            case 5:
                kv = try r.list(t) { r, et in
                    var key: String?, value: String?
                    try r.structure(et) { r, id, t in
                        switch id {
                        case 1: key = try r.string(t)
                        case 2: value = try r.string(t)
                        default: return false
                        }
                        return true
                    }
                    return KeyValue(key: try required(key, "KeyValue.key"), value: value)
                }
            case 6: createdBy = try r.string(t)
            case 7: orders = try r.list(t) { r, et in try r.skip(et) }.count
            default: return false
            }
            return true
        }
        return FileMetaData(version: version, schema: schema, numRows: try required(rows, "FileMetaData.num_rows"),
                            rowGroups: groups, keyValueMetadata: kv, createdBy: createdBy, columnOrders: orders)
    }
}

extension PageHeader {
    /// Parses a page header at `r`'s position, leaving `r` just after it.
    static func read(_ r: inout ThriftReader) throws -> PageHeader {
        var type: Int32?, unc: Int32?, comp: Int32?
        var h = PageHeader(type: 0, uncompressedPageSize: 0, compressedPageSize: 0)
        try r.readStruct { r, id, t in
            switch id {
            case 1: type = try r.i32(t)
            case 2: unc = try r.i32(t)
            case 3: comp = try r.i32(t)
            case 5:
                var n: Int32?, enc: Int32?
                var d = DataPageHeader(numValues: 0, encoding: 0)
                try r.structure(t) { r, id, t in
                    switch id {
                    case 1: n = try r.i32(t)
                    case 2: enc = try r.i32(t)
                    case 3: d.definitionLevelEncoding = try r.i32(t)
                    case 4: d.repetitionLevelEncoding = try r.i32(t)
                    default: return false
                    }
                    return true
                }
                d.numValues = try required(n, "DataPageHeader.num_values")
                d.encoding = try required(enc, "DataPageHeader.encoding")
                h.dataPage = d
            case 7:
                var n: Int32?
                var d = DictionaryPageHeader(numValues: 0)
                try r.structure(t) { r, id, t in
                    switch id {
                    case 1: n = try r.i32(t)
                    case 2: d.encoding = try r.i32(t)
                    default: return false
                    }
                    return true
                }
                d.numValues = try required(n, "DictionaryPageHeader.num_values")
                h.dictionaryPage = d
            case 8:
                var v = DataPageHeaderV2(numValues: 0, numNulls: 0, numRows: 0, encoding: 0,
                                         definitionLevelsByteLength: 0, repetitionLevelsByteLength: 0)
                var seen = 0
                try r.structure(t) { r, id, t in
                    switch id {
                    case 1: v.numValues = try r.i32(t); seen |= 1
                    case 2: v.numNulls = try r.i32(t); seen |= 2
                    case 3: v.numRows = try r.i32(t); seen |= 4
                    case 4: v.encoding = try r.i32(t); seen |= 8
                    case 5: v.definitionLevelsByteLength = try r.i32(t); seen |= 16
                    case 6: v.repetitionLevelsByteLength = try r.i32(t); seen |= 32
                    case 7: v.isCompressed = try r.bool(t)
                    default: return false
                    }
                    return true
                }
                guard seen == 63 else { throw ThriftReader.corrupt("required field of DataPageHeaderV2 is missing") }
                h.dataPageV2 = v
            default: return false
            }
            return true
        }
        h.type = try required(type, "PageHeader.type")
        h.uncompressedPageSize = try required(unc, "PageHeader.uncompressed_page_size")
        h.compressedPageSize = try required(comp, "PageHeader.compressed_page_size")
        return h
    }
}
