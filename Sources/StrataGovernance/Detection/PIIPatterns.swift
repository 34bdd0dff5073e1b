/// Byte-level recognizers the span detector is built from. Every function reads `v` with indices
/// from 0 and returns where a span ends (exclusive), or nil.
enum PIIPatterns {
    typealias Bytes = UnsafeBufferPointer<UInt8>

    // MARK: - E-mail

    /// The e-mail address around the `@` at `at`: local part (ASCII atoms and non-ASCII letters,
    /// at most 64 bytes, no leading, trailing or doubled dot) and a domain of at least two labels
    /// whose last is alphabetic (or an IDN `xn--` label).
    static func emailAround(_ v: Bytes, at: Int) -> Range<Int>? {
        let n = v.count
        var s = at
        while s > 0 {
            let c = v[s - 1]
            if c < 0x80 {
                guard isLocalChar(c) else { break }
                s -= 1
            } else {
                guard let (start, letter) = scalarBefore(v, s), letter else { break }
                s = start
            }
        }
        while s < at, v[s] == UInt8(ascii: ".") { s += 1 }
        guard s < at, at - s <= 64, v[at - 1] != UInt8(ascii: ".") else { return nil }
        var e = at + 1
        while e < n {
            let c = v[e]
            if c < 0x80 {
                guard isDomainChar(c) else { break }
                e += 1
            } else {
                guard let (end, letter) = scalarAfter(v, e), letter else { break }
                e = end
            }
        }
        while e > at + 1, v[e - 1] == UInt8(ascii: ".") || v[e - 1] == UInt8(ascii: "-") { e -= 1 }
        // `ana@example.org.` at a sentence's end: the dot is trimmed above; `@`-chains are not addresses.
        if e < n, v[e] == UInt8(ascii: "@") { return nil }
        guard e - (at + 1) >= 4, e - (at + 1) <= 253 else { return nil }
        var k = s
        while k + 1 < at { if v[k] == UInt8(ascii: "."), v[k + 1] == UInt8(ascii: ".") { return nil }; k += 1 }
        // Domain labels.
        var labels = 0, labelStart = at + 1
        var last: Range<Int> = labelStart..<labelStart
        for j in (at + 1)...e {
            if j == e || v[j] == UInt8(ascii: ".") {
                guard j > labelStart, j - labelStart <= 63, v[labelStart] != UInt8(ascii: "-"), v[j - 1] != UInt8(ascii: "-") else { return nil }
                labels += 1
                last = labelStart..<j
                labelStart = j + 1
            }
        }
        guard labels >= 2 else { return nil }
        // The top-level label: letters (ASCII or not), at least two; or an `xn--` IDN label.
        let tld = Bytes(rebasing: v[last])
        let idn = tld.count > 4 && (tld[0] | 0x20) == UInt8(ascii: "x") && (tld[1] | 0x20) == UInt8(ascii: "n") && tld[2] == UInt8(ascii: "-") && tld[3] == UInt8(ascii: "-")
        guard idn || (tld.count >= 2 && tld.allSatisfy { isLetter($0) || $0 >= 0x80 }) else { return nil }
        return s..<e
    }

    /// `xxx.xxxxx@xxxxxxx.xxx`, `****@example.org`: the local part (or every domain label but the
    /// top one) is a redaction run, so the address was masked already.
    static func isMaskedEmail(_ v: Bytes, _ r: Range<Int>) -> Bool {
        guard let at = v[r].firstIndex(of: UInt8(ascii: "@")) else { return false }
        func redacted(_ range: Range<Int>) -> Bool {
            var letters = 0
            for k in range {
                let c = v[k]
                if c == UInt8(ascii: "x") || c == UInt8(ascii: "X") || c == UInt8(ascii: "*") || c == UInt8(ascii: "0") || c == UInt8(ascii: "#") { letters += 1; continue }
                if c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") { continue }
                return false
            }
            return letters > 0
        }
        let domainEnd = v[(at + 1)..<r.upperBound].lastIndex(of: UInt8(ascii: ".")) ?? r.upperBound
        return redacted(r.lowerBound..<at) || redacted((at + 1)..<domainEnd)
    }

    // MARK: - Masked tokens

