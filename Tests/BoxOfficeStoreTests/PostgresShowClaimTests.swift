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

    func booking(_ id: String, _ fixture: PostgresFixture, at: Date) -> Booking {
        let show = Show(
            id: fixture.show, movieId: "mov1", theatreId: "thr1", screenNumber: 1, cityId: "cty1", startsAt: at.addingTimeInterval(3600),
            endsAt: at.addingTimeInterval(7200), showDate: "2030-01-01", showTime: "10:00", language: "Hindi", format: "2D",
            isActive: true, layout: SeatLayout(rows: ["A"], columns: 6, categories: [.init(name: "Gold", price: 100, rows: ["A"])]),
            createdAt: at, updatedAt: at)
        let seat = Seat(seatNumber: "A1", row: "A", column: 1, category: "Gold", price: 100)
        return Booking(id: id, userId: fixture.user, show: show, seats: [seat], expiresAt: at.addingTimeInterval(300), createdAt: at)
    }

    /// A connection of its own, outside the pools: stands for another node's batch in the middle of its transaction.
    func withOtherNode(_ url: PostgresURL, _ body: (PostgresConnection) async throws -> Void) async throws {
        try await TestPostgres.withConnection(url, body)
    }

    func run(_ statement: PostgresQuery, on connection: PostgresConnection) async throws {
        for try await _ in try await connection.query(statement, logger: TestPostgres.logger) {}
    }

    @Test("a show another node's batch holds is refused at once as out of date, and the batch's other show is written; once it ends, the show is too")
    func busyShowRefusedAtOnce() async throws {
        try await TestPostgres.withFreshDatabase { url in
            try await TestPostgres.Database.withOpened(url: url, logger: TestPostgres.logger) { database in
                let writer = PostgresBatchWriter(database: database, logger: TestPostgres.logger)
                try await withOtherNode(url) { other in
                    try await run("BEGIN", on: other)
                    try await run("SELECT pg_advisory_xact_lock(\(ShowClaims.lockSpace), hashtext('shw1'))", on: other)
                    // Waiting for the other transaction would hang here (it stays open until after): one batch, whose
                    // change of shw1 is refused without waiting and whose change of shw2 is written.
                    let outcome = try await writer.write([record("shw1", 1), record("shw2", 1)], knownVersions: [:])
                    #expect(outcome.results[0] is StaleShow)
                    #expect(outcome.results[1] == nil)
                    #expect(try await versions(of: "shw1", in: database) == [])
                    #expect(try await versions(of: "shw2", in: database) == [1])
                    try await run("ROLLBACK", on: other)
                }
                #expect(try await writer.write([record("shw1", 1)], knownVersions: [:]).results[0] == nil)
                #expect(try await versions(of: "shw1", in: database) == [1])
            }
        }
    }

    @Test("a batch whose changes of a show are all out of date does not claim it: a current writer is not kept out")
    func staleChangesClaimNothing() async throws {
        try await TestPostgres.withFreshDatabase { url in
            try await TestPostgres.Database.withOpened(url: url, logger: TestPostgres.logger) { database in
                let fixture = try await PostgresFixture.make(on: database)
                let writer = PostgresBatchWriter(database: database, logger: TestPostgres.logger)
                let now = Date()
                let hold = JournalEntry(.seatChange(
                    SeatChange(show: fixture.show, version: 1, cause: .lock, seats: [SeatUpdate(seat: "A1", status: .held)], at: now),
                    .locked(booking("bkg_1", fixture, at: now), replacing: nil)))
                #expect(try await writer.write([hold], knownVersions: [:]).results[0] == nil)
                try await withOtherNode(url) { other in
                    // Another transaction holds the booking's row, so the batch below waits on it after its claims.
                    try await run("BEGIN", on: other)
                    try await run("SELECT 1 FROM bookings WHERE id = 'bkg_1' FOR UPDATE", on: other)
                    let stale = Task {
                        try await writer.write(
                            [record(fixture.show, 1), JournalEntry(.holdExtended("bkg_1", expiresAt: now.addingTimeInterval(600), at: now))],
                            knownVersions: [:])
                    }
                    var waiting = false
                    for _ in 0..<200 where !waiting {
                        try await Task.sleep(for: .milliseconds(25))
                        for try await count in try await other.query("SELECT COUNT(*)::int FROM pg_locks WHERE NOT granted", logger: TestPostgres.logger).decode(Int.self) {
                            waiting = count > 0
                        }
                    }
                    #expect(waiting, "the batch waits on the booking's row")
                    // Its only change of the show is out of date (version 1 is taken): the show is free for its current writer.
                    var free = false
                    for try await taken in try await other.query(
                        "SELECT pg_try_advisory_xact_lock(\(ShowClaims.lockSpace), hashtext(\(fixture.show)))", logger: TestPostgres.logger
                    ).decode(Bool.self) { free = taken }
                    #expect(free, "the out-of-date batch claimed the show")
                    try await run("ROLLBACK", on: other)
                    let outcome = try await stale.value
                    #expect(outcome.results[0] is StaleShow)
                    #expect(outcome.results[1] == nil)
                }
            }
        }
    }

    @Test("a batch of more shows than one batch claims: the first are claimed (a busy one refused), those past the limit written unclaimed")
    func pastTheLimit() async throws {
        try await TestPostgres.withFreshDatabase { url in
            try await TestPostgres.Database.withOpened(url: url, logger: TestPostgres.logger) { database in
                let writer = PostgresBatchWriter(database: database, logger: TestPostgres.logger)
                let shows = (1...(ShowClaims.limit + 44)).map { String(format: "shw%04d", $0) }
                try await withOtherNode(url) { other in
                    // Another node holds the first show, which the batch claims, and the last, which it does not.
                    try await run("BEGIN", on: other)
                    try await run(
                        "SELECT pg_advisory_xact_lock(\(ShowClaims.lockSpace), hashtext(s)) FROM unnest(\([shows.first!, shows.last!])::text[]) AS s",
                        on: other)
                    let outcome = try await writer.write(shows.map { record($0, 1) }, knownVersions: [:])
                    #expect(outcome.results.first! is StaleShow)
                    #expect(outcome.results.dropFirst().allSatisfy { $0 == nil })
                    try await run("ROLLBACK", on: other)
                }
                let rows = try await database.connections.query("SELECT COUNT(*)::int FROM seatChanges", logger: TestPostgres.logger)
                for try await count in rows.decode(Int.self) { #expect(count == shows.count - 1) }
                // Again: version 1 of each is taken, claimed or not.
                let again = try await writer.write(shows.dropFirst().map { record($0, 1) }, knownVersions: [:])
                #expect(again.results.allSatisfy { $0 is StaleShow })
            }
        }
    }

    @Test("two nodes' batches writing the same shows' next versions in opposite orders: each version once, and no batch waits")
    func noDeadlock() async throws {
        try await TestPostgres.withFreshDatabase { url in
            // PostgreSQL breaks a deadlock after `deadlock_timeout` (1 s by default): made long here, for every connection
            // opened after (the pools below), batches that waited on each other would show as a wait no slow machine explains.
            try await withOtherNode(url) { admin in
                try await run("ALTER DATABASE \(unescaped: url.database) SET deadlock_timeout = '15s'", on: admin)
            }
            try await TestPostgres.Database.withOpened(url: url, logger: TestPostgres.logger) { first in
                try await TestPostgres.Database.withOpened(url: url, logger: TestPostgres.logger) { second in
                    for try await timeout in try await first.connections.query("SHOW deadlock_timeout", logger: TestPostgres.logger).decode(String.self) {
                        #expect(timeout == "15s")
                    }
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
