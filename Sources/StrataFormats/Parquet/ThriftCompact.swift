import StrataCore

/// Type codes of the Thrift compact protocol.
enum ThriftType {
    static let stop: UInt8 = 0
    static let boolTrue: UInt8 = 1
    static let boolFalse: UInt8 = 2
    static let i8: UInt8 = 3
    static let i16: UInt8 = 4
    static let i32: UInt8 = 5
    static let i64: UInt8 = 6
    static let double: UInt8 = 7
    static let binary: UInt8 = 8
    static let list: UInt8 = 9
    static let set: UInt8 = 10
    static let map: UInt8 = 11
    static let structure: UInt8 = 12
}

/// Writes Thrift compact-protocol structs into a byte array.
///
/// Callers write fields in ascending id order between `beginStruct` and `endStruct`; the writer
/// tracks the last field id of every open struct to emit delta headers.
struct ThriftWriter {
    var bytes: [UInt8] = []
    private var lastIds: [Int16] = [0]

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    mutating func varint(_ value: UInt64) {
        var v = value
        while v >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: v) | 0x80)
            v >>= 7
        }
        bytes.append(UInt8(v))
    }

    mutating func zigzag(_ v: Int64) { varint(UInt64(bitPattern: (v << 1) ^ (v >> 63))) }

    mutating func fieldHeader(_ id: Int16, _ type: UInt8) {
        let last = lastIds[lastIds.count - 1]
        let delta = Int(id) - Int(last)
        if delta > 0 && delta <= 15 {
            bytes.append(UInt8(delta << 4) | type)
        } else {
            bytes.append(type)
            zigzag(Int64(id))
        }
        lastIds[lastIds.count - 1] = id
    }

    mutating func i32(_ id: Int16, _ v: Int32) { fieldHeader(id, ThriftType.i32); zigzag(Int64(v)) }
    mutating func i16(_ id: Int16, _ v: Int16) { fieldHeader(id, ThriftType.i16); zigzag(Int64(v)) }
    mutating func i64(_ id: Int16, _ v: Int64) { fieldHeader(id, ThriftType.i64); zigzag(v) }
    mutating func bool(_ id: Int16, _ v: Bool) { fieldHeader(id, v ? ThriftType.boolTrue : ThriftType.boolFalse) }

    mutating func binary(_ id: Int16, _ v: [UInt8]) {
        fieldHeader(id, ThriftType.binary)
        rawBinary(v)
    }

    mutating func string(_ id: Int16, _ v: String) { binary(id, Array(v.utf8)) }

    /// A binary value without a field header (list elements).
    mutating func rawBinary(_ v: [UInt8]) {
        varint(UInt64(v.count))
        bytes.append(contentsOf: v)
    }

    mutating func rawString(_ v: String) { rawBinary(Array(v.utf8)) }

    /// An i32 value without a field header (list elements).
    mutating func rawI32(_ v: Int32) { zigzag(Int64(v)) }

    /// Opens a struct-valued field.
    mutating func beginStruct(_ id: Int16) {
        fieldHeader(id, ThriftType.structure)
        lastIds.append(0)
    }

    /// Opens a struct that is a list element or the top-level value.
    mutating func beginElementStruct() { lastIds.append(0) }

    mutating func endStruct() {
        bytes.append(ThriftType.stop)
        if lastIds.count > 1 { lastIds.removeLast() } else { lastIds[0] = 0 }
    }

    /// A list field header; the caller then writes `count` raw elements.
    mutating func listHeader(_ id: Int16, elementType: UInt8, count: Int) {
        fieldHeader(id, ThriftType.list)
        if count <= 14 {
            bytes.append(UInt8(count << 4) | elementType)
        } else {
            bytes.append(0xF0 | elementType)
            varint(UInt64(count))
        }
    }
}

/// Reads Thrift compact-protocol values from bytes, with bounds checks everywhere.
///
/// Malformed input throws `.corruptData` (callers add the file path); it never traps.
/// Unknown fields of any type are skipped, so footers written by newer tools still parse.
struct ThriftReader {
    let bytes: [UInt8]
    var position: Int
    let end: Int
    private var depth = 0
    static let maxDepth = 48

    init(_ bytes: [UInt8], from start: Int = 0, end: Int? = nil) {
        self.bytes = bytes
        self.position = max(0, min(start, bytes.count))
        self.end = max(self.position, min(end ?? bytes.count, bytes.count))
    }

    var remaining: Int { end - position }

    static func corrupt(_ what: String) -> StrataError {
        StrataError(.corruptData, "malformed Thrift metadata: \(what)")
    }

    mutating func byte() throws -> UInt8 {
        guard position < end else { throw Self.corrupt("unexpected end of data") }
        let b = bytes[position]
        position += 1
        return b
    }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            guard shift < 64 else { throw Self.corrupt("varint too long") }
            result |= UInt64(b & 0x7F) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func zigzag64() throws -> Int64 {
        let u = try varint()
        return Int64(bitPattern: (u >> 1) ^ (0 &- (u & 1)))
    }

    mutating func zigzag32() throws -> Int32 {
        let v = try zigzag64()
        guard let r = Int32(exactly: v) else { throw Self.corrupt("i32 out of range") }
        return r
    }

    mutating func binary() throws -> [UInt8] {
        let n = try varint()
        guard n <= UInt64(remaining) else { throw Self.corrupt("binary length past the end") }
        let r = Array(bytes[position..<(position + Int(n))])
        position += Int(n)
        return r
    }

