import Foundation
import Logging
import PostgresNIO

/// `CatalogStore` on PostgreSQL: the same keyset lists as `SQLiteCatalogStore`. Lists of words (genres, languages,
/// city ids, amenities) and layouts are JSON text, as on SQLite (docs/POSTGRES.md says why).
public struct PostgresCatalogStore: CatalogStore {
    let connections: PostgresConnections
    let logger: Logger

    public init(database: PostgresDatabase, logger: Logger) {
        self.connections = database.connections
        self.logger = logger
    }

    static let cityColumns = "id, name, state, timeZone, isActive, createdAt, updatedAt"
    static let movieColumns = "id, title, description, genres, languages, durationMinutes, rating, releaseDate, posterUrl, cityIds, isActive, createdAt, updatedAt"
    static let theatreColumns = "id, name, cityId, address, amenities, isActive, createdAt, updatedAt"
    static let screenColumns = "theatreId, screenNumber, name, layout, totalSeats"
    static let showColumns = """
        id, movieId, theatreId, screenNumber, cityId, startsAt, endsAt, showDate, showTime, language, format, isActive, layout, totalSeats,
        createdAt, updatedAt
        """

    // MARK: Cities

    // Lists are in the order SQLite gives them, whatever the database's own collation: titles and theatre names by
    // their bytes (`COLLATE "C"`), city names with ASCII letters folded (SQLite's NOCASE; `lower` under "C" folds
    // ASCII only). So a client sees one order, and cursors mean the same, on either store.

    public func cities(page: PageRequest, includeInactive: Bool) async throws -> Page<City> {
        let after = page.after
        let rows = try await cities(
            """
            SELECT \(unescaped: Self.cityColumns) FROM cities
            WHERE (isActive OR \(includeInactive)) AND (\(after?.id)::text IS NULL OR (lower(name COLLATE "C"), id) > (lower(\(after?.key) COLLATE "C"), \(after?.id)))
            ORDER BY lower(name COLLATE "C"), id LIMIT \(page.limit + 1)
            """)
        return Paging.page(rows, limit: page.limit) { Cursor(key: $0.name, id: $0.id) }
    }

    public func city(id: String) async throws -> City? {
        try await cities("SELECT \(unescaped: Self.cityColumns) FROM cities WHERE id = \(id)").first
    }

    public func insert(_ city: City) async throws {
        try await write(uniqueField: "name", "INSERT INTO cities (\(unescaped: Self.cityColumns)) VALUES (\(city.id), \(city.name), \(city.state), \(city.timeZone), \(city.isActive), \(city.createdAt), \(city.updatedAt))")
    }

    public func update(_ city: City) async throws {
        try await write(
            uniqueField: "name",
            """
            UPDATE cities SET name = \(city.name), state = \(city.state), timeZone = \(city.timeZone), isActive = \(city.isActive),
                updatedAt = \(city.updatedAt) WHERE id = \(city.id)
            """)
    }

    // MARK: Movies

    public func movies(_ filter: MovieFilter, page: PageRequest, now: Date) async throws -> Page<Movie> {
        let after = page.after
        let pattern = filter.titlePattern
        let rows = try await movies(
            """
            SELECT \(unescaped: Self.movieColumns) FROM movies m
            WHERE (\(filter.everything) AND (\(filter.cityId)::text IS NULL
                       OR EXISTS (SELECT 1 FROM json_array_elements_text(m.cityIds::json) AS c WHERE c = \(filter.cityId)))
                   OR NOT \(filter.everything) AND isActive
                      AND EXISTS (SELECT 1 FROM shows s WHERE s.movieId = m.id AND s.isActive AND s.startsAt > \(now)
                                  AND (\(filter.cityId)::text IS NULL OR s.cityId = \(filter.cityId))))
              AND (\(filter.language)::text IS NULL OR EXISTS (
                    SELECT 1 FROM json_array_elements_text(m.languages::json) AS l WHERE lower(l) = lower(\(filter.language))))
              AND (\(filter.genre)::text IS NULL OR EXISTS (
                    SELECT 1 FROM json_array_elements_text(m.genres::json) AS g WHERE lower(g) = lower(\(filter.genre))))
              AND (\(pattern)::text IS NULL OR title ILIKE \(pattern) ESCAPE '\\')
              AND (\(after?.id)::text IS NULL OR (title COLLATE "C", id) > (\(after?.key), \(after?.id)))
            ORDER BY title COLLATE "C", id LIMIT \(page.limit + 1)
            """)
        return Paging.page(rows, limit: page.limit) { Cursor(key: $0.title, id: $0.id) }
    }

