import GRDB

extension SQLiteBookingStore {
    /// One read for a batch of emails: each booking among `bookingIds` by its primary key, joined with its user (left out
    /// when the user is gone), its film, theatre and show (nil when gone). The list is padded (`IdList`), so the
    /// statement is cached.
    public func mailFacts(bookingIds: [String]) async throws -> [String: BookingMailFacts] {
        guard !bookingIds.isEmpty else { return [:] }
        return try await database.pool.read { db in
            let ids = IdList(bookingIds)
            let sql = """
                SELECT b.*, u.email AS mailEmail, u.name AS mailName, m.title AS mailMovieTitle, t.name AS mailTheatreName,
                       t.address AS mailTheatreAddress, s.screenNumber AS mailScreenNumber
                FROM bookings b JOIN users u ON u.id = b.userId LEFT JOIN movies m ON m.id = b.movieId
                LEFT JOIN theatres t ON t.id = b.theatreId LEFT JOIN shows s ON s.id = b.showId
                WHERE b.id IN (\(ids.marks))
                """
            var facts: [String: BookingMailFacts] = [:]
            for row in try Row.fetchAll(ids.statement(sql, in: db), arguments: ids.arguments) {
                let booking = try Booking(row: row)
                facts[booking.id] = BookingMailFacts(
                    booking: booking, email: row["mailEmail"], name: row["mailName"], movieTitle: row["mailMovieTitle"],
                    theatreName: row["mailTheatreName"], theatreAddress: row["mailTheatreAddress"], screenNumber: row["mailScreenNumber"])
            }
            return facts
        }
    }
}
