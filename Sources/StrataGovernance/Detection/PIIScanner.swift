import StrataCore
#if canImport(Glibc)
import Glibc
#endif

/// Scans a table's string columns batch by batch and reports the columns whose values hold
/// personal data.
///
/// Confidence, not share: a column is reported for a kind when any value holds a high-confidence
/// span of it (a checksum-valid card or IBAN, a complete e-mail address, an E.164 phone number, a
/// MAC address, a context word naming it), or when enough of the sampled values hold a
/// medium-confidence one: `threshold` of them *are* the kind, or `embeddedThreshold` of them are
/// free text that *contains* it. The first `sampleRows` non-null values of each column are
/// sampled; every later value is still checked for high-confidence spans (`fullScan`), so one card
/// number in the ten-thousandth row is found.
public struct PIIScanner: Sendable {
    public var threshold: Double
    public var embeddedThreshold: Double
    public var sampleRows: Int
    public var kinds: Set<PIIKind>
    /// Keep checking values beyond the sample for high-confidence spans.
    public var fullScan: Bool
    /// Columns not checked beyond the sample (their stored form already removes every kind, e.g. scrubbed).
    public var settled: Set<String> = []
    public let detector: SpanDetector

    private var columns: [String: Counts] = [:]
    private var order: [String] = []
    private var spans: [PIISpan] = []

    private struct Counts: Sendable {
        var sampled = 0
        var scanned = 0
        /// Values that are the kind (one span covering the whole value).
        var whole: [PIIKind: Int] = [:]
        /// Values containing the kind among other text.
        var embedded: [PIIKind: Int] = [:]
        /// Values holding a high-confidence span of the kind (sampled or not).
        var high: [PIIKind: Int] = [:]
        var example: [PIIKind: String] = [:]
    }

    public init(threshold: Double = 0.5, embeddedThreshold: Double = 0.05, sampleRows: Int = 1000,
                kinds: Set<PIIKind> = Set(PIIKind.allCases), patterns: [CustomPattern] = [], fullScan: Bool = true) {
        self.threshold = threshold
        self.embeddedThreshold = embeddedThreshold
        self.sampleRows = sampleRows
        self.kinds = kinds.union(patterns.map(\.kind))
        self.fullScan = fullScan
        self.detector = SpanDetector(patterns: patterns, kinds: self.kinds)
    }

    /// True once every string column seen has its full sample (later values only add high-confidence findings).
    public var isSaturated: Bool { !order.isEmpty && columns.values.allSatisfy { $0.sampled >= sampleRows } }

    /// Adds a batch's string columns.
    public mutating func add(_ batch: Batch) {
        for (f, column) in zip(batch.schema.fields, batch.columns) {
            guard case .bytes(let values) = column.values else { continue }
            if columns[f.name] == nil { columns[f.name] = Counts(); order.append(f.name) }
            var counts = columns[f.name]!
            if counts.sampled >= sampleRows && (!fullScan || settled.contains(f.name)) { continue }
            let hasNulls = column.nullCount > 0
            spans.removeAll(keepingCapacity: true)
            values.bytes.withUnsafeBufferPointer { all in
                var last = UnsafeBufferPointer<UInt8>(start: nil, count: 0)
                for i in 0..<column.count {
                    if hasNulls && column.isNull(i) { continue }
                    let v = PIIPatterns.trim(UnsafeBufferPointer(rebasing: all[values.range(i)]))
                    if v.count < 5 {
                        if counts.sampled < sampleRows && !v.isEmpty { counts.sampled += 1 }
                        if !v.isEmpty { counts.scanned += 1 }
                        continue
                    }
                    let sampling = counts.sampled < sampleRows
                    if !sampling && (!fullScan || settled.contains(f.name)) { break }
                    let local = UnsafeBufferPointer(rebasing: v[v.startIndex..<v.endIndex])
                    // Repeated values (a run id, a status) are scanned once per run of equal values.
                    let repeated = local.count == last.count && (local.count == 0 || memcmp(local.baseAddress!, last.baseAddress!, local.count) == 0)
                    if !repeated {
                        spans.removeAll(keepingCapacity: true)
                        detector.scan(local, into: &spans)
                        last = local
                    }
                    if sampling { counts.sampled += 1 }
                    counts.scanned += 1
                    guard !spans.isEmpty else { continue }
                    var seen: [PIIKind: Confidence] = [:]
                    for s in spans { seen[s.kind] = max(seen[s.kind] ?? .medium, s.confidence) }
                    for (k, conf) in seen {
                        if conf == .high { counts.high[k, default: 0] += 1 }
                        if sampling {
                            if spans.count == 1, spans[0].start == 0, spans[0].end == local.count { counts.whole[k, default: 0] += 1 }
                            else { counts.embedded[k, default: 0] += 1 }
                        }
                        if counts.example[k] == nil || (conf == .high && counts.high[k] == 1),
                           let s = spans.first(where: { $0.kind == k }) {
                            counts.example[k] = Self.maskedExample(UnsafeBufferPointer(rebasing: local[s.start..<s.end]))
                        }
                    }
                }
            }
            columns[f.name] = counts
        }
    }