    public func movie(id: String) async throws -> Movie? {
        try await movies("SELECT \(unescaped: Self.movieColumns) FROM movies WHERE id = \(id)").first
    }

    public func insert(_ movie: Movie) async throws {
        try await write(
            uniqueField: "id",
            """
            INSERT INTO movies (\(unescaped: Self.movieColumns))
            VALUES (\(movie.id), \(movie.title), \(movie.description), \(try Self.json(movie.genres)), \(try Self.json(movie.languages)),
                    \(movie.durationMinutes), \(movie.rating), \(movie.releaseDate), \(movie.posterUrl), \(try Self.json(movie.cityIds)),
                    \(movie.isActive), \(movie.createdAt), \(movie.updatedAt))
            """)
    }

    public func update(_ movie: Movie) async throws {
        try await write(
            uniqueField: "id",
            """
            UPDATE movies SET title = \(movie.title), description = \(movie.description), genres = \(try Self.json(movie.genres)),
                languages = \(try Self.json(movie.languages)), durationMinutes = \(movie.durationMinutes), rating = \(movie.rating),
                releaseDate = \(movie.releaseDate), posterUrl = \(movie.posterUrl), cityIds = \(try Self.json(movie.cityIds)),
                isActive = \(movie.isActive), updatedAt = \(movie.updatedAt)
            WHERE id = \(movie.id)
            """)
    }

    // MARK: Theatres

    public func theatres(cityId: String?, page: PageRequest, includeInactive: Bool) async throws -> Page<TheatreDetail> {
        let after = page.after
        let theatres = try await theatres(
            """
            SELECT \(unescaped: Self.theatreColumns) FROM theatres
            WHERE (isActive OR \(includeInactive)) AND (\(cityId)::text IS NULL OR cityId = \(cityId))
              AND (\(after?.id)::text IS NULL OR (name COLLATE "C", id) > (\(after?.key), \(after?.id)))
            ORDER BY name COLLATE "C", id LIMIT \(page.limit + 1)
            """)
        let pageOfTheatres = Paging.page(theatres, limit: page.limit) { Cursor(key: $0.name, id: $0.id) }
        // One query for every screen of the page, not one per theatre.
        let ids = pageOfTheatres.items.map(\.id)
        let screens = try await screens("SELECT \(unescaped: Self.screenColumns) FROM screens WHERE theatreId = ANY(\(ids)) ORDER BY screenNumber")
        let byTheatre = Dictionary(grouping: screens, by: \.theatreId)
        return pageOfTheatres.map { TheatreDetail(theatre: $0, screens: byTheatre[$0.id] ?? []) }
    }

    public func theatre(id: String) async throws -> TheatreDetail? {
        guard let theatre = try await theatres("SELECT \(unescaped: Self.theatreColumns) FROM theatres WHERE id = \(id)").first else { return nil }
        let screens = try await screens("SELECT \(unescaped: Self.screenColumns) FROM screens WHERE theatreId = \(id) ORDER BY screenNumber")
        return TheatreDetail(theatre: theatre, screens: screens)
    }

    public func theatreExists(id: String) async throws -> Bool {
        for try await _ in try await connections.query("SELECT 1 FROM theatres WHERE id = \(id)", logger: logger) { return true }
        return false
    }

