/// Quoting text for the languages Strata writes (JSON, Python, Spark SQL): one mechanism for the
/// escapes they share.
public enum BackslashEscaping {
    /// `s` between `quote`s, with backslash, the quote, newline, carriage return and tab escaped
    /// as `\\`, `\"`, `\n`, `\r`, `\t`; other control characters through `control` (kept as they
    /// are when it is nil).
    public static func quoted(_ s: String, quote: Unicode.Scalar, control: ((UInt32) -> String)? = nil) -> String {
        var out = String(quote)
        for u in s.unicodeScalars {
            switch u {
            case "\\": out += "\\\\"
            case quote: out += "\\" + String(quote)
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if let control, u.value < 0x20 || u.value == 0x7F, let text = Optional(control(u.value)), !text.isEmpty {
                    out += text
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + String(quote)
    }

    /// `n` as lower-case hex, zero-padded to `width` digits.
    public static func hex(_ n: UInt32, width: Int) -> String {
        let h = String(n, radix: 16)
        return h.count >= width ? h : String(repeating: "0", count: width - h.count) + h
    }
}
