import BoxOffice
import BoxOfficeStore
import BoxOfficeTestSupport
import SeatEngine
import TestDatabases
import Testing

/// The journal keeps each copy of a show's last durable change (`GroupCommitJournal.lineageLast`), and the show's durable
/// version, only while the copy lives: a node loads and drops copies for as long as it runs, and what it keeps must not
/// grow with that.
@Suite("The journal forgets a copy of a show once it is gone", .timeLimit(.minutes(1)))
struct CopyRetirementTests {
    @Test("a copy evicted when idle is forgotten; the copy loaded next is kept alone", arguments: StoreKind.available)
    func evictedCopyForgotten(store kind: StoreKind) async throws {
        try await withServices(on: kind) { box in
            let journal = try #require(box.stores.journal as? GroupCommitJournal)
            let kim = try await box.user("Kim")
            for round in 1...3 {
                let held = try await box.lock(kim, ["A1"])
                #expect(await journal.kept == (1, 1), "round \(round): the copy that wrote is kept, and its show's version")
                _ = try await box.bookings.cancel(userId: kim, bookingId: held.id)
                #expect(await box.bookings.evictIdle(idleFor: .zero) == 1, "round \(round): nothing held, nothing in flight")
                #expect(await eventually { await journal.kept == (0, 0) }, "round \(round): the evicted copy is forgotten")
            }
            // The show is loaded again from disk and goes on where the forgotten copies left it.
            let lee = try await box.user("Lee")
            let again = try await box.lock(lee, ["A1", "A2"])
            #expect(again.seats.map(\.seatNumber) == ["A1", "A2"])
            #expect(try await box.durableSeats().version == 7)
        }
    }
}