    mutating func string() throws -> String { String(decoding: try binary(), as: UTF8.self) }

    /// Reads a list header: element type and count (bounded by the bytes left).
    mutating func listHeader() throws -> (elementType: UInt8, count: Int) {
        let h = try byte()
        var count = Int(h >> 4)
        if count == 15 {
            let n = try varint()
            guard n <= UInt64(remaining) else { throw Self.corrupt("list size past the end") }
            count = Int(n)
        }
        let t = h & 0x0F
        // Every element but a bool takes at least one byte; bools in lists take one byte too.
        guard count <= remaining else { throw Self.corrupt("list size past the end") }
        return (t, count)
    }

    /// Skips a value of `type`.
    mutating func skip(_ type: UInt8) throws {
        switch type {
        case ThriftType.boolTrue, ThriftType.boolFalse: return
        case ThriftType.i8: _ = try byte()
        case ThriftType.i16, ThriftType.i32, ThriftType.i64: _ = try varint()
        case ThriftType.double:
            guard remaining >= 8 else { throw Self.corrupt("unexpected end of data") }
            position += 8
        case ThriftType.binary:
            let n = try varint()
            guard n <= UInt64(remaining) else { throw Self.corrupt("binary length past the end") }
            position += Int(n)
        case ThriftType.list, ThriftType.set:
            let (t, n) = try listHeader()
            try nested {
                for _ in 0..<n {
                    if t == ThriftType.boolTrue || t == ThriftType.boolFalse { _ = try $0.byte() } else { try $0.skip(t) }
                }
            }
        case ThriftType.map:
            let n = try varint()
            guard n <= UInt64(remaining) else { throw Self.corrupt("map size past the end") }
            if n == 0 { return }
            let kv = try byte()
            try nested {
                for _ in 0..<Int(n) {
                    try $0.skipElement(kv >> 4)
                    try $0.skipElement(kv & 0x0F)
                }
            }
        case ThriftType.structure:
            try readStruct { _, _, _ in false }
        default:
            throw Self.corrupt("unknown type code \(type)")
        }
    }

    private mutating func skipElement(_ t: UInt8) throws {
        if t == ThriftType.boolTrue || t == ThriftType.boolFalse { _ = try byte() } else { try skip(t) }
    }

    private mutating func nested(_ body: (inout ThriftReader) throws -> Void) throws {
        guard depth < Self.maxDepth else { throw Self.corrupt("nesting too deep") }
        depth += 1
        defer { depth -= 1 }
        try body(&self)
    }

    /// Reads a struct, calling `field(reader, id, type)` for each field; a field the handler
    /// does not consume (returns false) is skipped.
    mutating func readStruct(_ field: (inout ThriftReader, Int16, UInt8) throws -> Bool) throws {
        try nested { r in
            var last: Int16 = 0
            while true {
                let h = try r.byte()
                if h == ThriftType.stop { return }
                let type = h & 0x0F
                let delta = h >> 4
                let id: Int16
                if delta != 0 {
                    let v = Int(last) + Int(delta)
                    guard v <= Int(Int16.max) else { throw Self.corrupt("field id out of range") }
                    id = Int16(v)
                } else {
                    let v = try r.zigzag64()
                    guard let i = Int16(exactly: v) else { throw Self.corrupt("field id out of range") }
                    id = i
                }
                last = id
                if try !field(&r, id, type) { try r.skip(type) }
            }
        }
    }

    // Typed field readers: they check the wire type so a mismatched field is reported, not misread.

    mutating func i32(_ type: UInt8) throws -> Int32 {
        guard type == ThriftType.i32 || type == ThriftType.i16 || type == ThriftType.i8 else { throw Self.corrupt("expected an i32") }
        if type == ThriftType.i8 { return Int32(Int8(bitPattern: try byte())) }
        return try zigzag32()
    }

    mutating func i64(_ type: UInt8) throws -> Int64 {
        guard type == ThriftType.i64 || type == ThriftType.i32 || type == ThriftType.i16 else { throw Self.corrupt("expected an i64") }
        return try zigzag64()
    }

    func bool(_ type: UInt8) throws -> Bool {
        guard type == ThriftType.boolTrue || type == ThriftType.boolFalse else { throw Self.corrupt("expected a bool") }
        return type == ThriftType.boolTrue
    }

    mutating func binary(_ type: UInt8) throws -> [UInt8] {
        guard type == ThriftType.binary else { throw Self.corrupt("expected binary") }
        return try binary()
    }

    mutating func string(_ type: UInt8) throws -> String {
        String(decoding: try binary(type), as: UTF8.self)
    }

    /// Reads a list field whose elements `element` reads one at a time.
    mutating func list<T>(_ type: UInt8, _ element: (inout ThriftReader, UInt8) throws -> T) throws -> [T] {
        guard type == ThriftType.list || type == ThriftType.set else { throw Self.corrupt("expected a list") }
        let (t, n) = try listHeader()
        var out: [T] = []
        out.reserveCapacity(n)
        try nested { r in
            for _ in 0..<n { out.append(try element(&r, t)) }
        }
        return out
    }

    /// A struct-valued field (checks the wire type first).
    mutating func structure(_ type: UInt8, _ field: (inout ThriftReader, Int16, UInt8) throws -> Bool) throws {
        guard type == ThriftType.structure else { throw Self.corrupt("expected a struct") }
        try readStruct(field)
    }
}