    /// The end of a token that is the output of a mask (skipped as a whole), or nil: `tok:` +
    /// base64url, hex of 16 or more digits (a hash), a UUID.
    static func maskedTokenEnd(_ v: Bytes, _ i: Int) -> Int? {
        let n = v.count
        if i + 8 <= n, v[i] == UInt8(ascii: "t"), v[i + 1] == UInt8(ascii: "o"), v[i + 2] == UInt8(ascii: "k"), v[i + 3] == UInt8(ascii: ":") {
            var e = i + 4
            while e < n, isAlnum(v[e]) || v[e] == UInt8(ascii: "-") || v[e] == UInt8(ascii: "_") { e += 1 }
            if e - (i + 4) >= 16 { return e }
        }
        var e = i
        var letters = false, digits = false
        while e < n, isHex(v[e]) {
            if isDigit(v[e]) { digits = true } else { letters = true }
            e += 1
        }
        if e < n, continuesWord(v, e) {
            // UUID: 8-4-4-4-12 hex.
            if e - i == 8, v[e] == UInt8(ascii: "-") {
                var k = e, groups = [8]
                while k < n, v[k] == UInt8(ascii: "-") {
                    var g = k + 1
                    while g < n, isHex(v[g]) { g += 1 }
                    groups.append(g - k - 1)
                    k = g
                }
                if groups == [8, 4, 4, 4, 12], !(k < n && continuesWord(v, k)) { return k }
            }
            return nil
        }
        if e - i >= 16, letters, digits { return e }
        return nil
    }

    // MARK: - MAC and IPv6

    /// `00:1a:2b:3c:4d:5e`, `00-1A-2B-3C-4D-5E` or `001a.2b3c.4d5e` (not all zeros).
    static func macAt(_ v: Bytes, _ i: Int) -> Int? {
        let n = v.count
        func hexRun(_ k: Int, _ len: Int) -> Bool {
            guard k + len <= n else { return false }
            for j in k..<(k + len) where !isHex(v[j]) { return false }
            return true
        }
        var end: Int?
        if i + 17 <= n, v[i + 2] == UInt8(ascii: ":") || v[i + 2] == UInt8(ascii: "-") {
            let sep = v[i + 2]
            var ok = true
            for g in 0..<6 {
                if !hexRun(i + g * 3, 2) { ok = false; break }
                if g < 5, v[i + g * 3 + 2] != sep { ok = false; break }
            }
            if ok { end = i + 17 }
        } else if i + 14 <= n, v[i + 4] == UInt8(ascii: "."), v[i + 9] == UInt8(ascii: ".") {
            if hexRun(i, 4), hexRun(i + 5, 4), hexRun(i + 10, 4) { end = i + 14 }
        }
        guard let e = end, e == n || !(continuesWord(v, e) || v[e] == UInt8(ascii: ":") || v[e] == UInt8(ascii: "-")) else { return nil }
        for j in i..<e where isHex(v[j]) && v[j] != UInt8(ascii: "0") { return e }
        return nil
    }

    /// An IPv6 address (RFC 4291 text forms, validated by parsing) of at least three groups:
    /// high confidence from five groups, medium below (`fe80::1:2` could be something else).
    static func ipv6At(_ v: Bytes, _ i: Int) -> (Int, Confidence)? {
        let n = v.count
        var e = i, colons = 0
        while e < n, isHex(v[e]) || v[e] == UInt8(ascii: ":") || v[e] == UInt8(ascii: ".") {
            if v[e] == UInt8(ascii: ":") { colons += 1 }
            e += 1
        }
        guard colons >= 2 else { return nil }
        while e > i, v[e - 1] == UInt8(ascii: ".") || (v[e - 1] == UInt8(ascii: ":") && !(e - 2 >= i && v[e - 2] == UInt8(ascii: ":"))) { e -= 1 }
        guard e - i >= 3, e == n || !continuesWord(v, e) else { return nil }
        let t = Bytes(rebasing: v[i..<e])
        guard IPAddress.parse(t)?.count == 16 else { return nil }
        var groups = 0, inGroup = false
        for c in t {
            if isHex(c) { if !inGroup { groups += 1; inGroup = true } } else { inGroup = false }
        }
        guard groups >= 3 else { return nil }
        return (e, groups >= 5 ? .high : .medium)
    }

