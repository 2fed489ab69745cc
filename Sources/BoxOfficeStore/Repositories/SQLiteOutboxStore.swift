import Foundation
import GRDB

/// `OutboxStore` on the SQLite file: one process, but its claims are leases all the same (a dispatcher that stops
/// mid-send leaves the delivery to be sent again when its lease ends). Its writes (leases, marks) ride to the disk with
/// the journal's next fsync (`BoxOfficeDatabase.writeRidingNextSync`): a power failure can only make a delivery repeat.
public struct SQLiteOutboxStore: OutboxStore {
    let database: BoxOfficeDatabase

    public init(database: BoxOfficeDatabase) {
        self.database = database
    }

    /// Oldest due first, by the index `outboxDeliveries_due` (channel, nextAttemptAt, then rowid: event order), so a
    /// backlog is not sorted on every claim.
    public func claimDue(channel: String, now: Date, lease: TimeInterval, limit: Int) async throws -> [OutboxDelivery] {
        // Polled often: look before taking the file's one write lock (the journal's writer needs it).
        guard try await anythingDue(channel: channel, now: now) else { return [] }
        let leasedUntil = StorageDate.databaseValue(now.addingTimeInterval(lease))
        return try await database.writeRidingNextSync { db in
            // Cached statements: a busy outbox claims several times a second.
            let due = try db.cachedStatement(
                sql: """
                    SELECT d.eventId, o.kind, o.bookingId, o.createdAt, d.attempts FROM outboxDeliveries d JOIN outbox o ON o.id = d.eventId
                    WHERE d.channel = ? AND d.deliveredAt IS NULL AND d.nextAttemptAt <= ?
                    ORDER BY d.nextAttemptAt, d.rowid LIMIT ?
                    """)
            let leasing = try db.cachedStatement(sql: "UPDATE outboxDeliveries SET nextAttemptAt = ? WHERE eventId = ? AND channel = ?")
            var claimed: [OutboxDelivery] = []
            for row in try Row.fetchAll(due, arguments: [channel, StorageDate.databaseValue(now), limit]) {
                guard let kind = OutboxEvent.Kind(rawValue: row["kind"]) else { continue }
                try leasing.execute(arguments: [leasedUntil, row["eventId"] as String, channel])
                claimed.append(
                    OutboxDelivery(eventId: row["eventId"], kind: kind, bookingId: row["bookingId"], createdAt: row["createdAt"], channel: channel, attempts: row["attempts"]))
            }
            return claimed
        }
    }

    /// The channel's oldest undelivered event (rowid order: event order), by the index `outboxDeliveries_pending`.
    public func claimHead(channel: String, now: Date, lease: TimeInterval) async throws -> OutboxDelivery? {
        guard try await anythingDue(channel: channel, now: now) else { return nil }
        return try await database.writeRidingNextSync { db in
            guard let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT d.eventId, o.kind, o.bookingId, o.createdAt, d.attempts, d.nextAttemptAt <= ? AS due
                    FROM outboxDeliveries d INDEXED BY outboxDeliveries_pending JOIN outbox o ON o.id = d.eventId
                    WHERE d.channel = ? AND d.deliveredAt IS NULL ORDER BY d.rowid LIMIT 1
                    """,
                arguments: [StorageDate.databaseValue(now), channel]),
                row["due"] as Bool, let kind = OutboxEvent.Kind(rawValue: row["kind"])
            else { return nil }
            try db.execute(
                sql: "UPDATE outboxDeliveries SET nextAttemptAt = ? WHERE eventId = ? AND channel = ?",
                arguments: [StorageDate.databaseValue(now.addingTimeInterval(lease)), row["eventId"] as String, channel])
            return OutboxDelivery(eventId: row["eventId"], kind: kind, bookingId: row["bookingId"], createdAt: row["createdAt"], channel: channel, attempts: row["attempts"])
        }
    }

    public func abandon(eventId: String, channel: String, reason: String, at: Date) async throws {
        try await database.writeRidingNextSync { db in
            try db.execute(
                sql: "UPDATE outboxDeliveries SET deliveredAt = ?, lastError = ? WHERE eventId = ? AND channel = ? AND deliveredAt IS NULL",
                arguments: [StorageDate.databaseValue(at), reason, eventId, channel])
        }
    }

    /// Whether `channel` has a delivery due by `now`: a read, by the index outboxDeliveries_due.
    private func anythingDue(channel: String, now: Date) async throws -> Bool {
        try await database.pool.read { db in
            try Bool.fetchOne(
                db.cachedStatement(sql: "SELECT EXISTS (SELECT 1 FROM outboxDeliveries WHERE channel = ? AND deliveredAt IS NULL AND nextAttemptAt <= ?)"),
                arguments: [channel, StorageDate.databaseValue(now)]) ?? false
        }
    }

    public func markDelivered(eventIds: [String], channel: String, at: Date) async throws {
        try await database.writeRidingNextSync { db in
            let statement = try db.cachedStatement(
                sql: "UPDATE outboxDeliveries SET deliveredAt = ?, attempts = attempts + 1, lastError = NULL WHERE eventId = ? AND channel = ?")
            for eventId in eventIds { try statement.execute(arguments: [StorageDate.databaseValue(at), eventId, channel]) }
        }
    }

    public func markFailed(eventId: String, channel: String, error: String, retryAt: Date) async throws {
        try await database.writeRidingNextSync { db in
            try db.execute(
                sql: "UPDATE outboxDeliveries SET attempts = attempts + 1, lastError = ?, nextAttemptAt = ? WHERE eventId = ? AND channel = ? AND deliveredAt IS NULL",
                arguments: [String(error.prefix(500)), StorageDate.databaseValue(retryAt), eventId, channel])
        }
    }

    public func undelivered(channel: String) async throws -> Int {
        try await database.pool.read { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outboxDeliveries WHERE channel = ? AND deliveredAt IS NULL", arguments: [channel]) ?? 0
        }
    }
}
