import StrataCore
import StrataFormats

/// Values as database clients deliver them in text form (PostgreSQL's text protocol, MySQL's
/// rows), parsed exactly into Strata's types or not at all.
enum TextValues {
    /// Appends the text `b` as a value of `type` to `builder`; false when it is not one. A binary
    /// value is its bytes, or with `hexBinary` the hex text PostgreSQL writes (`\x00ff`).
    static func append(_ b: UnsafeBufferPointer<UInt8>, as type: DataType, to builder: inout ColumnBuilder, hexBinary: Bool = false) -> Bool {
        switch type {
        case .string:
            builder.append(bytes: b)
        case .binary:
            guard hexBinary else { builder.append(bytes: b); break }
            var bytes: [UInt8] = []
            guard b.count >= 2, b[0] == 92, b[1] == 120, TextParsing.appendHex(b, to: &bytes) else { return false }
            builder.append(bytesOf: bytes)
        case .bool:
            // PostgreSQL writes t/f; MySQL's BOOLEAN is a TINYINT(1) written 1/0.
            guard b.count == 1 else { return false }
            switch b[0] {
            case UInt8(ascii: "t"), UInt8(ascii: "1"): builder.append(true)
            case UInt8(ascii: "f"), UInt8(ascii: "0"): builder.append(false)
            default: return false
            }
        case .int64:
            guard let v = integer(b) else { return false }
            builder.append(v)
        case .double:
            guard let v = Double(String(decoding: b, as: UTF8.self)) else { return false }
            builder.append(v)
        case let .decimal(p, s):
            guard let v = Decimal64.parse(b, precision: p, scale: s) else { return false }
            builder.append(v) // unscaled, at the column's scale
        case .date:
            guard let v = Temporal.parseDate(b) else { return false }
            builder.append(Int64(v)) // days since the epoch
        case .timestamp:
            guard let v = Temporal.parseTimestamp(b) else { return false }
            builder.append(v) // UTC microseconds
        }
        return true
    }

    /// `-?[0-9]+` within Int64.
    static func integer(_ b: UnsafeBufferPointer<UInt8>) -> Int64? {
        var i = 0
        var negative = false
        if i < b.count, b[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        guard i < b.count else { return nil }
        var v: Int64 = 0
        while i < b.count {
            let d = b[i]
            guard d >= 48, d <= 57 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = negative ? m.subtractingReportingOverflow(Int64(d - 48)) : m.addingReportingOverflow(Int64(d - 48))
            guard !o1, !o2 else { return nil }
            v = a
            i += 1
        }
        return v
    }


    /// The value as an ordered number, for a cursor: int64, decimal (at the column's one scale),
    /// date or timestamp; nil when the text is not one.
    static func ordered(_ b: UnsafeBufferPointer<UInt8>, _ type: DataType) -> Int64? {
        switch type {
        case .int64: return integer(b)
        case let .decimal(p, s): return Decimal64.parse(b, precision: p, scale: s)
        case .date: return Temporal.parseDate(b).map(Int64.init)
        case .timestamp: return Temporal.parseTimestamp(b)
        default: return nil
        }
    }
}
