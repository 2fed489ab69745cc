import Logging
import PostgresNIO
import ServiceLifecycle

extension Stores {
    /// Every store on one PostgreSQL database: checks it is reachable (failing at once with the server's reason),
    /// migrates it (safe when several nodes start at once), and runs its connection pool until the service group
    /// shuts down. Its journal commits one transaction per batch, a small one after `linger` when the writer is busy.
    public static func postgres(
        url: PostgresURL, poolSize: Int = 20, linger: JournalLinger? = .postgres, logger: Logger,
        onBatch: @escaping @Sendable (_ size: Int, _ seconds: Double) -> Void = { _, _ in }
    ) async throws -> Stores {
        let database = try PostgresDatabase(url: url, poolSize: poolSize, logger: logger)
        // The pool must run before the migrations and the start-up reads (demo data, the admin, the secret), which
        // happen before the service group starts; `PostgresPool` owns that task and ends it when the group stops.
        let pool = PostgresPool(database: database)
        try await database.checkReachable()
        try await database.migrate()
        let journal = GroupCommitJournal(postgres: database, logger: logger, linger: linger, onBatch: onBatch)
        var stores = Stores(
            journal: journal, bookings: PostgresBookingStore(database: database, logger: logger),
            payments: PostgresPaymentStore(database: database, logger: logger),
            idempotency: PostgresIdempotencyStore(database: database, logger: logger),
            catalog: PostgresCatalogStore(database: database, logger: logger), accounts: PostgresAccountStore(database: database, logger: logger),
            live: PostgresLiveStore(database: database, logger: logger), outbox: PostgresOutboxStore(database: database, logger: logger),
            webhooks: PostgresWebhookStore(database: database, logger: logger), secrets: database, health: database, services: [journal, pool])
        stores.sharedWriters = true
        stores.seatChanges = PostgresSeatChangeListener(database: database, logger: logger)
        return stores
    }
}

extension PostgresDatabase: SigningSecretStore, StoreHealth {
    public func signingSecret() async throws -> String { try await jwtSecret() }
    public var connectionPool: ConnectionPoolStatus? { connections.status }
}

/// Runs a database's connection pool from the moment the stores are opened (start-up needs it before the service
/// group runs) until the group shuts down. The pool's task is the one unstructured task here: it is created once,
/// in `init`, and cancelled by `run()` when the group stops, so it cannot outlive the process's service group.
final class PostgresPool: Service {
    private let task: Task<Void, Never>

    init(database: PostgresDatabase) {
        task = Task { await database.run() }
    }

    func run() async throws {
        try? await gracefulShutdown()
        task.cancel()
        await task.value
    }
}

extension LedgerCheck {
    /// The same rules over a PostgreSQL database (their SQL is plain SQL that both stores speak).
    public static func violations(in database: PostgresDatabase) async throws -> [String] {
        var found: [String] = []
        for rule in rules {
            let rows = try await database.connections.query(PostgresQuery(unsafeSQL: rule.sql + " LIMIT 20"), logger: Logger(label: "boxoffice.ledger"))
            for try await id in rows.decode(String.self) { found.append("\(rule.name): \(id)") }
        }
        return found
    }
}