    public func insert(_ detail: TheatreDetail) async throws {
        try await transaction(uniqueField: "screens") { connection in
            try await insertTheatre(detail.theatre, on: connection)
            for screen in detail.screens { try await upsert(screen, on: connection) }
        }
    }

    public func update(_ theatre: Theatre, upserting screens: [Screen]) async throws {
        try await transaction(uniqueField: "screens") { connection in
            try await run(
                """
                UPDATE theatres SET name = \(theatre.name), cityId = \(theatre.cityId), address = \(theatre.address),
                    amenities = \(try Self.json(theatre.amenities)), isActive = \(theatre.isActive), updatedAt = \(theatre.updatedAt)
                WHERE id = \(theatre.id)
                """, on: connection)
            for screen in screens { try await upsert(screen, on: connection) }
        }
    }

    // MARK: Shows

    public func shows(_ filter: ShowFilter, page: PageRequest, now: Date) async throws -> Page<Show> {
        var afterDate: Date?
        if let cursor = page.after {
            guard let date = Paging.date(fromKey: cursor.key) else { throw PagingError.badCursor }
            afterDate = date
        }
        let rows = try await shows(
            """
            SELECT \(unescaped: Self.showColumns) FROM shows
            WHERE (\(filter.everything) OR isActive AND startsAt > \(now))
              AND (\(filter.movieId)::text IS NULL OR movieId = \(filter.movieId))
              AND (\(filter.cityId)::text IS NULL OR cityId = \(filter.cityId))
              AND (\(filter.theatreId)::text IS NULL OR theatreId = \(filter.theatreId))
              AND (\(filter.date)::text IS NULL OR showDate = \(filter.date))
              AND (\(page.after?.id)::text IS NULL OR (startsAt, id) > (\(afterDate)::timestamptz, \(page.after?.id)))
            ORDER BY startsAt, id LIMIT \(page.limit + 1)
            """)
        return Paging.page(rows, limit: page.limit) { Cursor(key: Paging.key($0.startsAt), id: $0.id) }
    }

    public func show(id: String) async throws -> Show? {
        try await shows("SELECT \(unescaped: Self.showColumns) FROM shows WHERE id = \(id)").first
    }

    public func insert(_ show: Show) async throws {
        try await transaction(uniqueField: "id") { connection in try await insertShow(show, on: connection) }
    }

    /// The show, and its bookings' copies of its movie, local date and time, in one transaction.
    public func update(_ show: Show) async throws {
        let layout = try Self.json(show.layout)
        try await transaction(uniqueField: "id") { connection in
            try await run(
                """
                UPDATE shows SET movieId = \(show.movieId), theatreId = \(show.theatreId), screenNumber = \(show.screenNumber), cityId = \(show.cityId),
                    startsAt = \(show.startsAt), endsAt = \(show.endsAt), showDate = \(show.showDate), showTime = \(show.showTime),
                    language = \(show.language), format = \(show.format), isActive = \(show.isActive), layout = \(layout),
                    totalSeats = \(show.totalSeats), updatedAt = \(show.updatedAt)
                WHERE id = \(show.id)
                """, on: connection)
            try await run(
                """
                UPDATE bookings SET movieId = \(show.movieId), showDate = \(show.showDate), showTime = \(show.showTime)
                WHERE showId = \(show.id) AND (movieId, showDate, showTime) IS DISTINCT FROM (\(show.movieId), \(show.showDate), \(show.showTime))
                """, on: connection)
        }
    }

    public func overlappingShow(theatreId: String, screenNumber: Int, from: Date, to: Date, excluding: String) async throws -> Show? {
        try await shows(
            """
            SELECT \(unescaped: Self.showColumns) FROM shows WHERE theatreId = \(theatreId) AND screenNumber = \(screenNumber) AND isActive
              AND id <> \(excluding) AND startsAt < \(to) AND endsAt > \(from) ORDER BY startsAt LIMIT 1
            """
        ).first
    }

    public func isEmpty() async throws -> Bool {
        for try await _ in try await connections.query("SELECT 1 FROM cities LIMIT 1", logger: logger) { return false }
        return true
    }

