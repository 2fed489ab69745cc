import BoxOfficeStore
import Synchronization

/// Where each event goes: the email channel (with `BOXOFFICE_SMTP_URL`) for a confirmed booking's confirmation and
/// cancellation, and every active webhook that asked for the event's type. Read on every confirmation, so the webhook
/// list is kept in memory (`WebhookDirectory`).
public struct OutboxRouting: Sendable {
    let email: Bool
    let webhooks: WebhookDirectory?

    public init(email: Bool = false, webhooks: WebhookDirectory? = nil) {
        self.email = email
        self.webhooks = webhooks
    }

    public static let none = OutboxRouting()

    /// The channels of an event of `kind`; `paid` says whether the booking was confirmed (only those get email).
    public func channels(for kind: OutboxEvent.Kind, paid: Bool) -> [String] {
        var channels: [String] = []
        if email, paid, kind == .bookingConfirmed || kind == .bookingCancelled { channels.append(OutboxChannel.email) }
        if let webhooks { channels += webhooks.active.filter { $0.wants(kind) }.map(\.channel) }
        return channels
    }
}

/// The active webhooks, in memory: read when an event is written, refreshed from the store after every change here and
/// every few seconds (so a webhook registered on another node is used here within seconds).
public final class WebhookDirectory: Sendable {
    private let store: any WebhookStore
    private let webhooks = Mutex<[Webhook]>([])

    public init(store: any WebhookStore) {
        self.store = store
    }

    public var active: [Webhook] { webhooks.withLock { $0 } }

    public func refresh() async throws {
        let all = try await store.webhooks().filter(\.isActive)
        webhooks.withLock { $0 = all }
    }
}
