import BoxOffice
import Foundation
import HTTPTypes
import Hummingbird

/// `{"error": {"code": "...", "message": "...", "details": {...}}}`: the one shape of every error.
struct ErrorResponse: Encodable {
    struct Body: Encodable {
        var code: String
        var message: String
        var details: [String: ErrorDetail]?
    }

    var error: Body

    /// The HTTP status for each kind of service error.
    static func status(of kind: BoxOfficeError.Kind) -> HTTPResponse.Status {
        switch kind {
        case .badRequest: .badRequest
        case .unauthorized: .unauthorized
        case .paymentFailed: .init(code: 402, reasonPhrase: "Payment Required")
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict: .conflict
        case .payloadTooLarge: .contentTooLarge
        case .unprocessable: .unprocessableContent
        case .rateLimited: .tooManyRequests
        case .unavailable: .serviceUnavailable
        }
    }

    /// What an unexpected failure answers (500): no detail of it leaves the server.
    static let internalCode = "internal"
    static let internalMessage = "Something went wrong on our side."

    /// The response for a service error.
    static func response(for error: BoxOfficeError) -> Response {
        response(
            status: status(of: error.kind), code: error.code, message: error.message, details: error.details.isEmpty ? nil : error.details,
            headers: headers(for: error))
    }

    /// The headers a service error's answer carries beside its body: when to try again, or how to authenticate.
    static func headers(for error: BoxOfficeError) -> HTTPFields {
        var headers = HTTPFields()
        if case .rateLimited(let seconds) = error.kind { headers[.retryAfter] = String(max(1, seconds)) }
        if case .unauthorized = error.kind { headers[.wwwAuthenticate] = "Bearer" }
        return headers
    }

    /// The body of a service error's answer.
    static func json(for error: BoxOfficeError) -> Data {
        json(code: error.code, message: error.message, details: error.details.isEmpty ? nil : error.details)
    }

    static func response(
        status: HTTPResponse.Status, code: String, message: String, details: [String: ErrorDetail]? = nil, headers: HTTPFields = [:]
    ) -> Response {
        let data = json(code: code, message: message, details: details)
        var fields = headers
        fields[.contentType] = "application/json; charset=utf-8"
        fields[.contentLength] = String(data.count)
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// The body alone, for answers written outside the router (a refused WebSocket handshake).
    static func json(code: String, message: String, details: [String: ErrorDetail]? = nil) -> Data {
        let body = ErrorResponse(error: Body(code: code, message: message, details: details))
        return (try? JSONCoding.encoder.encode(body)) ?? Data(#"{"error":{"code":"internal","message":"error"}}"#.utf8)
    }
}
