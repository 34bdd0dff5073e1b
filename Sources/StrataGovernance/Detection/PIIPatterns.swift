/// Byte-level recognizers for personal data in one value: whole-value checks (the value *is*
/// an e-mail) and a scan for values embedded in free text. No regular expressions, no `String`.
enum PIIPatterns {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    /// The kind the whole (trimmed) value is, if any. Order matters: an IPv4 address or a card
    /// number is not also reported as a phone number.
    static func classify(_ raw: Bytes) -> PIIKind? {
        let v = trim(raw)
        guard v.count >= 5, v.count <= 254 else { return nil }
        if isEmail(v) { return .email }
        if isIPv4(v) || isIPv6(v) { return .ip }
        if isCard(v) { return .card }
        if isIBAN(v) { return .iban }
        if isPhone(v) { return .phone }
        return nil
    }

    /// The kinds found inside free text (only meaningful when `classify` found nothing).
    static func embedded(_ v: Bytes) -> Set<PIIKind> {
        var found = Set<PIIKind>()
        let n = v.count
        var i = 0
        while i < n {
            let c = v[i]
            if c == UInt8(ascii: "@") && !found.contains(.email) {
                var s = i, e = i + 1
                while s > 0, isLocalChar(v[s - 1]) { s -= 1 }
                while e < n, isDomainChar(v[e]) { e += 1 }
                while e > i + 1, v[e - 1] == UInt8(ascii: ".") || v[e - 1] == UInt8(ascii: "-") { e -= 1 }
                if isEmail(Bytes(rebasing: v[s..<e])) { found.insert(.email) }
                i += 1
                continue
            }
            // Token boundaries: only start a candidate at the beginning of a word.
            let atWordStart = i == 0 || !isAlnum(v[i - 1])
            if atWordStart && (isHex(c) || c == UInt8(ascii: ":")) && !found.contains(.ip) {
                var e = i
                while e < n, isHex(v[e]) || v[e] == UInt8(ascii: ".") || v[e] == UInt8(ascii: ":") { e += 1 }
                var t = Bytes(rebasing: v[i..<e])
                while let l = t.last, l == UInt8(ascii: ".") || l == UInt8(ascii: ":") { t = Bytes(rebasing: t[t.startIndex..<(t.endIndex - 1)]) }
                if t.count >= 7, isIPv4(t) || isIPv6(t) { found.insert(.ip) }
            }
            if atWordStart && isUpper(c) && !found.contains(.iban) {
                if let _ = ibanAt(v, i) { found.insert(.iban) }
            }
            if atWordStart && (isDigit(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: "(")) {
                var e = i
                while e < n, isDigit(v[e]) || isPhoneSeparator(v[e]) || v[e] == UInt8(ascii: "+") { e += 1 }
                var t = Bytes(rebasing: v[i..<e])
                while let l = t.last, !isDigit(l) && l != UInt8(ascii: ")") { t = Bytes(rebasing: t[t.startIndex..<(t.endIndex - 1)]) }
                // `t` is rebased (its indices start at 0): the character after it in `v` is at i + t.count.
                let end = i + t.count
                let followedByWord = end < n && isAlnum(v[end])
                if !followedByWord {
                    if isCard(t) { found.insert(.card) } else if isPhone(t) { found.insert(.phone) }
                }
                i = max(e, i + 1)
                continue
            }
            i += 1
        }
        return found
    }

    // MARK: - E-mail

    static func isEmail(_ v: Bytes) -> Bool {
        guard let at = v.firstIndex(of: UInt8(ascii: "@")), at > v.startIndex, at - v.startIndex <= 64 else { return false }
        for i in v.startIndex..<at where !isLocalChar(v[i]) { return false }
        let domain = Bytes(rebasing: v[(at + 1)..<v.endIndex])
        guard domain.count >= 4, domain.count <= 253 else { return false }
        var labels = 0, labelLen = 0, tldLetters = true
        for c in domain {
            if c == UInt8(ascii: ".") {
                guard labelLen > 0 else { return false }
                labels += 1
                labelLen = 0
                tldLetters = true
            } else {
                guard isDomainChar(c) else { return false }
                labelLen += 1
                if !isLetter(c) { tldLetters = false }
            }
        }
        return labels >= 1 && labelLen >= 2 && tldLetters
    }

