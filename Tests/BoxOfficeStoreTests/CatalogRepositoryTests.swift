import BoxOfficeStore
import Foundation
import TestDatabases
import Testing

/// Every test runs against each store (`StoreKind.available`): SQLite, and PostgreSQL in `scripts/test`.
@Suite("The catalog in the store")
struct CatalogRepositoryTests {
    @Test("a duplicate city name is StoreError.duplicate and writes nothing", arguments: StoreKind.available)
    func duplicateCity(store kind: StoreKind) async throws {
        try await withCatalogStore(kind) { catalog in
            try await catalog.insert(makeCity("Agra"))
            await #expect(throws: StoreError.duplicate(field: "name")) { try await catalog.insert(makeCity("AGRA")) }
            #expect(try await catalog.cities(page: PageRequest()).items.count == 1)
        }
    }

    @Test("keyset pages cover a list exactly once, in order, and a bad cursor is refused", arguments: StoreKind.available)
    func pages(store kind: StoreKind) async throws {
        try await withCatalogStore(kind) { catalog in
            let names = (0..<23).map { String(format: "City %02d", $0) }
            for name in names.shuffled() { try await catalog.insert(makeCity(name)) }
            var seen = [String]()
            var cursor: Cursor?
            repeat {
                let page = try await catalog.cities(page: PageRequest(limit: 5, after: cursor))
                #expect(page.items.count <= 5)
                seen += page.items.map(\.name)
                cursor = page.nextCursor.flatMap { Cursor(encoded: $0) }
            } while cursor != nil
            #expect(seen == names)
            #expect(Cursor(encoded: "not a cursor") == nil)
            let city = makeCity("X")
            let showCursor = Cursor(key: "not-a-number", id: city.id)
            await #expect(throws: PagingError.self) {
                _ = try await catalog.shows(ShowFilter(), page: PageRequest(after: showCursor), now: Date())
            }
        }
    }

    @Test("lists come in one order on both stores: city names with ASCII case folded, theatre names by their bytes", arguments: StoreKind.available)
    func order(store kind: StoreKind) async throws {
        try await withCatalogStore(kind) { catalog in
            for name in ["zurich", "Amsterdam", "berlin", "Zagreb", "Évora", "Aachen", "_Hub"] { try await catalog.insert(makeCity(name)) }
            var cities = [String]()
            var cursor: Cursor?
            repeat {
                let page = try await catalog.cities(page: PageRequest(limit: 2, after: cursor))
                cities += page.items.map(\.name)
                cursor = page.nextCursor.flatMap { Cursor(encoded: $0) }
            } while cursor != nil
            // SQLite's NOCASE: A–Z fold to a–z, nothing else does ("_" comes before every letter once folded; "É", a
            // two-byte UTF-8 sequence, after them all).
            #expect(cities == ["_Hub", "Aachen", "Amsterdam", "berlin", "Zagreb", "zurich", "Évora"])
        }
    }

    @Test("shows: only active ones not yet started, filtered by city, theatre, movie and local date; overlaps are found", arguments: StoreKind.available)
    func shows(store kind: StoreKind) async throws {
        try await withCatalogStore(kind) { catalog in
            let now = Date()
            let city = makeCity("Indore")
            try await catalog.insert(city)
            let movie = Movie(
                id: Identifier.make("mov"), title: "M", description: "", genres: ["Drama"], languages: ["Hindi"], durationMinutes: 120, rating: 5,
                releaseDate: "2026-01-01", posterUrl: nil, cityIds: [city.id], createdAt: now, updatedAt: now)
            try await catalog.insert(movie)
            let theatre = Theatre(id: Identifier.make("thr"), name: "T", cityId: city.id, address: "A", amenities: [], createdAt: now, updatedAt: now)
            try await catalog.insert(TheatreDetail(theatre: theatre, screens: [Screen(theatreId: theatre.id, screenNumber: 1, name: "S", layout: smallLayout)]))
            let past = makeShow(city: city.id, movie: movie.id, theatre: theatre.id, startsAt: now.addingTimeInterval(-600))
            let soon = makeShow(city: city.id, movie: movie.id, theatre: theatre.id, startsAt: now.addingTimeInterval(3 * 3600), date: "2030-01-01")
            let later = makeShow(city: city.id, movie: movie.id, theatre: theatre.id, startsAt: now.addingTimeInterval(30 * 3600), date: "2030-01-02")
            var inactive = makeShow(city: city.id, movie: movie.id, theatre: theatre.id, startsAt: now.addingTimeInterval(60 * 3600))
            inactive.isActive = false
            for show in [past, soon, later, inactive] { try await catalog.insert(show) }

            #expect(try await catalog.shows(ShowFilter(), page: PageRequest(), now: now).items.map(\.id) == [soon.id, later.id])
            #expect(try await catalog.shows(ShowFilter(date: "2030-01-02"), page: PageRequest(), now: now).items.map(\.id) == [later.id])
            #expect(try await catalog.shows(ShowFilter(cityId: "cty_other"), page: PageRequest(), now: now).items.isEmpty)
            #expect(try await catalog.shows(ShowFilter(movieId: movie.id, theatreId: theatre.id), page: PageRequest(), now: now).items.count == 2)

            let clash = try await catalog.overlappingShow(
                theatreId: theatre.id, screenNumber: 1, from: soon.startsAt.addingTimeInterval(3600), to: soon.endsAt.addingTimeInterval(3600),
                excluding: "none")
            #expect(clash?.id == soon.id)
            let free = try await catalog.overlappingShow(
                theatreId: theatre.id, screenNumber: 1, from: soon.endsAt, to: soon.endsAt.addingTimeInterval(600), excluding: "none")
            #expect(free == nil, "a show may start the minute the previous one ends")

            let moviesInCity = try await catalog.movies(MovieFilter(cityId: city.id), page: PageRequest(), now: now)
            #expect(moviesInCity.items.map(\.id) == [movie.id])
            let afterEverything = try await catalog.movies(MovieFilter(cityId: city.id), page: PageRequest(), now: now.addingTimeInterval(40 * 3600))
            #expect(afterEverything.items.isEmpty, "a movie whose active shows have all started is not showing")
        }
    }

    @Test("seedIfEmpty writes a whole catalog once and never over existing data", arguments: StoreKind.available)
    func seed(store kind: StoreKind) async throws {
        try await withCatalogStore(kind) { catalog in
            let seed = CatalogSeed(cities: [makeCity("Bhopal"), makeCity("Patna")], movies: [], theatres: [], shows: [])
            let seeded = try await catalog.seedIfEmpty(seed)
            #expect(seeded)
            let seededAgain = try await catalog.seedIfEmpty(CatalogSeed(cities: [makeCity("Ranchi")], movies: [], theatres: [], shows: []))
            #expect(!seededAgain)
            #expect(try await catalog.cities(page: PageRequest()).items.map(\.name) == ["Bhopal", "Patna"])
        }
    }
}
