import Foundation
import StrataCore

/// A deletion vector: the rows of a data file that a later commit deleted without rewriting
/// the file (Delta's `deletionVectors` table feature). Readers must skip those rows.
///
/// Stored inline (`i`: Z85 text of the bitmap), in a file beside the table named by a UUID
/// (`u`), or at an absolute path (`p`). The bitmap is a RoaringBitmapArray in its portable
/// serialization behind a magic number; a file holds `size (u32 BE) · bitmap · CRC-32 (u32 BE)`
/// at `offset`. Strata reads deletion vectors; it never writes them.
public struct DeltaDeletionVector: Sendable, Hashable {
    public var storageType: String
    public var pathOrInlineDv: String
    public var offset: Int?
    public var sizeInBytes: Int
    public var cardinality: Int

    public init(storageType: String, pathOrInlineDv: String, offset: Int?, sizeInBytes: Int, cardinality: Int) {
        self.storageType = storageType
        self.pathOrInlineDv = pathOrInlineDv
        self.offset = offset
        self.sizeInBytes = sizeInBytes
        self.cardinality = cardinality
    }

    /// What identifies the vector (with the file path, what identifies a live file).
    public var uniqueId: String { storageType + pathOrInlineDv + (offset.map { "@\($0)" } ?? "") }

    static let magic: UInt32 = 1_681_511_377

    var json: JSONValue {
        var m = [JSONMember("storageType", .string(storageType)), JSONMember("pathOrInlineDv", .string(pathOrInlineDv))]
        if let offset { m.append(JSONMember("offset", .int(Int64(offset)))) }
        m += [JSONMember("sizeInBytes", .int(Int64(sizeInBytes))), JSONMember("cardinality", .int(Int64(cardinality)))]
        return .object(m)
    }

    static func parse(_ v: JSONValue?) -> DeltaDeletionVector? {
        guard let v, let t = v["storageType"]?.stringValue, let p = v["pathOrInlineDv"]?.stringValue,
              let size = v["sizeInBytes"]?.int64Value, let card = v["cardinality"]?.int64Value else { return nil }
        return DeltaDeletionVector(storageType: t, pathOrInlineDv: p, offset: v["offset"]?.int64Value.map { Int($0) },
                                   sizeInBytes: Int(size), cardinality: Int(card))
    }

    static func corrupt(_ what: String) -> StrataError {
        StrataError(.corruptData, "a deletion vector is damaged: \(what)", hint: "restore the table's deletion vector files")
    }