    // MARK: - Numbers: cards, SSNs, phones, IPv4

    /// The number starting at `i` (digits and phone separators), classified as a card, SSN, phone
    /// or IPv4 address, trying the whole run first and then shorter runs ending at a digit group
    /// (`call 0301 234567 2 times`).
    static func numberAt(_ v: Bytes, _ i: Int, kinds: KindMask) -> PIISpan? {
        let n = v.count
        var k = i
        var plus = false
        if v[k] == UInt8(ascii: "+") {
            guard k + 1 < n, isDigit(v[k + 1]) else { return nil }
            plus = true
            k += 1
        }
        // Digit groups and the separators between them.
        var groupEnds: [Int] = []
        var groupLens: [Int] = []
        while k < n {
            // Separators before the next group: at most two, never two spaces, never `. ` (a sentence end).
            var s = k, seps = 0
            while s < n, seps < 2, isPhoneSeparator(v[s]) {
                if seps == 1, v[s] == 0x20, v[s - 1] == 0x20 || v[s - 1] == UInt8(ascii: ".") { break }
                s += 1
                seps += 1
            }
            guard s < n, isDigit(v[s]) else { break }
            if groupEnds.isEmpty && s > k && !(v[k] == UInt8(ascii: "(")) { break }
            var d = s
            while d < n, isDigit(v[d]) { d += 1 }
            groupEnds.append(d)
            groupLens.append(d - s)
            k = d
            if groupLens.reduce(0, +) > 24 { break }
        }
        guard !groupEnds.isEmpty else { return nil }
        for g in stride(from: groupEnds.count, to: 0, by: -1) {
            let end = groupEnds[g - 1]
            // The number must end the word: `5815x12`, `3.14` or `1,000` continue it.
            if end < n {
                let c = v[end]
                if continuesWord(v, end) || c == UInt8(ascii: "@") { continue }
                if (c == UInt8(ascii: ".") || c == UInt8(ascii: ",") || c == UInt8(ascii: "/")), end + 1 < n, isDigit(v[end + 1]) { continue }
                if c == UInt8(ascii: ":"), end + 1 < n, isHex(v[end + 1]) || v[end + 1] == UInt8(ascii: ":") { continue }
                if c == UInt8(ascii: "-") || c == UInt8(ascii: "%") { continue }
            }
            var t = Bytes(rebasing: v[i..<end])
            var start = i
            // An unmatched opening parenthesis belongs to the text, not to the number: `(+1 415 …)`.
            if t.first == UInt8(ascii: "("), t.firstIndex(of: UInt8(ascii: ")")) == nil {
                start += 1
                t = Bytes(rebasing: v[start..<end])
                if t.first == UInt8(ascii: "+") { plus = true }
            }
            if let (kind, conf) = classifyNumber(t, plus: plus, context: context(v, before: start), kinds: kinds) {
                return PIISpan(kind: kind, start: start, end: end, confidence: conf)
            }
        }
        return nil
    }

    /// What a run of digits and separators is, if anything.
    static func classifyNumber(_ t: Bytes, plus: Bool, context: Set<ContextWord>, kinds: KindMask) -> (PIIKind, Confidence)? {
        var digits: [UInt8] = []
        digits.reserveCapacity(20)
        var groups: [Int] = []
        var seps: [UInt8] = []
        var run = 0
        for c in t {
            if isDigit(c) {
                digits.append(c - 48)
                run += 1
            } else {
                if run > 0 { groups.append(run); run = 0 }
                if c != UInt8(ascii: "+") { seps.append(c) }
            }
        }
        if run > 0 { groups.append(run) }
        guard !digits.isEmpty else { return nil }
        let sepSet = Set(seps)
        // Masked already: `+0 000 000 3210`, `0000 0000 0000 4242`.
        if digits.count >= 8, digits.prefix(4).allSatisfy({ $0 == 0 }) { return nil }
        if kinds.contains(.ip), !plus, groups.count == 4, sepSet == [UInt8(ascii: ".")], seps.count == 3, isIPv4(t) {
            return (.ip, context.contains(.ip) ? .high : .medium)
        }
        if sepSet.contains(UInt8(ascii: ".")), sepSet.count == 1, looksLikeDate(t) { return nil }
        if kinds.contains(.card), !plus, isCard(digits, groups: groups, separators: sepSet) { return (.card, .high) }
        if kinds.contains(.ssn), !plus, digits.count == 9 {
            let shaped = groups == [3, 2, 4] && (sepSet == [UInt8(ascii: "-")] || sepSet == [0x20])
            if (shaped || (groups == [9] && context.contains(.ssn))), isSSN(digits) {
                return (.ssn, context.contains(.ssn) ? .high : .medium)
            }
        }
        if kinds.contains(.phone), !context.contains(.notPhone) || plus, let conf = phoneConfidence(t, digits: digits, groups: groups, separators: seps, plus: plus) {
            return (.phone, context.contains(.phone) ? .high : conf)
        }
        return nil
    }

