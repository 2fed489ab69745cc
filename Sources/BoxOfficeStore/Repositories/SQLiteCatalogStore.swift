import Foundation
import GRDB

/// `CatalogStore` on the SQLite file. Every list is one indexed keyset query.
public struct SQLiteCatalogStore: CatalogStore {
    let database: BoxOfficeDatabase

    public init(database: BoxOfficeDatabase) {
        self.database = database
    }

    // MARK: Cities

    public func cities(page: PageRequest, includeInactive: Bool) async throws -> Page<City> {
        try await database.pool.read { db in
            var conditions: [SQL] = [includeInactive ? "1" : "isActive"]
            if let after = Paging.after(page.after, column: "name") { conditions.append(after) }
            let sql: SQL = "SELECT * FROM cities WHERE \(conditions.joined(operator: .and)) ORDER BY name, id LIMIT \(page.limit + 1)"
            let (statement, arguments) = try sql.build(db)
            let rows = try City.fetchAll(db, sql: statement, arguments: arguments)
            return Paging.page(rows, limit: page.limit) { Cursor(key: $0.name, id: $0.id) }
        }
    }

    public func city(id: String) async throws -> City? {
        try await database.pool.read { db in try City.fetchOne(db, key: id) }
    }

    public func insert(_ city: City) async throws {
        try await database.pool.write { db in try StoreError.mapping(uniqueField: "name") { try city.insert(db) } }
    }

    public func update(_ city: City) async throws {
        try await database.pool.write { db in try StoreError.mapping(uniqueField: "name") { try city.update(db) } }
    }

    // MARK: Movies

    public func movies(_ filter: MovieFilter, page: PageRequest, now: Date) async throws -> Page<Movie> {
        try await database.pool.read { db in
            var conditions: [SQL] = [filter.everything ? "1" : "isActive"]
            // "Now showing": at least one active show that has not started, in the city when one is given.
            if filter.everything {
                // The admin's list: every movie; a city narrows it to the movies offered there.
                if let cityId = filter.cityId { conditions.append("EXISTS (SELECT 1 FROM json_each(movies.cityIds) WHERE value = \(cityId))") }
            } else if let cityId = filter.cityId {
                conditions.append(
                    """
                    EXISTS (SELECT 1 FROM shows WHERE shows.movieId = movies.id AND shows.cityId = \(cityId)
                            AND shows.isActive AND shows.startsAt > \(now))
                    """
                )
            } else {
                conditions.append("EXISTS (SELECT 1 FROM shows WHERE shows.movieId = movies.id AND shows.isActive AND shows.startsAt > \(now))")
            }
            if let language = filter.language {
                conditions.append("EXISTS (SELECT 1 FROM json_each(movies.languages) WHERE value = \(language) COLLATE NOCASE)")
            }
            if let genre = filter.genre {
                conditions.append("EXISTS (SELECT 1 FROM json_each(movies.genres) WHERE value = \(genre) COLLATE NOCASE)")
            }
            if let pattern = filter.titlePattern {
                conditions.append("title LIKE \(pattern) ESCAPE '\\'")
            }
            if let after = Paging.after(page.after, column: "title") { conditions.append(after) }
            let sql: SQL = "SELECT * FROM movies WHERE \(conditions.joined(operator: .and)) ORDER BY title, id LIMIT \(page.limit + 1)"
            let (statement, arguments) = try sql.build(db)
            let rows = try Movie.fetchAll(db, sql: statement, arguments: arguments)
            return Paging.page(rows, limit: page.limit) { Cursor(key: $0.title, id: $0.id) }
        }
    }

    public func movie(id: String) async throws -> Movie? {
        try await database.pool.read { db in try Movie.fetchOne(db, key: id) }
    }

    public func insert(_ movie: Movie) async throws {
        try await database.pool.write { db in try StoreError.mapping(uniqueField: "id") { try movie.insert(db) } }
    }

    public func update(_ movie: Movie) async throws {
        try await database.pool.write { db in try movie.update(db) }
    }

    // MARK: Theatres

