import Foundation

/// A `CatalogStore` that serves `show(id:)` and `loadedShow(id:)` from memory (`ShowCache`) and passes
/// everything else to the repository it wraps. Writes of a show go to disk first, then drop the cached copy.
public struct CachingCatalogStore: CatalogStore {
    let base: any CatalogStore
    let cache: ShowCache

    /// `capacity`: at most this many shows are kept; when full the cache starts over (shows are small and re-read cheaply).
    public init(_ base: any CatalogStore, capacity: Int = 20_000) {
        self.base = base
        self.cache = ShowCache(capacity: capacity)
    }

    // MARK: Shows (cached)

    /// Another node changed the show's row: the next read goes to the database.
    public func forget(showId: String) async {
        await cache.invalidate(showId)
    }

    /// Another node may have changed any show unheard (the notices' connection was lost).
    public func forgetAllShows() async {
        await cache.invalidateAll()
    }

    public func loadedShow(id: String) async throws -> LoadedShow? {
        let (cached, generation) = await cache.lookup(id)
        if let cached { return cached }
        guard let show = try await base.show(id: id) else { return nil }
        return await cache.store(show, readAt: generation)
    }

    public func show(id: String) async throws -> Show? {
        try await loadedShow(id: id)?.show
    }

    public func insert(_ show: Show) async throws {
        try await base.insert(show)
        await cache.invalidate(show.id)
    }

    public func update(_ show: Show) async throws {
        do {
            try await base.update(show)
        } catch {
            // The write may or may not have reached the disk: read it again next time.
            await cache.invalidate(show.id)
            throw error
        }
        await cache.invalidate(show.id)
    }

    public func shows(_ filter: ShowFilter, page: PageRequest, now: Date) async throws -> Page<Show> {
        try await base.shows(filter, page: page, now: now)
    }

    public func overlappingShow(theatreId: String, screenNumber: Int, from: Date, to: Date, excluding: String) async throws -> Show? {
        try await base.overlappingShow(theatreId: theatreId, screenNumber: screenNumber, from: from, to: to, excluding: excluding)
    }

    // MARK: Everything else (not cached)

    public func cities(page: PageRequest, includeInactive: Bool) async throws -> Page<City> {
        try await base.cities(page: page, includeInactive: includeInactive)
    }
    public func city(id: String) async throws -> City? { try await base.city(id: id) }
    public func insert(_ city: City) async throws { try await base.insert(city) }
    public func update(_ city: City) async throws { try await base.update(city) }

    public func movies(_ filter: MovieFilter, page: PageRequest, now: Date) async throws -> Page<Movie> {
        try await base.movies(filter, page: page, now: now)
    }
    public func movie(id: String) async throws -> Movie? { try await base.movie(id: id) }
    public func insert(_ movie: Movie) async throws { try await base.insert(movie) }
    public func update(_ movie: Movie) async throws { try await base.update(movie) }

    public func theatres(cityId: String?, page: PageRequest, includeInactive: Bool) async throws -> Page<TheatreDetail> {
        try await base.theatres(cityId: cityId, page: page, includeInactive: includeInactive)
    }
    public func theatre(id: String) async throws -> TheatreDetail? { try await base.theatre(id: id) }
    public func theatreExists(id: String) async throws -> Bool { try await base.theatreExists(id: id) }
    public func insert(_ theatre: TheatreDetail) async throws { try await base.insert(theatre) }
    public func update(_ theatre: Theatre, upserting screens: [Screen]) async throws {
        try await base.update(theatre, upserting: screens)
    }

    public func isEmpty() async throws -> Bool { try await base.isEmpty() }
    public func seedIfEmpty(_ seed: CatalogSeed) async throws -> Bool { try await base.seedIfEmpty(seed) }
}
