import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// POSTs one lineage event to an OpenLineage endpoint with retries (`LineageTransport` decides what a failure means for the run).
enum LineageHTTP {
    /// The outcome of one attempt.
    enum Attempt {
        case ok
        /// The server answered with an error status; retrying helps only for 408, 429 and 5xx.
        case status(Int)
        /// No answer (refused, timed out, DNS).
        case unreachable(String)
    }

    /// What became of one event.
    enum Delivery {
        case delivered
        /// The endpoint answered with a status retrying will not change (4xx but 408 and 429).
        case rejected(String)
        /// No good answer after every attempt: why, in words (`connection refused`, `timed out after 2 s`, `HTTP 503`).
        case unreachable(String)
    }

    /// POSTs `body` as `application/json`, retrying what can succeed later (no answer, 408, 429,
    /// 5xx) up to `endpoint.attempts` times with doubling backoff. Never includes the body in a message.
    static func post(_ body: [UInt8], to endpoint: LineageEndpoint) -> Delivery {
        guard let url = URL(string: endpoint.postURL), url.scheme == "http" || url.scheme == "https" else {
            return .rejected("'\(endpoint.displayURL)' is not an http(s) URL")
        }
        var last = Attempt.unreachable("not tried")
        var delay = endpoint.backoff
        for attempt in 1...endpoint.attempts {
            last = once(body, url: url, timeout: endpoint.timeout)
            switch last {
            case .ok: return .delivered
            case .status(let s) where !(s == 408 || s == 429 || s >= 500):
                return .rejected("HTTP \(s)")
            default:
                if attempt < endpoint.attempts {
                    Thread.sleep(forTimeInterval: delay)
                    delay *= 2
                }
            }
        }
        switch last {
        case .status(let s): return .unreachable("HTTP \(s)")
        case .unreachable(let m): return .unreachable(m)
        case .ok: return .delivered
        }
    }

    static func seconds(_ t: Double) -> String { t == t.rounded() ? String(Int(t)) : String(format: "%.1f", t) }

    /// Foundation's URL errors in the words a user needs (not `NSURLErrorDomain error -1001`).
    static func describe(_ error: Error, timeout: Double) -> String {
        let e = error as NSError
        guard e.domain == NSURLErrorDomain else { return e.localizedDescription }
        switch e.code {
        case NSURLErrorTimedOut: return "timed out after \(seconds(timeout)) s"
        case NSURLErrorCannotConnectToHost: return "connection refused"
        case NSURLErrorCannotFindHost, NSURLErrorDNSLookupFailed: return "host not found"
        case NSURLErrorNetworkConnectionLost: return "connection lost"
        case NSURLErrorNotConnectedToInternet: return "no network"
        case NSURLErrorSecureConnectionFailed, NSURLErrorServerCertificateUntrusted, NSURLErrorServerCertificateHasBadDate,
             NSURLErrorServerCertificateNotYetValid, NSURLErrorServerCertificateHasUnknownRoot:
            return "TLS failed (\(e.localizedDescription))"
        default: return e.localizedDescription
        }
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
                box.result = .unreachable(describe(error, timeout: timeout))
            } else if let http = response as? HTTPURLResponse {
                box.result = (200..<300).contains(http.statusCode) ? .ok : .status(http.statusCode)
            }
            done.signal()
        }
        task.resume()
        if done.wait(timeout: .now() + timeout + 1) == .timedOut {
            task.cancel()
            return .unreachable("timed out after \(seconds(timeout)) s")
        }
        return box.result
    }
}
