import Foundation
import GRDB

/// `PaymentStore` on the SQLite file.
public struct SQLitePaymentStore: PaymentStore {
    let database: BoxOfficeDatabase

    public init(database: BoxOfficeDatabase) {
        self.database = database
    }

    /// On a cached prepared statement, compiled once per connection: every process call reads its payment.
    public func payment(id: String) async throws -> Payment? {
        try await database.pool.read { db in
            try Payment.fetchOne(db.cachedStatement(sql: "SELECT * FROM payments WHERE id = ?"), arguments: [id])
        }
    }

    /// Payments left `processing` by a stop before `cutoff`: their charges were never captured.
    public func interruptedPayments(before cutoff: Date) async throws -> [Payment] {
        try await database.pool.read { db in
            try Payment.fetchAll(db, sql: RecoveryQueries.interruptedPayments, arguments: [StorageDate.databaseValue(cutoff)])
        }
    }
}
