import BoxOfficeStore
import SeatEngine
import Foundation

/// Browsing (cities, movies, theatres, shows) and the admin's edits of the catalog.
public struct CatalogService: Sendable {
    let catalog: any CatalogStore
    /// Live statuses of one show's seats, from its actor.
    let seats: any SeatStatusSource
    /// Durable counts of many shows at once, for lists: one read, no actor loaded.
    let counts: any LiveStore
    let clock: any EngineClock

    public init(catalog: any CatalogStore, seats: any SeatStatusSource, counts: any LiveStore, clock: any EngineClock = SystemClock()) {
        self.catalog = catalog
        self.seats = seats
        self.counts = counts
        self.clock = clock
    }

    // MARK: Reading

    /// Active cities; with `includeInactive` (the admin's list) every one.
    public func cities(page: PageRequest, includeInactive: Bool = false) async throws -> Page<City> {
        try await catalog.cities(page: page, includeInactive: includeInactive)
    }

    public func movies(_ filter: MovieFilter, page: PageRequest) async throws -> Page<Movie> {
        try await catalog.movies(filter, page: page, now: clock.now)
    }

    public func movie(id: String) async throws -> Movie {
        guard Identifier.looksValid(id), let movie = try await catalog.movie(id: id) else { throw BoxOfficeError.notFound("movie", id: id) }
        return movie
    }

    /// Active theatres; with `includeInactive` (the admin's list) every one.
    public func theatres(cityId: String?, page: PageRequest, includeInactive: Bool = false) async throws -> Page<TheatreDetail> {
        try await catalog.theatres(cityId: cityId, page: page, includeInactive: includeInactive)
    }

    public func theatre(id: String) async throws -> TheatreDetail {
        guard Identifier.looksValid(id), let theatre = try await catalog.theatre(id: id) else { throw BoxOfficeError.notFound("theatre", id: id) }
        return theatre
    }

    public func shows(_ filter: ShowFilter, page: PageRequest) async throws -> Page<ShowView> {
        let shows = try await catalog.shows(filter, page: page, now: clock.now)
        let byShow = try await counts.availability(showIds: shows.items.map(\.id))
        return shows.map { show in
            // Shows are never deleted, so each is counted; the fallback (unsold, version 0) only keeps the page whole.
            ShowView(show: show, counts: byShow[show.id] ?? Self.unsold(show), seats: nil)
        }
    }

    /// A show with its durable counts and no seats, as lists give it (a webhook's `show.sold_out`).
    public func showSummary(id: String) async throws -> ShowView {
        let show = try await show(id: id)
        let counts = try await counts.availability(showIds: [id])[id] ?? Self.unsold(show)
        return ShowView(show: show, counts: counts, seats: nil)
    }

    /// The counts of a show nothing was ever held or sold for (version 0).
    static func unsold(_ show: Show) -> SeatCounts {
        SeatCounts(available: show.totalSeats, total: show.totalSeats)
    }

    /// A show by id, active or not, so a client holding an old id still learns what became of it.
    public func show(id: String) async throws -> Show {
        guard Identifier.looksValid(id), let show = try await catalog.show(id: id) else { throw BoxOfficeError.notFound("show", id: id) }
        return show
    }

    /// The show decoded (from the catalog's show cache), active or not; 404 for an unknown id.
    public func loadedShow(id: String) async throws -> LoadedShow {
        guard Identifier.looksValid(id), let show = try await catalog.loadedShow(id: id) else { throw BoxOfficeError.notFound("show", id: id) }
        return show
    }

    /// The show with every seat and its status: one read of the show, one of the seat statuses.
    public func showDetail(id: String) async throws -> ShowView {
        let loaded = try await loadedShow(id: id)
        let (statuses, counts) = try await seatStatuses(of: loaded)
        var seatViews = [SeatView]()
        seatViews.reserveCapacity(loaded.seats.count)
        for (position, (seat, status)) in zip(loaded.seats, statuses).enumerated() {
            seatViews.append(
                SeatView(
                    seatNumber: seat.seatNumber, row: seat.row, column: seat.column, category: seat.category, price: seat.price, status: status,
                    kind: loaded.plan.kind(at: position)))
        }
        return ShowView(show: loaded.show, counts: counts, seats: seatViews)
    }

    /// The show's last durable version: what a rendered seat map of `show` is current for.
    public func seatVersion(of show: LoadedShow) async throws -> Int64 {
        try await seats.version(of: show.show)
    }

    /// The status of every seat of `show` (in `show.seats` order) and their counts, all at the counts' version.
    public func seatStatuses(of show: LoadedShow) async throws -> (statuses: [SeatStatus], counts: SeatCounts) {
        let (version, taken) = try await seats.seatStatuses(of: show.show)
        var statuses = [SeatStatus](repeating: .available, count: show.seats.count)
        var counts = SeatCounts(version: version, available: show.seats.count, total: show.seats.count)
        for (seatNumber, status) in taken where status != .available {
            guard let position = show.seatIndex[seatNumber], statuses[position] == .available else { continue }
            statuses[position] = status
            counts.available -= 1
            if status == .held { counts.held += 1 } else { counts.booked += 1 }
        }
        return (statuses, counts)
    }

    public func availability(showId: String) async throws -> AvailabilityView {
        let loaded = try await loadedShow(id: showId)
        let show = loaded.show
        let (version, taken) = try await seats.seatStatuses(of: show)
        var total = SeatCounts(version: version)
        var byCategory = [String: SeatCounts]()
        for seat in loaded.seats {
            let status = taken[seat.seatNumber] ?? .available
            total.add(status)
            byCategory[seat.category, default: SeatCounts(version: version)].add(status)
        }
        let categories = show.layout.categories.map { category in
            AvailabilityView.Category(name: category.name, price: category.price, counts: byCategory[category.name] ?? SeatCounts(version: version))
        }
        return AvailabilityView(counts: total, categories: categories)
    }
}
