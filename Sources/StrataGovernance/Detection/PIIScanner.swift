import StrataCore

/// Samples a table's string columns batch by batch and reports the columns whose values look
/// like personal data.
///
/// A column is reported for a kind when at least `threshold` of its sampled non-null values *are*
/// that kind, or, failing that, when at least `embeddedThreshold` of them are free text that
/// *contains* it. For the kinds a pattern recognises with confidence (an e-mail address, an IBAN
/// whose mod-97 check holds), one hit in the sample is enough: a column that holds a single
/// address is a column that stores one. Only the first `sampleRows` non-null values of each column
/// are examined.
public struct PIIScanner: Sendable {
    public var threshold: Double
    public var embeddedThreshold: Double
    public var sampleRows: Int
    public var kinds: Set<PIIKind>

    /// Kinds one sampled hit is enough for.
    public static let confidentKinds: Set<PIIKind> = [.email, .iban]

    private var columns: [String: Counts] = [:]
    private var order: [String] = []

    private struct Counts: Sendable {
        var sampled = 0
        var whole: [PIIKind: Int] = [:]
        var embedded: [PIIKind: Int] = [:]
    }

    public init(threshold: Double = 0.5, embeddedThreshold: Double = 0.05, sampleRows: Int = 1000,
                kinds: Set<PIIKind> = Set(PIIKind.allCases)) {
        self.threshold = threshold
        self.embeddedThreshold = embeddedThreshold
        self.sampleRows = sampleRows
        self.kinds = kinds
    }

    /// True once every string column seen has its full sample.
    public var isSaturated: Bool { !order.isEmpty && columns.values.allSatisfy { $0.sampled >= sampleRows } }

    /// Adds a batch's string columns to the sample.
    public mutating func add(_ batch: Batch) {
        for (f, column) in zip(batch.schema.fields, batch.columns) {
            guard case .bytes(let values) = column.values else { continue }
            if columns[f.name] == nil { columns[f.name] = Counts(); order.append(f.name) }
            var counts = columns[f.name]!
            guard counts.sampled < sampleRows else { continue }
            values.bytes.withUnsafeBufferPointer { all in
                for i in 0..<column.count where counts.sampled < sampleRows && !column.isNull(i) {
                    let v = UnsafeBufferPointer(rebasing: all[values.range(i)])
                    if PIIPatterns.trim(v).isEmpty { continue }
                    counts.sampled += 1
                    if let k = PIIPatterns.classify(v) {
                        counts.whole[k, default: 0] += 1
                    } else if v.count >= 8 {
                        for k in PIIPatterns.embedded(v) { counts.embedded[k, default: 0] += 1 }
                    }
                }
            }
            columns[f.name] = counts
        }
    }

    /// The columns that look like personal data, in column order, then by kind.
    public func detections() -> [Detection] {
        var out: [Detection] = []
        for name in order {
            guard let c = columns[name], c.sampled > 0 else { continue }
            let n = Double(c.sampled)
            var wholeKinds = Set<PIIKind>()
            for k in PIIKind.allCases where kinds.contains(k) {
                let hits = c.whole[k] ?? 0
                if hits > 0, Double(hits) / n >= threshold {
                    out.append(Detection(column: name, kind: k, embedded: false, hits: hits, sampled: c.sampled))
                    wholeKinds.insert(k)
                }
            }
            for k in PIIKind.allCases where kinds.contains(k) && !wholeKinds.contains(k) {
                // Values that are the kind count as containing it too.
                let hits = (c.embedded[k] ?? 0) + (wholeKinds.isEmpty ? (c.whole[k] ?? 0) : 0)
                if hits > 0, wholeKinds.isEmpty, Double(hits) / n >= embeddedThreshold || Self.confidentKinds.contains(k) {
                    out.append(Detection(column: name, kind: k, embedded: true, hits: hits, sampled: c.sampled))
                }
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
}
