import BoxOfficeStore
import Foundation
import SeatEngine

/// The live feed's reads over the real engine and store: snapshots come from each show's actor (durable state only),
/// everything else from SQLite.
public struct LiveSeatService: LiveSeatSource {
    let bookings: BookingService
    let catalog: any CatalogStore
    let store: any LiveStore
    let clock: any EngineClock

    public init(bookings: BookingService, catalog: any CatalogStore, store: any LiveStore, clock: any EngineClock = SystemClock()) {
        self.bookings = bookings
        self.catalog = catalog
        self.store = store
        self.clock = clock
    }

    public func snapshot(showId: String) async throws -> SeatSnapshot? {
        guard Identifier.looksValid(showId) else { return nil }
        return try await bookings.snapshot(showId: showId)
    }

    public func availability(showIds: [String]) async throws -> [String: SeatCounts] {
        try await store.availability(showIds: showIds)
    }

    public func runningShows(_ selector: WatchSelector, limit: Int) async throws -> [String] {
        switch selector.place {
        case .theatre(let id):
            guard Identifier.looksValid(id), try await catalog.theatreExists(id: id) else { throw LiveSourceError.unknownPlace(selector.place) }
            return try await store.runningShows(theatreId: id, cityId: nil, date: selector.date, now: clock.now, limit: limit)
        case .city(let id):
            guard Identifier.looksValid(id), try await catalog.city(id: id) != nil else { throw LiveSourceError.unknownPlace(selector.place) }
            return try await store.runningShows(theatreId: nil, cityId: id, date: selector.date, now: clock.now, limit: limit)
        }
    }

    public func recentChanges(showId: String, after: Int64, limit: Int) async throws -> [SeatChange] {
        guard Identifier.looksValid(showId) else { return [] }
        return try await store.recentChanges(showId: showId, after: after, limit: limit)
    }
}
