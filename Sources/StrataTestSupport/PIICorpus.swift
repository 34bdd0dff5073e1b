/// A labelled corpus of free-text values for measuring the PII span detector: every value comes
/// with the exact byte spans of personal data in it, by kind. Deterministic for a seed.
///
/// Spans stand at the start, middle and end of values, next to punctuation, several per value, in
/// English, German, French and Spanish sentences with non-ASCII names and domains; values also
/// carry look-alikes that are not personal data (dates, times, amounts, order and ISBN numbers,
/// versions, hashes, tokens, UUIDs and already-redacted text).
public struct PIICorpus: Sendable {
    public struct Label: Sendable, Hashable {
        public var kind: String
        public var start: Int
        public var end: Int
    }

    public struct Value: Sendable {
        public var text: String
        public var labels: [Label]
    }

    public let values: [Value]

    public static let kinds = ["email", "phone", "ip", "card", "iban", "ssn", "mac"]

    public init(seed: UInt64 = 42, count: Int = 2400) {
        var g = Gen(seed: seed)
        var out: [Value] = []
        out.reserveCapacity(count)
        for i in 0..<count {
            out.append(g.value(index: i))
        }
        values = out
    }

    public var spanCount: Int { values.reduce(0) { $0 + $1.labels.count } }

    struct Gen {
        var state: UInt64

        init(seed: UInt64) { state = seed &* 0x9E37_79B9_7F4A_7C15 | 1 }

        mutating func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }

        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func pick<T>(_ a: [T]) -> T { a[int(a.count)] }
        mutating func digits(_ n: Int, first: ClosedRange<Int> = 0...9) -> String {
            var s = String(first.lowerBound + int(first.count))
            for _ in 1..<max(n, 1) { s += String(int(10)) }
            return n == 0 ? "" : s
        }

        // MARK: spans

        static let first = ["ana", "luca", "josé", "zoë", "müller", "françois", "jürgen", "maría", "søren", "chloé", "li", "o'brien", "anne-marie", "kim"]
        static let last = ["lopez", "garcía", "johnson", "wang", "dubois", "schmidt", "núñez", "østergaard", "smith", "rossi"]
        static let domains = ["example.com", "example.org", "mail.de", "correo.es", "sub.example.co.uk", "münchen.de", "xn--mnchen-3ya.de", "société.fr", "uni-hamburg.de", "gmx.net"]

        mutating func email() -> String {
            let f = pick(Self.first), l = pick(Self.last)
            let local: String
            switch int(5) {
            case 0: local = "\(f).\(l)"
            case 1: local = "\(f)_\(l)\(int(100))"
            case 2: local = "\(f)+news"
            case 3: local = "\(f.prefix(1))\(l)"
            default: local = "\(f)\(int(1000))"
            }
            return local + "@" + pick(Self.domains)
        }

        mutating func phone() -> String {
            switch int(14) {
            case 0: return "+1 \(digits(3, first: 2...9)) \(digits(3, first: 2...9)) \(digits(4))"
            case 1: return "+1-\(digits(3, first: 2...9))-\(digits(3, first: 2...9))-\(digits(4))"
            case 2: return "(\(digits(3, first: 2...9))) \(digits(3, first: 2...9))-\(digits(4))"
            case 3: return "\(digits(3, first: 2...9))-\(digits(3, first: 2...9))-\(digits(4))"
            case 4: return "\(digits(3, first: 2...9)).\(digits(3, first: 2...9)).\(digits(4))"
            case 5: return "+44 20 \(digits(4)) \(digits(4))"
            case 6: return "020 \(digits(4, first: 1...9)) \(digits(4))"
            case 7: return "+49 30 \(digits(7, first: 1...9))"
            case 8: return "030 \(digits(7, first: 1...9))"
            case 9: return "+33 \(digits(1, first: 1...7)) \(digits(2)) \(digits(2)) \(digits(2)) \(digits(2))"
            case 10: return "0\(digits(1, first: 1...7)) \(digits(2)) \(digits(2)) \(digits(2)) \(digits(2))"
            case 11: return "+34 6\(digits(2)) \(digits(3)) \(digits(3))"
            case 12: return "07\(digits(3)) \(digits(6))"
            default: return "+91 9\(digits(4)) \(digits(5))"
            }
        }

