public import StrataCore

extension MaskMethod {
    /// The mask as a PySpark Column expression over column `name` of `type`, computing exactly
    /// what `Masker` computes (byte for byte), with helpers the compiled program's prelude defines
    /// (`mask_hash` composes HMAC-SHA-256 from `sha2`, `concat` and `unhex` over the key's pads,
    /// which `with_keys` joins in from the environment; `mask_network` calls the C library's `inet_pton`/`inet_ntop`, as Strata does).
    ///
    /// Throws for what Spark cannot compute exactly: `tokenize` (AES-SIV), `scrub` (Strata's span
    /// detector), and masks of types whose text form Spark writes differently.
    public func spark(column name: String, type: DataType) throws -> String {
        let out = try outputType(for: type, column: name)
        let c = "F.col(" + SparkJob.python(SparkSQL.identifier(name)) + ")"
        let x = SparkSQL.identifier(name)
        // Character masks run in the program's `mask_text` (the same rules as `TextMask`).
        func sql(_ s: String) -> String { "F.expr(" + SparkJob.python(s) + ")" }
        func textOnly() throws {
            guard type == .string || type == .int64 else {
                throw StrataError(.invalidConfig, "masking the \(type) column '\(name)' with \(self) is not supported by the Spark engine",
                                  hint: "Spark writes \(type) values as text differently from Strata; run this pipeline with the native engine")
            }
        }
        switch self {
        case .null:
            return sql("CAST(NULL AS \(out.sqlName))")
        case .hash:
            try textOnly()
            return "mask_hash(\(type == .string ? c : c + ".cast(\"string\")"))"
        case .redact, .showFirst, .showLast:
            try textOnly()
            let v = type == .string ? c : c + ".cast(\"string\")"
            switch self {
            case .showFirst(let n): return "mask_text(\(v), first=\(n))"
            case .showLast(let n): return "mask_text(\(v), last=\(n))"
            default: return "mask_text(\(v))"
            }
        case .emailDomain:
            try textOnly()
            return "mask_email_domain(\(type == .string ? c : c + ".cast(\"string\")"))"
        case .generalize(let g):
            switch g {
            case let .network(v4, v6):
                guard type == .string else { try textOnly(); return "" }
                return "mask_network(\(c), \(v4), \(v6))"
            case .year, .month:
                let unit = g == .year ? "YEAR" : "MONTH"
                return sql(type == .date ? "trunc(\(x), '\(unit)')" : "date_trunc('\(unit)', \(x))")
            case .day, .hour:
                return sql(type == .date ? x : "date_trunc('\(g == .day ? "DAY" : "HOUR")', \(x))")
            }
        case .tokenize:
            throw StrataError(.invalidConfig, "column '\(name)' is masked with tokenize, which the Spark engine cannot compute exactly (AES-SIV)",
                              hint: "run this pipeline with the native engine, or choose another method for its tag")
        case .scrub:
            throw StrataError(.invalidConfig, "column '\(name)' is scrubbed (free text with personal data in it), which needs Strata's span detector",
                              hint: "run this pipeline with the native engine")
        }
    }
}

/// The character classes `TextMask` masks, as Java regex classes built from Swift's own Unicode
/// tables (not the JVM's, which may be an older Unicode version): so a letter assigned after the
/// JVM's Unicode is masked on Spark exactly as natively.
public enum SparkCharacterClasses {
    /// Upper-case letters (→ X), other letters (→ x), decimal digits (→ 0): disjoint, in Java
    /// regex class syntax without the brackets (`\x{41}-\x{5A}…`).
    public static let classes: (upper: String, letter: String, digit: String) = {
        var upper: [ClosedRange<UInt32>] = [], letter: [ClosedRange<UInt32>] = [], digit: [ClosedRange<UInt32>] = []
        func add(_ v: UInt32, to list: inout [ClosedRange<UInt32>]) {
            if let last = list.last, last.upperBound + 1 == v { list[list.count - 1] = last.lowerBound...v } else { list.append(v...v) }
        }
        for v in UInt32(0)...0x10FFFF {
            guard let s = Unicode.Scalar(v) else { continue }
            if v < 0x80 {
                // ASCII as `TextMask.maskASCII` maps it (what it keeps maps to itself).
                let b = UInt8(v), m = TextMask.maskASCII(b)
                if m != b || (65...90).contains(v) || (97...122).contains(v) || (48...57).contains(v) {
                    switch m {
                    case UInt8(ascii: "X"): add(v, to: &upper)
                    case UInt8(ascii: "x"): add(v, to: &letter)
                    default: add(v, to: &digit)
                    }
                }
                continue
            }
            let p = s.properties
            if p.isUppercase { add(v, to: &upper) } else if p.isAlphabetic { add(v, to: &letter) } else if p.numericType == .decimal { add(v, to: &digit) }
        }
        func text(_ list: [ClosedRange<UInt32>]) -> String {
            list.map { r in
                let a = "\\x{" + String(r.lowerBound, radix: 16) + "}"
                return r.count == 1 ? a : a + "-\\x{" + String(r.upperBound, radix: 16) + "}"
            }.joined()
        }
        return (text(upper), text(letter), text(digit))
    }()
}