    /// E.164 (`+` and 8–15 digits, the country code never starting with 0) is high confidence;
    /// national formats (`(415) 555-0132`, `030 1234567`, `07911123456`) are medium.
    static func phoneConfidence(_ t: Bytes, digits: [UInt8], groups: [Int], separators: [UInt8], plus: Bool) -> Confidence? {
        let opens = separators.filter { $0 == UInt8(ascii: "(") }.count
        let closes = separators.filter { $0 == UInt8(ascii: ")") }.count
        guard opens == closes, opens <= 1 else { return nil }
        if looksLikeDate(t) { return nil }
        if plus {
            guard digits[0] != 0, digits.count >= 8, digits.count <= 15 else { return nil }
            // `+49 30 1234567`: after the country code, no group of one digit except a trunk `(0)`.
            return groups.dropFirst().filter { $0 == 1 }.count <= 1 ? .high : nil
        }
        if groups.count == 1 { return digits[0] == 0 && digits.count >= 10 && digits.count <= 11 ? .medium : nil }
        let dots = separators.filter { $0 == UInt8(ascii: ".") }.count
        if dots > 0, dots < 2 { return nil }
        guard groups.allSatisfy({ $0 >= 2 }), groups.count <= 6 else { return nil }
        // A trunk prefix (`030 1234567`, `01 23 45 67 89`, `07911 123456`): 9–12 digits.
        if digits[0] == 0 { return digits.count >= 9 && digits.count <= 12 ? .medium : nil }
        // Otherwise the North American plan: 10 digits as (415) 555-0132, 415-555-0132, 415.555.0132.
        guard digits.count == 10, groups == [3, 3, 4], digits[0] >= 2, digits[3] >= 2 else { return nil }
        return .medium
    }

