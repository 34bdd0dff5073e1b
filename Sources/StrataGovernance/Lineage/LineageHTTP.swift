import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// POSTs lineage events to an OpenLineage endpoint with retries; failures become warnings.
enum LineageHTTP {
    /// The outcome of one attempt.
    enum Attempt {
        case ok
        /// The server answered with an error status; retrying helps only for 408, 429 and 5xx.
        case status(Int)
        /// No answer (refused, timed out, DNS).
        case unreachable(String)
    }

    /// POSTs `body` as `application/json`; returns nil on a 2xx answer, else a warning that names
    /// the endpoint and what went wrong (never the body).
    static func post(_ body: [UInt8], to endpoint: LineageEndpoint) -> String? {
        guard let url = URL(string: endpoint.postURL), url.scheme == "http" || url.scheme == "https" else {
            return "warning: lineage endpoint '\(endpoint.url)' is not an http(s) URL; the event was kept only in lineage/events/"
        }
        var last = Attempt.unreachable("not tried")
        var delay = endpoint.backoff
        for attempt in 1...endpoint.attempts {
            last = once(body, url: url, timeout: endpoint.timeout)
            switch last {
            case .ok: return nil
            case .status(let s) where !(s == 408 || s == 429 || s >= 500):
                return "warning: lineage endpoint \(endpoint.displayURL) rejected the event (HTTP \(s)); it was kept in lineage/events/"
            default:
                if attempt < endpoint.attempts {
                    Thread.sleep(forTimeInterval: delay)
                    delay *= 2
                }
            }
        }
        let why: String
        switch last {
        case .status(let s): why = "HTTP \(s)"
        case .unreachable(let m): why = m
        case .ok: why = "ok"
        }
        return "warning: lineage endpoint \(endpoint.displayURL) is unreachable after \(endpoint.attempts) attempts (\(why)); the event was kept in lineage/events/ and the run goes on"
    }

    final class Box: @unchecked Sendable {
        var result = Attempt.unreachable("no answer")
    }

    static func once(_ body: [UInt8], url: URL, timeout: Double) -> Attempt {
        var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalCacheData, timeoutInterval: timeout)
        request.httpMethod = "POST"
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body)
        let config = URLSessionConfiguration.ephemeral
        config.timeoutIntervalForRequest = timeout
        config.timeoutIntervalForResource = timeout
        let session = URLSession(configuration: config)
        defer { session.finishTasksAndInvalidate() }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let task = session.dataTask(with: request) { _, response, error in
            if let error {
                box.result = .unreachable((error as NSError).localizedDescription)
            } else if let http = response as? HTTPURLResponse {
                box.result = (200..<300).contains(http.statusCode) ? .ok : .status(http.statusCode)
            }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout + 1) == .timedOut {
            task.cancel()
            return .unreachable("timed out after \(timeout) s")
        }
        return box.result
    }
}
