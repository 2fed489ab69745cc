import Foundation

/// Registered webhooks and their delivery log. Their deliveries themselves are outbox rows (`OutboxStore`).
public protocol WebhookStore: Sendable {
    func insert(_ webhook: Webhook) async throws
    /// Every webhook, active ones and stopped ones, oldest first.
    func webhooks() async throws -> [Webhook]
    /// Stops a webhook: no new events for it, and what it has not been sent is dropped. False when there is none.
    func deactivate(id: String, at: Date) async throws -> Bool
    func record(_ attempt: WebhookAttempt, webhookId: String) async throws
    /// The newest attempts first.
    func attempts(webhookId: String, limit: Int) async throws -> [WebhookAttempt]
}
