import BoxOfficeStore
import TestDatabases

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