    /// In one transaction, and only into an empty catalog: under the advisory lock the migrations use, so nodes
    /// starting at once with `--demo` seed it exactly once.
    public func seedIfEmpty(_ seed: CatalogSeed) async throws -> Bool {
        try await connections.withTransaction(logger: logger) { connection in
            try await run("SELECT pg_advisory_xact_lock(\(PostgresMigrator.lockKey))", on: connection)
            for try await _ in try await connection.query("SELECT 1 FROM cities LIMIT 1", logger: logger) { return false }
            for city in seed.cities {
                try await run(
                    "INSERT INTO cities (\(unescaped: Self.cityColumns)) VALUES (\(city.id), \(city.name), \(city.state), \(city.timeZone), \(city.isActive), \(city.createdAt), \(city.updatedAt))",
                    on: connection)
            }
            for movie in seed.movies {
                try await run(
                    """
                    INSERT INTO movies (\(unescaped: Self.movieColumns))
                    VALUES (\(movie.id), \(movie.title), \(movie.description), \(try Self.json(movie.genres)), \(try Self.json(movie.languages)),
                            \(movie.durationMinutes), \(movie.rating), \(movie.releaseDate), \(movie.posterUrl), \(try Self.json(movie.cityIds)),
                            \(movie.isActive), \(movie.createdAt), \(movie.updatedAt))
                    """, on: connection)
            }
            for detail in seed.theatres {
                try await insertTheatre(detail.theatre, on: connection)
                for screen in detail.screens { try await upsert(screen, on: connection) }
            }
            for show in seed.shows { try await insertShow(show, on: connection) }
            return true
        }
    }

    // MARK: Writing

    private func insertTheatre(_ theatre: Theatre, on connection: PostgresConnection) async throws {
        try await run(
            """
            INSERT INTO theatres (\(unescaped: Self.theatreColumns))
            VALUES (\(theatre.id), \(theatre.name), \(theatre.cityId), \(theatre.address), \(try Self.json(theatre.amenities)), \(theatre.isActive),
                    \(theatre.createdAt), \(theatre.updatedAt))
            """, on: connection)
    }

    private func upsert(_ screen: Screen, on connection: PostgresConnection) async throws {
        try await run(
            """
            INSERT INTO screens (\(unescaped: Self.screenColumns))
            VALUES (\(screen.theatreId), \(screen.screenNumber), \(screen.name), \(try Self.json(screen.layout)), \(screen.totalSeats))
            ON CONFLICT (theatreId, screenNumber) DO UPDATE SET name = EXCLUDED.name, layout = EXCLUDED.layout, totalSeats = EXCLUDED.totalSeats
            """, on: connection)
    }

    private func insertShow(_ show: Show, on connection: PostgresConnection) async throws {
        try await run(
            """
            INSERT INTO shows (\(unescaped: Self.showColumns))
            VALUES (\(show.id), \(show.movieId), \(show.theatreId), \(show.screenNumber), \(show.cityId), \(show.startsAt), \(show.endsAt),
                    \(show.showDate), \(show.showTime), \(show.language), \(show.format), \(show.isActive), \(try Self.json(show.layout)),
                    \(show.totalSeats), \(show.createdAt), \(show.updatedAt))
            """, on: connection)
    }

    private func run(_ statement: PostgresQuery, on connection: PostgresConnection) async throws {
        for try await _ in try await connection.query(statement, logger: logger) {}
    }

    /// One statement; a unique violation is `StoreError.duplicate(field:)` and a missing reference
    /// `StoreError.missingReference`, as on SQLite, so the edge answers 409/422, not 500.
    private func write(uniqueField: String, _ statement: PostgresQuery) async throws {
        try await mapping(uniqueField: uniqueField) {
            try await connections.execute(statement, logger: logger)
        }
    }

