/// Host, port and path of an `http://` URL, which is all the client needs to
/// connect and to write the request line and `Host` header.
struct HTTPTarget {
    var host: String
    var port: Int
    var path: String

    /// `host:port` as the `Host` header writes it, with an IPv6 address in brackets.
    var authority: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    init(url: String) throws(HTTPClientError) {
        guard url.hasPrefix("http://") else {
            throw .invalidURL(url, problem: "is not http://HOST:PORT[/path]; only plain http is supported")
        }
        let rest = url.dropFirst("http://".count)
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        path = slash == rest.endIndex ? "/" : String(rest[slash...])
        if authority.hasPrefix("["), let close = authority.firstIndex(of: "]") {
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            port = after.hasPrefix(":") ? Int(after.dropFirst()) ?? -1 : 80
        } else if let colon = authority.lastIndex(of: ":") {
            host = String(authority[..<colon])
            port = Int(authority[authority.index(after: colon)...]) ?? -1
        } else {
            host = String(authority)
            port = 80
        }
        guard !host.isEmpty, (1...65535).contains(port) else {
            throw .invalidURL(url, problem: "has no valid host and port; expected http://HOST:PORT")
        }
    }
}
