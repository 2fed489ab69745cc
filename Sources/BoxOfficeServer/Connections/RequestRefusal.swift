import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// Why the server will not serve a request, decided below the router (`HTTPRequestGuard`): HTTP it cannot parse, a
/// request it will not read, or no room for another connection. Answered in the contract's error shape, after which
/// the connection closes.
struct RequestRefusal: Error, Equatable {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    /// `Retry-After`, in seconds, for an overloaded server.
    var retryAfterSeconds: Int?

    /// How long a client refused for want of room should wait before it tries again.
    static let overloadRetrySeconds = 5

    static let overloaded = RequestRefusal(
        status: .serviceUnavailable, code: "overloaded", message: "The server has no room for another connection; try again shortly.",
        retryAfterSeconds: overloadRetrySeconds)
    static let missingHost = RequestRefusal(
        status: .badRequest, code: "malformed_request", message: "An HTTP/1.1 request needs a Host header.")
    static let nulInPath = RequestRefusal(status: .badRequest, code: "malformed_request", message: "The path contains a NUL byte.")
    static let conflictingLength = RequestRefusal(
        status: .badRequest, code: "malformed_request",
        message: "The request's length is ambiguous: Content-Length with Transfer-Encoding, or Content-Lengths that differ.")
    static let tooLarge = RequestRefusal(
        status: .contentTooLarge, code: "payload_too_large", message: "The body is larger than \(AppRequestContext.maxBodyBytes) bytes.")

    /// What NIO's decoder could not parse.
    static func unparsable(_ error: HTTPParserError) -> RequestRefusal {
        switch error {
        case .headerOverflow:
            RequestRefusal(
                status: .requestHeaderFieldsTooLarge, code: "headers_too_large",
                message: "The request line and headers are over the server's limit (\(HTTPLimits.headerBytes / 1024) KiB, "
                    + "\(HTTPLimits.headerFields) fields).")
        case .invalidVersion, .invalidMethod, .paused:
            // `paused`: NIO stops the parser at a version other than 1.x (the HTTP/2 preface).
            malformed(
                "Not an HTTP/1.1 request line (METHOD target HTTP/1.1, ending in CRLF): "
                    + "this port speaks HTTP/1.1 in plain text, without TLS or HTTP/2.")
        case .invalidURL, .invalidPath, .invalidQueryString, .invalidFragment, .invalidHost, .invalidPort:
            malformed("The request target is not a valid URL.")
        case .invalidHeaderToken, .invalidCharactersUsed, .lfExpected, .invalidConstant:
            malformed("The request line or a header is malformed; every line ends in CRLF.")
        case .invalidContentLength, .unexpectedContentLength:
            conflictingLength
        case .invalidChunkSize:
            malformed("A chunk size of the body is not valid.")
        default:
            // llhttp reports a Content-Length beside Transfer-Encoding, among others, as an error NIO does not name.
            malformed("The request is not valid HTTP/1.1: check its framing (Content-Length, Transfer-Encoding) and line endings.")
        }
    }

    private static func malformed(_ message: String) -> RequestRefusal {
        RequestRefusal(status: .badRequest, code: "malformed_request", message: message)
    }

    /// The refusal of a request head that parsed, or nil to serve it: HTTP/1.1 without `Host`, a NUL in the path (raw or
    /// `%00`), a length given two ways, or a `Content-Length` over the body limit (at once, so that a client waiting on
    /// `Expect: 100-continue` does not wait in vain).
    static func check(_ head: HTTPRequestHead, maxBodyBytes: Int) -> RequestRefusal? {
        if head.version == .http1_1, head.headers["Host"].isEmpty { return .missingHost }
        let path = head.uri.prefix { $0 != "?" }
        if path.utf8.contains(0) || path.range(of: "%00") != nil { return .nulInPath }
        let lengths = Set(head.headers["Content-Length"].flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) })
        if lengths.count > 1 || (!lengths.isEmpty && head.headers.contains(name: "Transfer-Encoding")) { return .conflictingLength }
        if let length = lengths.first {
            guard let bytes = UInt64(length) else { return .conflictingLength }
            if bytes > UInt64(maxBodyBytes) { return .tooLarge }
        }
        return nil
    }

    /// The answer as NIO's response parts: the head (`Connection: close`) and the body.
    var parts: (head: HTTPResponseHead, body: ByteBuffer) {
        let body = ErrorResponse.json(code: code, message: message)
        var headers = HTTPHeaders([
            ("Content-Type", "application/json; charset=utf-8"), ("Content-Length", String(body.count)), ("Connection", "close"),
        ])
        if let retryAfterSeconds { headers.add(name: "Retry-After", value: String(retryAfterSeconds)) }
        let status = HTTPResponseStatus(statusCode: status.code, reasonPhrase: status.reasonPhrase)
        return (HTTPResponseHead(version: .http1_1, status: status, headers: headers), ByteBuffer(bytes: body))
    }

    /// The answer as a router response, for a parse error that reached a route reading its body.
    var response: Response {
        var headers: HTTPFields = [.connection: "close"]
        if let retryAfterSeconds { headers[.retryAfter] = String(retryAfterSeconds) }
        return ErrorResponse.response(status: status, code: code, message: message, headers: headers)
    }
}

/// The HTTP decoder's limits, one place for the pipeline and the messages that name them.
enum HTTPLimits {
    /// The request line and all header fields together, and any one field.
    static let headerBytes = 80 * 1024
    static let headerFields = 100
}
