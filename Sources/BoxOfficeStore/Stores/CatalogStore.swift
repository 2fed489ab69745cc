import Foundation

/// Cities, movies, theatres with screens, and shows: what people browse and admins edit.
public protocol CatalogStore: Sendable {
    // MARK: Cities
    /// Cities by name: active ones, or every one (`includeInactive`, the admin's list).
    func cities(page: PageRequest, includeInactive: Bool) async throws -> Page<City>
    func city(id: String) async throws -> City?
    /// Throws `StoreError.duplicate(field: "name")` for a name already used.
    func insert(_ city: City) async throws
    func update(_ city: City) async throws

    // MARK: Movies
    /// Active movies now showing (an active show that has not started by `now`), by title, narrowed by `filter`.
    func movies(_ filter: MovieFilter, page: PageRequest, now: Date) async throws -> Page<Movie>
    func movie(id: String) async throws -> Movie?
    func insert(_ movie: Movie) async throws
    func update(_ movie: Movie) async throws

    // MARK: Theatres
    /// Theatres by name, with their screens: active ones, or every one (`includeInactive`); one city when `cityId` is given.
    func theatres(cityId: String?, page: PageRequest, includeInactive: Bool) async throws -> Page<TheatreDetail>
    func theatre(id: String) async throws -> TheatreDetail?
    /// Whether a theatre with this id exists, without reading its screens (a kiosk's watch asks this).
    func theatreExists(id: String) async throws -> Bool
    /// Inserts the theatre and its screens in one transaction.
    func insert(_ theatre: TheatreDetail) async throws
    /// Updates the theatre and inserts or replaces the given screens, in one transaction.
    func update(_ theatre: Theatre, upserting screens: [Screen]) async throws

    // MARK: Shows
    /// Active shows that have not started by `now`, by start time.
    func shows(_ filter: ShowFilter, page: PageRequest, now: Date) async throws -> Page<Show>
    func show(id: String) async throws -> Show?
    /// The show with its seats decoded (from memory when the repository caches shows).
    func loadedShow(id: String) async throws -> LoadedShow?
    func insert(_ show: Show) async throws
    func update(_ show: Show) async throws
    /// An active show on that screen whose time overlaps `[from, to)`, other than `excluding`.
    func overlappingShow(theatreId: String, screenNumber: Int, from: Date, to: Date, excluding: String) async throws -> Show?

    /// True when the catalog has no city at all (demo data goes only into an empty database).
    func isEmpty() async throws -> Bool
    /// Writes `seed` only if the catalog is empty, in one transaction; returns whether it wrote.
    func seedIfEmpty(_ seed: CatalogSeed) async throws -> Bool
}

extension CatalogStore {
    /// Active cities by name.
    public func cities(page: PageRequest) async throws -> Page<City> { try await cities(page: page, includeInactive: false) }

    /// Active theatres by name, with their screens.
    public func theatres(cityId: String?, page: PageRequest) async throws -> Page<TheatreDetail> {
        try await theatres(cityId: cityId, page: page, includeInactive: false)
    }

    /// Without a cache: reads the row and decodes its seats on every call.
    public func loadedShow(id: String) async throws -> LoadedShow? {
        try await show(id: id).map { LoadedShow(show: $0) }
    }
}
