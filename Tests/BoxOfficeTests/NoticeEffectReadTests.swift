import BoxOffice
import BoxOfficeStore
import BoxOfficeTestSupport
import Foundation
import SeatEngine
import Synchronization
import TestDatabases
import Testing

/// Every node hears every seat change any node commits, and most are of shows it holds no copy of: the change's effect
/// (text to parse) is read only when there is a current copy to apply it to.
@Suite("A seat-change notice's effect is read only for a show this node holds")
struct NoticeEffectReadTests {
    @Test("not read for a show never loaded here; read once the show is loaded")
    func effectReadOnlyForLoadedShow() async throws {
        let stores = try Stores.sqlite(path: temporaryDatabasePath(), logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for service in stores.services { group.addTask { try await service.run() } }
            defer { group.cancelAll() }
            let clock = ManualClock()
            let bookings = BookingService(
                catalog: stores.catalog, bookings: stores.bookings, journal: stores.journal, feed: RecordedFeed(), clock: clock, holdSeconds: 300,
                sharedWriters: true, logger: logger)
            let show = try await onSale(in: stores.catalog, at: clock.now)
            let reads = Atomic<Int>(0)
            let counted: @Sendable () -> FollowedEffect? = {
                reads.add(1, ordering: .relaxed)
                return nil
            }

            #expect(await bookings.committedElsewhere(show: show.id, version: 1, effect: counted()))
            #expect(reads.load(ordering: .relaxed) == 0, "no copy of the show here: the notice's effect is not parsed")

            _ = try await bookings.snapshot(showId: show.id)
            #expect(await bookings.committedElsewhere(show: show.id, version: 1, effect: counted()))
            #expect(reads.load(ordering: .relaxed) == 1, "a current copy: the effect is read to follow the change")
            await bookings.shutdown()
        }
    }
}
