import BoxOfficeStore
import Foundation
import Logging
import PostgresNIO

/// The throwaway cluster `scripts/test` starts (`scripts/postgres-cluster`) and names in `BOXOFFICE_TEST_POSTGRES_URL`.
public enum TestPostgres {
    /// postgres-nio has a `PostgresDatabase` protocol of its own.
    public typealias Database = BoxOfficeStore.PostgresDatabase

    public static let urlText = ProcessInfo.processInfo.environment["BOXOFFICE_TEST_POSTGRES_URL"]
    public static var isConfigured: Bool { urlText != nil }
    public static let logger = {
        var logger = Logger(label: "postgres-tests")
        logger.logLevel = .warning
        return logger
    }()

    /// Runs `body` on a new, empty database of the cluster, dropped afterwards (also when `body` throws).
    public static func withFreshDatabase(_ body: (PostgresURL) async throws -> Void) async throws {
        guard let urlText else { throw NotConfigured() }
        let server = try PostgresURL(parsing: urlText)
        var fresh = server
        fresh.database = "boxoffice_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        // An identifier cannot be a bound parameter; this name is ours, of letters, digits and '_' only.
        try await administer(server, "CREATE DATABASE \(unescaped: fresh.database)")
        do {
            try await body(fresh)
        } catch {
            try? await administer(server, "DROP DATABASE \(unescaped: fresh.database) WITH (FORCE)")
            throw error
        }
        try await administer(server, "DROP DATABASE \(unescaped: fresh.database) WITH (FORCE)")
    }

    /// Runs one statement on a connection of its own (CREATE/DROP DATABASE cannot run inside a transaction or pool).
    private static func administer(_ server: PostgresURL, _ statement: PostgresQuery) async throws {
        try await withConnection(server) { connection in
            for try await _ in try await connection.query(statement, logger: logger) {}
        }
    }

    /// A connection of its own to `url`, outside any pool (closed after `body`, which may close it itself): another
    /// node's session, an administrator's, a connection a test breaks.
    public static func withConnection<Value: Sendable>(_ url: PostgresURL, _ body: (PostgresConnection) async throws -> Value) async throws -> Value {
        let configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            let value = try await body(connection)
            try? await connection.close()
            return value
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// Runs the pools of `databases` (not migrated) for the length of `body`.
    public static func withRunning<Result>(_ databases: [Database], _ body: () async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for database in databases { group.addTask { await database.run() } }
            defer { group.cancelAll() }
            return try await body()
        }
    }

    /// A fresh database, migrated, for the length of `body`.
    public static func withMigrated(_ body: (Database) async throws -> Void) async throws {
        try await withFreshDatabase { url in
            try await Database.withOpened(url: url, logger: logger, body)
        }
    }

    /// A suite asked for the cluster while `BOXOFFICE_TEST_POSTGRES_URL` is not set (it should have been skipped).
    public struct NotConfigured: Error, CustomStringConvertible {
        public var description: String { "BOXOFFICE_TEST_POSTGRES_URL is not set (scripts/test starts a cluster and sets it)" }
    }
}
