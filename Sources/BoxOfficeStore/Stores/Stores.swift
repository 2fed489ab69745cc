import Foundation
import ServiceLifecycle

/// Everything one BoxOffice process keeps, behind the protocols its services use: one value per backend
/// (`Stores.sqlite(…)` today), so nothing above this module knows which database it runs on.
public struct Stores: Sendable {
    public var journal: any Journal
    public var bookings: any BookingStore
    public var payments: any PaymentStore
    public var idempotency: any IdempotencyStore
    public var catalog: any CatalogStore
    public var accounts: any AccountStore
    public var live: any LiveStore
    public var outbox: any OutboxStore
    public var webhooks: any WebhookStore
    public var secrets: any SigningSecretStore
    public var health: any StoreHealth
    /// True when other processes may write the same shows (PostgreSQL: several nodes on one database), so a show held
    /// in memory may be out of date and is checked before a refusal is believed.
    public var sharedWriters = false
    /// Hears the seat changes other processes commit (PostgreSQL); nil when nothing else writes.
    public var seatChanges: (any SeatChangeListener)?
    /// What must run while the process serves: the journal's writer, connection pools.
    public var services: [any Service]

    public init(
        journal: any Journal, bookings: any BookingStore, payments: any PaymentStore, idempotency: any IdempotencyStore,
        catalog: any CatalogStore, accounts: any AccountStore, live: any LiveStore, outbox: any OutboxStore,
        webhooks: any WebhookStore, secrets: any SigningSecretStore,
        health: any StoreHealth, services: [any Service]
    ) {
        self.journal = journal
        self.bookings = bookings
        self.payments = payments
        self.idempotency = idempotency
        self.catalog = catalog
        self.accounts = accounts
        self.live = live
        self.outbox = outbox
        self.webhooks = webhooks
        self.secrets = secrets
        self.health = health
        self.services = services
    }
}

/// The key tokens are signed with when `BOXOFFICE_JWT_SECRET` is not set: made once, then the same for the
/// installation (every node of it).
public protocol SigningSecretStore: Sendable {
    func signingSecret() async throws -> String
}

/// Tells a node of the seat changes committed by any node, as they commit, and of the shows an admin edited.
public protocol SeatChangeListener: Sendable {
    /// Calls `onChange` with each committed change's show and version — and the change itself when the notice carried
    /// it (nil: read it from the journal if needed) — and `onShowEdit` with each show whose row was updated, until the
    /// task is cancelled; `onGap` each time it starts listening — the first time, and again after losing its connection
    /// (notices sent before or meanwhile are lost).
    /// `onExtension` hears each hold extended (by any node): its show, booking and new expiry.
    func run(
        onChange: @escaping @Sendable (_ show: String, _ version: Int64, _ change: CarriedSeatChange?) async -> Void,
        onExtension: @escaping @Sendable (_ show: String, _ booking: String, _ expiresAt: Date) async -> Void,
        onShowEdit: @escaping @Sendable (_ show: String) async -> Void,
        onGap: @escaping @Sendable () async -> Void) async
}

extension SeatChangeListener {
    /// `run` for a listener that does not follow holds' extensions.
    public func run(
        onChange: @escaping @Sendable (_ show: String, _ version: Int64, _ change: CarriedSeatChange?) async -> Void,
        onShowEdit: @escaping @Sendable (_ show: String) async -> Void,
        onGap: @escaping @Sendable () async -> Void
    ) async {
        await run(onChange: onChange, onExtension: { _, _, _ in }, onShowEdit: onShowEdit, onGap: onGap)
    }
}

/// Whether the database answers, for `/readyz`, and how its connection pool fares, for `/metrics`.
public protocol StoreHealth: Sendable {
    func isReachable() async -> Bool
    /// Nil for a store without a pool (SQLite: one writer, readers on the file).
    var connectionPool: ConnectionPoolStatus? { get }
}

extension StoreHealth {
    public var connectionPool: ConnectionPoolStatus? { nil }
}

/// A connection pool's state, and its counts since start.
public struct ConnectionPoolStatus: Sendable {
    public struct Counters: Sendable {
        /// Requests that found every connection busy and waited for one.
        public var waits: UInt64 = 0
        /// Requests that failed: the server refused the statement, or the connection broke.
        public var failed: UInt64 = 0
        /// Requests refused at once because the database was down.
        public var refused: UInt64 = 0
        /// Times the database became unreachable.
        public var outages: UInt64 = 0
    }

    public var isUp: Bool
    public var poolSize: Int
    public var connectionsInUse: Int
    public var waiting: Int
    public var counters: Counters
}

extension ConnectionPoolStatus {
    /// The pool in Prometheus' text format.
    public var prometheusText: String {
        var text = ""
        func metric(_ name: String, _ type: String, _ help: String, _ value: String) {
            text += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n"
        }
        metric("boxoffice_db_up", "gauge", "1 while the database answers, 0 while requests are refused because it does not.", isUp ? "1" : "0")
        metric("boxoffice_db_pool_size", "gauge", "Connections the pool may open.", "\(poolSize)")
        metric("boxoffice_db_pool_in_use", "gauge", "Connections in use by requests now.", "\(connectionsInUse)")
        metric("boxoffice_db_pool_waiting", "gauge", "Requests waiting for a connection now.", "\(waiting)")
        metric("boxoffice_db_pool_waits_total", "counter", "Requests that found every connection busy and waited.", "\(counters.waits)")
        metric("boxoffice_db_errors_total", "counter", "Database requests that failed (refused statements and broken connections).", "\(counters.failed)")
        metric("boxoffice_db_refused_total", "counter", "Requests refused at once because the database was unreachable.", "\(counters.refused)")
        metric("boxoffice_db_outages_total", "counter", "Times the database became unreachable.", "\(counters.outages)")
        return text
    }
}

