import Foundation
import StrataCore

/// What an incremental reader must read of a table between two versions, by the Delta rules
/// for change feeds: files added with `dataChange: true` hold new rows; commits that only
/// rearrange data (`dataChange: false`: compaction by Strata or another writer, Strata's
/// re-masking) hold none and are skipped.
public enum DeltaChanges: Sendable, Equatable {
    /// The files holding exactly the rows added since the reader's version, in commit order.
    /// Some may have left the latest snapshot through a later compaction: they are still on
    /// disk until vacuumed, and hold those rows once each.
    case files([DeltaAddFile])
    /// Rows the reader already read were deleted or replaced (a `dataChange: true` remove), or
    /// the history between the versions is gone: the reader must read the table whole.
    case rebuild(reason: String)

    /// The changes of `log` after version `seen` up to `latest`.
    ///
    /// A re-masking rewrite (`strataRewrites` in its `commitInfo`) replaces a pending file by its
    /// re-masked successor, so rows are read as the current policy stores them. A pending file
    /// compacted away by another writer is read from its own file, which holds the same rows.
    public static func between(_ log: DeltaLog, seen: Int64, latest: Int64) throws -> DeltaChanges {
        guard seen < latest else { return .files([]) }
        var pending: [String: DeltaAddFile] = [:]
        var order: [String] = []
        for v in (seen + 1)...latest {
            let actions: [DeltaAction]
            do {
                actions = try log.actions(version: v)
            } catch let e as StrataError where e.code == .notFound {
                return .rebuild(reason: "the commits after version \(seen) were cleaned up (only a checkpoint keeps them)")
            }
            var rewrites: [String: String] = [:]
            for case .commitInfo(let c) in actions {
                if let text = c.fields[DeltaCommitInfo.rewritesKey]?.stringValue,
                   let map = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: String] { // an unreadable map: treated as a foreign compaction
                    rewrites = map
                }
            }
            for a in actions {
                switch a {
                case .add(let f) where f.dataChange:
                    // Keyed by path and deletion vector, as Delta keys files: a commit that
                    // deletes rows by vector removes one key and adds another, in either order.
                    if pending[f.fileKey] == nil { order.append(f.fileKey) }
                    pending[f.fileKey] = f
                case .add(let f):
                    // A re-masked successor of a pending file takes its place.
                    if let origin = rewrites[f.path], pending[origin] != nil {
                        pending[origin] = nil
                        order.removeAll { $0 == origin }
                        pending[f.fileKey] = f
                        order.append(f.fileKey)
                    }
                case .remove(let r) where r.dataChange:
                    if pending.removeValue(forKey: r.fileKey) != nil {
                        order.removeAll { $0 == r.fileKey }
                    } else {
                        return .rebuild(reason: "rows read before were deleted or replaced in version \(v)")
                    }
                default:
                    break
                }
            }
        }
        return .files(order.compactMap { pending[$0] })
    }
}
