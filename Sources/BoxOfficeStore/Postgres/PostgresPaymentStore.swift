import Foundation
import Logging
import PostgresNIO

/// `PaymentStore` on PostgreSQL.
public struct PostgresPaymentStore: PaymentStore {
    let connections: PostgresConnections
    let logger: Logger

    public init(database: PostgresDatabase, logger: Logger) {
        self.connections = database.connections
        self.logger = logger
    }

    public func payment(id: String) async throws -> Payment? {
        let rows = try await connections.query("SELECT \(unescaped: PostgresColumns.payment) FROM payments WHERE id = \(id)", logger: logger)
        for try await row in rows { return try Payment(postgres: row) }
        return nil
    }

    /// Payments left `processing` by a stop before `cutoff`: their charges were never captured.
    public func interruptedPayments(before cutoff: Date) async throws -> [Payment] {
        let rows = try await connections.query(
            "SELECT \(unescaped: PostgresColumns.payment) FROM payments WHERE paymentStatus = 'processing' AND updatedAt < \(cutoff)",
            logger: logger)
        var payments: [Payment] = []
        for try await row in rows { payments.append(try Payment(postgres: row)) }
        return payments
    }
}

/// `IdempotencyStore` on PostgreSQL.
public struct PostgresIdempotencyStore: IdempotencyStore {
    let connections: PostgresConnections
    let logger: Logger

    public init(database: PostgresDatabase, logger: Logger) {
        self.connections = database.connections
        self.logger = logger
    }

    public func idempotentAnswer(userId: String, key: String, now: Date) async throws -> IdempotentAnswer? {
        let rows = try await connections.query(
            """
            SELECT requestHash, status, body, createdAt, expiresAt FROM idempotencyKeys
            WHERE userId = \(userId) AND key = \(key) AND expiresAt > \(now)
            """, logger: logger)
        for try await (hash, status, body, created, expires) in rows.decode((String, Int, Data, Date, Date).self) {
            return IdempotentAnswer(userId: userId, key: key, requestHash: hash, status: status, body: body, createdAt: created, expiresAt: expires)
        }
        return nil
    }
}
