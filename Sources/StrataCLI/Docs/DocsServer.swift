import Foundation
import Glibc
import StrataCore

/// `strata docs serve`: a small HTTP/1.0 server on 127.0.0.1 (never another interface) that serves
/// the site's files from memory, one request at a time, until interrupted.
struct DocsServer {
    let files: [String: (type: String, body: [UInt8])]

    init(files: [(name: String, text: String)]) {
        var m: [String: (type: String, body: [UInt8])] = [:]
        for f in files {
            m["/" + f.name] = (f.name.hasSuffix(".json") ? "application/json" : "text/html; charset=utf-8", Array(f.text.utf8))
        }
        m["/"] = m["/index.html"]
        self.files = m
    }

    /// Binds 127.0.0.1:`port` (0: any free port) and returns the socket and the port bound.
    static func listen(port: Int) throws -> (socket: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw StrataError(.io, "cannot open a socket", cause: String(cString: strerror(errno))) }
        var yes: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size)) // best effort: only speeds up a restart
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = in_addr_t(UInt32(0x7F00_0001).bigEndian)
        let bound = withUnsafePointer(to: &addr) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 16) == 0 else {
            let code = errno
            close(fd)
            throw StrataError(.io, "cannot listen on 127.0.0.1:\(port)",
                              hint: code == EADDRINUSE ? "another program uses port \(port); pass --port N (0 picks a free one)" : nil,
                              cause: String(cString: strerror(code)))
        }
        var out = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &out) { p in
            p.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return (fd, Int(UInt16(bigEndian: out.sin_port)))
    }

    /// Answers requests on `fd` (bound to `port`) forever (the process ends on SIGINT/SIGTERM).
    func serve(_ fd: Int32, port: Int, log: (String) -> Void) -> Never {
        signal(SIGPIPE, SIG_IGN)
        // Ctrl-C and `kill` end the server even when its parent started it with them blocked.
        var stop = sigset_t()
        sigemptyset(&stop)
        sigaddset(&stop, SIGINT)
        sigaddset(&stop, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &stop, nil)
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        while true {
            let client = accept(fd, nil, nil)
            if client < 0 { continue }
            handle(client, port: port, log: log)
            close(client)
        }
    }

    /// A connection gets 3 s to send its request and 10 s to take the answer, whatever it does,
    /// so an idle or slow client holds the server no longer than that.
    static let requestSeconds = 3.0
    static let sendSeconds = 10

    func handle(_ client: Int32, port: Int, log: (String) -> Void) {
        var tv = timeval(tv_sec: DocsServer.sendSeconds, tv_usec: 0)
        _ = setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size)) // best effort: a failed option leaves the default
        var request: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let deadline = Double(now.tv_sec) + Double(now.tv_nsec) / 1e9 + DocsServer.requestSeconds
        while request.count < 16_384, !request.containsHeaderEnd {
            clock_gettime(CLOCK_MONOTONIC, &now)
            let left = deadline - (Double(now.tv_sec) + Double(now.tv_nsec) / 1e9)
            guard left > 0 else { return }
            var p = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            guard poll(&p, 1, Int32(left * 1000) + 1) > 0 else { return }
            let n = recv(client, &buf, buf.count, 0)
            if n <= 0 { break }
            request += buf[0..<n]
        }
        let head = String(decoding: request, as: UTF8.self)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let parts = (lines.first ?? "").split(separator: " ")
        guard parts.count >= 2 else { return }
        let method = String(parts[0])
        var path = String(parts[1])
        if let q = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<q]) }
        // Only pages asked for as this machine: a web page whose name was made to point at
        // 127.0.0.1 (DNS rebinding) sends its own Host and gets nothing.
        let host = lines.dropFirst().first { $0.lowercased().hasPrefix("host:") }
            .map { $0.dropFirst(5).trimmingCharacters(in: .whitespaces).lowercased() }
        let allowed = ["127.0.0.1:\(port)", "localhost:\(port)"]
        let status: String
        var type = "text/plain; charset=utf-8"
        var body: [UInt8]
        if method != "GET" && method != "HEAD" {
            status = "405 Method Not Allowed"
            body = Array("only GET and HEAD\n".utf8)
        } else if host.map({ !allowed.contains($0) }) ?? true {
            status = "403 Forbidden"
            body = Array("ask for http://127.0.0.1:\(port)/ (Host header \(host ?? "missing") refused)\n".utf8)
        } else if let f = files[path] {
            status = "200 OK"
            type = f.type
            body = f.body
        } else {
            status = "404 Not Found"
            body = Array("not found: \(path)\n".utf8)
        }
        log("\(method) \(path) \(status.prefix(3))")
        let header = "HTTP/1.0 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n"
        var out = Array(header.utf8)
        if method != "HEAD" { out += body }
        var sent = 0
        while sent < out.count {
            let n = out[sent...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, 0) }
            if n <= 0 { return }
            sent += n
        }
    }
}

extension [UInt8] {
    var containsHeaderEnd: Bool {
        guard count >= 4 else { return false }
        for i in 0...(count - 4) where self[i] == 13 && self[i + 1] == 10 && self[i + 2] == 13 && self[i + 3] == 10 { return true }
        return false
    }
}
