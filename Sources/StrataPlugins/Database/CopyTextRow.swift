/// One row of PostgreSQL's COPY text format: fields split on tabs, `\N` for null, backslash
/// escapes (`\t`, `\n`, `\\`, octal `\ooo`, hex `\xhh`, …) undone into one scratch buffer.
struct CopyTextRow {
    private(set) var scratch: [UInt8] = []
    /// Per field: its bytes in `scratch`, or nil for null.
    private(set) var fields: [Range<Int>?] = []

    mutating func parse(_ line: UnsafeBufferPointer<UInt8>) {
        scratch.removeAll(keepingCapacity: true)
        fields.removeAll(keepingCapacity: true)
        let tab: UInt8 = 9, backslash: UInt8 = 92
        var i = 0
        let n = line.count
        while true {
            if i + 1 < n, line[i] == backslash, line[i + 1] == UInt8(ascii: "N"), i + 2 == n || line[i + 2] == tab {
                fields.append(nil)
                i += 2
            } else {
                let start = scratch.count
                while i < n, line[i] != tab {
                    let c = line[i]
                    guard c == backslash, i + 1 < n else { scratch.append(c); i += 1; continue }
                    let e = line[i + 1]
                    i += 2
                    switch e {
                    case UInt8(ascii: "b"): scratch.append(8)
                    case UInt8(ascii: "f"): scratch.append(12)
                    case UInt8(ascii: "n"): scratch.append(10)
                    case UInt8(ascii: "r"): scratch.append(13)
                    case UInt8(ascii: "t"): scratch.append(9)
                    case UInt8(ascii: "v"): scratch.append(11)
                    case UInt8(ascii: "0")...UInt8(ascii: "7"):
                        var v = Int(e - 48), k = 1
                        while k < 3, i < n, line[i] >= 48, line[i] <= 55 { v = v * 8 + Int(line[i] - 48); i += 1; k += 1 }
                        scratch.append(UInt8(truncatingIfNeeded: v))
                    case UInt8(ascii: "x") where i < n && CopyTextRow.hex(line[i]) != nil:
                        var v = CopyTextRow.hex(line[i])!
                        i += 1
                        if i < n, let d = CopyTextRow.hex(line[i]) { v = v * 16 + d; i += 1 }
                        scratch.append(UInt8(v))
                    default: scratch.append(e)
                    }
                }
                fields.append(start..<scratch.count)
            }
            guard i < n, line[i] == tab else { break }
            i += 1
        }
    }

    static func hex(_ c: UInt8) -> Int? {
        switch c {
        case 48...57: return Int(c - 48)
        case 65...70: return Int(c - 55)
        case 97...102: return Int(c - 87)
        default: return nil
        }
    }
}
