import Logging
import PostgresNIO
import ServiceLifecycle

/// A PostgreSQL database: its connection pool (`PostgresConnections`, over postgres-nio's `PostgresClient`), and the
/// schema migrated on open.
///
/// The pool works only while `run()` runs: as a `Service` in the server's group, or inside `withOpened`, which runs
/// it for the length of a closure. (Inside this module the name shadows postgres-nio's `PostgresDatabase` protocol;
/// a file importing both modules writes `BoxOfficeStore.PostgresDatabase`.)
public final class PostgresDatabase: Sendable, Service {
    /// The pool; only code in this module runs SQL on it (and tests).
    public let connections: PostgresConnections
    public let url: PostgresURL
    private let probeConfiguration: PostgresConnection.Configuration
    let logger: Logger

    /// A client for `url`, with at most `poolSize` connections. Nothing connects until `run()` runs.
    /// Throws only when TLS cannot be set up (the system's trust roots cannot be loaded).
    public init(url: PostgresURL, poolSize: Int = 20, logger: Logger) throws {
        self.url = url
        self.logger = logger
        let probeConfiguration = try Self.probeConfiguration(url)
        self.probeConfiguration = probeConfiguration
        var configuration = PostgresClient.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            // As libpq's default (sslmode=prefer): TLS when the server offers it.
            tls: .prefer(.makeClientConfiguration()))
        configuration.options.maximumConnections = poolSize
        configuration.options.additionalStartupParameters = Self.startupParameters
        configuration.options.connectTimeout = .seconds(3)
        let poolConfiguration = configuration
        self.connections = PostgresConnections(
            poolSize: poolSize, logger: logger,
            makeClient: { PostgresClient(configuration: poolConfiguration, backgroundLogger: logger) },
            probe: { try await Self.probe(probeConfiguration, logger: logger) })
    }

    /// One connection outside the pool, to probe the server and to learn the fate of a commit whose answer was lost.
    private static func probeConfiguration(_ url: PostgresURL) throws -> PostgresConnection.Configuration {
        var probe = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database,
            tls: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration())))
        probe.options.additionalStartupParameters = startupParameters
        probe.options.connectTimeout = .seconds(3)
        return probe
    }

    /// Opens a connection outside the pool, runs `body` on it and closes it.
    func withProbeConnection<Result>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await Self.withConnection(probeConfiguration, logger: logger, body)
    }

    private static func withConnection<Result>(
        _ configuration: PostgresConnection.Configuration, logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    private static func probe(_ configuration: PostgresConnection.Configuration, logger: Logger) async throws {
        try await withConnection(configuration, logger: logger) { connection in
            for try await _ in try await connection.query("SELECT 1", logger: logger) {}
        }
    }

    /// Set on every connection, whatever the database's or role's defaults say:
    /// - `synchronous_commit`: an acknowledged commit is on disk (a database configured with `synchronous_commit = off`
    ///   would otherwise lose acknowledged bookings on a crash);
    /// - `idle_in_transaction_session_timeout`: a node that falls silent inside a transaction (cut off from the
    ///   database by the network, its statements' answers lost) holds that transaction's row locks — a show's seats,
    ///   which every other node's writes to that show then wait for — only this long: the server ends its session and
    ///   the locks go. BoxOffice never waits inside a transaction for anything but the database's own answers, so a
    ///   live node is never cut short by it; what a node had in flight is then not committed, and it says so (503).
    static let startupParameters = [
        ("application_name", "boxoffice"), ("synchronous_commit", "on"),
        ("idle_in_transaction_session_timeout", "\(idleInTransactionLimit.components.seconds)s"),
    ]

    /// See `startupParameters`.
    static let idleInTransactionLimit: Duration = .seconds(5)

    /// Runs the pool until the task is cancelled or the service group shuts down gracefully.
    public func run() async {
        await connections.run()
    }

    /// Opens one connection outside the pool and runs `SELECT 1`, so that a wrong or unreachable URL fails with the
    /// server's own reason at once (the pool would instead retry in the background until its circuit breaker trips).
    public func checkReachable() async throws(PostgresUnreachable) {
        let probe: PostgresConnection
        do {
            probe = try await PostgresConnection.connect(configuration: probeConfiguration, id: 0, logger: logger)
        } catch {
            throw PostgresUnreachable(url: url, reason: PostgresFailure.reason(error))
        }
        do {
            for try await _ in try await probe.query("SELECT 1", logger: logger) {}
            try await probe.close()
        } catch {
            try? await probe.close()
            throw PostgresUnreachable(url: url, reason: PostgresFailure.reason(error))
        }
    }

    /// True when the pool is not refusing requests and a trivial query through it succeeds.
    public func isReachable() async -> Bool {
        guard connections.isUp else { return false }
        do {
            let rows = try await connections.query("SELECT 1", logger: logger)
            for try await value in rows.decode(Int.self) { return value == 1 }
            return false
        } catch {
            return false
        }
    }

    /// Applies the migrations this version knows and the database lacks; returns the names applied by this call.
    /// Safe when several nodes call it at once (see `PostgresMigrator`).
    @discardableResult
    public func migrate() async throws -> [String] {
        try await PostgresMigrator(migrations: PostgresSchema.migrations, connections: connections, logger: logger).migrate()
    }

    /// The names of the migrations applied, in the order they were applied.
    public func appliedMigrations() async throws -> [String] {
        try await PostgresMigrator(migrations: PostgresSchema.migrations, connections: connections, logger: logger).applied()
    }

    /// Runs the pool for the length of `body`: checks the database is reachable, migrates it (unless `migrate` is
    /// false: a read-only tool), then calls `body`. The pool stops when `body` returns or throws.
    public static func withOpened<Result>(
        url: PostgresURL, poolSize: Int = 20, migrate: Bool = true, logger: Logger, _ body: (PostgresDatabase) async throws -> Result
    ) async throws -> Result {
        let database = try PostgresDatabase(url: url, poolSize: poolSize, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await database.run() }
            defer { group.cancelAll() }
            try await database.checkReachable()
            if migrate { try await database.migrate() }
            return try await body(database)
        }
    }
}

/// The database could not be reached or refused us: one line naming why, without the password.
public struct PostgresUnreachable: Error, CustomStringConvertible {
    /// Set at start-up, where the operator needs to know which database was meant.
    public var url: PostgresURL?
    public let reason: String

    public var description: String {
        if let url { "cannot use PostgreSQL at \(url): \(reason)" } else { "PostgreSQL is unreachable: \(reason)" }
    }
}
