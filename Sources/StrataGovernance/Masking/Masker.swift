import StrataCore

/// Applies mask methods to whole columns, on bytes, with the lake's keys.
///
/// Keys are fetched from the `KeyStore` only by the methods that need them (hash, tokenize).
/// Nulls stay null; every other value is rewritten as `MaskMethod` documents.
public struct Masker: Sendable {
    public let keys: KeyStore
    /// Associated data bound into every token, so tokens from another system do not open here.
    static let tokenContext = Array("strata token v1".utf8)
    static let tokenPrefix = Array("tok:".utf8)
    static let tokenFormat: UInt8 = 1

    /// Finds the spans `scrub` replaces (the policies' custom `patterns:` included).
    public let detector: SpanDetector

    public init(keys: KeyStore, detector: SpanDetector = .builtin) {
        self.keys = keys
        self.detector = detector
    }

    /// The masked column; `name` is for errors. Throws when the method does not apply to the type.
    public func apply(_ method: MaskMethod, to column: Column, name: String) throws -> Column {
        let outType = try method.outputType(for: column.type, column: name)
        switch method {
        case .null:
            return Column.nulls(column.type, count: column.count)
        case .hash:
            let mac = Digest.HMACSHA256(key: try keys.key(.mask).bytes)
            var digest = [UInt8](repeating: 0, count: 32)
            return Self.mapText(column) { src, out in
                digest.withUnsafeMutableBufferPointer { mac.mac(src, into: $0.baseAddress!) }
                Self.appendHex(digest.prefix(16), to: &out)
                return true
            }
        case .redact:
            return Self.mapText(column) { src, out in
                TextMask.redact(src, keepFirst: 0, keepLast: 0, into: &out)
                return true
            }
        case .showLast(let n):
            return Self.mapText(column) { src, out in
                TextMask.redact(src, keepFirst: 0, keepLast: n, into: &out)
                return true
            }
        case .showFirst(let n):
            return Self.mapText(column) { src, out in
                TextMask.redact(src, keepFirst: n, keepLast: 0, into: &out)
                return true
            }
        case .emailDomain:
            return Self.mapText(column) { src, out in
                guard let at = src.lastIndex(of: UInt8(ascii: "@")), at + 1 < src.count else { return false }
                out.append(UInt8(ascii: "*"))
                out.append(contentsOf: src[at...])
                return true
            }
        case .generalize(let g):
            if case .network(let v4, let v6) = g {
                return Self.mapText(column) { src, out in
                    IPAddress.generalize(src, v4Bits: v4, v6Bits: v6, into: &out)
                }
            }
            return Self.generalizeTemporal(column, g, outType)
        case .scrub(let style):
            let detector = self.detector
            switch style {
            case .placeholder(let template):
                var cache: [PIIKind: [UInt8]] = [:]
                return Self.scrubText(column, detector) { span, _, out in
                    if cache[span.kind] == nil { cache[span.kind] = Array(template.replacingOccurrences(of: "{kind}", with: span.kind.rawValue).utf8) }
                    out.append(contentsOf: cache[span.kind]!)
                }
            case .hash:
                let mac = Digest.HMACSHA256(key: try keys.key(.mask).bytes)
                var digest = [UInt8](repeating: 0, count: 32)
                return Self.scrubText(column, detector) { span, text, out in
                    out.append(UInt8(ascii: "<"))
                    out.append(contentsOf: span.kind.rawValue.utf8)
                    out.append(UInt8(ascii: ":"))
                    digest.withUnsafeMutableBufferPointer { mac.mac(text, into: $0.baseAddress!) }
                    Self.appendHex(digest.prefix(16), to: &out)
                    out.append(UInt8(ascii: ">"))
                }
            }
        case .tokenize:
            let siv = try AESSIV(key: try keys.key(.token).bytes)
            var failure: (any Error)?
            // Plaintext = a format byte, then the text: never empty (libcrypto's SIV needs at least
            // one plaintext byte to authenticate) and room for a later format.
            var plain: [UInt8] = [Self.tokenFormat]
            let result = Self.mapText(column) { src, out in
                do {
                    plain.removeSubrange(1...)
                    plain.append(contentsOf: src)
                    let sealed = try plain.withUnsafeBufferPointer { try siv.seal($0, associated: Self.tokenContext) }
                    out.append(contentsOf: Self.tokenPrefix)
                    Base64URL.encode(sealed, into: &out)
                    return true
                } catch {
                    failure = error
                    return false
                }
            }
            if let failure { throw failure }
            return result
        }
    }

