@testable import BoxOfficeStore
import Foundation
import Logging
import PostgresNIO
import TestDatabases
import Testing

/// A journal batch begins with `BEGIN` and its claims statement handed to the connection together
/// (`PostgresBatchWriter.begin`): the claims must run inside the transaction `BEGIN` opened, and a connection that has
/// closed must fail the batch at once — not leave it waiting for an answer that never comes.
@Suite(
    "A journal batch's start on PostgreSQL",
    .enabled(if: TestPostgres.isConfigured, "needs BOXOFFICE_TEST_POSTGRES_URL (scripts/test starts a cluster and sets it)"),
    .timeLimit(.minutes(1)))
struct PostgresBatchBeginTests {
    let logger = TestPostgres.logger

    /// A batch writer on a new migrated database, and a connection of its own to that database.
    func withWriter(_ body: (PostgresBatchWriter, PostgresConnection) async throws -> Void) async throws {
        try await TestPostgres.withFreshDatabase { url in
            try await TestPostgres.Database.withOpened(url: url, logger: logger) { database in
                try await TestPostgres.withConnection(url) { try await body(PostgresBatchWriter(database: database, logger: logger), $0) }
            }
        }
    }

    func value(_ sql: String, on connection: PostgresConnection) async throws -> String? {
        for try await text in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(String?.self) { return text }
        return nil
    }

    @Test("the claims run in the transaction BEGIN opened: its marker and its claim are gone with its ROLLBACK")
    func claimsRunInsideTheTransaction() async throws {
        let advisoryLocksHere = "SELECT count(*)::text FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        try await withWriter { writer, connection in
            for _ in 0..<20 {
                let rows = try await writer.begin(on: connection, claiming: (["shw1"], [1])).rows
                #expect(rows.count == 1)
                let (xid, marker, show, claimed, durable) = try rows[0].decode((String, Int64, String?, Bool?, Int64?).self)
                #expect(show == "shw1" && claimed == true && durable == 0)
                #expect(try await value("SELECT pg_current_xact_id()::text", on: connection) == xid, "still the claims' transaction")
                #expect(try await value(advisoryLocksHere, on: connection) == "1", "the claim is held by the open transaction")
                _ = try await value("ROLLBACK", on: connection)
                #expect(try await value("SELECT count(*)::text FROM journalCommits WHERE id = \(marker)", on: connection) == "0")
                #expect(try await value(advisoryLocksHere, on: connection) == "0")
            }
        }
    }

    @Test("a connection that has closed fails the batch at once, as the database unavailable")
    func closedConnectionFailsAtOnce() async throws {
        try await withWriter { writer, connection in
            try await connection.close()
            let started = ContinuousClock.now
            await #expect(throws: PostgresUnreachable.self) {
                _ = try await writer.begin(on: connection, claiming: (["shw1"], [1]))
            }
            #expect(ContinuousClock.now - started < .seconds(1))
        }
    }
}
