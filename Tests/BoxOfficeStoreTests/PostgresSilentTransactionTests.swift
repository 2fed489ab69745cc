@testable import BoxOfficeStore
import Logging
import PostgresNIO
import Synchronization
import TestDatabases
import Testing

/// A node cut off from PostgreSQL in the middle of a transaction (its next statement never arrives) must not hold that
/// transaction's row locks — a show's seats, which every other node's writes to the show wait for — until the
/// partition ends: the server ends a session idle in a transaction after `idleInTransactionLimit`.
@Suite(
    "A transaction that falls silent",
    .enabled(if: TestPostgres.isConfigured, "needs BOXOFFICE_TEST_POSTGRES_URL (scripts/test starts a cluster and sets it)"))
struct PostgresSilentTransactionTests {
    let logger = TestPostgres.logger

    func run(_ sql: String, on connection: PostgresConnection) async throws {
        for try await _ in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {}
    }

    @Test("its row locks are freed after the limit; its caller learns the outcome is unknown, and it is not committed")
    func silentTransactionLetsGo() async throws {
        let limit = PostgresDatabase.idleInTransactionLimit
        try await TestPostgres.withMigrated { database in
            try await database.withProbeConnection { other in
                try await run("CREATE TABLE counters (id int PRIMARY KEY, n int NOT NULL)", on: other)
                try await run("INSERT INTO counters VALUES (1, 0)", on: other)
            }
            let waited = Mutex(Duration.zero)
            // postgres-nio never answers a query sent on a connection the server has closed: without the pool's
            // watchdog this would wait for ever. (A `COMMIT` sent while the server is ending the session may get an
            // error as its answer instead: the caller is told just as clearly.)
            let failure = await #expect(throws: (any Error).self) {
                try await database.connections.withConnection { silent in
                    try await run("BEGIN", on: silent)
                    try await run("UPDATE counters SET n = n + 1 WHERE id = 1", on: silent)
                    // Silent from here on: another connection (as another node's writer) wants the same row.
                    let took = try await ContinuousClock().measure {
                        try await database.withProbeConnection { other in
                            try await run("SET lock_timeout = '15s'", on: other)
                            try await run("UPDATE counters SET n = n + 10 WHERE id = 1", on: other)
                        }
                    }
                    waited.withLock { $0 = took }
                    try await run("COMMIT", on: silent)
                }
            }
            // The watchdog's verdict, or the server's own: the connection closed, or the session ended for its idleness.
            let told = failure.map { $0 is WorkOverran || PostgresFailure.isUnavailable($0) || PostgresFailure.sqlState($0) == "25P03" } ?? false
            #expect(told, "the caller hears the outcome is unknown: \(failure.map { String(reflecting: $0) } ?? "nothing")")
            let took = waited.withLock { $0 }
            #expect(took >= limit - .milliseconds(500), "the other writer did wait for the row (\(took))")
            #expect(took < limit + .seconds(5), "and got it once the limit passed, not at its own lock timeout (\(took))")
            let n = try await database.withProbeConnection { other in
                var n = -1
                for try await value in try await other.query("SELECT n FROM counters WHERE id = 1", logger: logger).decode(Int.self) { n = value }
                return n
            }
            #expect(n == 10, "the silent transaction's update was rolled back, the other's committed")
            var reachable = false
            for _ in 0..<40 where !reachable {
                try await Task.sleep(for: .milliseconds(100))
                reachable = await database.isReachable()
            }
            #expect(reachable, "the pool serves again by itself")
        }
    }
}