    /// The clear text of a token made by `tokenize`; throws when it is not a token or does not
    /// verify under the token key (wrong key, or a changed token). Never echoes the token.
    public func unmask(token: String) throws -> String {
        let siv = try AESSIV(key: try keys.key(.token).bytes)
        return String(decoding: try Self.open(Array(token.utf8), siv), as: UTF8.self)
    }

    /// A string column of tokens turned back into clear text (nulls stay null).
    public func unmask(_ column: Column, name: String) throws -> Column {
        guard case .bytes(let values) = column.values else {
            throw StrataError(.typeMismatch, "column '\(name)' holds \(column.type), not tokens")
        }
        let siv = try AESSIV(key: try keys.key(.token).bytes)
        var b = ColumnBuilder(type: .string, capacity: column.count)
        for i in 0..<column.count {
            if column.isNull(i) { b.appendNull(); continue }
            do {
                b.append(bytesOf: try Self.open(Array(values.bytes[values.range(i)]), siv))
            } catch var e as StrataError {
                e.message = "row \(i + 1) of column '\(name)': " + e.message
                throw e
            }
        }
        return b.finish()
    }

    static func open(_ token: [UInt8], _ siv: AESSIV) throws -> [UInt8] {
        guard token.count > tokenPrefix.count, Array(token.prefix(tokenPrefix.count)) == tokenPrefix,
              let sealed = Base64URL.decode(token.dropFirst(tokenPrefix.count)) else {
            throw StrataError(.parse, "not a Strata token", hint: "tokens start with 'tok:' followed by base64url text")
        }
        guard let clear = siv.open(sealed, associated: tokenContext), clear.first == tokenFormat else {
            throw StrataError(.corruptData, "token does not verify under the token key",
                              hint: "the token was changed, or it was made with another key (check STRATA_TOKEN_KEY or <lake>/_keys/token.key)")
        }
        return Array(clear.dropFirst())
    }

    // MARK: - Column plumbing

