import BoxOfficeStore
import Foundation
import SeatEngine

/// `POST /api/admin/webhooks {url, events}`.
public struct WebhookInput: Decodable, Sendable {
    public var url: String
    public var events: [String]
}

/// A webhook as the admin sees it; `secret` only in the answer that created it.
public struct WebhookView: Encodable, Sendable {
    public var id: String
    public var url: String
    public var events: [String]
    public var isActive: Bool
    public var createdAt: Date
    public var secret: String?

    init(_ webhook: Webhook, showingSecret: Bool) {
        id = webhook.id
        url = webhook.url
        events = webhook.events
        isActive = webhook.isActive
        createdAt = webhook.createdAt
        secret = showingSecret ? webhook.secret : nil
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(url, forKey: .url)
        try container.encode(events, forKey: .events)
        try container.encode(isActive, forKey: .isActive)
        try container.encode(createdAt, forKey: .createdAt)
        if let secret { try container.encode(secret, forKey: .secret) }
    }

    enum CodingKeys: String, CodingKey { case id, url, events, isActive, createdAt, secret }
}

/// Registers, lists and stops webhooks, and reads their delivery log.
public struct WebhookService: Sendable {
    let store: any WebhookStore
    let directory: WebhookDirectory
    let clock: any EngineClock

    public init(store: any WebhookStore, directory: WebhookDirectory, clock: any EngineClock = SystemClock()) {
        self.store = store
        self.directory = directory
        self.clock = clock
    }

    /// The event types a webhook may ask for.
    public static let eventTypes = OutboxEvent.Kind.allCases.map(\.rawValue)

    public func register(_ input: WebhookInput) async throws -> WebhookView {
        let url = input.url.trimmingCharacters(in: .whitespaces)
        guard url.utf8.count <= 2000, let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), scheme == "http" || scheme == "https",
              let host = parsed.host, !host.isEmpty, parsed.user == nil
        else { throw BoxOfficeError.invalid("url", "url must be an http:// or https:// address (without a user or password)") }
        let events = Array(Set(input.events.map { $0.trimmingCharacters(in: .whitespaces) })).sorted()
        guard !events.isEmpty else { throw BoxOfficeError.invalid("events", "events must name at least one event type, or \"*\"") }
        if let unknown = events.first(where: { $0 != "*" && !Self.eventTypes.contains($0) }) {
            throw BoxOfficeError.invalid("events", "unknown event type \(unknown.prefix(60)); known: \(Self.eventTypes.joined(separator: ", ")), or \"*\"")
        }
        var random = SystemRandomNumberGenerator()
        let secret = "whsec_" + (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &random)) }.joined()
        let now = clock.now
        let webhook = Webhook(id: Identifier.make("whk", at: now), url: url, events: events.contains("*") ? ["*"] : events, secret: secret, createdAt: now)
        try await store.insert(webhook)
        try? await directory.refresh()
        return WebhookView(webhook, showingSecret: true)
    }

    public func list() async throws -> [WebhookView] {
        try await store.webhooks().map { WebhookView($0, showingSecret: false) }
    }

    /// Stops deliveries to a webhook (what it has not been sent is dropped); 404 when there is none.
    public func delete(id: String) async throws {
        guard Identifier.looksValid(id), try await store.deactivate(id: id, at: clock.now) else { throw BoxOfficeError.notFound("webhook", id: id) }
        try? await directory.refresh()
    }

    public func deliveries(id: String, limit: Int = 100) async throws -> [WebhookAttempt] {
        guard Identifier.looksValid(id), try await store.webhooks().contains(where: { $0.id == id }) else { throw BoxOfficeError.notFound("webhook", id: id) }
        return try await store.attempts(webhookId: id, limit: limit)
    }
}
