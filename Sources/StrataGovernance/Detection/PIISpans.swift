/// One piece of personal data found in a value: its kind, where it stands (byte offsets into the
/// value's UTF-8) and how sure the detector is.
public struct PIISpan: Sendable, Hashable, CustomStringConvertible {
    public var kind: PIIKind
    public var start: Int
    public var end: Int
    public var confidence: Confidence

    public init(kind: PIIKind, start: Int, end: Int, confidence: Confidence) {
        self.kind = kind
        self.start = start
        self.end = end
        self.confidence = confidence
    }

    public var length: Int { end - start }
    public var description: String { "\(kind)@\(start)..<\(end) (\(confidence))" }
}

/// Finds every span of personal data in a string: e-mail addresses (internationalised local parts
/// and domains), phone numbers (E.164 and national formats), IPv4/IPv6, payment cards (Luhn and
/// issuer ranges), IBANs (country length and mod 97), US social security numbers (valid ranges),
/// MAC addresses, and the custom kinds of a policy's `patterns:`.
///
/// Text that is already masked is never personal data: hash hex, `tok:` tokens, UUIDs and
/// redaction runs (`xxxx@xxxxxxx.xxx`, `+0 000 000 3210`) are skipped. One pass over the bytes;
/// no `String` and no regular expressions for the built-in kinds.
public struct SpanDetector: Sendable {
    public let patterns: [CustomPattern]
    /// Kinds looked for (built-in and custom); spans of other kinds are not reported.
    public let kinds: Set<PIIKind>

    /// The built-in kinds looked for, as bits (no hashing in the scan loop).
    let wanted: KindMask

    public init(patterns: [CustomPattern] = [], kinds: Set<PIIKind>? = nil) {
        self.patterns = patterns
        let k = kinds ?? Set(PIIKind.allCases).union(patterns.map(\.kind))
        self.kinds = k
        self.wanted = KindMask(k)
    }

    public static let builtin = SpanDetector()

    public typealias Bytes = UnsafeBufferPointer<UInt8>

    /// The spans of `text`, in order of position; spans never overlap.
    public func spans(_ text: String) -> [PIISpan] {
        var t = text
        return t.withUTF8 { spans(in: $0) }
    }

    /// The spans of a value's UTF-8 bytes, in order of position; spans never overlap.
    public func spans(in raw: Bytes) -> [PIISpan] {
        var out: [PIISpan] = []
        scan(Bytes(rebasing: raw[raw.startIndex..<raw.endIndex]), into: &out)
        return out
    }

    /// Appends the spans of `v` (indices from 0) to `out`.
    public func scan(_ v: Bytes, into out: inout [PIISpan]) {
        let first = out.count
        let n = v.count
        guard n >= 5 else { return }
        // Every built-in kind holds a digit, an `@` or a `:` (a MAC or IPv6 address of letters
        // only and dashes aside): text without any is skipped in one cheap pass.
        if patterns.isEmpty, !PIIPatterns.mayHoldSpan(v) { return }
        // E-mail addresses first: they contain digits and dots the other recognizers would misread.
        var emails: [Range<Int>] = []
        if wanted.contains(.email) {
            var i = 0
            while i < n {
                if v[i] == UInt8(ascii: "@"), let r = PIIPatterns.emailAround(v, at: i) {
                    if !PIIPatterns.isMaskedEmail(v, r) {
                        out.append(PIISpan(kind: .email, start: r.lowerBound, end: r.upperBound, confidence: .high))
                    }
                    emails.append(r)
                    i = r.upperBound
                    continue
                }
                i += 1
            }
        }
        var e = 0 // index into `emails`
        var i = 0
        while i < n {
            while e < emails.count, emails[e].upperBound <= i { e += 1 }
            if e < emails.count, emails[e].contains(i) { i = emails[e].upperBound; continue }
            let c = v[i]
            guard PIIPatterns.isWordStart(v, i) else { i += 1; continue }
            if PIIPatterns.isUpper(c), wanted.contains(.iban), let end = PIIPatterns.ibanAt(v, i) {
                out.append(PIISpan(kind: .iban, start: i, end: end, confidence: .high))
                i = end
                continue
            }
            // Already-masked values: skip the whole token.
            if let skip = PIIPatterns.maskedTokenEnd(v, i) { i = skip; continue }
            if PIIPatterns.isHex(c) || c == UInt8(ascii: ":") {
                if wanted.contains(.mac), let end = PIIPatterns.macAt(v, i) {
                    out.append(PIISpan(kind: .mac, start: i, end: end, confidence: .high))
                    i = end
                    continue
                }
                if wanted.contains(.ip), let (end, conf) = PIIPatterns.ipv6At(v, i) {
                    out.append(PIISpan(kind: .ip, start: i, end: end, confidence: conf))
                    i = end
                    continue
                }
            }
            if PIIPatterns.isDigit(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: "(") {
                // Nothing found: go on from the next byte, where a number glued to this one by a
                // space may start (`ZIP 94107 828-21-7276`).
                if let s = PIIPatterns.numberAt(v, i, kinds: wanted) {
                    out.append(s)
                    i = s.end
                } else {
                    i += 1
                }
                continue
            }
            // Skip the rest of the word: candidates start only at word starts.
            i = max(i + 1, PIIPatterns.wordEnd(v, i))
        }
        if !patterns.isEmpty {
            let custom = patterns.flatMap { $0.spans(in: v) }.filter { kinds.contains($0.kind) }
            // A custom span overlapping a built-in one loses (the built-ins are validated).
            for s in custom where !out[first...].contains(where: { $0.start < s.end && s.start < $0.end }) { out.append(s) }
            out[first...].sort { $0.start < $1.start }
        } else if emails.count > 0 {
            out[first...].sort { $0.start < $1.start }
        }
    }

