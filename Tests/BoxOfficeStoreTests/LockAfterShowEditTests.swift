@testable import BoxOfficeStore
import Foundation
import GRDB
import SeatEngine
import Testing

/// A lock reads its show from the show cache, and an admin's edit of the show (film, date, time — which rewrites the
/// copies in the show's bookings) may commit between that read and the lock's own commit. The booking must not keep
/// the old film, date and time: the journal writes the show's as they stand in its transaction.
@Suite("A lock after an edit of its show, on SQLite")
struct LockAfterShowEditTests {
    @Test("the booking row has the show's film, date and time as edited, not the lock's older copy")
    func lockWritesEditedShow() async throws {
        let database = try temporaryDatabase()
        let catalog = SQLiteCatalogStore(database: database)
        let now = Date()
        let city = makeCity("Indore")
        try await catalog.insert(city)
        var movies: [Movie] = []
        for title in ["Before", "After"] {
            let movie = Movie(
                id: Identifier.make("mov"), title: title, description: "", genres: ["Drama"], languages: ["Hindi"], durationMinutes: 120,
                rating: 5, releaseDate: "2026-01-01", posterUrl: nil, cityIds: [city.id], createdAt: now, updatedAt: now)
            try await catalog.insert(movie)
            movies.append(movie)
        }
        let theatre = Theatre(id: Identifier.make("thr"), name: "T", cityId: city.id, address: "A", amenities: [], createdAt: now, updatedAt: now)
        try await catalog.insert(TheatreDetail(theatre: theatre, screens: [Screen(theatreId: theatre.id, screenNumber: 1, name: "S", layout: smallLayout)]))
        let show = makeShow(city: city.id, movie: movies[0].id, theatre: theatre.id, startsAt: now.addingTimeInterval(3600), date: "2030-01-01")
        try await catalog.insert(show)
        let user = Identifier.make("usr")
        try await database.pool.write { db in
            try db.execute(
                sql: "INSERT INTO users (id, name, email, emailKey, passwordHash, role, createdAt, updatedAt) VALUES (?, 'U', 'u@example.com', 'u@example.com', 'x', 'user', ?, ?)",
                arguments: [user, now, now])
        }
        // The lock's copy of the show is read now; the edit commits before the lock does.
        let booking = Booking(
            id: Identifier.make("bkg"), userId: user, show: show, seats: [Seat(seatNumber: "A1", row: "A", column: 1, category: "Standard", price: 100)],
            expiresAt: now.addingTimeInterval(300), createdAt: now)
        let edited = movies[1].id
        try await database.pool.write { db in
            try db.execute(sql: "UPDATE shows SET movieId = ?, showDate = '2030-02-02', showTime = '21:15' WHERE id = ?", arguments: [edited, show.id])
        }
        let change = SeatChange(show: show.id, version: 1, cause: .lock, seats: [SeatUpdate(seat: "A1", status: .held)], at: now)
        try await database.pool.write { db in try BookingWrites.lock(booking, replacing: nil, change: change, in: db) }
        let stored = try await database.pool.read { db in try Booking.fetchOne(db, key: booking.id) }
        #expect(booking.showDate == "2030-01-01" && booking.showTime == "10:00", "the lock's own copy was the old one")
        #expect(stored?.movieId == edited)
        #expect(stored?.showDate == "2030-02-02")
        #expect(stored?.showTime == "21:15")
    }
}
