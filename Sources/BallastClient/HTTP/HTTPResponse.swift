/// A complete HTTP response as the client read it: status code, headers (names
/// lower-cased; a repeated header's values joined with ", ") and body.
public struct HTTPResponse: Sendable {
    public var status: Int
    public var headers: [String: String]
    public var body: [UInt8]

    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
