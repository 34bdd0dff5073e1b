public import StrataCore
public import StrataFormats
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension DeltaLog {
    /// The checkpoint schema Strata writes: the Delta spec's action columns it uses, with the
    /// types Spark and delta-rs expect (int32 versions and vector sizes, string maps).
    static let checkpointFields: [ParquetNestedWriter.NestedField] = {
        typealias F = ParquetNestedWriter.NestedField
        let dv = F("deletionVector", .group([F("storageType", .string, required: true), F("pathOrInlineDv", .string, required: true),
                                             F("offset", .int32), F("sizeInBytes", .int32, required: true),
                                             F("cardinality", .int64, required: true)]))
        return [
            F("txn", .group([F("appId", .string, required: true), F("version", .int64, required: true), F("lastUpdated", .int64)])),
            F("add", .group([F("path", .string, required: true), F("partitionValues", .stringMap(valueRequired: false), required: true),
                             F("size", .int64, required: true), F("modificationTime", .int64, required: true),
                             F("dataChange", .bool, required: true), F("stats", .string), dv])),
            F("remove", .group([F("path", .string, required: true), F("deletionTimestamp", .int64), F("dataChange", .bool, required: true),
                                F("extendedFileMetadata", .bool), F("partitionValues", .stringMap(valueRequired: false)),
                                F("size", .int64), dv])),
            F("metaData", .group([F("id", .string, required: true), F("name", .string), F("description", .string),
                                  F("format", .group([F("provider", .string, required: true),
                                                      F("options", .stringMap(valueRequired: false), required: true)]), required: true),
                                  F("schemaString", .string, required: true), F("partitionColumns", .stringList, required: true),
                                  F("configuration", .stringMap(valueRequired: false), required: true), F("createdTime", .int64)])),
            F("protocol", .group([F("minReaderVersion", .int32, required: true), F("minWriterVersion", .int32, required: true),
                                  F("readerFeatures", .stringList), F("writerFeatures", .stringList)])),
        ]
    }()

    /// Writes a classic Parquet checkpoint of `version` (`<v>.checkpoint.parquet`, then
    /// `_last_checkpoint`), each through a temporary file renamed into place, so a reader sees
    /// a whole checkpoint or none. The JSON commits stay: Strata never deletes its history.
    @discardableResult
    public func writeCheckpoint(version: Int64? = nil) throws -> DeltaCheckpoint {
        let snap = try snapshot(at: version)
        if snap.tableProtocol.effectiveWriterFeatures.contains("v2Checkpoint") {
            throw StrataError(.unsupported, "table \(tablePath) uses v2 checkpoints, which strata does not write")
        }
        var writer = ParquetNestedWriter(fields: Self.checkpointFields)
        func row(_ a: DeltaAction) throws {
            guard let m = a.json.members?.first else { return }
            try writer.append([m.key: m.value])
        }
        try row(.protocol(snap.tableProtocol))
        try row(.metaData(snap.metadata))
        for (app, v) in snap.txnVersions.sorted(by: { $0.key < $1.key }) { try row(.txn(appId: app, version: v, lastUpdated: nil)) }
        for f in snap.files { try row(.add(f)) }
        for r in snap.tombstones { try row(.remove(r)) }
        let name = String(DeltaLog.commitFileName(snap.version).dropLast(5)) + ".checkpoint.parquet"
        let final = logPath + "/" + name
        let tmp = logPath + "/.tmp-" + UUID().uuidString.lowercased() + ".parquet"
        do {
            try writer.write(to: tmp, createdBy: "strata version 0.1.0")
            guard rename(tmp, final) == 0 else { throw StrataError(.io, "cannot move the checkpoint into place", cause: String(cString: strerror(errno))) }
        } catch {
            unlink(tmp)
            throw error
        }
        let size = ((try? FileManager.default.attributesOfItem(atPath: final))?[.size] as? NSNumber)?.intValue ?? 0 // only informs _last_checkpoint
        let rows = 2 + snap.txnVersions.count + snap.files.count + snap.tombstones.count
        let last = JSONValue.object([JSONMember("version", .int(snap.version)), JSONMember("size", .int(Int64(rows))),
                                     JSONMember("sizeInBytes", .int(Int64(size))), JSONMember("numOfAddFiles", .int(Int64(snap.files.count)))])
        let lastTmp = logPath + "/.tmp-" + UUID().uuidString.lowercased() + ".last"
        try Data(last.serialized.utf8).write(to: URL(fileURLWithPath: lastTmp))
        guard rename(lastTmp, logPath + "/_last_checkpoint") == 0 else {
            unlink(lastTmp)
            throw StrataError(.io, "cannot update _last_checkpoint", cause: String(cString: strerror(errno)))
        }
        return DeltaCheckpoint(version: snap.version, parts: [final])
    }

    /// The checkpoint interval of a table: `delta.checkpointInterval`, else `fallback`.
    public static func checkpointInterval(_ metadata: DeltaMetadata, fallback: Int) -> Int {
        metadata.configuration["delta.checkpointInterval"].flatMap { Int($0) }.map { max(0, $0) } ?? fallback
    }
}
