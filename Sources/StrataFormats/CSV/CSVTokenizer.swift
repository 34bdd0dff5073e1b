import StrataCore

/// Splits a CSV byte stream into rows of fields, in place in the file's read buffer.
///
/// `nextRow` fills `fieldCount` fields: field `i` is `field(i, in:)` (bytes in the read buffer, or
/// in `scratch` for quoted fields that contained doubled quotes or escapes), valid until the next
/// call. It records the 1-based line the row started on, the row's raw bytes, and `rowError` when
/// the row is malformed (unterminated quote, text after a closing quote); the row is still
/// delimited so reading resumes at the next one.
struct CSVTokenizer {
    private let delimiter: UInt8
    private let quote: UInt8
    private let escape: UInt8?
    private let trimSpaces: Bool
    /// Field bounds and stop tables, in memory owned by a class (no per-field array bookkeeping).
    private let store: FieldStore

    private(set) var fieldCount = 0
    private(set) var scratch: [UInt8] = []
    private(set) var rowError: String?
    /// The line the current row starts on.
    private(set) var rowLine = 0
    /// The current row's bytes in the read buffer (without its line terminator).
    private(set) var rowStart = 0
    private(set) var rowEnd = 0
    /// The line the next row starts on.
    private var line = 1
    private var sawBOMCheck = false

    static let scratchFlag: UInt8 = 1
    static let quotedFlag: UInt8 = 2

    init(options: CSVOptions) {
        delimiter = options.delimiter
        quote = options.quote
        escape = options.escape
        trimSpaces = options.trimSpaces
        store = FieldStore(options: options)
    }

    /// Start offset of field `i` (in the read buffer, or in `scratch` when flagged).
    @inline(__always) func start(_ i: Int) -> Int { store.starts[i] }
    @inline(__always) func end(_ i: Int) -> Int { store.ends[i] }
    @inline(__always) func flags(_ i: Int) -> UInt8 { store.flags[i] }

    /// The bytes of field `i` of the current row; `base` is the file's buffer.
    @inline(__always)
    func field(_ i: Int, base: UnsafePointer<UInt8>, scratch s: UnsafePointer<UInt8>?) -> UnsafeBufferPointer<UInt8> {
        let start = store.starts[i]
        let p = store.flags[i] & Self.scratchFlag != 0 ? s! + start : base + start
        return UnsafeBufferPointer(start: p, count: store.ends[i] - start)
    }

    /// The raw text of the current row, for quarantine.
    func rawRow(_ file: ChunkedFile) -> String {
        String(decoding: UnsafeBufferPointer(start: file.buffer + rowStart, count: rowEnd - rowStart), as: UTF8.self)
    }

    private enum Outcome {
        case incomplete
        case row(next: Int, end: Int, newlines: Int)
    }

    /// Reads the next non-empty row; false at end of input.
    mutating func nextRow(_ file: ChunkedFile) throws -> Bool {
        if !sawBOMCheck {
            sawBOMCheck = true
            while file.end - file.start < 3, try file.refill() {}
            let b = file.buffer + file.start
            if file.end - file.start >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { file.consume(upTo: file.start + 3) }
        }
        while true {
            let base = UnsafePointer(file.buffer)
            let limit = file.end
            let eof = file.atEOF
            var p = file.start
            // Skip empty lines.
            while p < limit {
                if base[p] == 0x0A {
                    p += 1
                    line += 1
                } else if base[p] == 0x0D {
                    if p + 1 == limit && !eof { break }
                    p += p + 1 < limit && base[p + 1] == 0x0A ? 2 : 1
                    line += 1
                } else {
                    break
                }
            }
            file.consume(upTo: p)
            if p == limit {
                if eof { return false }
                _ = try file.refill()
                continue
            }
            if base[p] == 0x0D {  // a CR that ends the buffer: is an LF next?
                _ = try file.refill()
                continue
            }
            switch scan(base, p, limit, eof) {
            case .incomplete:
                _ = try file.refill()
                continue
            case let .row(next, end, newlines):
                rowLine = line
                line += newlines
                rowStart = p
                rowEnd = end
                file.consume(upTo: next)
                return true
            }
        }
    }

    @inline(__always)
    private mutating func record(_ start: Int, _ end: Int, _ flag: UInt8) {
        if fieldCount == store.capacity { store.grow() }
        store.starts[fieldCount] = start
        store.ends[fieldCount] = end
        store.flags[fieldCount] = flag
        fieldCount += 1
    }

