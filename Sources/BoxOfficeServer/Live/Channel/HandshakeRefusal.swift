import Foundation
import HTTPTypes
import NIOCore

/// Why the server will not turn a request that asks for `Upgrade: websocket` into a live socket, answered in the
/// contract's error shape. The one check of a handshake, whether NIO's upgrader or the HTTP side (a late upgrade on
/// a kept-alive connection) meets it.
struct HandshakeRefusal: Error, Equatable {
    let status: HTTPResponse.Status
    let code: String
    let message: String
    /// `Retry-After`, in seconds, when the refusal is for want of room.
    var retryAfterSeconds: Int? = nil

    static let unsupportedVersion = HandshakeRefusal(
        status: .upgradeRequired, code: "unsupported_websocket_version", message: "This server speaks WebSocket version 13.")
    static let invalidHandshake = HandshakeRefusal(
        status: .badRequest, code: "invalid_handshake",
        message: "A WebSocket handshake needs Connection: Upgrade and a Sec-WebSocket-Key of 16 bytes in base64.")
    static let notAWebSocket = HandshakeRefusal(status: .badRequest, code: "not_a_websocket", message: "Only /ws is a WebSocket.")
    /// Every live socket's place is taken (`ConnectionLimits.liveSockets`).
    static let overloaded = HandshakeRefusal(
        status: .serviceUnavailable, code: "overloaded", message: "The server has no room for another live socket; try again shortly.",
        retryAfterSeconds: RequestRefusal.overloadRetrySeconds)

    /// Nil for a valid handshake (RFC 6455 §4.2.1) of `/ws`; else 426 for another WebSocket version (with the
    /// version we speak, §4.2.2), 400 for a missing `Connection: Upgrade` or a key that is not 16 bytes in base64,
    /// 400 for any other path.
    static func check(path: String, version: String?, key: String?, connection: [String]) -> HandshakeRefusal? {
        guard version == "13" else { return .unsupportedVersion }
        guard key.flatMap({ Data(base64Encoded: $0) })?.count == 16, connection.contains(where: { $0.lowercased() == "upgrade" }) else {
            return .invalidHandshake
        }
        guard path.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first == "/ws" else { return .notAWebSocket }
        return nil
    }

    /// The answer's head (the connection closes after it) and body.
    var answer: (head: HTTPResponse, body: ByteBuffer) {
        let body = ErrorResponse.json(code: code, message: message)
        var fields: HTTPFields = [.connection: "close", .contentType: "application/json; charset=utf-8", .contentLength: String(body.count)]
        if status == .upgradeRequired { fields[.secWebSocketVersion] = "13" }
        if let retryAfterSeconds { fields[.retryAfter] = String(retryAfterSeconds) }
        return (HTTPResponse(status: status, headerFields: fields), ByteBuffer(bytes: body))
    }
}