        mutating func ip() -> String {
            if int(3) == 0 {
                let groups = (0..<8).map { _ in String(int(65536), radix: 16) }
                if int(2) == 0 { return groups.joined(separator: ":") }
                return "2001:db8::\(groups[5]):\(groups[6]):\(groups[7])"
            }
            return "\(1 + int(223)).\(int(256)).\(int(256)).\(1 + int(254))"
        }

        mutating func card() -> String {
            let (prefix, length): (String, Int) = pick([("4", 16), ("51", 16), ("55", 16), ("2221", 16), ("34", 15), ("37", 15), ("6011", 16), ("4", 13), ("3530", 16)])
            var d = Array(prefix).map { Int(String($0))! }
            while d.count < length - 1 { d.append(int(10)) }
            // Luhn check digit.
            var sum = 0
            for (k, x) in d.reversed().enumerated() { var y = x; if k % 2 == 0 { y *= 2; if y > 9 { y -= 9 } }; sum += y }
            d.append((10 - sum % 10) % 10)
            let s: String = d.map { String($0) }.joined(separator: "")
            switch int(3) {
            case 0: return s
            case 1 where length == 16: return stride(from: 0, to: 16, by: 4).map { String(Array(s)[$0..<($0 + 4)]) }.joined(separator: " ")
            case 2 where length == 16: return stride(from: 0, to: 16, by: 4).map { String(Array(s)[$0..<($0 + 4)]) }.joined(separator: "-")
            case _ where length == 15: let a = Array(s); return "\(String(a[0..<4])) \(String(a[4..<10])) \(String(a[10..<15]))"
            default: return s
            }
        }

        mutating func iban() -> String {
            let (cc, length) = pick([("DE", 22), ("FR", 27), ("GB", 22), ("ES", 24), ("IT", 27), ("NL", 18), ("CH", 21), ("AT", 20)])
            var bban = ""
            for k in 0..<(length - 4) {
                if (cc == "GB" || cc == "NL") && k < 4 { bban += String(UnicodeScalar(UInt8(65 + int(26)))) } else { bban += String(int(10)) }
            }
            // Check digits: 98 - (BBAN + country + "00") mod 97.
            var r = 0
            for c in (bban + cc + "00").utf8 {
                if c >= 65 { r = (r * 100 + Int(c) - 55) % 97 } else { r = (r * 10 + Int(c) - 48) % 97 }
            }
            let check = 98 - r
            let compact = cc + (check < 10 ? "0" : "") + String(check) + bban
            if int(2) == 0 { return compact }
            let a = Array(compact)
            return stride(from: 0, to: a.count, by: 4).map { String(a[$0..<min($0 + 4, a.count)]) }.joined(separator: " ")
        }

        mutating func ssn() -> String {
            var area = 1 + int(899)
            if area == 666 { area = 665 }
            let a = String(format3: area), g = String(format2: 1 + int(99)), s = String(format4: 1 + int(9999))
            return "\(a)-\(g)-\(s)"
        }

        mutating func mac() -> String {
            let sep = int(2) == 0 ? ":" : "-"
            let upper = int(2) == 0
            return (0..<6).map { _ in
                let h = String(int(256), radix: 16)
                let p = h.count == 1 ? "0" + h : h
                return upper ? p.uppercased() : p
            }.joined(separator: sep)
        }

        mutating func span(_ kind: String) -> String {
            switch kind {
            case "email": return email()
            case "phone": return phone()
            case "ip": return ip()
            case "card": return card()
            case "iban": return iban()
            case "ssn": return ssn()
            default: return mac()
            }
        }