    // MARK: - IP addresses

    static func isIPv4(_ v: Bytes) -> Bool {
        var parts = 0, digits = 0, value = 0
        for c in v {
            if isDigit(c) {
                digits += 1
                value = value * 10 + Int(c - 48)
                guard digits <= 3, value <= 255 else { return false }
            } else if c == UInt8(ascii: ".") {
                guard digits > 0 else { return false }
                parts += 1
                digits = 0
                value = 0
            } else {
                return false
            }
        }
        return parts == 3 && digits > 0
    }

    static func isIPv6(_ v: Bytes) -> Bool {
        var colons = 0
        for c in v {
            if c == UInt8(ascii: ":") { colons += 1 } else if !isHex(c) && c != UInt8(ascii: ".") { return false }
        }
        guard colons >= 2 else { return false }
        return IPAddress.parse(v)?.count == 16
    }

    // MARK: - Cards (Luhn)

    /// 13–19 digits (spaces or dashes between groups allowed), a plausible first digit (2–6) and a valid Luhn check digit.
    static func isCard(_ v: Bytes) -> Bool {
        var digits: [UInt8] = []
        digits.reserveCapacity(19)
        for c in v {
            if isDigit(c) { digits.append(c - 48) } else if c != 0x20 && c != UInt8(ascii: "-") { return false }
            if digits.count > 19 { return false }
        }
        guard digits.count >= 13, let first = digits.first, first >= 2, first <= 6 else { return false }
        guard digits.contains(where: { $0 != first }) else { return false }
        return luhn(digits)
    }

