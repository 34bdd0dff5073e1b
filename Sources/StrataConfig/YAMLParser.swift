internal import CYaml
import StrataCore

/// One libyaml parse event, converted to Swift values (no C type leaves this file).
enum YAMLEvent {
    case streamStart
    case streamEnd
    case documentStart(Mark)
    case documentEnd
    case alias(anchor: String, Mark)
    case scalar(String, quoted: Bool, tag: String?, anchor: String?, Mark)
    case sequenceStart(tag: String?, anchor: String?, Mark)
    case sequenceEnd
    case mappingStart(tag: String?, anchor: String?, Mark)
    case mappingEnd
}

/// Owns a libyaml `yaml_parser_t` and a private copy of the input bytes; yields events one by one.
///
/// libyaml is a non-recursive state machine, so deep nesting cannot overflow its stack; the
/// node builder stops pulling events as soon as a limit is crossed.
final class YAMLParser {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let event: UnsafeMutablePointer<yaml_event_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private let bytes: [UInt8]
    private let file: String
    private var finished = false

    init(bytes: [UInt8], file: String) throws {
        self.bytes = bytes
        self.file = file
        parser = .allocate(capacity: 1)
        event = .allocate(capacity: 1)
        input = .allocate(capacity: max(bytes.count, 1))
        _ = input.initialize(from: bytes)
        guard yaml_parser_initialize(parser) != 0 else {
            parser.deallocate()
            event.deallocate()
            input.deallocate()
            throw StrataError(.internalError, "libyaml could not initialize a parser")
        }
        yaml_parser_set_input_string(parser, input.baseAddress, bytes.count)
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
    }

    deinit {
        yaml_parser_delete(parser)
        parser.deallocate()
        event.deallocate()
        input.deallocate()
    }

    /// The next event; nil after the stream's end. Throws libyaml's syntax error with its position.
    func next() throws -> YAMLEvent? {
        if finished { return nil }
        guard yaml_parser_parse(parser, event) != 0 else { throw syntaxError() }
        defer { yaml_event_delete(event) }
        let e = event.pointee
        let mark = Mark(line: Int(e.start_mark.line) + 1, column: Int(e.start_mark.column) + 1)
        // Compare raw values: in debug builds, `==` on an imported C enum goes through a
        // generic RawRepresentable witness and was 7% of parse time.
        switch e.type.rawValue {
        case Self.scalarEvent:
            let s = e.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: s.value, count: Int(s.length)), as: UTF8.self)
            return .scalar(value, quoted: s.style.rawValue != Self.plainStyle,
                           tag: Self.string(s.tag), anchor: Self.string(s.anchor), mark)
        case Self.mappingStartEvent:
            let s = e.data.mapping_start
            return .mappingStart(tag: Self.string(s.tag), anchor: Self.string(s.anchor), mark)
        case Self.mappingEndEvent:
            return .mappingEnd
        case Self.sequenceStartEvent:
            let s = e.data.sequence_start
            return .sequenceStart(tag: Self.string(s.tag), anchor: Self.string(s.anchor), mark)
        case Self.sequenceEndEvent:
            return .sequenceEnd
        case Self.aliasEvent:
            return .alias(anchor: Self.string(e.data.alias.anchor) ?? "", mark)
        case Self.documentStartEvent:
            return .documentStart(mark)
        case Self.documentEndEvent:
            return .documentEnd
        case Self.streamStartEvent:
            return .streamStart
        case Self.streamEndEvent:
            finished = true
            return .streamEnd
        default:
            // YAML_NO_EVENT: libyaml produced nothing although it reported success.
            throw StrataError(.internalError, "libyaml returned an empty event")
        }
    }

    private static let scalarEvent = YAML_SCALAR_EVENT.rawValue
    private static let mappingStartEvent = YAML_MAPPING_START_EVENT.rawValue
    private static let mappingEndEvent = YAML_MAPPING_END_EVENT.rawValue
    private static let sequenceStartEvent = YAML_SEQUENCE_START_EVENT.rawValue
    private static let sequenceEndEvent = YAML_SEQUENCE_END_EVENT.rawValue
    private static let aliasEvent = YAML_ALIAS_EVENT.rawValue
    private static let documentStartEvent = YAML_DOCUMENT_START_EVENT.rawValue
    private static let documentEndEvent = YAML_DOCUMENT_END_EVENT.rawValue
    private static let streamStartEvent = YAML_STREAM_START_EVENT.rawValue
    private static let streamEndEvent = YAML_STREAM_END_EVENT.rawValue
    private static let plainStyle = YAML_PLAIN_SCALAR_STYLE.rawValue

    private static func string(_ p: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        guard let p else { return nil }
        return String(cString: p)
    }

    /// libyaml's own problem text, positioned where libyaml saw the problem.
    private func syntaxError() -> StrataError {
        let p = parser.pointee
        let problem = p.problem.map { String(cString: $0) } ?? "unknown error"
        var line: Int
        var column: Int
        if p.error == YAML_READER_ERROR {
            // Reader errors (bad encoding) carry a byte offset rather than a mark.
            (line, column) = Self.position(ofByte: Int(p.problem_offset), in: bytes)
        } else {
            line = Int(p.problem_mark.line) + 1
            column = Int(p.problem_mark.column) + 1
        }
        var message = "invalid YAML: \(problem)"
        if let context = p.context.map({ String(cString: $0) }) {
            message += " (\(context) at \(Int(p.context_mark.line) + 1):\(Int(p.context_mark.column) + 1))"
        }
        if line < 1 { line = 1 }
        if column < 1 { column = 1 }
        return StrataError(.invalidConfig, message, location: .init(file: file, line: line, column: column))
    }

    /// 1-based line and column (in characters) of a byte offset.
    static func position(ofByte offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for b in bytes.prefix(offset) {
            if b == UInt8(ascii: "\n") {
                line += 1
                column = 1
            } else if b & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }
}
