import Foundation
import GRDB

/// `IdempotencyStore` on the SQLite file.
public struct SQLiteIdempotencyStore: IdempotencyStore {
    let database: BoxOfficeDatabase

    public init(database: BoxOfficeDatabase) {
        self.database = database
    }

    /// The stored answer for a user's key, if it is younger than its expiry.
    public func idempotentAnswer(userId: String, key: String, now: Date) async throws -> IdempotentAnswer? {
        try await database.pool.read { db in
            try IdempotentAnswer.filter(Column("userId") == userId && Column("key") == key && Column("expiresAt") > now).fetchOne(db)
        }
    }
}
