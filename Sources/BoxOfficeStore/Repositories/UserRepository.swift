import Foundation
import GRDB

/// Accounts: read by id or email, created once, updated rarely.
public protocol UserRepository: Sendable {
    /// Inserts a new account; throws `StoreError.duplicate(field: "email")` when the email is taken.
    func insert(_ user: UserRecord) async throws
    func user(id: String) async throws -> UserRecord?
    /// Case-insensitive lookup.
    func user(email: String) async throws -> UserRecord?
    func update(_ user: UserRecord) async throws
    /// Whether the account exists and is active: the per-request check behind a token.
    func isActive(id: String) async throws -> Bool
}

extension UserRepository {
    public func isActive(id: String) async throws -> Bool {
        try await user(id: id)?.isActive ?? false
    }
}

/// `UserRepository` on the SQLite file.
public struct SQLiteUserRepository: UserRepository {
    let database: BoxOfficeDatabase

    public init(database: BoxOfficeDatabase) {
        self.database = database
    }

    public func insert(_ user: UserRecord) async throws {
        try await database.pool.write { db in
            try StoreError.mapping(uniqueField: "email") { try user.insert(db) }
        }
    }

    public func user(id: String) async throws -> UserRecord? {
        try await database.pool.read { db in try UserRecord.fetchOne(db, key: id) }
    }

    /// One indexed integer read through a cached prepared statement: no record decoding. It reads the row every
    /// time on purpose: accounts are deactivated by a write to `users` (from any connection or process), and a
    /// token must stop working at once, so no in-memory copy may answer for it.
    public func isActive(id: String) async throws -> Bool {
        try await database.pool.read { db in
            let statement = try db.cachedStatement(sql: "SELECT isActive FROM users WHERE id = ?")
            return try Bool.fetchOne(statement, arguments: [id]) ?? false
        }
    }

    public func user(email: String) async throws -> UserRecord? {
        try await database.pool.read { db in
            try UserRecord.filter(sql: "email = ? COLLATE NOCASE", arguments: [email]).fetchOne(db)
        }
    }

    public func update(_ user: UserRecord) async throws {
        try await database.pool.write { db in
            try StoreError.mapping(uniqueField: "email") { try user.update(db) }
        }
    }
}
