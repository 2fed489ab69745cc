import Foundation

/// A registered webhook: where events are POSTed, which ones, and the secret their signatures are made with.
public struct Webhook: Sendable, Equatable {
    public var id: String
    public var url: String
    /// Event types (`OutboxEvent.Kind` raw values), or `["*"]` for all.
    public var events: [String]
    public var secret: String
    public var isActive: Bool
    public var createdAt: Date

    public init(id: String, url: String, events: [String], secret: String, isActive: Bool = true, createdAt: Date) {
        self.id = id
        self.url = url
        self.events = events
        self.secret = secret
        self.isActive = isActive
        self.createdAt = createdAt
    }

    /// The outbox channel its deliveries are on.
    public var channel: String { Self.channelPrefix + id }
    public static let channelPrefix = "webhook:"

    public func wants(_ kind: OutboxEvent.Kind) -> Bool { events.contains("*") || events.contains(kind.rawValue) }
}

/// One attempt to deliver an event to a webhook, for its delivery log.
public struct WebhookAttempt: Sendable, Equatable, Encodable {
    public var eventId: String
    public var type: String
    public var attemptedAt: Date
    /// The receiver's HTTP status; nil when it did not answer.
    public var statusCode: Int?
    public var error: String?

    public init(eventId: String, type: String, attemptedAt: Date, statusCode: Int?, error: String?) {
        self.eventId = eventId
        self.type = type
        self.attemptedAt = attemptedAt
        self.statusCode = statusCode
        self.error = error
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(eventId, forKey: .eventId)
        try container.encode(type, forKey: .type)
        try container.encode(attemptedAt, forKey: .attemptedAt)
        try container.encode(statusCode, forKey: .statusCode)
        try container.encode(error, forKey: .error)
    }

    enum CodingKeys: String, CodingKey { case eventId, type, attemptedAt, statusCode, error }
}
