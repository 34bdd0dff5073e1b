import StrataCore

extension DeltaAction {
    /// The action as its one-line JSON object, as written in a commit file.
    public var json: JSONValue {
        switch self {
        case .protocol(let p):
            var members = [JSONMember("minReaderVersion", .int(Int64(p.minReader))), JSONMember("minWriterVersion", .int(Int64(p.minWriter)))]
            if let r = p.readerFeatures { members.append(JSONMember("readerFeatures", .array(r.map { .string($0) }))) }
            if let w = p.writerFeatures { members.append(JSONMember("writerFeatures", .array(w.map { .string($0) }))) }
            return .object([JSONMember("protocol", .object(members))])
        case .metaData(let m):
            var members: [JSONMember] = [JSONMember("id", .string(m.id))]
            if let n = m.name { members.append(JSONMember("name", .string(n))) }
            if let d = m.description { members.append(JSONMember("description", .string(d))) }
            members += [
                JSONMember("format", .object(["provider": .string("parquet"), "options": .object([])])),
                JSONMember("schemaString", .string(m.schemaStringToWrite)),
                JSONMember("partitionColumns", .array(m.partitionColumns.map { .string($0) })),
                JSONMember("configuration", .sortedObject(m.configuration.mapValues { .string($0) })),
            ]
            if let c = m.createdTime { members.append(JSONMember("createdTime", .int(c))) }
            return .object([JSONMember("metaData", .object(members))])
        case .add(let a):
            var members: [JSONMember] = [
                JSONMember("path", .string(DeltaPartitions.encodeLogPath(a.path))),
                JSONMember("partitionValues", DeltaAction.partitionJSON(a.partitionValues)),
                JSONMember("size", .int(Int64(a.size))),
                JSONMember("modificationTime", .int(a.modificationTime)),
                JSONMember("dataChange", .bool(a.dataChange)),
            ]
            if let raw = a.originalStats.value {
                members.append(JSONMember("stats", .string(raw)))
            } else if let s = a.stats {
                members.append(JSONMember("stats", .string(s.json.serialized)))
            }
            if let dv = a.deletionVector { members.append(JSONMember("deletionVector", dv.json)) }
            return .object([JSONMember("add", .object(members))])
        case .remove(let r):
            var members: [JSONMember] = [
                JSONMember("path", .string(DeltaPartitions.encodeLogPath(r.path))),
                JSONMember("deletionTimestamp", .int(r.deletionTimestamp)),
                JSONMember("dataChange", .bool(r.dataChange)),
            ]
            if let pv = r.partitionValues, let size = r.size {
                members.append(JSONMember("extendedFileMetadata", .bool(true)))
                members.append(JSONMember("partitionValues", DeltaAction.partitionJSON(pv)))
                members.append(JSONMember("size", .int(Int64(size))))
            }
            if let dv = r.deletionVector { members.append(JSONMember("deletionVector", dv.json)) }
            return .object([JSONMember("remove", .object(members))])
        case let .txn(appId, version, lastUpdated):
            var members: [JSONMember] = [JSONMember("appId", .string(appId)), JSONMember("version", .int(version))]
            if let l = lastUpdated { members.append(JSONMember("lastUpdated", .int(l))) }
            return .object([JSONMember("txn", .object(members))])
        case .commitInfo(let c):
            var members: [JSONMember] = [
                JSONMember("timestamp", .int(c.timestamp)),
                JSONMember("operation", .string(c.operation)),
                JSONMember("operationParameters", .sortedObject(c.operationParameters.mapValues { .string($0) })),
            ]
            if let b = c.isBlindAppend { members.append(JSONMember("isBlindAppend", .bool(b))) }
            let reserved: Set = ["timestamp", "operation", "operationParameters", "isBlindAppend", "version"]
            for k in c.fields.keys.sorted() where !reserved.contains(k) { members.append(JSONMember(k, c.fields[k]!)) }
            return .object([JSONMember("commitInfo", .object(members))])
        }
    }

    static func partitionJSON(_ values: [String: String?]) -> JSONValue {
        .object(values.keys.sorted().map { k in JSONMember(k, values[k]!.map { .string($0) } ?? .null) })
    }

