import Foundation
import StrataCore
import StrataGovernance
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One writer per lake at a time: `strata run` and `strata vacuum` hold an exclusive lock on
/// `<lake>/_state/run.lock` while they work, so two runs never plan on the same incremental
/// state (which would ingest the same input twice) and vacuum never deletes a live run's staged
/// files. A second process waits, saying for whom; the lock goes with the process (a killed run
/// releases it).
public final class LakeLock {
    /// Refuses to start writing into an existing folder that holds other things and no Strata
    /// lake yet (a mistyped `lake:`), unless `force`.
    public static func checkDedicated(_ lakeRoot: String, force: Bool) throws {
        let fm = FileManager.default
        guard !force, let names = try? fm.contentsOfDirectory(atPath: lakeRoot) else { return } // absent: Strata creates it
        let own = Set(Layer.allCases.map(\.rawValue) + ["_audit", "_state", "_keys", "_tmp"])
        if names.contains(where: { own.contains($0) }) { return }
        let foreign = names.filter { !$0.hasPrefix(".") && $0 != "landing" }.sorted()
        guard !foreign.isEmpty else { return }
        throw StrataError(.invalidConfig, "the lake folder \(lakeRoot) is not a Strata lake and already holds other files ("
                              + foreign.prefix(5).joined(separator: ", ") + (foreign.count > 5 ? ", …" : "") + ")",
                          path: "lake", hint: "point `lake:` at a dedicated folder, or pass --force to use this one")
    }

    private let lock: FileLock

    /// Takes the lock, calling `waiting` with a description of the holder when it must wait.
    public init(lakeRoot: String, purpose: String, waiting: (String) -> Void = { _ in }) throws {
        let dir = lakeRoot + "/_state"
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            throw StrataError(.io, "cannot create \(dir)", cause: "\(error)")
        }
        let path = dir + "/run.lock"
        lock = try FileLock(path: path) {
            let holder = (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) // only for the message
            waiting("waiting for another strata process on this lake" + (holder.map { $0.isEmpty ? "" : " (\($0))" } ?? ""))
        }
        lock.note("\(purpose), pid \(getpid()), since \(ISO8601DateFormatter().string(from: Date()))\n")
    }

    deinit { lock.note("") }
}
