/// The Parquet footer and page-header structures Strata reads and writes (a subset of
/// `parquet.thrift`; other fields are skipped on read and never written).

/// Physical types (`Type` in parquet.thrift).
enum PhysicalType {
    static let boolean: Int32 = 0
    static let int32: Int32 = 1
    static let int64: Int32 = 2
    static let int96: Int32 = 3
    static let float: Int32 = 4
    static let double: Int32 = 5
    static let byteArray: Int32 = 6
    static let fixedLenByteArray: Int32 = 7

    static func name(_ t: Int32) -> String {
        let names = ["BOOLEAN", "INT32", "INT64", "INT96", "FLOAT", "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"]
        return names.indices.contains(Int(t)) ? names[Int(t)] : "type \(t)"
    }
}

enum Repetition {
    static let required: Int32 = 0
    static let optional: Int32 = 1
    static let repeated: Int32 = 2
}

enum ConvertedType {
    static let utf8: Int32 = 0
    static let decimal: Int32 = 5
    static let date: Int32 = 6
    static let timestampMillis: Int32 = 9
    static let timestampMicros: Int32 = 10
}

enum Encoding {
    static let plain: Int32 = 0
    static let plainDictionary: Int32 = 2
    static let rle: Int32 = 3
    static let bitPacked: Int32 = 4
    static let rleDictionary: Int32 = 8
}

enum Codec {
    static let uncompressed: Int32 = 0
    static let snappy: Int32 = 1
    static let gzip: Int32 = 2
    static let lzo: Int32 = 3
    static let brotli: Int32 = 4
    static let lz4: Int32 = 5
    static let zstd: Int32 = 6
    static let lz4Raw: Int32 = 7

    static func name(_ c: Int32) -> String {
        let names = ["UNCOMPRESSED", "SNAPPY", "GZIP", "LZO", "BROTLI", "LZ4", "ZSTD", "LZ4_RAW"]
        return names.indices.contains(Int(c)) ? names[Int(c)] : "codec \(c)"
    }
}

enum PageType {
    static let dataPage: Int32 = 0
    static let indexPage: Int32 = 1
    static let dictionaryPage: Int32 = 2
    static let dataPageV2: Int32 = 3
}

/// `LogicalType` union members Strata understands; others are kept as `.other`.
enum LogicalType: Equatable {
    case string
    case decimal(scale: Int32, precision: Int32)
    case date
    /// unit: 1 millis, 2 micros, 3 nanos.
    case timestamp(utc: Bool, unit: Int16)
    case integer(bitWidth: Int8, signed: Bool)
    case other(Int16)
}

struct SchemaElement: Equatable {
    var type: Int32?
    var typeLength: Int32?
    var repetition: Int32?
    var name: String
    var numChildren: Int32?
    var convertedType: Int32?
    var scale: Int32?
    var precision: Int32?
    var logicalType: LogicalType?
}

struct Statistics: Equatable {
    var nullCount: Int64?
    var distinctCount: Int64?
    var maxValue: [UInt8]?
    var minValue: [UInt8]?
    /// Legacy fields (ids 1, 2), read only.
    var legacyMax: [UInt8]?
    var legacyMin: [UInt8]?
}

struct ColumnMetaData: Equatable {
    var type: Int32
    var encodings: [Int32]
    var pathInSchema: [String]
    var codec: Int32
    var numValues: Int64
    var totalUncompressedSize: Int64
    var totalCompressedSize: Int64
    var dataPageOffset: Int64
    var dictionaryPageOffset: Int64?
    var statistics: Statistics?
}

struct ColumnChunk: Equatable {
    var fileOffset: Int64 = 0
    var metaData: ColumnMetaData?
}

struct RowGroup: Equatable {
    var columns: [ColumnChunk]
    var totalByteSize: Int64
    var numRows: Int64
    var fileOffset: Int64?
    var totalCompressedSize: Int64?
    var ordinal: Int16?
}

struct KeyValue: Equatable {
    var key: String
    var value: String?
}

struct FileMetaData: Equatable {
    var version: Int32 = 1
    var schema: [SchemaElement]
    var numRows: Int64
    var rowGroups: [RowGroup]
    var keyValueMetadata: [KeyValue]?
    var createdBy: String?
    /// Number of TYPE_ORDER column orders (written: one per leaf).
    var columnOrders: Int = 0
}

struct DataPageHeader: Equatable {
    var numValues: Int32
    var encoding: Int32
    var definitionLevelEncoding: Int32 = Encoding.rle
    var repetitionLevelEncoding: Int32 = Encoding.rle
}

struct DictionaryPageHeader: Equatable {
    var numValues: Int32
    var encoding: Int32 = Encoding.plain
}

struct DataPageHeaderV2: Equatable {
    var numValues: Int32
    var numNulls: Int32
    var numRows: Int32
    var encoding: Int32
    var definitionLevelsByteLength: Int32
    var repetitionLevelsByteLength: Int32
    var isCompressed: Bool = true
}

struct PageHeader: Equatable {
    var type: Int32
    var uncompressedPageSize: Int32
    var compressedPageSize: Int32
    var dataPage: DataPageHeader?
    var dictionaryPage: DictionaryPageHeader?
    var dataPageV2: DataPageHeaderV2?
}
