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
    struct ProbeRead: OneColumnRead {
        static let sql = "SELECT n FROM readProbe WHERE id = $1"
        typealias Row = Int64
        let key: Int64
    }

    /// How many times this session ran `statement` on the generic plan PostgreSQL keeps for it (nil: not prepared here).
    /// With a pool of one connection, the session is the one the reads ran on.
    func genericPlans<Statement: PostgresPreparedStatement>(_ statement: Statement.Type, on connections: PostgresConnections) async throws -> Int64? {
        var count: Int64?
        for try await plans in try await connections.query(
            "SELECT generic_plans FROM pg_prepared_statements WHERE name = \(Statement.name)", logger: logger
        ).decode(Int64.self) { count = plans }
        return count
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
                let plans = try await genericPlans(ActiveRoleRead.self, on: database.connections)
                #expect((plans ?? 0) >= 3, "prepared, and run on its generic plan once PostgreSQL kept one (\(String(describing: plans)))")
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

    @Test("the durable-version read sees each new version at once, after its plan is cached")
    func versionReadFollowsChanges() async throws {
        try await TestPostgres.withFreshDatabase { url in
            try await TestPostgres.Database.withOpened(url: url, poolSize: 1, logger: logger) { database in
                let bookings = PostgresBookingStore(database: database, logger: logger)
                let connections = database.connections
                #expect(try await bookings.lastVersion(showId: "shw-prepared") == 0, "no change journaled yet")
                for version in 1...2 {
                    try await connections.execute(
                        "INSERT INTO seatChanges (showId, version, cause, seats, at) VALUES ('shw-prepared', \(version), 'lock', '[]', now())",
                        logger: logger)
                }
                try await connections.execute(
                    "INSERT INTO seatChanges (showId, version, cause, seats, at) VALUES ('shw-other', 7, 'lock', '[]', now())", logger: logger)
                for _ in 0..<8 { #expect(try await bookings.lastVersion(showId: "shw-prepared") == 2) }
                let plans = try await genericPlans(DurableVersionRead.self, on: connections)
                #expect((plans ?? 0) >= 3, "prepared, and run on its generic plan once PostgreSQL kept one (\(String(describing: plans)))")
                try await connections.execute(
                    "INSERT INTO seatChanges (showId, version, cause, seats, at) VALUES ('shw-prepared', 3, 'lock', '[]', now())", logger: logger)
                #expect(try await bookings.lastVersion(showId: "shw-prepared") == 3)
                #expect(try await bookings.lastVersion(showId: "shw-other") == 7)
            }
        }
    }
}
