import StrataCore

/// How a Strata `DataType` is stored in Parquet (flat schemas only).
struct ParquetColumnType: Equatable {
    var physical: Int32
    /// FIXED_LEN_BYTE_ARRAY width (read only).
    var typeLength: Int = 0
    /// The Strata type the column maps to.
    var dataType: DataType
    /// Timestamps: 1 millis, 2 micros, 3 nanos.
    var timeUnit: Int16 = 2

    /// Bytes of one PLAIN fixed-width value (0 for variable width and booleans).
    var plainWidth: Int {
        switch physical {
        case PhysicalType.int32, PhysicalType.float: return 4
        case PhysicalType.int64, PhysicalType.double: return 8
        case PhysicalType.int96: return 12
        case PhysicalType.fixedLenByteArray: return typeLength
        default: return 0
        }
    }

    /// The physical type Strata writes for `type`.
    static func forWriting(_ type: DataType) -> ParquetColumnType {
        switch type {
        case .bool: return ParquetColumnType(physical: PhysicalType.boolean, dataType: type)
        case .int64, .timestamp: return ParquetColumnType(physical: PhysicalType.int64, dataType: type)
        case .double: return ParquetColumnType(physical: PhysicalType.double, dataType: type)
        case .string, .binary: return ParquetColumnType(physical: PhysicalType.byteArray, dataType: type)
        case .date: return ParquetColumnType(physical: PhysicalType.int32, dataType: type)
        case .decimal(let p, _):
            return ParquetColumnType(physical: p <= 9 ? PhysicalType.int32 : PhysicalType.int64, dataType: type)
        }
    }
}

extension SchemaElement {
    /// The leaf element Strata writes for `field`.
    static func leaf(for field: Field) -> SchemaElement {
        let t = ParquetColumnType.forWriting(field.type)
        var e = SchemaElement(type: t.physical, repetition: field.nullable ? Repetition.optional : Repetition.required,
                              name: field.name)
        switch field.type {
        case .string:
            e.convertedType = ConvertedType.utf8
            e.logicalType = .string
        case .date:
            e.convertedType = ConvertedType.date
            e.logicalType = .date
        case .timestamp:
            e.convertedType = ConvertedType.timestampMicros
            e.logicalType = .timestamp(utc: true, unit: 2)
        case let .decimal(p, s):
            e.convertedType = ConvertedType.decimal
            e.scale = Int32(s)
            e.precision = Int32(p)
            e.logicalType = .decimal(scale: Int32(s), precision: Int32(p))
        case .bool, .int64, .double, .binary:
            break
        }
        return e
    }

    /// The schema elements (root first) for a Strata schema.
    static func elements(for schema: Schema) -> [SchemaElement] {
        [SchemaElement(name: "schema", numChildren: Int32(schema.count))] + schema.fields.map(leaf(for:))
    }

    /// Maps a leaf back to a Strata column type; nil (with a reason) when Strata cannot read it.
    func columnType() -> Result<ParquetColumnType, StrataError> {
        func unsupported(_ what: String) -> Result<ParquetColumnType, StrataError> {
            .failure(StrataError(.schemaMismatch, "column '\(name)' has \(what), which Strata cannot read",
                                 hint: "cast the column to a supported type (bool, int64, double, decimal(p≤18), string, binary, date, timestamp)"))
        }
        guard let physical = type else { return unsupported("no physical type (a nested group)") }
        var decimal: (Int, Int)?
        if case let .decimal(s, p)? = logicalType { decimal = (Int(p), Int(s)) } else if convertedType == ConvertedType.decimal {
            decimal = (Int(precision ?? 0), Int(scale ?? 0))
        }
        if let (p, s) = decimal {
            guard p >= 1 && p <= 18 && s >= 0 && s <= p else { return unsupported("decimal(\(p),\(s)) beyond precision 18") }
            switch physical {
            case PhysicalType.int32, PhysicalType.int64:
                return .success(ParquetColumnType(physical: physical, dataType: .decimal(precision: p, scale: s)))
            case PhysicalType.fixedLenByteArray, PhysicalType.byteArray:
                let len = Int(typeLength ?? 0)
                if physical == PhysicalType.fixedLenByteArray && (len < 1 || len > 16) { return unsupported("a decimal of \(len) bytes") }
                return .success(ParquetColumnType(physical: physical, typeLength: len, dataType: .decimal(precision: p, scale: s)))
            default: return unsupported("a decimal stored as \(PhysicalType.name(physical))")
            }
        }
        switch physical {
        case PhysicalType.boolean: return .success(ParquetColumnType(physical: physical, dataType: .bool))
        case PhysicalType.int32:
            if logicalType == .date || convertedType == ConvertedType.date {
                return .success(ParquetColumnType(physical: physical, dataType: .date))
            }
            if let c = convertedType, (7...8).contains(c) { return unsupported("a TIME type") }
            return .success(ParquetColumnType(physical: physical, dataType: .int64))
        case PhysicalType.int64:
            if case let .timestamp(_, unit)? = logicalType {
                guard (1...3).contains(unit) else { return unsupported("a timestamp of unknown unit") }
                return .success(ParquetColumnType(physical: physical, dataType: .timestamp, timeUnit: unit))
            }
            if convertedType == ConvertedType.timestampMicros {
                return .success(ParquetColumnType(physical: physical, dataType: .timestamp, timeUnit: 2))
            }
            if convertedType == ConvertedType.timestampMillis {
                return .success(ParquetColumnType(physical: physical, dataType: .timestamp, timeUnit: 1))
            }
            if let c = convertedType, c == 8 || c == 7 { return unsupported("a TIME type") }
            if case let .integer(_, signed)? = logicalType, !signed { return unsupported("an unsigned 64-bit integer") }
            return .success(ParquetColumnType(physical: physical, dataType: .int64))
        case PhysicalType.float, PhysicalType.double:
            return .success(ParquetColumnType(physical: physical, dataType: .double))
        case PhysicalType.int96:
            // Spark's default timestamp layout (spark.sql.parquet.outputTimestampType=INT96).
            return .success(ParquetColumnType(physical: physical, dataType: .timestamp))
        case PhysicalType.byteArray:
            // Text when annotated as such (STRING, ENUM, JSON; or the UTF8, ENUM, JSON converted
            // types); otherwise raw bytes.
            let text: Bool
            switch logicalType {
            case .string?: text = true
            case .other(let id)?: text = id == 4 || id == 12
            default: text = convertedType.map { [ConvertedType.utf8, 4, 19].contains($0) } ?? false
            }
            return .success(ParquetColumnType(physical: physical, dataType: text ? .string : .binary))
        default:
            return unsupported("physical type \(PhysicalType.name(physical))")
        }
    }
}
