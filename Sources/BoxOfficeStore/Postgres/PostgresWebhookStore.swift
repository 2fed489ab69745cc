import Foundation
import Logging
import PostgresNIO

/// `WebhookStore` on PostgreSQL.
public struct PostgresWebhookStore: WebhookStore {
    let connections: PostgresConnections
    let logger: Logger

    public init(database: PostgresDatabase, logger: Logger) {
        self.connections = database.connections
        self.logger = logger
    }

    public func insert(_ webhook: Webhook) async throws {
        try await connections.execute(
            """
            INSERT INTO webhooks (id, url, events, secret, isActive, createdAt)
            VALUES (\(webhook.id), \(webhook.url), \(try WebhookEvents.encode(webhook.events)), \(webhook.secret), \(webhook.isActive), \(webhook.createdAt))
            """, logger: logger)
    }

    public func webhooks() async throws -> [Webhook] {
        var webhooks: [Webhook] = []
        let rows = try await connections.query("SELECT id, url, events, secret, isActive, createdAt FROM webhooks ORDER BY createdAt, id", logger: logger)
        for try await (id, url, events, secret, isActive, createdAt) in rows.decode((String, String, String, String, Bool, Date).self) {
            webhooks.append(Webhook(id: id, url: url, events: try WebhookEvents.decode(events), secret: secret, isActive: isActive, createdAt: createdAt))
        }
        return webhooks
    }

    public func deactivate(id: String, at: Date) async throws -> Bool {
        try await connections.withConnection { [logger] connection in
            var found = false
            let rows = try await connection.query(
                """
                WITH stopped AS (UPDATE webhooks SET isActive = false, deactivatedAt = \(at) WHERE id = \(id) AND isActive RETURNING id),
                dropped AS (
                    UPDATE outboxDeliveries SET deliveredAt = \(at), lastError = 'webhook deleted'
                    WHERE channel = \(Webhook.channelPrefix + id) AND deliveredAt IS NULL AND EXISTS (SELECT 1 FROM stopped)
                )
                SELECT EXISTS (SELECT 1 FROM webhooks WHERE id = \(id))
                """, logger: logger)
            for try await exists in rows.decode(Bool.self) { found = exists }
            return found
        }
    }

    public func record(_ attempt: WebhookAttempt, webhookId: String) async throws {
        try await connections.execute(
            """
            INSERT INTO webhookAttempts (webhookId, eventId, type, attemptedAt, statusCode, error)
            VALUES (\(webhookId), \(attempt.eventId), \(attempt.type), \(attempt.attemptedAt), \(attempt.statusCode), \(attempt.error))
            """, logger: logger)
    }

    public func attempts(webhookId: String, limit: Int) async throws -> [WebhookAttempt] {
        var attempts: [WebhookAttempt] = []
        let rows = try await connections.query(
            """
            SELECT eventId, type, attemptedAt, statusCode, error FROM webhookAttempts WHERE webhookId = \(webhookId) ORDER BY id DESC LIMIT \(limit)
            """, logger: logger)
        for try await (eventId, type, attemptedAt, statusCode, error) in rows.decode((String, String, Date, Int?, String?).self) {
            attempts.append(WebhookAttempt(eventId: eventId, type: type, attemptedAt: attemptedAt, statusCode: statusCode, error: error))
        }
        return attempts
    }
}
