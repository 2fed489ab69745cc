import Logging
import PostgresNIO

/// A named step of the PostgreSQL schema, never edited once released: add a new one.
struct PostgresMigration: Sendable {
    let name: String
    /// Run in order, in one transaction; postgres-nio sends one statement per query.
    let statements: [PostgresQuery]
}

/// Applies named migrations in order, each in its own transaction, recording each in the `migrations` table.
///
/// Several nodes may start at once against one database: every transaction first takes the transaction-scoped
/// advisory lock `lockKey`, so they migrate one after another, and a node that gets the lock after another applied
/// a migration finds it recorded and skips it. The lock is released by the commit or rollback itself, so a node
/// that dies mid-migration leaves neither a half-applied migration nor a held lock.
struct PostgresMigrator {
    /// The advisory lock all BoxOffice nodes migrate under ("BoxOffic" in ASCII); shared by every database of the
    /// cluster, which costs nothing since migrations are short.
    static let lockKey: Int64 = 0x426F_784F_6666_6963

    /// A migration may wait for another node's (under the advisory lock) and rewrite a large table: give it an hour.
    static let workLimit: Duration = .seconds(3600)

    let migrations: [PostgresMigration]
    let connections: PostgresConnections
    let logger: Logger

    /// Applies what is missing; returns the names this call applied (empty when another node did it, or nothing was new).
    /// Migrations the database has but this version does not know (a newer node ran them) are left alone.
    func migrate() async throws -> [String] {
        try await connections.withTransaction(logger: logger, workLimit: Self.workLimit) { connection in
            try await lock(connection)
            try await run(
                """
                CREATE TABLE IF NOT EXISTS migrations (
                    name text PRIMARY KEY,
                    appliedAt timestamptz NOT NULL DEFAULT now()
                )
                """, on: connection)
        }
        var applied: [String] = []
        for migration in migrations {
            let didApply = try await connections.withTransaction(logger: logger, workLimit: Self.workLimit) { connection in
                try await lock(connection)
                let rows = try await connection.query("SELECT 1 FROM migrations WHERE name = \(migration.name)", logger: logger)
                for try await _ in rows { return false }
                for statement in migration.statements { try await run(statement, on: connection) }
                try await run("INSERT INTO migrations (name) VALUES (\(migration.name))", on: connection)
                return true
            }
            if didApply {
                logger.info("migrated", metadata: ["migration": "\(migration.name)"])
                applied.append(migration.name)
            }
        }
        return applied
    }

    /// The names recorded in `migrations`, in the order they were applied; empty before the first migration.
    func applied() async throws -> [String] {
        let exists = try await connections.query("SELECT to_regclass('migrations') IS NOT NULL", logger: logger)
        for try await present in exists.decode(Bool.self) where !present { return [] }
        var names: [String] = []
        let rows = try await connections.query("SELECT name FROM migrations ORDER BY appliedAt, name", logger: logger)
        for try await name in rows.decode(String.self) { names.append(name) }
        return names
    }

    private func lock(_ connection: PostgresConnection) async throws {
        try await run("SELECT pg_advisory_xact_lock(\(Self.lockKey))", on: connection)
    }

    private func run(_ statement: PostgresQuery, on connection: PostgresConnection) async throws {
        for try await _ in try await connection.query(statement, logger: logger) {}
    }
}
