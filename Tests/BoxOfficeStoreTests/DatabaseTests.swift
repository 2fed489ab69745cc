import BoxOfficeStore
import Foundation
import GRDB
import Testing

@Suite("The SQLite file")
struct DatabaseTests {
    @Test("opening migrates the schema, in WAL mode with synchronous=FULL by default")
    func opens() async throws {
        let database = try temporaryDatabase()
        #expect(try database.appliedMigrations() == ["v1-accounts-catalog", "v2-bookings", "v3-payments-processing", "v4-one-charge-per-booking", "v5-email-identity", "v6-idempotency-expiry", "v7-tickets", "v8-outbox", "v9-webhooks", "v10-hold-start", "v11-show-sales", "v12-outbox-order"])
        let mode = try await database.pool.read { db in try String.fetchOne(db, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
        let synchronous = try await database.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") }
        #expect(synchronous == 2, "2 is FULL")
        let normal = try temporaryDatabase(durability: .normal)
        #expect(try await normal.pool.read { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 1)
        #expect(await database.isReachable())
    }

    @Test("a write riding the next sync commits, and leaves the writer at synchronous=FULL, even when it fails")
    func ridingNextSync() async throws {
        let database = try temporaryDatabase()
        let city = makeCity("Kochi")
        try await SQLiteCatalogStore(database: database).insert(city)
        try await database.writeRidingNextSync { db in
            #expect(try Int.fetchOne(db, sql: "PRAGMA synchronous") == 1, "NORMAL while it writes")
            try db.execute(sql: "UPDATE cities SET name = 'Cochin' WHERE id = ?", arguments: [city.id])
        }
        await #expect(throws: DatabaseError.self) {
            try await database.writeRidingNextSync { db in
                try db.execute(sql: "UPDATE cities SET name = 'Lost' WHERE id = ?", arguments: [city.id])
                try db.execute(sql: "UPDATE no_such_table SET x = 1")
            }
        }
        // The writer is back at FULL: the journal's next commit (a booking) is synced as before.
        #expect(try await database.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 2)
        #expect(try await database.pool.read { db in try String.fetchOne(db, sql: "SELECT name FROM cities WHERE id = ?", arguments: [city.id]) } == "Cochin")
    }

    @Test("reopening the same file keeps its rows and applies no migration twice")
    func reopen() async throws {
        let first = try temporaryDatabase()
        try await SQLiteCatalogStore(database: first).insert(makeCity("Kochi"))
        let second = try BoxOfficeDatabase(path: first.path)
        #expect(try await SQLiteCatalogStore(database: second).cities(page: PageRequest()).items.map(\.name) == ["Kochi"])
        #expect(try second.appliedMigrations() == ["v1-accounts-catalog", "v2-bookings", "v3-payments-processing", "v4-one-charge-per-booking", "v5-email-identity", "v6-idempotency-expiry", "v7-tickets", "v8-outbox", "v9-webhooks", "v10-hold-start", "v11-show-sales", "v12-outbox-order"])
    }
}

@Suite("Accounts in the store")
struct UserRepositoryTests {
    @Test("emails are unique without regard to case, and found without regard to case")
    func uniqueEmail() async throws {
        let users = SQLiteAccountStore(database: try temporaryDatabase())
        let now = Date()
        let user = UserRecord(id: Identifier.make("usr"), name: "A", email: "Mixed@Example.com", passwordHash: "h", phone: nil, role: .user, createdAt: now, updatedAt: now)
        try await users.insert(user)
        #expect(try await users.user(email: "mixed@example.COM")?.id == user.id)
        var clash = user
        clash.id = Identifier.make("usr")
        clash.email = "mixed@example.com"
        await #expect(throws: StoreError.duplicate(field: "email")) { try await users.insert(clash) }
        #expect(try await users.user(id: clash.id) == nil)
    }
}
