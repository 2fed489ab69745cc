@testable import BoxOfficeStore
import Foundation
import PostgresNIO
import TestDatabases
import Testing

/// The reads every request makes are prepared statements (`PostgresConnections.read`): planned once a connection,
/// never answering from an old plan's data, and never stuck on a connection where a preparation failed.
@Suite(
    "Prepared reads",
    .enabled(if: TestPostgres.isConfigured, "needs BOXOFFICE_TEST_POSTGRES_URL (scripts/test starts a cluster and sets it)"))
struct PostgresPreparedReadTests {
    let logger = TestPostgres.logger

    /// A read of a table the test makes only after the first attempt.
    struct ProbeRead: OneKeyRead {
        static let sql = "SELECT n FROM readProbe WHERE id = $1"
        typealias Row = Int64
        let key: Int64
    }

    @Test("a statement the server refused to prepare is prepared again once it can be (postgres-nio keeps the failure per connection)")
    func refusedPreparationIsNotKept() async throws {
        try await TestPostgres.withFreshDatabase { url in
            // One connection: without closing it after the refusal, every later read would meet the kept failure.
            try await TestPostgres.Database.withOpened(url: url, poolSize: 1, migrate: false, logger: logger) { database in
                let connections = database.connections
                await #expect(throws: PSQLError.self) { try await connections.read(ProbeRead(key: 1), logger: logger) }
                try await connections.execute("CREATE TABLE readProbe (id bigint PRIMARY KEY, n bigint NOT NULL)", logger: logger)
                try await connections.execute("INSERT INTO readProbe VALUES (1, 42)", logger: logger)
                #expect(try await connections.read(ProbeRead(key: 1), logger: logger) == [42])
                #expect(try await connections.read(ProbeRead(key: 2), logger: logger) == [])
                #expect(connections.isUp, "a refused statement is no outage")
            }
        }
    }

    @Test("the role read sees a demotion and a deactivation at once, after its plan is cached")
    func roleReadFollowsChanges() async throws {
        try await TestPostgres.withFreshDatabase { url in
            try await TestPostgres.Database.withOpened(url: url, poolSize: 1, logger: logger) { database in
                let accounts = PostgresAccountStore(database: database, logger: logger)
                var user = UserRecord(
                    id: "u-prepared", name: "Prepared", email: "prepared@example.com", passwordHash: "x", phone: "", role: .admin, isActive: true,
                    createdAt: .now, updatedAt: .now)
                try await accounts.insert(user)
                // Past the five custom plans PostgreSQL makes before it keeps a generic one.
                for _ in 0..<8 { #expect(try await accounts.activeRole(id: user.id) == .admin) }
                user.role = .user
                try await accounts.update(user)
                #expect(try await accounts.activeRole(id: user.id) == .user)
                user.isActive = false
                try await accounts.update(user)
                #expect(try await accounts.activeRole(id: user.id) == nil)
                #expect(try await accounts.activeRole(id: "nobody") == nil)
            }
        }
    }
}