    /// The kind the whole (trimmed) value is, if one span covers it.
    public func wholeKind(_ raw: Bytes) -> PIIKind? {
        let v = PIIPatterns.trim(raw)
        let s = spans(in: v)
        guard s.count == 1, s[0].start == 0, s[0].end == v.count else { return nil }
        return s[0].kind
    }

    /// Appends `v` to `out` with each span replaced by `replace`'s output (the value's spans are
    /// scanned into `scratch`); returns how many spans it replaced.
    public func scrub(_ v: Bytes, into out: inout [UInt8], scratch: inout [PIISpan], replace: (PIISpan, Bytes, inout [UInt8]) -> Void) -> Int {
        let value = Bytes(rebasing: v[v.startIndex..<v.endIndex])
        scratch.removeAll(keepingCapacity: true)
        scan(value, into: &scratch)
        Self.write(value, replacing: scratch, into: &out, replace: replace)
        return scratch.count
    }

    /// Appends `v` (indices from 0) to `out` with each of `spans` replaced by `replace`'s output.
    public static func write(_ v: Bytes, replacing spans: [PIISpan], into out: inout [UInt8], replace: (PIISpan, Bytes, inout [UInt8]) -> Void) {
        var at = 0
        for s in spans {
            out.append(contentsOf: Bytes(rebasing: v[at..<s.start]))
            replace(s, Bytes(rebasing: v[s.start..<s.end]), &out)
            at = s.end
        }
        out.append(contentsOf: Bytes(rebasing: v[at..<v.count]))
    }
}

/// The built-in kinds as bits.
struct KindMask: OptionSet, Sendable {
    let rawValue: UInt8
    static let email = KindMask(rawValue: 1), phone = KindMask(rawValue: 2), ip = KindMask(rawValue: 4), card = KindMask(rawValue: 8)
    static let iban = KindMask(rawValue: 16), ssn = KindMask(rawValue: 32), mac = KindMask(rawValue: 64)

    init(rawValue: UInt8) { self.rawValue = rawValue }

    init(_ kinds: Set<PIIKind>) {
        var m = KindMask()
        for (k, bit) in [(PIIKind.email, KindMask.email), (.phone, .phone), (.ip, .ip), (.card, .card), (.iban, .iban), (.ssn, .ssn), (.mac, .mac)] where kinds.contains(k) {
            m.insert(bit)
        }
        self = m
    }
}

/// A custom kind from a policy's `patterns:` section: a regular expression, an optional
/// validator the match must pass, the tag a column holding it gets, and a confidence.
public struct CustomPattern: @unchecked Sendable, Hashable {
    public enum Validator: String, Sendable, Hashable, CaseIterable {
        case luhn, mod97
    }

    public let kind: PIIKind
    public let pattern: String
    public let validator: Validator?
    public let confidence: Confidence
    // `Regex` is not `Sendable`; it is only read after init.
    private let regex: Regex<AnyRegexOutput>

    /// Throws when the regular expression does not compile (the message names the problem).
    public init(name: String, pattern: String, tag: Tag, validator: Validator? = nil, confidence: Confidence = .high) throws {
        self.kind = PIIKind(custom: name, tag: tag)
        self.pattern = pattern
        self.validator = validator
        self.confidence = confidence
        self.regex = try Regex(pattern)
    }

    public static func == (a: CustomPattern, b: CustomPattern) -> Bool {
        a.kind == b.kind && a.pattern == b.pattern && a.validator == b.validator && a.confidence == b.confidence
    }

    public func hash(into h: inout Hasher) {
        h.combine(kind)
        h.combine(pattern)
        h.combine(validator)
        h.combine(confidence)
    }

    func spans(in v: UnsafeBufferPointer<UInt8>) -> [PIISpan] {
        let text = String(decoding: v, as: UTF8.self)
        var out: [PIISpan] = []
        for m in text.matches(of: regex) {
            let r = m.range
            guard !r.isEmpty else { continue }
            let start = text.utf8.distance(from: text.utf8.startIndex, to: r.lowerBound)
            let end = text.utf8.distance(from: text.utf8.startIndex, to: r.upperBound)
            if let validator, !Self.validate(validator, Array(text.utf8[r.lowerBound..<r.upperBound])) { continue }
            out.append(PIISpan(kind: kind, start: start, end: end, confidence: confidence))
        }
        return out
    }

    static func validate(_ validator: Validator, _ bytes: [UInt8]) -> Bool {
        switch validator {
        case .luhn:
            let digits = bytes.filter(PIIPatterns.isDigit).map { $0 - 48 }
            return digits.count >= 2 && PIIPatterns.luhn(digits)
        case .mod97:
            return PIIPatterns.mod97(bytes.filter(PIIPatterns.isAlnum)) == 1
        }
    }
}
