#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// IPv4/IPv6 text parsing and formatting through the C library (`inet_pton` / `inet_ntop`).
enum IPAddress {
    /// 4 or 16 address bytes of `text`, or nil when it is not an address.
    static func parse(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard text.count >= 2, text.count <= 45 else { return nil }
        var cstr = [CChar](repeating: 0, count: 46)
        for i in 0..<text.count { cstr[i] = CChar(bitPattern: text[i]) }
        var buf = [UInt8](repeating: 0, count: 16)
        let isV6 = text.contains(UInt8(ascii: ":"))
        let ok = buf.withUnsafeMutableBytes { inet_pton(isV6 ? AF_INET6 : AF_INET, cstr, $0.baseAddress) }
        guard ok == 1 else { return nil }
        return isV6 ? buf : Array(buf.prefix(4))
    }

    /// Canonical text of 4 or 16 address bytes.
    static func format(_ addr: [UInt8]) -> String {
        var out = [CChar](repeating: 0, count: 64)
        let family = addr.count == 4 ? AF_INET : AF_INET6
        _ = addr.withUnsafeBytes { a in inet_ntop(family, a.baseAddress, &out, 64) }
        return String(decoding: out.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Writes the network of `text` (host bits zeroed) to `out`; false when `text` is no address.
    static func generalize(_ text: UnsafeBufferPointer<UInt8>, v4Bits: Int, v6Bits: Int, into out: inout [UInt8]) -> Bool {
        guard var a = parse(text) else { return false }
        let keep = a.count == 4 ? v4Bits : v6Bits
        for i in 0..<a.count {
            let bitsBefore = i * 8
            if bitsBefore >= keep { a[i] = 0 } else if bitsBefore + 8 > keep {
                a[i] &= UInt8(truncatingIfNeeded: 0xFF << (8 - (keep - bitsBefore)))
            }
        }
        out.append(contentsOf: format(a).utf8)
        return true
    }
}
