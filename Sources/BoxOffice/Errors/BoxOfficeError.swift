/// A failure a client can act on: a stable `code`, a message for people, optional details.
///
/// Services throw these; the transport maps `kind` to an HTTP status once, at the edge.
public struct BoxOfficeError: Error, Sendable, CustomStringConvertible {
    /// The class of failure, which decides the HTTP status.
    public enum Kind: Sendable, Equatable {
        case badRequest  // 400
        case unauthorized  // 401
        case paymentFailed  // 402
        case forbidden  // 403
        case notFound  // 404
        case conflict  // 409
        case payloadTooLarge  // 413
        case unprocessable  // 422
        case rateLimited(retryAfterSeconds: Int)  // 429
        case unavailable  // 503
    }

    public var kind: Kind
    public var code: String
    public var message: String
    public var details: [String: ErrorDetail]

    public init(_ kind: Kind, _ code: String, _ message: String, details: [String: ErrorDetail] = [:]) {
        self.kind = kind
        self.code = code
        self.message = message
        self.details = details
    }

    public var description: String { "\(code): \(message)" }

    // MARK: Common errors

    /// 422 `validation_failed` naming the field at fault.
    public static func invalid(_ field: String, _ message: String) -> BoxOfficeError {
        BoxOfficeError(.unprocessable, "validation_failed", message, details: ["field": .string(field)])
    }

    /// 404 `not_found` for a kind of thing (`"show"`) and the id asked for.
    public static func notFound(_ thing: String, id: String) -> BoxOfficeError {
        BoxOfficeError(.notFound, "not_found", "No \(thing) with id \(id.prefix(64)).", details: ["resource": .string(thing)])
    }

    /// 400 `invalid_parameter` for a query parameter.
    public static func badParameter(_ name: String, _ message: String) -> BoxOfficeError {
        BoxOfficeError(.badRequest, "invalid_parameter", message, details: ["field": .string(name)])
    }
}

/// A value inside an error's `details`.
public enum ErrorDetail: Sendable, Encodable, Equatable {
    case string(String)
    case strings([String])
    case int(Int)
    /// Any other encodable value (a payment, say), compared by its JSON-free identity only.
    case value(EncodableValue)

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .strings(let value): try container.encode(value)
        case .int(let value): try container.encode(value)
        case .value(let value): try value.encode(to: encoder)
        }
    }
}

/// A type-erased, sendable encodable value.
public struct EncodableValue: Sendable, Encodable, Equatable {
    private let box: any Encodable & Sendable
    private let identity: String

    public init(_ value: some Encodable & Sendable, identity: String) {
        self.box = value
        self.identity = identity
    }

    public func encode(to encoder: any Encoder) throws {
        try box.encode(to: encoder)
    }

    public static func == (lhs: EncodableValue, rhs: EncodableValue) -> Bool {
        lhs.identity == rhs.identity
    }
}