    /// A transaction that PostgreSQL chose to end to break a deadlock (40P01: an edit of a show, which locks the show and
    /// then its bookings, against a journal batch that ended one of those bookings and then reads the show `FOR SHARE`
    /// for a new lock) is run again, up to three times in all: nothing of it was written.
    private func transaction(uniqueField: String, _ body: @escaping @Sendable (PostgresConnection) async throws -> Void) async throws {
        try await mapping(uniqueField: uniqueField) {
            var attempt = 1
            while true {
                do {
                    return try await connections.withTransaction(logger: logger) { connection in try await body(connection) }
                } catch where PostgresFailure.sqlState(error) == "40P01" && attempt < 3 {
                    attempt += 1
                }
            }
        }
    }

    private func mapping(uniqueField: String, _ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch where PostgresFailure.sqlState(error) == "23505" {
            throw StoreError.duplicate(field: uniqueField)
        } catch where PostgresFailure.sqlState(error) == "23503" {
            throw StoreError.missingReference("a row this write refers to does not exist")
        }
    }

    static func json<Value: Encodable>(_ value: Value) throws -> String {
        String(decoding: try JSONEncoder().encode(value), as: UTF8.self)
    }

    // MARK: Reading

    private func cities(_ query: PostgresQuery) async throws -> [City] {
        var cities: [City] = []
        for try await c in try await connections.query(query, logger: logger).decode((String, String, String, String, Bool, Date, Date).self) {
            cities.append(City(id: c.0, name: c.1, state: c.2, timeZone: c.3, isActive: c.4, createdAt: c.5, updatedAt: c.6))
        }
        return cities
    }

    private func movies(_ query: PostgresQuery) async throws -> [Movie] {
        var movies: [Movie] = []
        let rows = try await connections.query(query, logger: logger)
        for try await c in rows.decode((String, String, String, String, String, Int, Double, String, String?, String, Bool, Date, Date).self) {
            movies.append(
                Movie(
                    id: c.0, title: c.1, description: c.2, genres: try Self.decode(c.3), languages: try Self.decode(c.4), durationMinutes: c.5,
                    rating: c.6, releaseDate: c.7, posterUrl: c.8, cityIds: try Self.decode(c.9), isActive: c.10, createdAt: c.11, updatedAt: c.12))
        }
        return movies
    }

    private func theatres(_ query: PostgresQuery) async throws -> [Theatre] {
        var theatres: [Theatre] = []
        for try await c in try await connections.query(query, logger: logger).decode((String, String, String, String, String, Bool, Date, Date).self) {
            theatres.append(
                Theatre(id: c.0, name: c.1, cityId: c.2, address: c.3, amenities: try Self.decode(c.4), isActive: c.5, createdAt: c.6, updatedAt: c.7))
        }
        return theatres
    }

    private func screens(_ query: PostgresQuery) async throws -> [Screen] {
        var screens: [Screen] = []
        for try await c in try await connections.query(query, logger: logger).decode((String, Int, String, String, Int).self) {
            var screen = Screen(theatreId: c.0, screenNumber: c.1, name: c.2, layout: try Self.decode(c.3))
            screen.totalSeats = c.4
            screens.append(screen)
        }
        return screens
    }

    private func shows(_ query: PostgresQuery) async throws -> [Show] {
        var shows: [Show] = []
        let rows = try await connections.query(query, logger: logger)
        for try await c in rows.decode((String, String, String, Int, String, Date, Date, String, String, String, String, Bool, String, Int, Date, Date).self) {
            var show = Show(
                id: c.0, movieId: c.1, theatreId: c.2, screenNumber: c.3, cityId: c.4, startsAt: c.5, endsAt: c.6, showDate: c.7, showTime: c.8,
                language: c.9, format: c.10, isActive: c.11, layout: try Self.decode(c.12), createdAt: c.14, updatedAt: c.15)
            show.totalSeats = c.13
            shows.append(show)
        }
        return shows
    }

    static func decode<Value: Decodable>(_ text: String) throws -> Value {
        try JSONDecoder().decode(Value.self, from: Data(text.utf8))
    }
}
