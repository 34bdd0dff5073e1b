import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Named points where a test can kill the process (SIGKILL, as `kill -9` would), to prove what a
/// crash there leaves behind: `STRATA_CRASH_AT=NAME` kills at the first time the point is reached,
/// `NAME#N` at the N-th. `STRATA_CRASH_TRACE=FILE` appends each point reached to FILE (one name
/// per line), so a chaos suite can enumerate every crash point of a run. Unset, both do nothing.
public enum CrashPoint {
    private static let config: (target: String, nth: Int, trace: String?)? = {
        let env = ProcessInfo.processInfo.environment
        let trace = env["STRATA_CRASH_TRACE"].flatMap { $0.isEmpty ? nil : $0 }
        guard let at = env["STRATA_CRASH_AT"], !at.isEmpty else { return trace.map { ("", 0, $0) } }
        let parts = at.split(separator: "#", maxSplits: 1)
        return (String(parts[0]), parts.count == 2 ? max(1, Int(parts[1]) ?? 1) : 1, trace)
    }()
    private static let counts = Mutex<[String: Int]>([:])

    public static func reach(_ name: String) {
        guard let c = config else { return }
        if let trace = c.trace {
            let fd = open(trace, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            if fd >= 0 {
                let line = Array((name + "\n").utf8)
                _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                close(fd)
            }
        }
        guard c.target == name else { return }
        let n = counts.withLock { $0[name, default: 0] += 1; return $0[name]! }
        if n == c.nth { kill(getpid(), SIGKILL) }
    }
}