    static func luhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (k, d) in digits.reversed().enumerated() {
            var x = Int(d)
            if k % 2 == 1 { x *= 2; if x > 9 { x -= 9 } }
            sum += x
        }
        return sum % 10 == 0
    }

    // MARK: - IBAN (ISO 13616, mod 97)

    static func isIBAN(_ v: Bytes) -> Bool {
        guard let end = ibanAt(v, v.startIndex) else { return false }
        return end == v.endIndex
    }

    /// The end of an IBAN starting at `i` (groups of characters separated by single spaces);
    /// tries the longest candidate first, then drops trailing groups.
    static func ibanAt(_ v: Bytes, _ i: Int) -> Int? {
        let n = v.endIndex
        guard i + 4 <= n, isUpperOrLower(v[i]), isUpperOrLower(v[i + 1]), isDigit(v[i + 2]), isDigit(v[i + 3]) else { return nil }
        var ends: [Int] = []
        var chars: [UInt8] = []
        var counts: [Int] = []
        var j = i
        while j < n, chars.count < 34 {
            let c = v[j]
            if isAlnum(c) {
                chars.append(c)
                j += 1
                if j == n || !isAlnum(v[j]) { ends.append(j); counts.append(chars.count) }
            } else if c == 0x20, j + 1 < n, isAlnum(v[j + 1]), !chars.isEmpty {
                j += 1
            } else {
                break
            }
        }
        for (e, count) in zip(ends, counts).reversed() where count >= 15 && count <= 34 {
            if mod97(Array(chars.prefix(count))) == 1 { return e }
        }
        return nil
    }

    static func mod97(_ chars: [UInt8]) -> Int {
        guard chars.count > 4 else { return -1 }
        var r = 0
        for c in chars[4...] + chars[0..<4] {
            if isDigit(c) {
                r = (r * 10 + Int(c - 48)) % 97
            } else {
                let u = c & ~0x20
                guard u >= 65, u <= 90 else { return -1 }
                r = (r * 100 + Int(u - 55)) % 97
            }
        }
        return r
    }

    // MARK: - Phones

    /// E.164-ish (`+49 30 1234567`, `+1 (415) 555-0132`) or national (`030 1234567`,
    /// `(415) 555-0132`, `07911123456`) numbers; never a date or a decimal number.
    static func isPhone(_ v: Bytes) -> Bool {
        guard let first = v.first else { return false }
        var digits = 0, separators = 0, dots = 0, dashes = 0, parens = 0
        for (k, c) in v.enumerated() {
            if isDigit(c) { digits += 1 }
            else if c == UInt8(ascii: "+") { guard k == 0 else { return false } }
            else if isPhoneSeparator(c) {
                separators += 1
                if c == UInt8(ascii: ".") { dots += 1 }
                if c == UInt8(ascii: "-") { dashes += 1 }
                if c == UInt8(ascii: "(") || c == UInt8(ascii: ")") { parens += 1 }
            } else { return false }
        }
        guard parens % 2 == 0, !looksLikeDate(v) else { return false }
        if first == UInt8(ascii: "+") { return digits >= 8 && digits <= 15 }
        if separators == 0 { return first == UInt8(ascii: "0") && digits >= 10 && digits <= 11 }
        if dots > 0 && dots == separators && dots < 2 { return false }
        return digits >= 9 && digits <= 12
    }

    /// `2025-01-31`, `31.01.2025` or `01/31/2025` shapes: digit groups 4-2-2 or 2-2-4 joined by
    /// `-`, `.` or `/` (a phone's groups are joined by spaces or mixed separators).
    static func looksLikeDate(_ v: Bytes) -> Bool {
        var groups: [Int] = []
        var seps: [UInt8] = []
        var run = 0
        for c in v {
            if isDigit(c) { run += 1; continue }
            if run > 0 { groups.append(run); seps.append(c) }
            run = 0
            if groups.count == 3 { break }
        }
        if run > 0 { groups.append(run) }
        guard groups.count >= 3, seps.count >= 2, seps[0] == seps[1],
              seps[0] == UInt8(ascii: "-") || seps[0] == UInt8(ascii: ".") || seps[0] == UInt8(ascii: "/") else { return false }
        return (groups[0] == 4 && groups[1] == 2 && groups[2] == 2) || (groups[0] == 2 && groups[1] == 2 && groups[2] == 4)
    }

    // MARK: - Character classes

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    @inline(__always) static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 97 && (c | 0x20) <= 122 }
    @inline(__always) static func isUpper(_ c: UInt8) -> Bool { c >= 65 && c <= 90 }
    @inline(__always) static func isUpperOrLower(_ c: UInt8) -> Bool { isLetter(c) }
    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || isLetter(c) }
    @inline(__always) static func isHex(_ c: UInt8) -> Bool { isDigit(c) || ((c | 0x20) >= 97 && (c | 0x20) <= 102) }
    @inline(__always) static func isLocalChar(_ c: UInt8) -> Bool {
        isAlnum(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "%") || c == UInt8(ascii: "+") || c == UInt8(ascii: "-")
    }
    @inline(__always) static func isDomainChar(_ c: UInt8) -> Bool { isAlnum(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") }
    @inline(__always) static func isPhoneSeparator(_ c: UInt8) -> Bool {
        c == 0x20 || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "(") || c == UInt8(ascii: ")")
    }

    static func trim(_ v: Bytes) -> Bytes {
        var s = v.startIndex, e = v.endIndex
        while s < e, v[s] == 0x20 || v[s] == 0x09 { s += 1 }
        while e > s, v[e - 1] == 0x20 || v[e - 1] == 0x09 || v[e - 1] == 0x0A || v[e - 1] == 0x0D { e -= 1 }
        return Bytes(rebasing: v[s..<e])
    }
}
