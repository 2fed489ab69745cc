import BoxOfficeStore
import SeatEngine
import Foundation

/// Browsing (cities, movies, theatres, shows) and the admin's edits of the catalog.
public struct CatalogService: Sendable {
    let catalog: any CatalogStore
    let seats: any SeatStatusSource
    let clock: any EngineClock

    public init(catalog: any CatalogStore, seats: any SeatStatusSource, clock: any EngineClock = SystemClock()) {
        self.catalog = catalog
        self.seats = seats
        self.clock = clock
    }

    // MARK: Reading

    public func cities(page: PageRequest) async throws -> Page<City> {
        try await catalog.cities(page: page)
    }

    public func movies(_ filter: MovieFilter, page: PageRequest) async throws -> Page<Movie> {
        try await catalog.movies(filter, page: page, now: clock.now)
    }

    public func movie(id: String) async throws -> Movie {
        guard Identifier.looksValid(id), let movie = try await catalog.movie(id: id) else { throw BoxOfficeError.notFound("movie", id: id) }
        return movie
    }

    public func theatres(cityId: String?, page: PageRequest) async throws -> Page<TheatreDetail> {
        try await catalog.theatres(cityId: cityId, page: page)
    }

    public func theatre(id: String) async throws -> TheatreDetail {
        guard Identifier.looksValid(id), let theatre = try await catalog.theatre(id: id) else { throw BoxOfficeError.notFound("theatre", id: id) }
        return theatre
    }

    public func shows(_ filter: ShowFilter, page: PageRequest) async throws -> Page<ShowView> {
        let shows = try await catalog.shows(filter, page: page, now: clock.now)
        let counts = try await seats.counts(of: shows.items)
        return shows.map { show in
            let taken = counts[show.id]
            let held = taken?.held ?? 0
            let booked = taken?.booked ?? 0
            let availability = Availability(available: show.totalSeats - held - booked, held: held, booked: booked, total: show.totalSeats)
            return ShowView(show: show, version: taken?.version ?? 0, availability: availability, seats: nil)
        }
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
        let (version, statuses, counts) = try await seatStatuses(of: loaded)
        var seatViews = [SeatView]()
        seatViews.reserveCapacity(loaded.seats.count)
        for (seat, status) in zip(loaded.seats, statuses) {
            seatViews.append(
                SeatView(seatNumber: seat.seatNumber, row: seat.row, column: seat.column, category: seat.category, price: seat.price, status: status))
        }
        return ShowView(show: loaded.show, version: version, availability: counts, seats: seatViews)
    }

    /// The show's last durable version: what a rendered seat map of `show` is current for.
    public func seatVersion(of show: LoadedShow) async throws -> Int64 {
        try await seats.version(of: show.show)
    }

    /// The status of every seat of `show` (in `show.seats` order) and their counts, all at one version.
    public func seatStatuses(of show: LoadedShow) async throws -> (version: Int64, statuses: [SeatStatus], availability: Availability) {
        let (version, taken) = try await seats.seatStatuses(of: show.show)
        var statuses = [SeatStatus](repeating: .available, count: show.seats.count)
        var counts = Availability(available: show.seats.count, held: 0, booked: 0, total: show.seats.count)
        for (seatNumber, status) in taken where status != .available {
            guard let position = show.seatIndex[seatNumber], statuses[position] == .available else { continue }
            statuses[position] = status
            counts.available -= 1
            if status == .held { counts.held += 1 } else { counts.booked += 1 }
        }
        return (version, statuses, counts)
    }

    public func availability(showId: String) async throws -> AvailabilityView {
        let loaded = try await loadedShow(id: showId)
        let show = loaded.show
        let (version, taken) = try await seats.seatStatuses(of: show)
        var total = Availability(available: 0, held: 0, booked: 0, total: 0)
        var byCategory = [String: Availability]()
        for seat in loaded.seats {
            let status = taken[seat.seatNumber] ?? .available
            total.add(status)
            byCategory[seat.category, default: Availability(available: 0, held: 0, booked: 0, total: 0)].add(status)
        }
        let categories = show.layout.categories.map { category in
            let counts = byCategory[category.name] ?? Availability(available: 0, held: 0, booked: 0, total: 0)
            return AvailabilityView.Category(
                name: category.name, price: category.price, available: counts.available, held: counts.held, booked: counts.booked,
                total: counts.total)
        }
        return AvailabilityView(
            available: total.available, held: total.held, booked: total.booked, total: total.total, version: version, categories: categories)
    }
}

extension Availability {
    mutating func add(_ status: SeatStatus) {
        total += 1
        switch status {
        case .available: available += 1
        case .held: held += 1
        case .booked: booked += 1
        }
    }
}
