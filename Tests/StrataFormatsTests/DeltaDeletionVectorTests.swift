import Foundation
import Testing
import StrataCore
import StrataTestSupport
@testable import StrataFormats

/// Deletion vectors (inline and in files; array, bitmap and run containers), built to the Delta
/// spec with pyroaring's portable bitmaps and checked first with delta-rs's DataFusion reader,
/// which applies them: Strata must read the same rows.
@Suite struct DeltaDeletionVectorTests {
    static let build = #"""
import sys, json, os, uuid, zlib, struct, glob
import pyarrow as pa
from deltalake import write_deltalake, DeltaTable
from pyroaring import BitMap
path = sys.argv[1]
ALPHA = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
def z85(b):
    assert len(b) % 4 == 0
    out = []
    for i in range(0, len(b), 4):
        v = int.from_bytes(b[i:i+4], 'big')
        chunk = []
        for _ in range(5):
            chunk.append(ALPHA[v % 85]); v //= 85
        out.append(''.join(reversed(chunk)))
    return ''.join(out)
def serialized(rows):
    by_high = {}
    for r in rows: by_high.setdefault(r >> 32, []).append(r & 0xFFFFFFFF)
    out = struct.pack('<I', 1681511377) + struct.pack('<Q', len(by_high))
    for h in sorted(by_high):
        bm = BitMap(by_high[h]); bm.run_optimize()
        out += struct.pack('<I', h) + bm.serialize()
    return out
write_deltalake(path, pa.table({'id': pa.array(range(0, 5000), pa.int64())}), mode='append')
write_deltalake(path, pa.table({'id': pa.array(range(5000, 6000), pa.int64())}), mode='append')
dt = DeltaTable(path)
adds = {}
for f in sorted(glob.glob(f'{path}/_delta_log/*.json')):
    for line in open(f):
        a = json.loads(line).get('add')
        if a: adds[a['path']] = {'size': a['size'], 'modification_time': a['modificationTime'], 'num_records': json.loads(a['stats'])['numRecords']}
files = sorted(adds, key=lambda p: adds[p]['size'], reverse=True)
big, small = files[0], files[1]
# Inline vector on the small file (rows 0, 7 and 900..999 of it); a file vector on the big one:
# a long run (run container), a dense block (bitmap container) and scattered rows.
inline_rows = [0, 7] + list(range(900, 1000))
file_rows = list(range(10, 2000)) + [r for r in range(2100, 4200) if r % 3 == 0] + [4999]
blob = serialized(inline_rows)
pad = (-len(blob)) % 4
inline = {'storageType': 'i', 'pathOrInlineDv': z85(blob + b'\0' * pad), 'sizeInBytes': len(blob), 'cardinality': len(inline_rows)}
u = uuid.uuid4()
data = serialized(file_rows)
with open(f'{path}/deletion_vector_{u}.bin', 'wb') as f:
    f.write(b'\x01' + struct.pack('>I', len(data)) + data + struct.pack('>I', zlib.crc32(data)))
ondisk = {'storageType': 'u', 'pathOrInlineDv': z85(u.bytes), 'offset': 1, 'sizeInBytes': len(data), 'cardinality': len(file_rows)}
def add(p, dv):
    a = adds[p]
    return {'add': {'path': p, 'partitionValues': {}, 'size': a['size'], 'modificationTime': a['modification_time'],
                    'dataChange': True, 'stats': json.dumps({'numRecords': a['num_records']}), 'deletionVector': dv}}
lines = [{'commitInfo': {'timestamp': 1, 'operation': 'DELETE'}},
         {'protocol': {'minReaderVersion': 3, 'minWriterVersion': 7, 'readerFeatures': ['deletionVectors'], 'writerFeatures': ['deletionVectors']}},
         {'remove': {'path': small, 'deletionTimestamp': 1, 'dataChange': True}},
         add(small, inline),
         {'remove': {'path': big, 'deletionTimestamp': 1, 'dataChange': True}},
         add(big, ondisk)]
v = dt.version() + 1
with open(f'{path}/_delta_log/{v:020d}.json', 'w') as f:
    f.write('\n'.join(json.dumps(l) for l in lines) + '\n')
dt = DeltaTable(path)
from deltalake import QueryBuilder
import pyarrow as pa
ids = sorted(pa.table(QueryBuilder().register('t', dt).execute('select id from t').read_all()).column('id').to_pylist())
print(json.dumps({'ids': ids, 'deleted': len(inline_rows) + len(file_rows)}))
"""#

    @Test(.enabled(if: PythonOracle.available))
    func readsTheRowsDeltaRsReads() throws {
        let dir = try TempDir("delta-dv")
        let out = try PythonOracle.json(Self.build, [dir.path]) as! [String: Any]
        let expected = (out["ids"] as! [Int]).map(Int64.init)
        #expect(expected.count == 6000 - (out["deleted"] as! Int))
        let snap = try DeltaLog(tablePath: dir.path).snapshot()
        #expect(snap.numRecords == expected.count, "row counts subtract the deleted rows")
        #expect(snap.files.allSatisfy { $0.deletionVector != nil })
        let reader = try DeltaTableReader(tablePath: dir.path)
        var ids: [Int64] = []
        while let b = try reader.next() {
            let c = b.column(named: "id")!
            ids += (0..<b.rowCount).map { if case .int(let v) = c.value($0) { return v } else { return -1 } }
        }
        #expect(ids.sorted() == expected)
    }

    @Test func damagedVectorsThrow() throws {
        // Wrong magic, truncation and a cookie that is no Roaring format.
        #expect(throws: StrataError.self) { try DeltaDeletionVector.decodeBitmapArray([1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0]) }
        #expect(throws: StrataError.self) { try DeltaDeletionVector.decodeBitmapArray([0xD1, 0xD3, 0x39, 0x64, 1, 0]) }
        #expect(throws: StrataError.self) {
            try DeltaDeletionVector.decodeBitmapArray([0xD1, 0xD3, 0x39, 0x64, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 9, 9, 9])
        }
        #expect(throws: StrataError.self) { try DeltaDeletionVector.z85Decode("abc") }
        // Two overlapping full-range runs: decoding stops at the declared cardinality instead of
        // expanding 131,070 rows (a crafted vector cannot exhaust memory).
        var runs: [UInt8] = [0xD1, 0xD3, 0x39, 0x64, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]  // magic, one bitmap, key 0
        runs += [0x3B, 0x30, 0x00, 0x00, 0x01, 0x00, 0x00, 0xFF, 0xFF]  // run cookie, 1 container, run flag, key 0, card 65536
        runs += [0x02, 0x00, 0x00, 0x00, 0xFE, 0xFF, 0x00, 0x00, 0xFE, 0xFF]  // 2 runs of 65,535 rows each
        #expect(throws: StrataError.self) { try DeltaDeletionVector.decodeBitmapArray(runs, limit: 10) }
        #expect(try DeltaDeletionVector.decodeBitmapArray(runs).count == 131_070, "unbounded, the same bytes decode")
        let dv = DeltaDeletionVector(storageType: "u", pathOrInlineDv: "0000000000000000000000", offset: 1, sizeInBytes: 10, cardinality: 1)
        let missing = #expect(throws: StrataError.self) { try dv.deletedRows(tablePath: "/nonexistent") }
        #expect(missing?.code == .notFound)
    }
}
