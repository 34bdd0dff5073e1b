public import StrataCore

extension MaskMethod {
    /// The mask as a PySpark Column expression over column `name` of `type`, computing exactly
    /// what `Masker` computes (byte for byte), with helpers the compiled program's prelude defines
    /// (`mask_hash` composes HMAC-SHA-256 from `sha2`, `concat` and `unhex` with the key from the
    /// environment; `mask_network` calls the C library's `inet_pton`/`inet_ntop`, as Strata does).
    ///
    /// Throws for what Spark cannot compute exactly: `tokenize` (AES-SIV), `scrub` (Strata's span
    /// detector), and masks of types whose text form Spark writes differently.
    public func spark(column name: String, type: DataType) throws -> String {
        let out = try outputType(for: type, column: name)
        let c = "F.col(" + SparkJob.python(SparkSQL.identifier(name)) + ")"
        let x = SparkSQL.identifier(name)
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
            let (first, last): (Int, Int)
            switch self {
            case .showFirst(let n): (first, last) = (n, 0)
            case .showLast(let n): (first, last) = (0, n)
            default: (first, last) = (0, 0)
            }
            let v = type == .string ? x : "CAST(\(x) AS STRING)"
            if first == 0 && last == 0 { return sql(Self.characterMask(v)) }
            // Short values (no more characters than are kept) are masked whole.
            let n = "char_length(\(v))"
            return sql("CASE WHEN \(n) > \(first + last) THEN concat(substring(\(v), 1, \(first)), "
                       + Self.characterMask("substring(\(v), \(first + 1), \(n) - \(first + last))")
                       + ", substring(\(v), \(n) - \(last) + 1, \(last))) ELSE \(Self.characterMask(v)) END")
        case .emailDomain:
            try textOnly()
            let v = type == .string ? x : "CAST(\(x) AS STRING)"
            return sql("CASE WHEN instr(\(v), '@') > 0 AND substring_index(\(v), '@', -1) <> '' THEN concat('*@', substring_index(\(v), '@', -1)) END")
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

    /// Ranger-style character masking in Spark SQL, as `TextMask`: upper-case letters → X, other
    /// letters → x, decimal digits → 0, everything else kept (Java's Unicode properties).
    static func characterMask(_ v: String) -> String {
        "regexp_replace(regexp_replace(regexp_replace(\(v), '\\\\p{IsUppercase}', 'X'), '[\\\\p{IsAlphabetic}&&[^X]]', 'x'), '\\\\p{Nd}', '0')"
    }
}
