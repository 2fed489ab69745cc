import GRDB

/// The schema's history. Migrations are named and never edited once released: add a new one.
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-accounts-catalog") { db in
            try db.create(table: "users") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("email", .text).notNull().unique().collate(.nocase)
                t.column("passwordHash", .text).notNull()
                t.column("phone", .text)
                t.column("role", .text).notNull()
                t.column("isActive", .boolean).notNull().defaults(to: true)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "cities") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull().unique().collate(.nocase)
                t.column("state", .text).notNull()
                t.column("timeZone", .text).notNull()
                t.column("isActive", .boolean).notNull().defaults(to: true)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(table: "movies") { t in
                t.primaryKey("id", .text)
                t.column("title", .text).notNull()
                t.column("description", .text).notNull()
                t.column("genres", .jsonText).notNull()
                t.column("languages", .jsonText).notNull()
                t.column("durationMinutes", .integer).notNull()
                t.column("rating", .double).notNull()
                t.column("releaseDate", .text).notNull()
                t.column("posterUrl", .text)
                t.column("cityIds", .jsonText).notNull()
                t.column("isActive", .boolean).notNull().defaults(to: true)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(index: "movies_title", on: "movies", columns: ["title"])
            try db.create(table: "theatres") { t in
                t.primaryKey("id", .text)
                t.column("name", .text).notNull()
                t.column("cityId", .text).notNull().references("cities")
                t.column("address", .text).notNull()
                t.column("amenities", .jsonText).notNull()
                t.column("isActive", .boolean).notNull().defaults(to: true)
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
            }
            try db.create(index: "theatres_city", on: "theatres", columns: ["cityId", "name"])
            try db.create(table: "screens") { t in
                t.column("theatreId", .text).notNull().references("theatres")
                t.column("screenNumber", .integer).notNull()
                t.column("name", .text).notNull()
                t.column("layout", .jsonText).notNull()
                t.column("totalSeats", .integer).notNull()
                t.primaryKey(["theatreId", "screenNumber"])
            }
            try db.create(table: "shows") { t in
                t.primaryKey("id", .text)
                t.column("movieId", .text).notNull().references("movies")
                t.column("theatreId", .text).notNull().references("theatres")
                t.column("screenNumber", .integer).notNull()
                t.column("cityId", .text).notNull().references("cities")
                t.column("startsAt", .datetime).notNull()
                t.column("endsAt", .datetime).notNull()
                t.column("showDate", .text).notNull()
                t.column("showTime", .text).notNull()
                t.column("language", .text).notNull()
                t.column("format", .text).notNull()
                t.column("isActive", .boolean).notNull().defaults(to: true)
                t.column("layout", .jsonText).notNull()
                t.column("totalSeats", .integer).notNull()
                t.column("createdAt", .datetime).notNull()
                t.column("updatedAt", .datetime).notNull()
                t.foreignKey(["theatreId", "screenNumber"], references: "screens")
            }
            // Every list filter is an index range: by city and local date, by movie, by theatre; all ordered by start.
            try db.create(index: "shows_city_start", on: "shows", columns: ["cityId", "startsAt"])
            try db.create(index: "shows_city_date", on: "shows", columns: ["cityId", "showDate", "startsAt"])
            try db.create(index: "shows_movie_start", on: "shows", columns: ["movieId", "startsAt"])
            try db.create(index: "shows_theatre_start", on: "shows", columns: ["theatreId", "startsAt"])
            try db.create(index: "shows_start", on: "shows", columns: ["startsAt"])
            try db.create(index: "shows_screen_start", on: "shows", columns: ["theatreId", "screenNumber", "startsAt"])
        }
        return migrator
    }
}
