import BoxOfficeStore
import Testing

/// The stores a suite runs against: SQLite always, PostgreSQL when the test cluster is there (`scripts/test` always
/// starts one and sets `BOXOFFICE_TEST_POSTGRES_URL`), so one suite checks both implementations of a protocol.
enum StoreKind: String, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    static var available: [StoreKind] { TestPostgres.isConfigured ? [.sqlite, .postgres] : [.sqlite] }

    var testDescription: String { rawValue }
}

/// Runs `body` with a new, empty catalog store of `kind` (a fresh SQLite file, or a fresh migrated PostgreSQL database).
func withCatalogStore(_ kind: StoreKind, _ body: (any CatalogStore) async throws -> Void) async throws {
    switch kind {
    case .sqlite:
        try await body(SQLiteCatalogStore(database: try temporaryDatabase()))
    case .postgres:
        try await TestPostgres.withMigrated { database in
            try await body(PostgresCatalogStore(database: database, logger: TestPostgres.logger))
        }
    }
}
