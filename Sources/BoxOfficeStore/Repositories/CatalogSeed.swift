import GRDB

/// A whole catalog written in one transaction (demo data), so start-up stays fast.
public struct CatalogSeed: Sendable {
    public var cities: [City]
    public var movies: [Movie]
    public var theatres: [TheatreDetail]
    public var shows: [Show]

    public init(cities: [City], movies: [Movie], theatres: [TheatreDetail], shows: [Show]) {
        self.cities = cities
        self.movies = movies
        self.theatres = theatres
        self.shows = shows
    }
}

extension SQLiteCatalogStore {
    /// Writes `seed` only if the catalog is empty, in one transaction; returns whether it wrote.
    public func seedIfEmpty(_ seed: CatalogSeed) async throws -> Bool {
        try await database.pool.write { db in
            guard try City.fetchCount(db) == 0 else { return false }
            for city in seed.cities { try city.insert(db) }
            for movie in seed.movies { try movie.insert(db) }
            for detail in seed.theatres {
                try detail.theatre.insert(db)
                for screen in detail.screens { try screen.insert(db) }
            }
            for show in seed.shows { try show.insert(db) }
            return true
        }
    }
}
