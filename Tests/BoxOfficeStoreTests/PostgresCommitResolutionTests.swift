@testable import BoxOfficeStore
import Logging
import PostgresNIO
import TestDatabases
import Testing

/// How the journal learns what became of a transaction whose `COMMIT` answer was lost (`PostgresBatchWriter.resolve`):
/// each case made for real on a PostgreSQL cluster, asked from a second connection as the writer asks.
@Suite(
    "A lost COMMIT answer, resolved",
    .enabled(if: TestPostgres.isConfigured, "needs BOXOFFICE_TEST_POSTGRES_URL (scripts/test starts a cluster and sets it)"))
struct PostgresCommitResolutionTests {
    let logger = TestPostgres.logger

    /// `BEGIN` and the writer's first statement; `end` is `COMMIT`, `ROLLBACK`, or nil to leave the transaction open
    /// (then `whileOpen` runs before it is rolled back).
    func transaction(
        on connection: PostgresConnection, end: String?, whileOpen: (SentTransaction) async throws -> Void = { _ in }
    ) async throws -> SentTransaction {
        try await run("BEGIN", on: connection)
        var sent = SentTransaction(xid: "", marker: 0)
        let rows = try await connection.query("INSERT INTO journalCommits DEFAULT VALUES RETURNING pg_current_xact_id()::text, id", logger: logger)
        for try await (xid, marker) in rows.decode((String, Int64).self) { sent = SentTransaction(xid: xid, marker: marker) }
        if let end {
            try await run(end, on: connection)
        } else {
            try await whileOpen(sent)
            try await run("ROLLBACK", on: connection)
        }
        return sent
    }

    func run(_ sql: String, on connection: PostgresConnection) async throws {
        for try await _ in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) {}
    }

    func resolve(_ sent: SentTransaction, in database: TestPostgres.Database) async throws -> PostgresBatchWriter.Resolution {
        try await database.withProbeConnection { try await PostgresBatchWriter.resolve(sent, on: $0, logger: logger) }
    }

    @Test("committed: its marker is there")
    func committed() async throws {
        try await TestPostgres.withMigrated { database in
            let sent = try await database.connections.withConnection { try await transaction(on: $0, end: "COMMIT") }
            #expect(try await resolve(sent, in: database) == .committed)
        }
    }

    @Test("rolled back: over, and no marker")
    func rolledBack() async throws {
        try await TestPostgres.withMigrated { database in
            let sent = try await database.connections.withConnection { try await transaction(on: $0, end: "ROLLBACK") }
            #expect(try await resolve(sent, in: database) == .notCommitted)
        }
    }

    @Test("still running: in progress, never guessed; not committed once it is rolled back")
    func inProgress() async throws {
        try await TestPostgres.withMigrated { database in
            let sent = try await database.connections.withConnection { connection in
                try await transaction(on: connection, end: nil) { (sent: SentTransaction) async throws in
                    #expect(try await resolve(sent, in: database) == .inProgress)
                }
            }
            #expect(try await resolve(sent, in: database) == .notCommitted)
        }
    }

    @Test("an id the server never made durable (it restarted since): in the future, so not committed")
    func idInTheFuture() async throws {
        try await TestPostgres.withMigrated { database in
            let done = try await database.connections.withConnection { try await transaction(on: $0, end: "COMMIT") }
            let future = SentTransaction(xid: String(Int64(done.xid)! + 1_000_000), marker: done.marker + 1_000_000)
            #expect(try await resolve(future, in: database) == .notCommitted)
        }
    }

    @Test("an id given again to another transaction that committed: not taken for ours without our marker")
    func reusedId() async throws {
        try await TestPostgres.withMigrated { database in
            // Another transaction committed under the id ours had; ours (a marker never written) did not.
            let other = try await database.connections.withConnection { try await transaction(on: $0, end: "COMMIT") }
            let ours = SentTransaction(xid: other.xid, marker: other.marker + 1_000_000)
            #expect(try await resolve(ours, in: database) == .xidCommittedWithoutMarker)
        }
    }
}
