@testable import BoxOfficeStore
import Foundation
import PostgresNIO
import SeatEngine
import Synchronization
import TestDatabases
import Testing

/// A seat change's notice carries the change itself, so other nodes apply it without reading it back — exactly the
/// change that was committed; one too large for a notice is announced by show and version only.
@Suite(
    "Seat-change notices on PostgreSQL",
    .enabled(if: TestPostgres.isConfigured, "needs BOXOFFICE_TEST_POSTGRES_URL (scripts/test starts a cluster and sets it)"))
struct PostgresSeatChangeNoticeTests {
    final class Heard: Sendable {
        let changes = Mutex<[(show: String, version: Int64, change: CarriedSeatChange?)]>([])
        let edits = Mutex<[String]>([])
    }

    @Test("the listener hears each committed change as written; a change of 1,000 seats comes as show and version")
    func noticesCarryTheChange() async throws {
        try await TestPostgres.withMigrated { database in
            let fixture = try await PostgresFixture.make(on: database)
            let heard = Heard()
            let listener = PostgresSeatChangeListener(database: database, logger: TestPostgres.logger)
            let listening = Task {
                await listener.run { show, version, change in
                    heard.changes.withLock { $0.append((show, version, change)) }
                } onShowEdit: { show in
                    heard.edits.withLock { $0.append(show) }
                } onGap: {}
            }
            defer { listening.cancel() }
            // Listening once a notice sent now is heard.
            for _ in 0..<100 where heard.edits.withLock({ !$0.contains("probe") }) {
                _ = try await database.connections.query("SELECT pg_notify('boxoffice_seat_changes', 'edit probe')", logger: TestPostgres.logger).collect()
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(heard.edits.withLock { $0.contains("probe") })

            let at = Date(timeIntervalSince1970: 1_900_000_000.123456)
            let small = SeatChange(show: fixture.show, version: 1, cause: .lock, seats: [
                SeatUpdate(seat: "A1", status: .held), SeatUpdate(seat: "Box 7", status: .held),
            ], at: at)
            let large = SeatChange(show: fixture.show, version: 2, cause: .release,
                                   seats: (1...1000).map { SeatUpdate(seat: "R\($0)", status: .available) }, at: at)
            let writer = PostgresBatchWriter(database: database, logger: TestPostgres.logger)
            let outcome = try await writer.write([JournalEntry(.seatChange(small, nil)), JournalEntry(.seatChange(large, nil))], knownVersions: [:])
            #expect(outcome.results.allSatisfy { $0 == nil })

            for _ in 0..<100 where heard.changes.withLock({ $0.count < 2 }) { try await Task.sleep(for: .milliseconds(20)) }
            let changes = heard.changes.withLock { $0 }
            try #require(changes.count == 2)
            #expect(changes[0].show == fixture.show && changes[0].version == 1)
            let carried = try #require(changes[0].change?.change())
            #expect(carried.show == small.show && carried.version == 1 && carried.cause == .lock && carried.seats == small.seats)
            #expect(abs(carried.at.timeIntervalSince(at)) < 0.000_002, "to the microsecond, as stored")
            #expect(changes[1].show == fixture.show && changes[1].version == 2)
            #expect(changes[1].change == nil, "too large for a notice: read from the table")
        }
    }

    @Test("notices parse: a change with and without its data, an edit, and nonsense")
    func parsing() {
        #expect(Notice("edit shw1") == .showEdit("shw1"))
        #expect(Notice("shw1 7") == .change(show: "shw1", version: 7, change: nil))
        #expect(Notice("shw1 x") == nil)
        #expect(Notice("nonsense") == nil)
        #expect(Notice("extend shw1 bkg_2 1900000300500000") == .holdExtended(show: "shw1", booking: "bkg_2", expiresAt: Date(timeIntervalSince1970: 1_900_000_300.5)))
        #expect(Notice("extend shw1 bkg_2") == nil)
        #expect(Notice("extend shw1 bkg_2 soon") == nil)
        let parsed = Notice(#"shw1 8 lock 1900000000500000 L;bkg1;usr1;1900000300500000;1900000000500000;;Box%207 [{"seat":"Box 7","status":"held"}]"#)
        guard case .change("shw1", 8, let carried?) = parsed else { Issue.record("\(String(describing: parsed))"); return }
        #expect(carried.change() == SeatChange(
            show: "shw1", version: 8, cause: .lock, seats: [SeatUpdate(seat: "Box 7", status: .held)], at: Date(timeIntervalSince1970: 1_900_000_000.5)))
        #expect(carried.followedEffect() == .locked(
            Hold(booking: "bkg1", user: "usr1", seats: ["Box 7"], expiresAt: Date(timeIntervalSince1970: 1_900_000_300.5),
                 startedAt: Date(timeIntervalSince1970: 1_900_000_000.5)), replacing: nil))
        // A change without an effect (seats only) says "-": the seats still come, a copy cannot follow it.
        guard case .change("shw1", 9, let seatsOnly?) = Notice(#"shw1 9 release 12 - [{"seat":"A1","status":"available"}]"#) else {
            Issue.record("not parsed"); return
        }
        #expect(seatsOnly.followedEffect() == nil)
        #expect(seatsOnly.change()?.seats == [SeatUpdate(seat: "A1", status: .available)])
        // Data that cannot be read still wakes the node, which then reads the change from the table (and loads the show).
        guard case .change("shw1", 9, let unreadable?) = Notice("shw1 9 lock 12 L;x [not json") else { Issue.record("not parsed"); return }
        #expect(unreadable.change() == nil)
        #expect(unreadable.followedEffect() == nil)
        #expect(Notice("shw1 9 nocause 12 - []") == .change(show: "shw1", version: 9, change: nil))
        // The format of release 18 (no effect field): heard as show and version, so the change is read from the table.
        #expect(Notice(#"shw1 9 lock 12 [{"seat":"A1","status":"held"}]"#) == .change(show: "shw1", version: 9, change: nil))
    }
}
