import Foundation
import GRDB

/// `WebhookStore` on the SQLite file.
public struct SQLiteWebhookStore: WebhookStore {
    let database: BoxOfficeDatabase

    public init(database: BoxOfficeDatabase) {
        self.database = database
    }

    public func insert(_ webhook: Webhook) async throws {
        try await database.pool.write { db in
            try db.execute(
                sql: "INSERT INTO webhooks (id, url, events, secret, isActive, createdAt) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [webhook.id, webhook.url, try WebhookEvents.encode(webhook.events), webhook.secret, webhook.isActive,
                            StorageDate.databaseValue(webhook.createdAt)])
        }
    }

    public func webhooks() async throws -> [Webhook] {
        try await database.pool.read { db in
            try Row.fetchAll(db, sql: "SELECT id, url, events, secret, isActive, createdAt FROM webhooks ORDER BY createdAt, id").map { row in
                Webhook(id: row["id"], url: row["url"], events: try WebhookEvents.decode(row["events"]), secret: row["secret"],
                        isActive: row["isActive"], createdAt: row["createdAt"])
            }
        }
    }

    public func deactivate(id: String, at: Date) async throws -> Bool {
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE webhooks SET isActive = 0, deactivatedAt = ? WHERE id = ? AND isActive", arguments: [StorageDate.databaseValue(at), id])
            let changed = db.changesCount == 1
            if changed {
                try db.execute(
                    sql: "UPDATE outboxDeliveries SET deliveredAt = ?, lastError = 'webhook deleted' WHERE channel = ? AND deliveredAt IS NULL",
                    arguments: [StorageDate.databaseValue(at), Webhook.channelPrefix + id])
            }
            if changed { return true }
            return try Bool.fetchOne(db, sql: "SELECT 1 FROM webhooks WHERE id = ?", arguments: [id]) ?? false
        }
    }

    public func record(_ attempt: WebhookAttempt, webhookId: String) async throws {
        try await database.pool.write { db in
            try db.execute(
                sql: "INSERT INTO webhookAttempts (webhookId, eventId, type, attemptedAt, statusCode, error) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [webhookId, attempt.eventId, attempt.type, StorageDate.databaseValue(attempt.attemptedAt), attempt.statusCode, attempt.error])
        }
    }

    public func attempts(webhookId: String, limit: Int) async throws -> [WebhookAttempt] {
        try await database.pool.read { db in
            try Row.fetchAll(
                db, sql: "SELECT eventId, type, attemptedAt, statusCode, error FROM webhookAttempts WHERE webhookId = ? ORDER BY id DESC LIMIT ?",
                arguments: [webhookId, limit]
            ).map { row in
                WebhookAttempt(eventId: row["eventId"], type: row["type"], attemptedAt: row["attemptedAt"], statusCode: row["statusCode"], error: row["error"])
            }
        }
    }
}

/// A webhook's event list as stored: a JSON array of strings.
enum WebhookEvents {
    static func encode(_ events: [String]) throws -> String {
        String(decoding: try JSONEncoder().encode(events), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> [String] {
        try JSONDecoder().decode([String].self, from: Data(text.utf8))
    }
}
