import Logging

extension Stores {
    /// Every store on one SQLite file (created and migrated if needed), with the group-commit journal.
    public static func sqlite(
        path: String, durability: Durability = .full, linger: JournalLinger? = nil, logger: Logger,
        onBatch: @escaping @Sendable (_ size: Int, _ seconds: Double) -> Void = { _, _ in }
    ) throws -> Stores {
        let database = try BoxOfficeDatabase(path: path, durability: durability)
        let journal = SQLiteJournal(database: database, logger: logger, linger: linger, onBatch: onBatch)
        return Stores(
            journal: journal, bookings: SQLiteBookingStore(database: database), payments: SQLitePaymentStore(database: database),
            idempotency: SQLiteIdempotencyStore(database: database), catalog: SQLiteCatalogStore(database: database),
            accounts: SQLiteAccountStore(database: database), live: SQLiteLiveStore(database: database),
            outbox: SQLiteOutboxStore(database: database), webhooks: SQLiteWebhookStore(database: database),
            secrets: SigningSecretFile(besideDatabase: path), health: database, services: [journal])
    }
}

extension BoxOfficeDatabase: StoreHealth {}