    /// The columns that hold personal data, in column order, then by kind.
    public func detections() -> [Detection] {
        var out: [Detection] = []
        let ordered = PIIKind.allCases.filter { kinds.contains($0) } + kinds.filter(\.isCustom).sorted()
        for name in order {
            guard let c = columns[name], c.sampled > 0 else { continue }
            let n = Double(c.sampled)
            var wholeKinds = Set<PIIKind>()
            for k in ordered {
                let hits = c.whole[k] ?? 0
                if hits > 0, Double(hits) / n >= threshold {
                    out.append(Detection(column: name, kind: k, embedded: false, hits: max(hits, c.high[k] ?? 0), sampled: c.sampled,
                                         confidence: (c.high[k] ?? 0) > 0 ? .high : .medium, example: c.example[k], scanned: c.scanned))
                    wholeKinds.insert(k)
                }
            }
            for k in ordered where !wholeKinds.contains(k) {
                let high = c.high[k] ?? 0
                let medium = (c.embedded[k] ?? 0) + (c.whole[k] ?? 0)
                // A column of, say, phone numbers is not also free text "containing" another kind
                // on medium evidence; high-confidence evidence always counts.
                let byShare = wholeKinds.isEmpty && medium > 0 && Double(medium) / n >= embeddedThreshold
                guard high > 0 || byShare else { continue }
                out.append(Detection(column: name, kind: k, embedded: true, hits: max(medium, high), sampled: c.sampled,
                                     confidence: high > 0 ? .high : .medium, example: c.example[k], scanned: c.scanned))
            }
        }
        return out
    }

    /// Scans one column's values (a convenience over `add`).
    public static func scan(_ column: Column, name: String, threshold: Double = 0.5, embeddedThreshold: Double = 0.05) -> [Detection] {
        var s = PIIScanner(threshold: threshold, embeddedThreshold: embeddedThreshold)
        s.add(Batch(schema: Schema([Field(name, column.type)]), columns: [column]))
        return s.detections()
    }

    /// A span with most characters masked, for evidence that does not disclose the value:
    /// `j***@e*****.com`, `+* *** *** **15`, `DE** **** …`. Each word keeps its first letter,
    /// a domain keeps its top-level label, numbers keep their last two digits.
    public static func maskedExample(_ s: UnsafeBufferPointer<UInt8>) -> String {
        var out: [UInt8] = []
        let digits = s.filter(PIIPatterns.isDigit).count
        var digitIndex = 0
        let at = s.firstIndex(of: UInt8(ascii: "@"))
        let tld = at.flatMap { a in s[a...].lastIndex(of: UInt8(ascii: ".")) }
        var wordStart = true
        for (k, c) in s.enumerated() {
            if let tld, k > tld { out.append(c); continue }
            if PIIPatterns.isDigit(c) {
                digitIndex += 1
                out.append(digitIndex > digits - 2 && digits >= 6 ? c : UInt8(ascii: "*"))
                wordStart = false
            } else if PIIPatterns.isLetter(c) || c >= 0x80 {
                if c >= 0x80 && c & 0xC0 == 0x80 { continue } // continuation bytes of a masked scalar
                out.append(wordStart && c < 0x80 && digits < 6 ? c : UInt8(ascii: "*"))
                wordStart = false
            } else {
                out.append(c)
                wordStart = true
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
