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
    public var secrets: any SigningSecretStore
    public var health: any StoreHealth
    /// What must run while the process serves: the journal's writer, connection pools.
    public var services: [any Service]

    public init(
        journal: any Journal, bookings: any BookingStore, payments: any PaymentStore, idempotency: any IdempotencyStore,
        catalog: any CatalogStore, accounts: any AccountStore, live: any LiveStore, secrets: any SigningSecretStore,
        health: any StoreHealth, services: [any Service]
    ) {
        self.journal = journal
        self.bookings = bookings
        self.payments = payments
        self.idempotency = idempotency
        self.catalog = catalog
        self.accounts = accounts
        self.live = live
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

/// Whether the database answers, for `/readyz`.
public protocol StoreHealth: Sendable {
    func isReachable() async -> Bool
}
