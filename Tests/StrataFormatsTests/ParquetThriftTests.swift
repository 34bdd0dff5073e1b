import Testing
import StrataCore
@testable import StrataFormats

@Suite struct ParquetThriftTests {
    @Test func varintAndZigzagVectors() throws {
        var w = ThriftWriter()
        w.zigzag(0); w.zigzag(3); w.zigzag(-1); w.zigzag(1); w.zigzag(-64); w.zigzag(64)
        #expect(w.bytes == [0x00, 0x06, 0x01, 0x02, 0x7F, 0x80, 0x01])
        var r = ThriftReader(w.bytes)
        #expect((0..<6).map { _ in (try? r.zigzag64()) ?? 99 } == [0, 3, -1, 1, -64, 64])
        var big = ThriftWriter()
        big.zigzag(Int64.min)
        var rb = ThriftReader(big.bytes)
        #expect(try rb.zigzag64() == Int64.min)
    }

    @Test func fieldHeadersAndLists() throws {
        var w = ThriftWriter()
        w.beginElementStruct()
        w.i32(1, 5)            // delta 1, i32: 0x15, zigzag(5) = 0x0a
        w.bool(2, true)        // delta 1, TRUE: 0x11
        w.i64(20, 7)           // delta 18 > 15: type byte 0x06 then zigzag(20) = 0x28
        w.listHeader(21, elementType: ThriftType.i32, count: 2)
        w.rawI32(1); w.rawI32(-1)
        w.endStruct()
        #expect(w.bytes == [0x15, 0x0A, 0x11, 0x06, 0x28, 0x0E, 0x19, 0x25, 0x02, 0x01, 0x00])
        var longList = ThriftWriter()
        longList.listHeader(1, elementType: ThriftType.binary, count: 20)
        #expect(longList.bytes == [0x19, 0xF8, 0x14])
    }

    @Test func definitionLevelsVector() {
        #expect(ParquetChunkEncoder.definitionLevels([true, false, true]) == [0x02, 0x00, 0x00, 0x00, 0x03, 0x05])
        // A long run of valid values is one RLE run: varint(1000 << 1) = d0 0f, value 01.
        #expect(ParquetChunkEncoder.definitionLevels(Array(repeating: true, count: 1000)) == [0x03, 0, 0, 0, 0xD0, 0x0F, 0x01])
    }

    @Test(arguments: [1, 2, 3, 7, 10, 20])
    func rleHybridRoundTrip(bitWidth: Int) throws {
        var values: [UInt32] = []
        let maxV = UInt32((1 << bitWidth) - 1)
        for i in 0..<3000 {
            // Mix of long runs and noise.
            values.append(i % 500 < 200 ? 1 : UInt32(i * 7919 % Int(maxV + 1)))
        }
        values.append(contentsOf: repeatElement(maxV, count: 13))
        let bytes = RLEHybrid.encode(values, bitWidth: bitWidth)
        var back: [UInt32] = []
        _ = try bytes.withUnsafeBytes { try RLEHybrid.decode($0, bitWidth: bitWidth, count: values.count, into: &back) }
        #expect(back == values)
        // Runs made it shorter than pure bit-packing.
        #expect(bytes.count < values.count * bitWidth / 8)
    }

    @Test func rleDecodeTruncatedThrows() throws {
        let bytes = RLEHybrid.encode(Array(repeating: 3, count: 5) + [1, 2, 3], bitWidth: 2)
        var out: [UInt32] = []
        #expect(throws: StrataError.self) {
            try Array(bytes.prefix(1)).withUnsafeBytes { try RLEHybrid.decode($0, bitWidth: 2, count: 8, into: &out) }
        }
    }

    @Test func readerSkipsUnknownFieldsOfEveryType() throws {
        var w = ThriftWriter()
        w.beginElementStruct()
        w.fieldHeader(1, ThriftType.i8); w.bytes.append(0x7F)
        w.i16(2, -3)
        w.i32(3, 42)                                   // known
        w.fieldHeader(4, ThriftType.double); w.bytes.append(contentsOf: [UInt8](repeating: 1, count: 8))
        w.string(5, "skip me")
        w.listHeader(6, elementType: ThriftType.structure, count: 1)
        w.beginElementStruct(); w.i32(1, 1); w.endStruct()
        w.fieldHeader(7, ThriftType.set); w.bytes.append(0x21); w.bytes.append(0x01)   // set<bool> of 2
        w.bytes[w.bytes.count - 1] = 0x01; w.bytes.append(0x02)
        w.fieldHeader(8, ThriftType.map); w.varint(1); w.bytes.append(0x85); w.rawString("k"); w.rawI32(9)
        w.beginStruct(9); w.bool(1, false); w.beginStruct(2); w.endStruct(); w.endStruct()
        w.bool(10, true)
        w.string(300, "far id")                        // long-form field header
        w.i64(301, 99)                                 // known
        w.endStruct()
        var r = ThriftReader(w.bytes)
        var got: [Int64] = []
        try r.readStruct { r, id, t in
            switch id {
            case 3: got.append(Int64(try r.i32(t)))
            case 301: got.append(try r.i64(t))
            default: return false
            }
            return true
        }
        #expect(got == [42, 99])
        #expect(r.remaining == 0)
    }

    @Test func footerRoundTrip() throws {
        let schema = ParquetTestData.schema
        let meta = FileMetaData(version: 1, schema: SchemaElement.elements(for: schema), numRows: 0, rowGroups: [],
                                keyValueMetadata: [KeyValue(key: "k", value: "v")], createdBy: "strata version 0.1.0",
                                columnOrders: schema.count)
        let parsed = try FileMetaData.parse(meta.serialized())
        #expect(parsed == meta)
    }

    @Test func malformedInputNeverTraps() {
        var x: UInt64 = 0x1234_5678
        var failures = 0
        for n in 0..<2000 {
            let bytes = (0..<(n % 64)).map { _ -> UInt8 in
                x = x &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return UInt8(truncatingIfNeeded: x >> 33)
            }
            do { _ = try FileMetaData.parse(bytes) } catch { failures += 1 }
            var r = ThriftReader(bytes)
            _ = try? PageHeader.read(&r)
        }
        #expect(failures > 1900, "random bytes are (almost) never a valid footer")
    }
}