        // MARK: text around spans

        static let lead: [String: [String]] = [
            "email": ["write to", "contact", "schreiben Sie an", "écrivez à", "escriba a", "my address is", "mail"],
            "phone": ["call me at", "phone", "tel.", "rufen Sie an unter", "appelez le", "llámame al", "my number is", "mobile:"],
            "ip": ["login from", "request from IP", "Zugriff von", "connexion depuis", "host"],
            "card": ["card", "charged on card", "Kartennummer", "carte", "tarjeta", "paid with"],
            "iban": ["IBAN", "pay to", "Überweisung an", "virement sur", "transferir a"],
            "ssn": ["SSN", "social security number", "ssn:"],
            "mac": ["device", "MAC", "adapter", "Gerät"],
        ]

        static let filler = [
            "thanks a lot", "the parcel arrived damaged", "bitte um Rückruf", "merci d'avance", "gracias por todo",
            "order 48213 shipped on 2025-01-31 at 10:30", "total 37.00 EUR", "refund of 1,234.50 USD", "see ticket #4521",
            "version 1.2.3 broke it", "ISBN 978-3-16-148410-0", "ZIP 94107", "12.5% discount", "room 101 at 9:45",
            "SKU-GAR-000001 is out of stock", "ref 3f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c", "token tok:QUJDREVGR0hJSktMTU5PUA",
            "id 123e4567-e89b-12d3-a456-426614174000", "already redacted: xxxx@xxxxxxx.xxx", "masked phone +0 000 000 3210",
            "at 2025-01-31T10:22:33Z", "pi is 3.14159265358979", "score 4.5 of 5", "invoice 2024-00017", "between 10-20 items",
            "Größe 42, Farbe blau", "très bien", "¿dónde está mi pedido?", "code 0000 0000 0000 4242", "from 09:00 to 17:30",
        ]

        static let wraps: [(String, String)] = [("", ""), ("(", ")"), ("<", ">"), ("\"", "\""), ("[", "]"), ("", "."), ("", ","), ("", "!"), ("«", "»"), ("", ";")]

        mutating func value(index: Int) -> Value {
            var text = ""
            var labels: [Label] = []
            func appendText(_ s: String) { text += s }
            let spans = 1 + int(3) - (int(4) == 0 ? 1 : 0) // 0 to 3 spans; some values have none
            var kinds: [String] = []
            for _ in 0..<spans { kinds.append(PIICorpus.kinds[(index + int(7)) % 7]) }
            let position = int(3) // 0: a span first, 1: middle, 2: last
            if position != 0 { appendText(pick(Self.filler) + " ") }
            for (k, kind) in kinds.enumerated() {
                if k > 0 { appendText(pick([" and ", ", ", " / ", " or ", "; then "])) }
                if int(2) == 0 || position == 0 && k == 0 {
                    // no lead word
                } else {
                    appendText(pick(Self.lead[kind]!) + " ")
                }
                let (l, r) = pick(Self.wraps)
                appendText(l)
                let s = span(kind)
                let start = text.utf8.count
                appendText(s)
                labels.append(Label(kind: kind, start: start, end: start + s.utf8.count))
                appendText(r)
            }
            if position != 2 || kinds.isEmpty { appendText((kinds.isEmpty ? "" : " ") + pick(Self.filler)) }
            return Value(text: text, labels: labels)
        }
    }
}

private extension String {
    init(format2 v: Int) { self = v < 10 ? "0\(v)" : "\(v)" }
    init(format3 v: Int) { self = v < 10 ? "00\(v)" : v < 100 ? "0\(v)" : "\(v)" }
    init(format4 v: Int) { self = v < 10 ? "000\(v)" : v < 100 ? "00\(v)" : v < 1000 ? "0\(v)" : "\(v)" }
}
