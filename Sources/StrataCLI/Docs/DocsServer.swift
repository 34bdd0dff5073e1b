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

    /// Answers requests on `fd` forever (the process ends on SIGINT/SIGTERM).
    func serve(_ fd: Int32, log: (String) -> Void) -> Never {
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
            handle(client, log: log)
            close(client)
        }
    }

    func handle(_ client: Int32, log: (String) -> Void) {
        // A client that sends nothing cannot hold the server: 5 s to send the request line.
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        _ = setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size)) // best effort
        var request: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while request.count < 16_384, !request.containsHeaderEnd {
            let n = recv(client, &buf, buf.count, 0)
            if n <= 0 { break }
            request += buf[0..<n]
        }
        let line = String(decoding: request.prefix { $0 != 13 && $0 != 10 }, as: UTF8.self)
        let parts = line.split(separator: " ")
        guard parts.count >= 2 else { return }
        let method = String(parts[0])
        var path = String(parts[1])
        if let q = path.firstIndex(where: { $0 == "?" || $0 == "#" }) { path = String(path[..<q]) }
        let status: String
        var type = "text/plain; charset=utf-8"
        var body: [UInt8]
        if method != "GET" && method != "HEAD" {
            status = "405 Method Not Allowed"
            body = Array("only GET and HEAD\n".utf8)
        } else if let f = files[path] {
            status = "200 OK"
            type = f.type
            body = f.body
        } else {
            status = "404 Not Found"
            body = Array("not found: \(path)\n".utf8)
        }
        log("\(method) \(path) \(status.prefix(3))")
        let head = "HTTP/1.0 \(status)\r\nContent-Type: \(type)\r\nContent-Length: \(body.count)\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"
        var out = Array(head.utf8)
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