    public func theatres(cityId: String?, page: PageRequest, includeInactive: Bool) async throws -> Page<TheatreDetail> {
        try await database.pool.read { db in
            var conditions: [SQL] = [includeInactive ? "1" : "isActive"]
            if let cityId { conditions.append("cityId = \(cityId)") }
            if let after = Paging.after(page.after, column: "name") { conditions.append(after) }
            let sql: SQL = "SELECT * FROM theatres WHERE \(conditions.joined(operator: .and)) ORDER BY name, id LIMIT \(page.limit + 1)"
            let (statement, arguments) = try sql.build(db)
            let theatres = try Theatre.fetchAll(db, sql: statement, arguments: arguments)
            let pageOfTheatres = Paging.page(theatres, limit: page.limit) { Cursor(key: $0.name, id: $0.id) }
            // One query for every screen of the page, not one per theatre.
            let ids = pageOfTheatres.items.map(\.id)
            let screens = try Screen.filter(ids.contains(Column("theatreId"))).order(Column("screenNumber")).fetchAll(db)
            let byTheatre = Dictionary(grouping: screens, by: \.theatreId)
            return pageOfTheatres.map { TheatreDetail(theatre: $0, screens: byTheatre[$0.id] ?? []) }
        }
    }

    public func theatre(id: String) async throws -> TheatreDetail? {
        try await database.pool.read { db in
            guard let theatre = try Theatre.fetchOne(db, key: id) else { return nil }
            let screens = try Screen.filter(Column("theatreId") == id).order(Column("screenNumber")).fetchAll(db)
            return TheatreDetail(theatre: theatre, screens: screens)
        }
    }

    public func theatreExists(id: String) async throws -> Bool {
        try await database.pool.read { db in
            try Row.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM theatres WHERE id = ?"), arguments: [id]) != nil
        }
    }

    public func insert(_ detail: TheatreDetail) async throws {
        try await database.pool.write { db in
            try StoreError.mapping(uniqueField: "screens") {
                try detail.theatre.insert(db)
                for screen in detail.screens { try screen.insert(db) }
            }
        }
    }

    public func update(_ theatre: Theatre, upserting screens: [Screen]) async throws {
        try await database.pool.write { db in
            try theatre.update(db)
            for screen in screens { try screen.save(db) }
        }
    }

    // MARK: Shows

    public func shows(_ filter: ShowFilter, page: PageRequest, now: Date) async throws -> Page<Show> {
        try await database.pool.read { db in
            var conditions: [SQL] = filter.everything ? ["1"] : ["isActive", "startsAt > \(now)"]
            if let movieId = filter.movieId { conditions.append("movieId = \(movieId)") }
            if let cityId = filter.cityId { conditions.append("cityId = \(cityId)") }
            if let theatreId = filter.theatreId { conditions.append("theatreId = \(theatreId)") }
            if let date = filter.date { conditions.append("showDate = \(date)") }
            if let after = try Paging.after(page.after, dateColumn: "startsAt") { conditions.append(after) }
            let sql: SQL = "SELECT * FROM shows WHERE \(conditions.joined(operator: .and)) ORDER BY startsAt, id LIMIT \(page.limit + 1)"
            let (statement, arguments) = try sql.build(db)
            let rows = try Show.fetchAll(db, sql: statement, arguments: arguments)
            return Paging.page(rows, limit: page.limit) { Cursor(key: Paging.key($0.startsAt), id: $0.id) }
        }
    }

    public func show(id: String) async throws -> Show? {
        try await database.pool.read { db in try Show.fetchOne(db, key: id) }
    }

    public func insert(_ show: Show) async throws {
        try await database.pool.write { db in try StoreError.mapping(uniqueField: "id") { try show.insert(db) } }
    }

    /// The show, and its bookings' copies of its movie, local date and time, together.
    public func update(_ show: Show) async throws {
        try await database.pool.write { db in
            try show.update(db)
            try db.execute(
                sql: "UPDATE bookings SET movieId = ?, showDate = ?, showTime = ? WHERE showId = ? AND (movieId, showDate, showTime) != (?, ?, ?)",
                arguments: [show.movieId, show.showDate, show.showTime, show.id, show.movieId, show.showDate, show.showTime])
        }
    }

    public func overlappingShow(theatreId: String, screenNumber: Int, from: Date, to: Date, excluding: String) async throws -> Show? {
        try await database.pool.read { db in
            try Show.fetchOne(
                db,
                sql: """
                    SELECT * FROM shows WHERE theatreId = ? AND screenNumber = ? AND isActive AND id != ?
                    AND startsAt < ? AND endsAt > ? ORDER BY startsAt LIMIT 1
                    """,
                arguments: [theatreId, screenNumber, excluding, to, from])
        }
    }

    public func isEmpty() async throws -> Bool {
        try await database.pool.read { db in try City.fetchCount(db) == 0 }
    }
}