    /// Decodes one log line's object; nil for action types Strata does not use (they are skipped).
    ///
    /// `file:line` locate the line in errors about missing or mistyped required fields.
    static func decode(_ v: JSONValue, file: String, line: Int) throws -> DeltaAction? {
        guard let members = v.members, let first = members.first else {
            throw StrataError(.corruptData, "a Delta log line must be a JSON object with one action",
                              location: SourceLocation(file: file, line: line))
        }
        let body = first.value
        func bad(_ what: String) -> StrataError {
            StrataError(.corruptData, "'\(first.key)' action: \(what)", location: SourceLocation(file: file, line: line))
        }
        func str(_ k: String) throws -> String {
            guard let s = body[k]?.stringValue else { throw bad("missing or non-string '\(k)'") }
            return s
        }
        func int(_ k: String) throws -> Int64 {
            guard let i = body[k]?.int64Value else { throw bad("missing or non-integer '\(k)'") }
            return i
        }
        func partitions(_ j: JSONValue?) throws -> [String: String?] {
            var out: [String: String?] = [:]
            for m in j?.members ?? [] {
                switch m.value {
                case .null: out[m.key] = .some(nil)
                case .string(let s): out[m.key] = .some(s)
                default: throw bad("partition value of '\(m.key)' is not a string or null")
                }
            }
            return out
        }
        // A deletion vector that cannot be understood must not be dropped (deleted rows would
        // reappear): absent or null is none, anything else must parse.
        func deletionVector(_ j: JSONValue?) throws -> DeltaDeletionVector? {
            guard let j, j != .null else { return nil }
            guard let dv = DeltaDeletionVector.parse(j) else { throw bad("unreadable 'deletionVector'") }
            return dv
        }
        switch first.key {
        case "protocol":
            return .protocol(DeltaProtocol(minReader: Int(try int("minReaderVersion")), minWriter: Int(try int("minWriterVersion")),
                                           readerFeatures: body["readerFeatures"]?.elements?.compactMap(\.stringValue),
                                           writerFeatures: body["writerFeatures"]?.elements?.compactMap(\.stringValue)))
        case "metaData":
            let (schema, fieldMetadata) = try DeltaSchema.parseWithMetadata(try str("schemaString"), file: "\(file):\(line)")
            var config: [String: String] = [:]
            for m in body["configuration"]?.members ?? [] { config[m.key] = m.value.stringValue }
            return .metaData(DeltaMetadata(
                id: try str("id"), name: body["name"]?.stringValue, description: body["description"]?.stringValue,
                schema: schema, partitionColumns: (body["partitionColumns"]?.elements ?? []).compactMap(\.stringValue),
                configuration: config, createdTime: body["createdTime"]?.int64Value, fieldMetadata: fieldMetadata)
                .keeping(schemaString: try str("schemaString")))
        case "add":
            var add = DeltaAddFile(path: DeltaPartitions.decodeLogPath(try str("path")),
                                   partitionValues: try partitions(body["partitionValues"]),
                                   size: Int(try int("size")), modificationTime: body["modificationTime"]?.int64Value ?? 0,
                                   dataChange: body["dataChange"]?.boolValue ?? true)
            add.rawStats = body["stats"]?.stringValue
            add.originalStats = Carried(add.rawStats)
            add.deletionVector = try deletionVector(body["deletionVector"])
            return .add(add)
        case "remove":
            var remove = DeltaRemoveFile(
                path: DeltaPartitions.decodeLogPath(try str("path")), deletionTimestamp: body["deletionTimestamp"]?.int64Value ?? 0,
                dataChange: body["dataChange"]?.boolValue ?? true,
                partitionValues: body["partitionValues"] == nil ? nil : try partitions(body["partitionValues"]),
                size: body["size"]?.int64Value.map { Int($0) })
            remove.deletionVector = try deletionVector(body["deletionVector"])
            return .remove(remove)
        case "txn":
            return .txn(appId: try str("appId"), version: try int("version"), lastUpdated: body["lastUpdated"]?.int64Value)
        case "commitInfo":
            var fields: [String: JSONValue] = [:]
            var params: [String: String] = [:]
            for m in body.members ?? [] {
                switch m.key {
                case "timestamp", "operation", "isBlindAppend": break
                case "operationParameters":
                    for p in m.value.members ?? [] { params[p.key] = p.value.stringValue ?? p.value.serialized }
                default: fields[m.key] = m.value
                }
            }
            return .commitInfo(DeltaCommitInfo(
                timestamp: body["timestamp"]?.int64Value ?? 0, operation: body["operation"]?.stringValue ?? "UNKNOWN",
                operationParameters: params, isBlindAppend: body["isBlindAppend"]?.boolValue, fields: fields))
        default:
            return nil
        }
    }
}

extension DeltaMetadata {
    func keeping(schemaString: String) -> DeltaMetadata {
        var m = self
        m.originalSchemaString = Carried(schemaString)
        return m
    }

    /// The schema text to write: the one read while it still describes `schema` and its column
    /// metadata, else Strata's own.
    var schemaStringToWrite: String {
        if let original = originalSchemaString.value,
           let parsed = try? DeltaSchema.parseWithMetadata(original, file: "schemaString"), // unparsable: write Strata's own
           parsed.schema == schema, parsed.fieldMetadata == fieldMetadata {
            return original
        }
        return DeltaSchema.schemaString(schema, fieldMetadata: fieldMetadata)
    }
}
