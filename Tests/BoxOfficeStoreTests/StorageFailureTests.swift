import BoxOfficeStore
import Foundation
import GRDB
import Testing

@Suite("Storage failures are told apart from bad requests")
struct StorageFailureTests {
    @Test("a database that cannot grow (SQLITE_FULL) is a storage failure; a duplicate is not; writes resume when it can grow")
    func fullDatabase() async throws {
        let database = try temporaryDatabase()
        let catalog = SQLiteCatalogStore(database: database)
        try await catalog.insert(makeCity("Kochi"))
        // The writer connection may not add a page: the file is as full as a full disk leaves it.
        let pages = try await database.pool.write { db in try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0 }
        try await database.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = \(pages)") }
        var full: (any Error)?
        for index in 0..<200 where full == nil {
            do { try await catalog.insert(makeCity("City \(index) " + String(repeating: "x", count: 400))) } catch { full = error }
        }
        let error = try #require(full, "the database never filled up")
        #expect(StorageFailure.isStorageFailure(error), "\(error)")
        #expect((error as? DatabaseError)?.resultCode == .SQLITE_FULL, "\(error)")

        try await database.pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA max_page_count = 1073741823") }
        await #expect(throws: Never.self) { try await catalog.insert(makeCity("Thrissur")) }
        do {
            try await catalog.insert(makeCity("Kochi"))
            Issue.record("a duplicate city was accepted")
        } catch {
            #expect(!StorageFailure.isStorageFailure(error), "a duplicate is the request's fault: \(error)")
        }
    }
}
