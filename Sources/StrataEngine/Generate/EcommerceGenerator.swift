import Foundation
import StrataCore

/// What `strata generate ecommerce` produces; every count has a default derived from `transactions`.
public struct EcommerceGeneratorOptions: Sendable, Hashable {
    /// Distinct transactions (the file also holds duplicates and bad rows on top).
    public var transactions: Int
    public var users: Int
    public var products: Int
    /// Days covered by the transactions and the clickstream (one clickstream file per day).
    public var clickstreamDays: Int
    /// Clickstream events over all days (valid JSON lines; bad lines come on top).
    public var clickEvents: Int
    public var seed: UInt64
    /// Share of malformed rows added per file for quarantine demos (at least one per file when > 0); 0 disables.
    public var badRowRate: Double
    /// Share of transactions written a second time, identically, for dedupe demos.
    public var duplicateRate: Double
    /// The first day, `YYYY-MM-DD` (UTC).
    public var startDate: String

    public init(transactions: Int, users: Int? = nil, products: Int? = nil, clickstreamDays: Int = 3, clickEvents: Int? = nil,
                seed: UInt64 = 42, badRowRate: Double = 0.002, duplicateRate: Double = 0.005, startDate: String = "2025-01-01") {
        self.transactions = transactions
        self.users = users ?? max(200, transactions / 20)
        self.products = products ?? max(50, min(5000, transactions / 1000))
        self.clickstreamDays = clickstreamDays
        self.clickEvents = clickEvents ?? transactions
        self.seed = seed
        self.badRowRate = badRowRate
        self.duplicateRate = duplicateRate
        self.startDate = startDate
    }

    /// Checks ranges; throws `.usage` naming the option and its accepted range.
    public func validate() throws {
        func check(_ ok: Bool, _ what: String) throws {
            if !ok { throw StrataError(.usage, what) }
        }
        try check(transactions >= 0, "--rows must be 0 or more")
        try check(users >= 1, "users must be at least 1")
        try check(products >= 1, "products must be at least 1")
        try check(clickstreamDays >= 1 && clickstreamDays <= 3660, "--days must be between 1 and 3660")
        try check(clickEvents >= 0, "click events must be 0 or more")
        try check(badRowRate >= 0 && badRowRate <= 0.5, "the bad row rate must be between 0 and 0.5")
        try check(duplicateRate >= 0 && duplicateRate <= 0.5, "the duplicate rate must be between 0 and 0.5")
        guard Temporal.parseDate(startDate) != nil else {
            throw StrataError(.usage, "the start date is not a date", hint: "write YYYY-MM-DD, e.g. 2025-01-01")
        }
    }
}

/// One file the generator wrote.
public struct GeneratedFile: Sendable, Hashable {
    /// Path relative to the output folder: `transactions.csv`, `clickstream/events-2025-01-01.jsonl`.
    public var path: String
    /// Data lines (header excluded), bad and duplicate lines included.
    public var rows: Int
    /// Malformed lines written on purpose.
    public var badRows: Int
    /// Their 1-based line numbers in the file (the CSV header is line 1).
    public var badLines: [Int]
    /// Lines that repeat an earlier row exactly (transactions only).
    public var duplicateRows: Int
    public var bytes: Int
}

/// What a generator run wrote.
public struct GeneratedSummary: Sendable, Hashable {
    public var directory: String
    public var files: [GeneratedFile]

    public var totalBytes: Int { files.reduce(0) { $0 + $1.bytes } }
    public var totalRows: Int { files.reduce(0) { $0 + $1.rows } }

    public func file(_ path: String) -> GeneratedFile? { files.first { $0.path == path } }
}

/// A deterministic e-commerce landing zone: users, products, transactions (CSV) and a daily
/// clickstream (JSON lines), with PII columns, skew, nulls, duplicates, bad rows and a schema
/// change on the last clickstream day, for demos and benchmarks.
///
/// Same options → byte-identical files. Writes stream through 1 MiB buffers; each file appears
/// under its final name only once complete.
public struct EcommerceGenerator: Sendable {
    public let options: EcommerceGeneratorOptions

