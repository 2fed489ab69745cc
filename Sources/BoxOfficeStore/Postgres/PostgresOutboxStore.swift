import Foundation
import Logging
import PostgresNIO

/// `OutboxStore` on PostgreSQL: every node dispatches, and `FOR UPDATE SKIP LOCKED` with a lease keeps two nodes from
/// claiming the same delivery at once.
public struct PostgresOutboxStore: OutboxStore {
    let connections: PostgresConnections
    let logger: Logger

    public init(database: PostgresDatabase, logger: Logger) {
        self.connections = database.connections
        self.logger = logger
    }

    public func claimDue(channel: String, now: Date, lease: TimeInterval, limit: Int) async throws -> [OutboxDelivery] {
        let leasedUntil = now.addingTimeInterval(lease)
        return try await connections.withConnection { [logger] connection in
            let rows = try await connection.query(
                """
                WITH due AS (
                    SELECT d.eventId FROM outboxDeliveries d
                    WHERE d.channel = \(channel) AND d.deliveredAt IS NULL AND d.nextAttemptAt <= \(now)
                    ORDER BY d.nextAttemptAt, d.seq LIMIT \(limit) FOR UPDATE OF d SKIP LOCKED
                )
                UPDATE outboxDeliveries d SET nextAttemptAt = \(leasedUntil) FROM due, outbox o
                WHERE d.eventId = due.eventId AND d.channel = \(channel) AND o.id = d.eventId
                RETURNING d.eventId, o.kind, o.bookingId, o.createdAt, d.attempts, o.seq
                """, logger: logger)
            var claimed: [(seq: Int64, delivery: OutboxDelivery)] = []
            for try await (eventId, kind, bookingId, createdAt, attempts, seq) in rows.decode((String, String, String, Date, Int, Int64).self) {
                guard let kind = OutboxEvent.Kind(rawValue: kind) else { continue }
                claimed.append((seq, OutboxDelivery(eventId: eventId, kind: kind, bookingId: bookingId, createdAt: createdAt, channel: channel, attempts: attempts)))
            }
            // Oldest first (the order they were written in), whatever order UPDATE … RETURNING gave.
            return claimed.sorted { $0.seq < $1.seq }.map(\.delivery)
        }
    }

    /// The channel's oldest undelivered event (its delivery's `seq`, copied from the event's), by the index
    /// `outboxDeliveries_pending`: a seek, not a sort of the channel's backlog.
    public func claimHead(channel: String, now: Date, lease: TimeInterval) async throws -> OutboxDelivery? {
        let leasedUntil = now.addingTimeInterval(lease)
        return try await connections.withConnection { [logger] connection in
            // The head row is locked (not skipped): another node looking at the same channel waits, then sees it leased.
            let rows = try await connection.query(
                """
                WITH head AS (
                    SELECT d.eventId, d.nextAttemptAt FROM outboxDeliveries d
                    WHERE d.channel = \(channel) AND d.deliveredAt IS NULL ORDER BY d.seq LIMIT 1 FOR UPDATE OF d
                )
                UPDATE outboxDeliveries d SET nextAttemptAt = \(leasedUntil) FROM head, outbox o
                WHERE d.eventId = head.eventId AND d.channel = \(channel) AND head.nextAttemptAt <= \(now) AND o.id = d.eventId
                RETURNING d.eventId, o.kind, o.bookingId, o.createdAt, d.attempts
                """, logger: logger)
            for try await (eventId, kind, bookingId, createdAt, attempts) in rows.decode((String, String, String, Date, Int).self) {
                guard let kind = OutboxEvent.Kind(rawValue: kind) else { return nil }
                return OutboxDelivery(eventId: eventId, kind: kind, bookingId: bookingId, createdAt: createdAt, channel: channel, attempts: attempts)
            }
            return nil
        }
    }

    public func abandon(eventId: String, channel: String, reason: String, at: Date) async throws {
        try await connections.execute(
            """
            UPDATE outboxDeliveries SET deliveredAt = \(at), lastError = \(reason)
            WHERE eventId = \(eventId) AND channel = \(channel) AND deliveredAt IS NULL
            """, logger: logger)
    }

    public func markDelivered(eventIds: [String], channel: String, at: Date) async throws {
        try await connections.execute(
            """
            UPDATE outboxDeliveries SET deliveredAt = \(at), attempts = attempts + 1, lastError = NULL
            WHERE eventId = ANY(\(eventIds)::text[]) AND channel = \(channel)
            """, logger: logger)
    }

    public func markFailed(eventId: String, channel: String, error: String, retryAt: Date) async throws {
        try await connections.execute(
            """
            UPDATE outboxDeliveries SET attempts = attempts + 1, lastError = \(String(error.prefix(500))), nextAttemptAt = \(retryAt)
            WHERE eventId = \(eventId) AND channel = \(channel) AND deliveredAt IS NULL
            """, logger: logger)
    }

    public func undelivered(channel: String) async throws -> Int {
        let rows = try await connections.query(
            "SELECT COUNT(*)::int FROM outboxDeliveries WHERE channel = \(channel) AND deliveredAt IS NULL", logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