    static func isIPv4(_ v: Bytes) -> Bool {
        var parts = 0, digits = 0, value = 0, lead0 = false
        for c in v {
            if isDigit(c) {
                if digits == 0 { lead0 = c == 48 } else if lead0 { return false }
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

    /// 13–19 digits, groups of three or more separated by one kind of separator (or none), an
    /// issuer range that exists (IIN: Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay,
    /// Maestro) and a valid Luhn check digit.
    static func isCard(_ digits: [UInt8], groups: [Int], separators: Set<UInt8>) -> Bool {
        guard digits.count >= 13, digits.count <= 19 else { return false }
        guard separators.isEmpty || (separators.count == 1 && (separators.contains(0x20) || separators.contains(UInt8(ascii: "-")))) else { return false }
        // Printed groups: 4-4-4-4(-3), Amex 4-6-5, Diners 4-6-4.
        if groups.count > 1 {
            let fours = groups.dropLast().allSatisfy { $0 == 4 } && groups.last! >= 1 && groups.last! <= 4
            guard fours || groups == [4, 6, 5] || groups == [4, 6, 4] else { return false }
        }
        guard digits.contains(where: { $0 != digits[0] }) else { return false }
        func prefix(_ k: Int) -> Int { digits.prefix(k).reduce(0) { $0 * 10 + Int($1) } }
        let len = digits.count
        let p1 = prefix(1), p2 = prefix(2), p3 = prefix(3), p4 = prefix(4), p6 = prefix(6)
        let issuer: Bool
        switch p1 {
        case 4: issuer = len == 13 || len == 16 || len == 19
        case 5: issuer = (p2 >= 51 && p2 <= 55 && len == 16) || (p2 == 50 || p2 >= 56) && len >= 12
        case 2: issuer = p4 >= 2221 && p4 <= 2720 && len == 16
        case 3: issuer = ((p2 == 34 || p2 == 37) && len == 15) || (p4 >= 3528 && p4 <= 3589 && len >= 16)
            || ((p2 == 36 || p2 == 38 || p2 == 39 || (p3 >= 300 && p3 <= 305)) && len >= 14)
        case 6: issuer = p4 == 6011 || (p3 >= 644 && p3 <= 649) || p2 == 65 || p2 == 62 || p2 == 67 || (p6 >= 622126 && p6 <= 622925)
        default: issuer = false
        }
        return issuer && luhn(digits)
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

    /// A US social security number: area 001–899 except 666, group 01–99, serial 0001–9999.
    static func isSSN(_ d: [UInt8]) -> Bool {
        let area = Int(d[0]) * 100 + Int(d[1]) * 10 + Int(d[2])
        let group = Int(d[3]) * 10 + Int(d[4])
        let serial = Int(d[5]) * 1000 + Int(d[6]) * 100 + Int(d[7]) * 10 + Int(d[8])
        return area >= 1 && area <= 899 && area != 666 && group >= 1 && serial >= 1
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

    // MARK: - IBAN (ISO 13616: country length, mod 97)

    /// The end of an IBAN starting at `i`: a registered country code, two check digits, the
    /// country's length of upper-case letters and digits (in groups separated by single spaces or
    /// not), mod 97 = 1, and the word ends there.
    static func ibanAt(_ v: Bytes, _ i: Int) -> Int? {
        let n = v.count
        guard i + 4 <= n, isUpper(v[i]), isUpper(v[i + 1]), isDigit(v[i + 2]), isDigit(v[i + 3]) else { return nil }
        guard let length = ibanLengths[UInt16(v[i]) << 8 | UInt16(v[i + 1])] else { return nil }
        var chars: [UInt8] = []
        chars.reserveCapacity(length)
        var j = i
        while j < n, chars.count < length {
            let c = v[j]
            if isDigit(c) || isUpper(c) {
                chars.append(c)
                j += 1
            } else if c == 0x20, j + 1 < n, isDigit(v[j + 1]) || isUpper(v[j + 1]), !chars.isEmpty {
                j += 1
            } else {
                return nil
            }
        }
        guard chars.count == length, j == n || !continuesWord(v, j) else { return nil }
        return mod97(chars) == 1 ? j : nil
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

    /// IBAN length by country code (the SWIFT IBAN registry).
    static let ibanLengths: [UInt16: Int] = {
        let table = "AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 EG29 ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20 LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29 RO24 RS22 SA24 SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20"
        var out: [UInt16: Int] = [:]
        for entry in table.split(separator: " ") {
            let b = Array(entry.utf8)
            out[UInt16(b[0]) << 8 | UInt16(b[1])] = Int(b[2] - 48) * 10 + Int(b[3] - 48)
        }
        return out
    }()

    // MARK: - Context words

    enum ContextWord: Sendable, Hashable { case phone, ssn, ip, notPhone }

    static let contextWords: [([UInt8], ContextWord)] = ([
        ("call", .phone), ("phone", .phone), ("tel", .phone), ("mobile", .phone), ("cell", .phone), ("whatsapp", .phone),
        ("sms", .phone), ("fax", .phone), ("ring", .phone), ("text me", .phone), ("reach me", .phone), ("telefon", .phone),
        ("t\u{E9}l\u{E9}phone", .phone), ("tel\u{E9}fono", .phone), ("m\u{F3}vil", .phone), ("handy", .phone), ("numero", .phone),
        ("ssn", .ssn), ("social security", .ssn), ("ss#", .ssn),
        ("ip", .ip), ("host", .ip), ("client", .ip), ("login from", .ip), ("address", .ip),
        ("order", .notPhone), ("invoice", .notPhone), ("tracking", .notPhone), ("ref", .notPhone), ("sku", .notPhone),
        ("isbn", .notPhone), ("serial", .notPhone), ("account", .notPhone), ("amount", .notPhone),
    ] as [(String, ContextWord)]).map { (Array($0.0.utf8), $0.1) }

    /// The context words in the 24 bytes before `start` (case-insensitive, at word starts); the
    /// words that say a number is not a phone (`order`, `invoice`) count only right before it.
    static func context(_ v: Bytes, before start: Int) -> Set<ContextWord> {
        var found = words(v, before: start)
        if found.contains(.notPhone) {
            var k = start
            while k > 0, v[k - 1] == 0x20 || v[k - 1] == UInt8(ascii: ":") || v[k - 1] == UInt8(ascii: "#") || v[k - 1] == UInt8(ascii: ".") { k -= 1 }
            var w = k
            while w > 0, isLetter(v[w - 1]) { w -= 1 }
            let word = Array(v[w..<k]).map { $0 | 0x20 }
            if !contextWords.contains(where: { $0.1 == .notPhone && $0.0 == word }) { found.remove(.notPhone) }
        }
        return found
    }

    static func words(_ v: Bytes, before start: Int) -> Set<ContextWord> {
        let from = max(0, start - 24)
        guard start > from else { return [] }
        var found = Set<ContextWord>()
        // Only at word starts, and only the words beginning with that letter.
        for k in from..<start where (k == 0 || !isLetter(v[k - 1])) && (isLetter(v[k]) || v[k] >= 0x80) {
            let first = v[k] | (isLetter(v[k]) ? 0x20 : 0)
            for (word, kind) in contextWords where word[0] == first && k + word.count <= start {
                var match = true
                for j in 1..<word.count where (v[k + j] | (isLetter(v[k + j]) ? 0x20 : 0)) != word[j] { match = false; break }
                if match, k + word.count == start || !isLetter(v[k + word.count]) { found.insert(kind) }
            }
        }
        return found
    }

    // MARK: - UTF-8

    /// The scalar ending at `end` (exclusive): its start and whether it is a letter or a mark.
    static func scalarBefore(_ v: Bytes, _ end: Int) -> (Int, Bool)? {
        var s = end - 1
        while s > 0, v[s] & 0xC0 == 0x80, end - s < 4 { s -= 1 }
        guard let (e, letter) = scalarAfter(v, s), e == end else { return nil }
        return (s, letter)
    }

    /// The scalar starting at `start`: its end and whether it is a letter or a mark.
    static func scalarAfter(_ v: Bytes, _ start: Int) -> (Int, Bool)? {
        let b0 = v[start]
        let len = b0 >= 0xF0 ? 4 : b0 >= 0xE0 ? 3 : b0 >= 0xC0 ? 2 : 0
        guard len > 0, start + len <= v.count else { return nil }
        var value = UInt32(b0) & (len == 2 ? 0x1F : len == 3 ? 0x0F : 0x07)
        for k in 1..<len {
            let b = v[start + k]
            guard b & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(b & 0x3F)
        }
        guard let scalar = Unicode.Scalar(value) else { return nil }
        let p = scalar.properties
        return (start + len, p.isAlphabetic || p.generalCategory == .nonspacingMark || p.generalCategory == .decimalNumber)
    }

    // MARK: - Prefilter

    /// False when no byte of `v` lies in `0`…`@` (digits, `:`, `@`, and `;<=>?`): then no
    /// built-in kind can be in it. Eight bytes at a time (a byte-range test on a 64-bit word).
    static func mayHoldSpan(_ v: Bytes) -> Bool {
        guard let base = v.baseAddress else { return false }
        let n = v.count
        let ones: UInt64 = 0x0101_0101_0101_0101, highs: UInt64 = 0x8080_8080_8080_8080
        var k = 0
        while k + 8 <= n {
            let x = UnsafeRawPointer(base + k).loadUnaligned(as: UInt64.self)
            // Bytes b with 0x2F < b < 0x41 among bytes below 0x80 (bytes from 0x80 are not ASCII).
            let low = x & (ones &* 127)
            let between = ((ones &* (127 + 0x41)) &- low) & ~x & (low &+ ones &* (127 - 0x2F)) & highs
            if between != 0 { return true }
            k += 8
        }
        while k < n {
            let c = v[k]
            if c > 0x2F && c < 0x41 { return true }
            k += 1
        }
        return false
    }

    // MARK: - Character classes

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
    @inline(__always) static func isLetter(_ c: UInt8) -> Bool { (c | 0x20) >= 97 && (c | 0x20) <= 122 }
    @inline(__always) static func isUpper(_ c: UInt8) -> Bool { c >= 65 && c <= 90 }
    @inline(__always) static func isAlnum(_ c: UInt8) -> Bool { isDigit(c) || isLetter(c) }
    @inline(__always) static func isHex(_ c: UInt8) -> Bool { isDigit(c) || ((c | 0x20) >= 97 && (c | 0x20) <= 102) }
    /// Letters, digits, `_` and any non-ASCII byte: what continues a word.
    @inline(__always) static func isWordByte(_ c: UInt8) -> Bool { isAlnum(c) || c == UInt8(ascii: "_") || c >= 0x80 }

    /// Where the word starting at `i` ends (ASCII letters, digits, `_` and non-ASCII letters).
    static func wordEnd(_ v: Bytes, _ i: Int) -> Int {
        var k = i
        while k < v.count {
            let c = v[k]
            if c < 0x80 {
                guard isAlnum(c) || c == UInt8(ascii: "_") else { break }
                k += 1
            } else {
                guard let (e, letter) = scalarAfter(v, k), letter else { break }
                k = e
            }
        }
        return k
    }

    /// True when the byte at `k` continues a word: ASCII letters, digits and `_`, or a non-ASCII
    /// letter (`»` and other punctuation do not).
    @inline(__always) static func continuesWord(_ v: Bytes, _ k: Int) -> Bool {
        let c = v[k]
        if c < 0x80 { return isAlnum(c) || c == UInt8(ascii: "_") }
        return scalarAfter(v, k)?.1 ?? false
    }
    @inline(__always) static func isLocalChar(_ c: UInt8) -> Bool {
        isAlnum(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "_") || c == UInt8(ascii: "%") || c == UInt8(ascii: "+") || c == UInt8(ascii: "-")
            || c == UInt8(ascii: "'") || c == UInt8(ascii: "!") || c == UInt8(ascii: "#") || c == UInt8(ascii: "$") || c == UInt8(ascii: "&")
            || c == UInt8(ascii: "=") || c == UInt8(ascii: "?") || c == UInt8(ascii: "^") || c == UInt8(ascii: "{") || c == UInt8(ascii: "}")
            || c == UInt8(ascii: "~") || c == UInt8(ascii: "|")
    }
    @inline(__always) static func isDomainChar(_ c: UInt8) -> Bool { isAlnum(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") }
    @inline(__always) static func isPhoneSeparator(_ c: UInt8) -> Bool {
        c == 0x20 || c == UInt8(ascii: "-") || c == UInt8(ascii: ".") || c == UInt8(ascii: "(") || c == UInt8(ascii: ")")
    }

    /// A candidate may start at `i`: the text's start, or after a byte that does not continue a
    /// word (and not inside a number such as `3.14159` or `1,234,567`).
    @inline(__always) static func isWordStart(_ v: Bytes, _ i: Int) -> Bool {
        guard i > 0 else { return true }
        let p = v[i - 1]
        if p >= 0x80 { return !(scalarBefore(v, i)?.1 ?? true) }
        if isWordByte(p) { return false }
        if i > 1, isDigit(v[i]), isDigit(v[i - 2]), p == UInt8(ascii: ".") || p == UInt8(ascii: ",") || p == UInt8(ascii: "-") || p == UInt8(ascii: "/") || p == UInt8(ascii: ":") { return false }
        return true
    }

    static func trim(_ v: Bytes) -> Bytes {
        var s = v.startIndex, e = v.endIndex
        while s < e, v[s] == 0x20 || v[s] == 0x09 { s += 1 }
        while e > s, v[e - 1] == 0x20 || v[e - 1] == 0x09 || v[e - 1] == 0x0A || v[e - 1] == 0x0D { e -= 1 }
        return Bytes(rebasing: v[s..<e])
    }
}