    /// Scans one row starting at `start` (not an empty line). The byte at `limit` is a sentinel LF.
    private mutating func scan(_ base: UnsafePointer<UInt8>, _ start: Int, _ limit: Int, _ eof: Bool) -> Outcome {
        if !scratch.isEmpty { scratch.removeAll(keepingCapacity: true) }
        fieldCount = 0
        rowError = nil
        var newlines = 0
        var p = start
        let ustop = store.unquotedStops
        let qstop = store.quotedStops
        do {
            do {
                while true {
                    var fieldStart = p
                    var afterQuote = false
                    var q = p
                    if trimSpaces { while q < limit, base[q] == 0x20 { q += 1 } }
                    if q < limit, base[q] == quote {
                        // Quoted field.
                        q += 1
                        var seg = q
                        var inScratch = false
                        let scratchBegin = scratch.count
                        var contentStart = q, contentEnd = q
                        while true {
                            while qstop[Int(base[q])] == 0 { q += 1 }
                            if q >= limit {
                                if !eof { return .incomplete }
                                rowError = "unterminated quoted field"
                                record(seg, limit, Self.quotedFlag)
                                return .row(next: limit, end: limit, newlines: newlines)
                            }
                            let c = base[q]
                            if c == 0x0A { newlines += 1; q += 1; continue }
                            if q + 1 >= limit && !eof { return .incomplete }
                            if c == quote {
                                if q + 1 < limit, base[q + 1] == quote {
                                    scratch.append(contentsOf: UnsafeBufferPointer(start: base + seg, count: q + 1 - seg))
                                    inScratch = true
                                    q += 2
                                    seg = q
                                    continue
                                }
                                if inScratch {
                                    scratch.append(contentsOf: UnsafeBufferPointer(start: base + seg, count: q - seg))
                                    contentStart = scratchBegin
                                    contentEnd = scratch.count
                                } else {
                                    contentStart = seg
                                    contentEnd = q
                                }
                                q += 1
                                break
                            }
                            // The escape byte: the next byte is literal.
                            if q + 1 >= limit {
                                rowError = "unterminated quoted field"
                                record(seg, limit, Self.quotedFlag)
                                return .row(next: limit, end: limit, newlines: newlines)
                            }
                            scratch.append(contentsOf: UnsafeBufferPointer(start: base + seg, count: q - seg))
                            scratch.append(base[q + 1])
                            if base[q + 1] == 0x0A { newlines += 1 }
                            inScratch = true
                            q += 2
                            seg = q
                        }
                        if trimSpaces { while q < limit, base[q] == 0x20 { q += 1 } }
                        let flag = Self.quotedFlag | (inScratch ? Self.scratchFlag : 0)
                        if q >= limit {
                            if !eof { return .incomplete }
                            record(contentStart, contentEnd, flag)
                            return .row(next: limit, end: limit, newlines: newlines)
                        }
                        let c = base[q]
                        if c == delimiter {
                            record(contentStart, contentEnd, flag)
                            p = q + 1
                            continue
                        }
                        if c == 0x0A {
                            record(contentStart, contentEnd, flag)
                            return .row(next: q + 1, end: q, newlines: newlines + 1)
                        }
                        if c == 0x0D {
                            if q + 1 >= limit && !eof { return .incomplete }
                            record(contentStart, contentEnd, flag)
                            let next = q + 1 < limit && base[q + 1] == 0x0A ? q + 2 : q + 1
                            return .row(next: next, end: q, newlines: newlines + 1)
                        }
                        // Text after the closing quote: keep the row's shape, report it.
                        if rowError == nil { rowError = "text after closing quote in field \(fieldCount + 1)" }
                        afterQuote = true
                    }
                    if !afterQuote { fieldStart = p; q = p }
                    // Unquoted field (or the tail of a malformed quoted one).
                    while ustop[Int(base[q])] == 0 { q += 1 }
                    if q >= limit {
                        if !eof { return .incomplete }
                        record(fieldStart, limit, 0)
                        return .row(next: limit, end: limit, newlines: newlines)
                    }
                    let c = base[q]
                    if c == delimiter {
                        record(fieldStart, q, 0)
                        p = q + 1
                        continue
                    }
                    if c == 0x0A {
                        record(fieldStart, q, 0)
                        return .row(next: q + 1, end: q, newlines: newlines + 1)
                    }
                    // CR
                    if q + 1 >= limit && !eof { return .incomplete }
                    record(fieldStart, q, 0)
                    let next = q + 1 < limit && base[q + 1] == 0x0A ? q + 2 : q + 1
                    return .row(next: next, end: q, newlines: newlines + 1)
                }
            }
        }
    }
}

/// The tokenizer's field bounds and byte-class tables, in manually managed memory freed by `deinit`.
final class FieldStore {
    private(set) var starts: UnsafeMutablePointer<Int>
    private(set) var ends: UnsafeMutablePointer<Int>
    private(set) var flags: UnsafeMutablePointer<UInt8>
    private(set) var capacity = 64
    /// 1 for bytes that end an unquoted field: delimiter, LF, CR.
    let unquotedStops: UnsafeMutablePointer<UInt8>
    /// 1 for bytes that need a look inside a quoted field: quote, escape, LF.
    let quotedStops: UnsafeMutablePointer<UInt8>

    init(options: CSVOptions) {
        starts = .allocate(capacity: capacity)
        ends = .allocate(capacity: capacity)
        flags = .allocate(capacity: capacity)
        unquotedStops = .allocate(capacity: 256)
        unquotedStops.initialize(repeating: 0, count: 256)
        unquotedStops[Int(options.delimiter)] = 1
        unquotedStops[0x0A] = 1
        unquotedStops[0x0D] = 1
        quotedStops = .allocate(capacity: 256)
        quotedStops.initialize(repeating: 0, count: 256)
        quotedStops[Int(options.quote)] = 1
        quotedStops[0x0A] = 1
        if let e = options.escape { quotedStops[Int(e)] = 1 }
    }

    func grow() {
        let n = capacity * 2
        let s = UnsafeMutablePointer<Int>.allocate(capacity: n), e = UnsafeMutablePointer<Int>.allocate(capacity: n)
        let f = UnsafeMutablePointer<UInt8>.allocate(capacity: n)
        s.update(from: starts, count: capacity)
        e.update(from: ends, count: capacity)
        f.update(from: flags, count: capacity)
        starts.deallocate(); ends.deallocate(); flags.deallocate()
        starts = s; ends = e; flags = f
        capacity = n
    }

    deinit {
        starts.deallocate(); ends.deallocate(); flags.deallocate()
        unquotedStops.deallocate(); quotedStops.deallocate()
    }
}
