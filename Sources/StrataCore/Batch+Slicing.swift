extension Column {
    /// The rows at `indices`, in that order (gather).
    public func take(_ indices: [Int]) -> Column {
        let validity = self.validity.map { v in indices.map { v[$0] } }
        switch values {
        case .bool(let v): return Column(type: type, values: .bool(indices.map { v[$0] }), validity: validity)
        case .int64(let v): return Column(type: type, values: .int64(indices.map { v[$0] }), validity: validity)
        case .double(let v): return Column(type: type, values: .double(indices.map { v[$0] }), validity: validity)
        case .bytes(let v):
            var out = ByteArrays()
            var total = 0
            for i in indices { total += v.range(i).count }
            out.reserve(values: indices.count, bytes: total)
            v.bytes.withUnsafeBufferPointer { src in
                for i in indices { out.append(UnsafeBufferPointer(rebasing: src[v.range(i)])) }
            }
            return Column(type: type, values: .bytes(out), validity: validity)
        }
    }

    /// Rows `range`.
    public func slice(_ range: Range<Int>) -> Column {
        let validity = self.validity.map { Array($0[range]) }
        switch values {
        case .bool(let v): return Column(type: type, values: .bool(Array(v[range])), validity: validity)
        case .int64(let v): return Column(type: type, values: .int64(Array(v[range])), validity: validity)
        case .double(let v): return Column(type: type, values: .double(Array(v[range])), validity: validity)
        case .bytes(let v):
            if range.isEmpty { return Column(type: type, values: .bytes(ByteArrays()), validity: validity) }
            let base = v.offsets[range.lowerBound]
            let offs = v.offsets[range.lowerBound...range.upperBound].map { $0 - base }
            let bytes = Array(v.bytes[Int(base)..<Int(v.offsets[range.upperBound])])
            return Column(type: type, values: .bytes(ByteArrays(offsets: offs, bytes: bytes)), validity: validity)
        }
    }

    /// Rows where `keep[i]` is true.
    public func filter(_ keep: [Bool]) -> Column {
        var idx: [Int] = []
        idx.reserveCapacity(keep.count)
        for (i, k) in keep.enumerated() where k { idx.append(i) }
        return take(idx)
    }

    /// This column followed by `other` (same type).
    public func appending(_ other: Column) -> Column {
        precondition(type == other.type, "appending a \(other.type) column to a \(type) column")
        var validity: [Bool]? = nil
        if self.validity != nil || other.validity != nil {
            validity = (self.validity ?? [Bool](repeating: true, count: count)) + (other.validity ?? [Bool](repeating: true, count: other.count))
        }
        switch (values, other.values) {
        case (.bool(let a), .bool(let b)): return Column(type: type, values: .bool(a + b), validity: validity)
        case (.int64(let a), .int64(let b)): return Column(type: type, values: .int64(a + b), validity: validity)
        case (.double(let a), .double(let b)): return Column(type: type, values: .double(a + b), validity: validity)
        case (.bytes(let a), .bytes(let b)):
            var out = a
            let base = Int32(a.bytes.count)
            out.bytes.append(contentsOf: b.bytes)
            out.offsets.append(contentsOf: b.offsets.dropFirst().map { $0 + base })
            return Column(type: type, values: .bytes(out), validity: validity)
        default:
            preconditionFailure("column storage mismatch")
        }
    }
}

extension Batch {
    public func take(_ indices: [Int]) -> Batch {
        var b = Batch(schema: schema, columns: columns.map { $0.take(indices) })
        if columns.isEmpty { b = Batch(rowCount: indices.count) }
        return b
    }

    public func slice(_ range: Range<Int>) -> Batch {
        if columns.isEmpty { return Batch(rowCount: range.count) }
        return Batch(schema: schema, columns: columns.map { $0.slice(range) })
    }

    public func filter(_ keep: [Bool]) -> Batch {
        if columns.isEmpty { return Batch(rowCount: keep.lazy.filter { $0 }.count) }
        return Batch(schema: schema, columns: columns.map { $0.filter(keep) })
    }

    /// Concatenates batches of one schema.
    public static func concat(_ batches: [Batch], schema: Schema) -> Batch {
        guard let first = batches.first else { return .empty(schema) }
        if batches.count == 1 { return first }
        if first.columns.isEmpty { return Batch(rowCount: batches.reduce(0) { $0 + $1.rowCount }) }
        return Batch(schema: schema, columns: first.columns.indices.map { i in Column.concat(batches.map { $0.columns[i] }) })
    }
}

extension Column {
    /// The columns end to end (all of this type), each value copied once.
    public static func concat(_ parts: [Column]) -> Column {
        guard var out = parts.first else { preconditionFailure("concatenating no columns") }
        if parts.count == 1 { return out }
        let total = parts.reduce(0) { $0 + $1.count }
        for p in parts { precondition(p.type == out.type, "appending a \(p.type) column to a \(out.type) column") }
        var validity: [Bool]? = nil
        if parts.contains(where: { $0.validity != nil }) {
            var v = [Bool]()
            v.reserveCapacity(total)
            for p in parts {
                if let pv = p.validity { v.append(contentsOf: pv) } else { v.append(contentsOf: repeatElement(true, count: p.count)) }
            }
            validity = v
        }
        switch out.values {
        case .bool:
            var all = [Bool]()
            all.reserveCapacity(total)
            for p in parts { guard case .bool(let v) = p.values else { preconditionFailure("column storage mismatch") }; all.append(contentsOf: v) }
            out.values = .bool(all)
        case .int64:
            var all = [Int64]()
            all.reserveCapacity(total)
            for p in parts { guard case .int64(let v) = p.values else { preconditionFailure("column storage mismatch") }; all.append(contentsOf: v) }
            out.values = .int64(all)
        case .double:
            var all = [Double]()
            all.reserveCapacity(total)
            for p in parts { guard case .double(let v) = p.values else { preconditionFailure("column storage mismatch") }; all.append(contentsOf: v) }
            out.values = .double(all)
        case .bytes:
            var bytes = [UInt8]()
            var offsets = [Int32]()
            var byteCount = 0
            for p in parts { if case .bytes(let v) = p.values { byteCount += v.bytes.count } }
            bytes.reserveCapacity(byteCount)
            offsets.reserveCapacity(total + 1)
            offsets.append(0)
            for p in parts {
                guard case .bytes(let v) = p.values else { preconditionFailure("column storage mismatch") }
                let base = Int32(bytes.count)
                bytes.append(contentsOf: v.bytes)
                for o in v.offsets.dropFirst() { offsets.append(o + base) }
            }
            out.values = .bytes(ByteArrays(offsets: offsets, bytes: bytes))
        }
        out.validity = validity
        return out
    }
}
