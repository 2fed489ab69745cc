@testable import BoxOfficeStore
import Foundation
import Logging
import PostgresNIO
import SeatEngine
import Synchronization
import TestDatabases
import Testing

/// Each journal batch claims the shows it changes (`ShowClaims`): a show another node's batch is writing is refused at
/// once, never waited for, so two nodes' batches never wait on each other's shows, and never deadlock.
@Suite(
    "Show claims on PostgreSQL",
    .enabled(if: TestPostgres.isConfigured, "needs BOXOFFICE_TEST_POSTGRES_URL (scripts/test starts a cluster and sets it)"),
    .timeLimit(.minutes(2)))
struct PostgresShowClaimTests {
    func record(_ show: String, _ version: Int64) -> JournalEntry {
        JournalEntry(.seatChange(SeatChange(show: show, version: version, cause: .lock, seats: [SeatUpdate(seat: "A1", status: .held)], at: Date()), nil))
    }

    /// An entry the journal writes on its own, between two runs of seat changes (it deletes nothing here).
    static let apart = JournalEntry(.purgeAnswers(expiredBy: .distantPast))

    func versions(of show: String, in database: TestPostgres.Database) async throws -> [Int64] {
        var versions: [Int64] = []
        let rows = try await database.connections.query("SELECT version FROM seatChanges WHERE showId = \(show) ORDER BY version", logger: TestPostgres.logger)
        for try await version in rows.decode(Int64.self) { versions.append(version) }
        return versions
    }

    /// A connection of its own, outside the pools: stands for another node's batch in the middle of its transaction.
    func withOtherNode(_ url: PostgresURL, _ body: (PostgresConnection) async throws -> Void) async throws {
        let configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.user, password: url.password, database: url.database, tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 7, logger: TestPostgres.logger)
        do {
            try await body(connection)
        } catch {
            try? await connection.close()
            throw error
        }
        try await connection.close()
    }

    func run(_ statement: PostgresQuery, on connection: PostgresConnection) async throws {
        for try await _ in try await connection.query(statement, logger: TestPostgres.logger) {}
    }

    @Test("a show another node's batch holds is refused at once as out of date; other shows are written; once it ends, the show is too")
    func busyShowRefusedAtOnce() async throws {
        try await TestPostgres.withFreshDatabase { url in
            try await TestPostgres.Database.withOpened(url: url, logger: TestPostgres.logger) { database in
                let journal = GroupCommitJournal(postgres: database, logger: TestPostgres.logger)
                let runner = Task { await journal.run() }
                defer { runner.cancel() }
                try await withOtherNode(url) { other in
                    try await run("BEGIN", on: other)
                    try await run("SELECT pg_advisory_xact_lock(\(ShowClaims.lockSpace), hashtext('shw1'))", on: other)
                    // Waiting for the other transaction would hang here (it stays open until after): the batch is
                    // refused without waiting, and nothing of it is written.
                    await #expect(throws: StaleShow.self) { try await journal.append(record("shw1", 1)) }
                    try await journal.append(record("shw2", 1))
                    #expect(try await versions(of: "shw1", in: database) == [])
                    #expect(try await versions(of: "shw2", in: database) == [1])
                    try await run("ROLLBACK", on: other)
                }
                try await journal.append(record("shw1", 1))
                #expect(try await versions(of: "shw1", in: database) == [1])
            }
        }
    }

    @Test("a batch of more shows than one batch claims writes every one; those past the limit are checked as before")
    func pastTheLimit() async throws {
        try await TestPostgres.withMigrated { database in
            let writer = PostgresBatchWriter(database: database, logger: TestPostgres.logger)
            let shows = (1...(ShowClaims.limit + 44)).map { String(format: "shw%04d", $0) }
            let outcome = try await writer.write(shows.map { record($0, 1) }, knownVersions: [:])
            #expect(outcome.results.allSatisfy { $0 == nil })
            // Again: version 1 of each is taken, claimed or not.
            let again = try await writer.write(shows.map { record($0, 1) }, knownVersions: [:])
            #expect(again.results.allSatisfy { $0 is StaleShow })
            let rows = try await database.connections.query("SELECT COUNT(*)::int FROM seatChanges", logger: TestPostgres.logger)
            for try await count in rows.decode(Int.self) { #expect(count == shows.count) }
        }
    }

    @Test("two nodes' batches writing the same shows' next versions in opposite orders: each version once, and no batch waits")
    func noDeadlock() async throws {
        try await TestPostgres.withFreshDatabase { url in
            try await TestPostgres.Database.withOpened(url: url, logger: TestPostgres.logger) { first in
                try await TestPostgres.Database.withOpened(url: url, logger: TestPostgres.logger) { second in
                    // PostgreSQL breaks a deadlock after `deadlock_timeout` (1 s by default): made long here, batches that
                    // waited on each other would show as a wait no slow machine explains.
                    for try await _ in try await first.connections.query(
                        "ALTER DATABASE \(unescaped: url.database) SET deadlock_timeout = '15s'", logger: TestPostgres.logger) {}
                    let writers = [first, second].map { PostgresBatchWriter(database: $0, logger: TestPostgres.logger) }
                    let shows = (1...20).map { "shw\($0)" }
                    let longest = LongestWait()
                    for version in Int64(1)...6 {
                        // Both nodes write version `version` of the 20 shows at once, in one batch each, in opposite
                        // orders, each show in a statement of its own (an entry written alone comes between): each
                        // batch would take the shows the other wants next.
                        let outcomes = try await withThrowingTaskGroup(of: (Int, BatchOutcome).self) { group in
                            for (node, writer) in writers.enumerated() {
                                let batch = (node == 0 ? shows : shows.reversed()).flatMap { [record($0, version), Self.apart] }
                                group.addTask {
                                    let started = ContinuousClock.now
                                    defer { longest.saw(ContinuousClock.now - started) }
                                    return (node, try await writer.write(batch, knownVersions: [:]))
                                }
                            }
                            return try await group.reduce(into: [Int: BatchOutcome]()) { $0[$1.0] = $1.1 }
                        }
                        for (index, show) in shows.enumerated() {
                            let first = outcomes[0]!.results[2 * index]
                            let second = outcomes[1]!.results[2 * (shows.count - 1 - index)]
                            // One node wrote it; the other heard its copy is out of date.
                            #expect((first == nil) != (second == nil), "\(show) v\(version): \(String(describing: first)), \(String(describing: second))")
                            #expect([first, second].allSatisfy { $0 == nil || $0 is StaleShow }, "\(show) v\(version)")
                        }
                    }
                    for show in shows { #expect(try await versions(of: show, in: first) == Array(1...6), "\(show)") }
                    #expect(longest.value < .seconds(5), "a batch waited on the other node's batch")
                }
            }
        }
    }
}

/// The longest time one append took, across tasks.
private final class LongestWait: Sendable {
    private let longest = Mutex(Duration.zero)

    func saw(_ took: Duration) { longest.withLock { $0 = max($0, took) } }

    var value: Duration { longest.withLock { $0 } }
}
