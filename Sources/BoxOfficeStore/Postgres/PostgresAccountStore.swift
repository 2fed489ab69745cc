import Foundation
import Logging
import PostgresNIO

/// `AccountStore` on PostgreSQL.
public struct PostgresAccountStore: AccountStore {
    let connections: PostgresConnections
    let logger: Logger

    static let columns = "id, name, email, emailKey, passwordHash, phone, role, isActive, createdAt, updatedAt"

    public init(database: PostgresDatabase, logger: Logger) {
        self.connections = database.connections
        self.logger = logger
    }

    public func insert(_ user: UserRecord) async throws {
        try await mappingDuplicateEmail {
            try await connections.execute(
                """
                INSERT INTO users (\(unescaped: Self.columns))
                VALUES (\(user.id), \(user.name), \(user.email), \(user.emailKey), \(user.passwordHash), \(user.phone), \(user.role.rawValue),
                        \(user.isActive), \(user.createdAt), \(user.updatedAt))
                """, logger: logger)
        }
    }

    public func user(id: String) async throws -> UserRecord? {
        try await one("SELECT \(unescaped: Self.columns) FROM users WHERE id = \(id)")
    }

    public func user(email: String) async throws -> UserRecord? {
        try await one("SELECT \(unescaped: Self.columns) FROM users WHERE emailKey = \(EmailIdentity.key(email))")
    }

    public func update(_ user: UserRecord) async throws {
        try await mappingDuplicateEmail {
            try await connections.execute(
                """
                UPDATE users SET name = \(user.name), email = \(user.email), emailKey = \(user.emailKey), passwordHash = \(user.passwordHash),
                    phone = \(user.phone), role = \(user.role.rawValue), isActive = \(user.isActive), updatedAt = \(user.updatedAt)
                WHERE id = \(user.id)
                """, logger: logger)
        }
    }

    /// One indexed read on every request: a demotion or deactivation takes effect at once.
    public func activeRole(id: String) async throws -> Role? {
        try await connections.read(ActiveRoleRead(key: id), logger: logger).first.flatMap(Role.init(rawValue:))
    }

    public func users(page: PageRequest) async throws -> Page<UserRecord> {
        let users = try await all(
            """
            SELECT \(unescaped: Self.columns) FROM users WHERE (\(page.after?.id)::text IS NULL OR id > \(page.after?.id))
            ORDER BY id LIMIT \(page.limit + 1)
            """)
        return Paging.page(users, limit: page.limit) { Cursor(key: "", id: $0.id) }
    }

    private func one(_ query: PostgresQuery) async throws -> UserRecord? {
        try await all(query).first
    }

    private func all(_ query: PostgresQuery) async throws -> [UserRecord] {
        let rows = try await connections.query(query, logger: logger)
        var users: [UserRecord] = []
        for try await c in rows.decode((String, String, String, String, String, String?, String, Bool, Date, Date).self) {
            var user = UserRecord(
                id: c.0, name: c.1, email: c.2, passwordHash: c.4, phone: c.5, role: try storedWord(c.6, column: "role", as: Role.self),
                isActive: c.7, createdAt: c.8, updatedAt: c.9)
            user.emailKey = c.3
            users.append(user)
        }
        return users
    }

    /// A unique violation on the address (either spelling index) is `StoreError.duplicate(field: "email")`, as on SQLite.
    private func mappingDuplicateEmail(_ write: () async throws -> Void) async throws {
        do {
            try await write()
        } catch where PostgresFailure.sqlState(error) == "23505" {
            throw StoreError.duplicate(field: "email")
        }
    }
}