    /// The deleted row indexes of the data file, ascending.
    public func deletedRows(tablePath: String) throws -> [Int64] {
        let bitmap: [UInt8]
        switch storageType {
        case "i":
            bitmap = try Self.z85Decode(pathOrInlineDv)
        case "u", "p":
            let path: String
            if storageType == "p" {
                path = URL(string: pathOrInlineDv)?.path ?? pathOrInlineDv
            } else {
                guard pathOrInlineDv.count >= 20 else { throw Self.corrupt("its UUID text is too short") }
                let prefix = String(pathOrInlineDv.dropLast(20))
                let uuid = try Self.z85Decode(String(pathOrInlineDv.suffix(20)))
                guard uuid.count == 16 else { throw Self.corrupt("its UUID is not 16 bytes") }
                let hex = uuid.map { String(format: "%02x", $0) }.joined()
                let text = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
                    .map(String.init).joined(separator: "-")
                path = tablePath + "/" + (prefix.isEmpty ? "" : prefix + "/") + "deletion_vector_\(text).bin"
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw StrataError(.notFound, "the deletion vector file \(path) is missing", hint: "restore it; without it deleted rows would reappear")
            }
            let bytes = [UInt8](data)
            let at = offset ?? 1
            guard at >= 0, at <= bytes.count - 4 else { throw Self.corrupt("its offset lies outside \(path)") }
            let size = Int(UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3]))
            guard size == sizeInBytes, size <= bytes.count - at - 8 else { throw Self.corrupt("its size disagrees with \(path)") }
            bitmap = Array(bytes[(at + 4)..<(at + 4 + size)])
            let stored = bytes[(at + 4 + size)..<(at + 8 + size)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard CRC32.checksum(bitmap) == stored else { throw Self.corrupt("its checksum does not match in \(path)") }
        default:
            throw StrataError(.unsupported, "a deletion vector has storage type '\(storageType)', which strata cannot read")
        }
        guard cardinality >= 0 else { throw Self.corrupt("its cardinality is negative") }
        // Decoding stops past the declared cardinality (overlapping runs cannot blow up memory);
        // rows are sorted and must be distinct (readers skip them in one ascending pass).
        var rows = try Self.decodeBitmapArray(bitmap, limit: cardinality)
        rows.sort()
        for i in rows.indices.dropFirst() where rows[i] == rows[i - 1] { throw Self.corrupt("it lists row \(rows[i]) twice") }
        guard rows.count == cardinality else { throw Self.corrupt("it holds \(rows.count) rows, its descriptor says \(cardinality)") }
        return rows
    }

    /// Magic, then a RoaringBitmapArray: u64 LE count, then (u32 LE high key, 32-bit portable
    /// Roaring bitmap) per entry.
    static func decodeBitmapArray(_ b: [UInt8], limit: Int = Int.max) throws -> [Int64] {
        var r = Bytes(b)
        guard try r.u32() == magic else { throw corrupt("its magic number is wrong") }
        let n = try r.u64()
        guard n <= UInt64(b.count) else { throw corrupt("it declares too many bitmaps") }
        var out: [Int64] = []
        for _ in 0..<n {
            let high = Int64(try r.u32()) << 32
            for low in try decodeRoaring(&r, limit: limit - out.count) { out.append(high | Int64(low)) }
        }
        return out
    }

    /// One 32-bit Roaring bitmap in the portable format (array, bitmap and run containers).
    static func decodeRoaring(_ r: inout Bytes, limit: Int = Int.max) throws -> [UInt32] {
        let tooMany = corrupt("it holds more rows than its descriptor says")
        let cookie = try r.u32()
        var containers: Int
        var runFlags: [UInt8] = []
        let hasRuns = cookie & 0xFFFF == 12347
        if hasRuns {
            containers = Int(cookie >> 16) + 1
            runFlags = try r.take((containers + 7) / 8)
        } else {
            guard cookie == 12346 else { throw corrupt("its bitmap has an unknown cookie") }
            containers = Int(try r.u32())
        }
        guard containers <= 1 << 16 else { throw corrupt("its bitmap declares too many containers") }
        var keys: [UInt32] = [], cards: [Int] = []
        for _ in 0..<containers {
            keys.append(UInt32(try r.u16()))
            cards.append(Int(try r.u16()) + 1)
        }
        if !hasRuns || containers >= 4 { _ = try r.take(4 * containers) }  // offsets: the layout is sequential anyway
        var out: [UInt32] = []
        for i in 0..<containers {
            let base = keys[i] << 16
            let isRun = hasRuns && runFlags[i / 8] & (1 << UInt8(i % 8)) != 0
            if isRun {
                let runs = Int(try r.u16())
                for _ in 0..<runs {
                    let start = UInt32(try r.u16()), length = UInt32(try r.u16())
                    guard start + length <= 0xFFFF else { throw corrupt("a run passes the end of its container") }
                    guard Int(length) + 1 <= limit - out.count else { throw tooMany }
                    for v in start...(start + length) { out.append(base | v) }
                }
            } else if cards[i] <= 4096 {
                guard cards[i] <= limit - out.count else { throw tooMany }
                for _ in 0..<cards[i] { out.append(base | UInt32(try r.u16())) }
            } else {
                let words = try r.take(8192)
                for w in 0..<1024 {
                    var word: UInt64 = 0
                    for k in 0..<8 { word |= UInt64(words[w * 8 + k]) << UInt64(8 * k) }
                    while word != 0 {
                        guard out.count < limit else { throw tooMany }
                        let bit = UInt32(word.trailingZeroBitCount)
                        out.append(base | UInt32(w * 64) | bit)
                        word &= word - 1
                    }
                }
            }
        }
        return out
    }

    static let z85Alphabet = Array("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#".utf8)

    /// Z85 text to bytes (5 characters to 4 bytes, big-endian).
    static func z85Decode(_ text: String) throws -> [UInt8] {
        var table = [Int](repeating: -1, count: 256)
        for (i, c) in z85Alphabet.enumerated() { table[Int(c)] = i }
        let chars = Array(text.utf8)
        guard chars.count % 5 == 0 else { throw corrupt("its Z85 text is not a multiple of 5 characters") }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 5 * 4)
        for g in stride(from: 0, to: chars.count, by: 5) {
            var v: UInt64 = 0
            for c in chars[g..<(g + 5)] {
                let d = table[Int(c)]
                guard d >= 0 else { throw corrupt("its Z85 text has a character outside the alphabet") }
                v = v * 85 + UInt64(d)
            }
            guard v <= UInt64(UInt32.max) else { throw corrupt("its Z85 text overflows") }
            out += [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
        }
        return out
    }

    /// A little-endian cursor that throws at the end.
    struct Bytes {
        let b: [UInt8]
        var at = 0
        init(_ b: [UInt8]) { self.b = b }
        mutating func take(_ n: Int) throws -> [UInt8] {
            guard n >= 0, n <= b.count - at else { throw corrupt("it is truncated") }
            defer { at += n }
            return Array(b[at..<(at + n)])
        }
        mutating func u16() throws -> UInt16 { let x = try take(2); return UInt16(x[0]) | UInt16(x[1]) << 8 }
        mutating func u32() throws -> UInt32 { let x = try take(4); return x.enumerated().reduce(0) { $0 | UInt32($1.element) << UInt32(8 * $1.offset) } }
        mutating func u64() throws -> UInt64 { let x = try take(8); return x.enumerated().reduce(0) { $0 | UInt64($1.element) << UInt64(8 * $1.offset) } }
    }
}