    /// `scrub` over a column: each span the detector finds is replaced through `replace`; runs of
    /// values with nothing to replace are copied as one block (most free text holds no PII), and a
    /// string column with nothing to replace at all is returned as it is.
    static func scrubText(_ column: Column, _ detector: SpanDetector,
                          _ replace: (PIISpan, UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Void) -> Column {
        guard case .bytes(let v) = column.values else {
            var scratch: [PIISpan] = []
            return mapText(column) { src, out in
                _ = detector.scrub(src, into: &out, scratch: &scratch, replace: replace)
                return true
            }
        }
        let n = column.count
        var out: [UInt8] = []
        var offsets = [Int32](repeating: 0, count: n + 1)
        var scratch: [PIISpan] = []
        var delta = 0, cleanFrom = 0
        var changed = false
        let hasNulls = column.nullCount > 0
        v.bytes.withUnsafeBufferPointer { all in
            v.offsets.withUnsafeBufferPointer { off in
                for i in 0..<n {
                    let lo = Int(off[i]), hi = Int(off[i + 1])
                    if hi > lo, !(hasNulls && column.isNull(i)) {
                        let value = UnsafeBufferPointer(rebasing: all[lo..<hi])
                        scratch.removeAll(keepingCapacity: true)
                        detector.scan(value, into: &scratch)
                        if !scratch.isEmpty {
                            if !changed { out.reserveCapacity(all.count + all.count / 8); changed = true }
                            out.append(contentsOf: UnsafeBufferPointer(rebasing: all[cleanFrom..<lo]))
                            let before = out.count
                            SpanDetector.write(value, replacing: scratch, into: &out, replace: replace)
                            delta += (out.count - before) - (hi - lo)
                            cleanFrom = hi
                        }
                    }
                    offsets[i + 1] = Int32(hi + delta)
                }
                if changed { out.append(contentsOf: UnsafeBufferPointer(rebasing: all[cleanFrom..<all.count])) }
            }
        }
        guard changed else {
            return column.type == .string ? column : Column(type: .string, values: column.values, validity: column.validity)
        }
        return Column(type: .string, values: .bytes(ByteArrays(offsets: offsets, bytes: out)), validity: column.validity)
    }

    /// Rewrites each non-null value's text form into a string column; `body` returns false to
    /// make that row null.
    static func mapText(_ column: Column, _ body: (UnsafeBufferPointer<UInt8>, inout [UInt8]) -> Bool) -> Column {
        let n = column.count
        var out: [UInt8] = []
        var offsets: [Int32] = [0]
        offsets.reserveCapacity(n + 1)
        var validity = column.validity
        func emit(_ i: Int, _ src: UnsafeBufferPointer<UInt8>) {
            if !body(src, &out) {
                if validity == nil { validity = [Bool](repeating: true, count: n) }
                validity![i] = false
            }
            offsets.append(Int32(out.count))
        }
        switch column.values {
        case .bytes(let v):
            out.reserveCapacity(v.bytes.count)
            v.bytes.withUnsafeBufferPointer { all in
                for i in 0..<n {
                    if column.isNull(i) { offsets.append(Int32(out.count)); continue }
                    emit(i, UnsafeBufferPointer(rebasing: all[v.range(i)]))
                }
            }
        default:
            var scratch: [UInt8] = []
            for i in 0..<n {
                if column.isNull(i) { offsets.append(Int32(out.count)); continue }
                scratch.removeAll(keepingCapacity: true)
                textForm(column, i, into: &scratch)
                scratch.withUnsafeBufferPointer { emit(i, $0) }
            }
        }
        return Column(type: .string, values: .bytes(ByteArrays(offsets: offsets, bytes: out)), validity: validity)
    }

    /// The text a non-string value is masked through (the same as `strata show` prints).
    static func textForm(_ column: Column, _ i: Int, into out: inout [UInt8]) {
        if case .int64(let v) = column.values, column.type == .int64 {
            var x = v[i]
            if x == 0 { out.append(48); return }
            let neg = x < 0
            var digits: [UInt8] = []
            while x != 0 {
                digits.append(UInt8(48 + abs(Int(x % 10))))
                x /= 10
            }
            if neg { out.append(UInt8(ascii: "-")) }
            out.append(contentsOf: digits.reversed())
            return
        }
        out.append(contentsOf: column.value(i).description.utf8)
    }

    static func appendHex(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        for b in bytes {
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0xF)])
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    static func generalizeTemporal(_ column: Column, _ g: MaskMethod.Generalization, _ type: DataType) -> Column {
        guard case .int64(let v) = column.values else { return column }
        var out = v
        let day = Temporal.microsPerDay
        for i in 0..<v.count where !column.isNull(i) {
            let x = v[i]
            if type == .date {
                let (y, m, _) = Temporal.civil(days: Int(x))
                switch g {
                case .year: out[i] = Int64(Temporal.days(year: y, month: 1, day: 1))
                case .month: out[i] = Int64(Temporal.days(year: y, month: m, day: 1))
                default: break
                }
            } else {
                let d = x >= 0 ? x / day : (x - day + 1) / day
                switch g {
                case .hour:
                    let h: Int64 = 3_600_000_000
                    out[i] = x >= 0 ? x / h * h : (x - h + 1) / h * h
                case .day:
                    out[i] = d * day
                case .month, .year:
                    let (y, m, _) = Temporal.civil(days: Int(d))
                    out[i] = Int64(Temporal.days(year: y, month: g == .year ? 1 : m, day: 1)) * day
                default: break
                }
            }
        }
        return Column(type: type, values: .int64(out), validity: column.validity)
    }
}
