import Foundation
import GRDB

/// `AccountStore` on the SQLite file.
public struct SQLiteAccountStore: AccountStore {
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

    /// One indexed read through a cached prepared statement: no record decoding. It reads the row every time on
    /// purpose: accounts are deactivated and roles changed by a write to `users` (from any connection or process),
    /// and a token must lose its rights at once, so no in-memory copy may answer for it.
    public func activeRole(id: String) async throws -> Role? {
        try await database.pool.read { db in
            let statement = try db.cachedStatement(sql: "SELECT role FROM users WHERE id = ? AND isActive")
            return try String.fetchOne(statement, arguments: [id]).flatMap(Role.init(rawValue:))
        }
    }

    public func user(email: String) async throws -> UserRecord? {
        let key = EmailIdentity.key(email)
        return try await database.pool.read { db in
            try UserRecord.fetchOne(db.cachedStatement(sql: "SELECT * FROM users WHERE emailKey = ?"), arguments: [key])
        }
    }

    public func users(page: PageRequest) async throws -> Page<UserRecord> {
        try await database.pool.read { db in
            var request = UserRecord.all()
            if let after = page.after { request = request.filter(Column("id") > after.id) }
            let rows = try request.order(Column("id")).limit(page.limit + 1).fetchAll(db)
            return Paging.page(rows, limit: page.limit) { Cursor(key: "", id: $0.id) }
        }
    }

    public func update(_ user: UserRecord) async throws {
        try await database.pool.write { db in
            try StoreError.mapping(uniqueField: "email") { try user.update(db) }
        }
    }
}