    public init(options: EcommerceGeneratorOptions) {
        self.options = options
    }

    /// Writes all files into `dir` (created if needed); `progress(file, rows)` reports as files grow.
    public func write(to dir: String, progress: ((String, Int) -> Void)? = nil) throws -> GeneratedSummary {
        try options.validate()
        do {
            try FileManager.default.createDirectory(atPath: dir + "/clickstream", withIntermediateDirectories: true)
        } catch {
            throw StrataError(.io, "cannot create \(dir)/clickstream", cause: "\(error)")
        }
        var files: [GeneratedFile] = []
        let users = try writeUsers(dir: dir, progress: progress)
        files.append(users.file)
        let products = try writeProducts(dir: dir, progress: progress)
        files.append(products.file)
        files.append(try writeTransactions(dir: dir, users: users.table, products: products.table, progress: progress))
        files += try writeClickstream(dir: dir, users: users.table, products: products.table, progress: progress)
        return GeneratedSummary(directory: dir, files: files)
    }

    // MARK: shared helpers

    /// Days since the epoch of `startDate` (validated).
    var startDay: Int { Int(Temporal.parseDate(options.startDate)!) }

    /// How many bad rows a file of `rows` valid rows gets.
    func badCount(rows: Int) -> Int {
        guard options.badRowRate > 0, rows > 0 else { return 0 }
        return max(1, Int((Double(rows) * options.badRowRate).rounded()))
    }

    /// `k` distinct row indices in `0..<n`, ascending (after which a bad row is written).
    ///
    /// The first rows of larger files stay clean, so readers that sniff a file's dialect and
    /// types from its head (DuckDB, pandas) see a well-formed start.
    static func badPositions(_ k: Int, of n: Int, _ rng: inout GeneratorRandom) -> [Int] {
        guard k > 0, n > 0 else { return [] }
        let first = n > 40 ? 20 : 0
        var picked = Set<Int>()
        while picked.count < min(k, n - first) { picked.insert(first + rng.below(n - first)) }
        return picked.sorted()
    }

    /// `total × i / n` without overflow (for i ≤ n), for spreading rows over a time span.
    static func fraction(_ total: Int64, _ i: Int, _ n: Int) -> Int64 {
        guard n > 0 else { return 0 }
        let n64 = Int64(n), i64 = Int64(i)
        return (total / n64) * i64 + (total % n64) * i64 / n64
    }

    /// The CSV form of a field: quoted (with `""` for `"`) when it holds a comma, quote or newline.
    static func csv(_ s: String) -> [UInt8] {
        let b = Array(s.utf8)
        guard b.contains(where: { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }) else { return b }
        var out: [UInt8] = [0x22]
        for c in b {
            if c == 0x22 { out.append(0x22) }
            out.append(c)
        }
        out.append(0x22)
        return out
    }

    /// A malformed copy of a CSV line (without its newline) for quarantine demos:
    /// variant 0 drops fields, 1 puts `"12,5x"` in a numeric field, 2 adds a field,
    /// 3 puts an impossible date in a date field (or drops fields when there is none).
    static func damage(_ line: [UInt8], variant: Int, numericField: Int, dateField: Int?) -> [UInt8] {
        // Field boundaries, honoring quotes.
        var starts = [0]
        var quoted = false
        for (i, c) in line.enumerated() {
            if c == 0x22 { quoted.toggle() } else if c == 0x2C, !quoted { starts.append(i + 1) }
        }
        func field(_ k: Int) -> Range<Int> {
            let end = k + 1 < starts.count ? starts[k + 1] - 1 : line.count
            return starts[k]..<end
        }
        func replacing(_ k: Int, with text: String) -> [UInt8] {
            var out = line
            out.replaceSubrange(field(k), with: Array(text.utf8))
            return out
        }
        switch variant % 4 {
        case 1: return replacing(numericField, with: "\"12,5x\"")
        case 2: return line + Array(",unexpected".utf8)
        case 3:
            if let dateField { return replacing(dateField, with: "2025-02-30") }
            fallthrough
        default:
            return Array(line[0..<field(min(2, starts.count - 1)).upperBound])
        }
    }
}
