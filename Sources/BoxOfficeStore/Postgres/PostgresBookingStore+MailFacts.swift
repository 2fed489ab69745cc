import PostgresNIO

extension PostgresBookingStore {
    /// One read for a batch of emails, as `SQLiteBookingStore` makes it: the bookings by their primary key, each joined
    /// with its user (left out when the user is gone), its film, theatre and show (nil when gone).
    public func mailFacts(bookingIds: [String]) async throws -> [String: BookingMailFacts] {
        guard !bookingIds.isEmpty else { return [:] }
        let rows = try await connections.query(
            """
            SELECT b.*, u.email, u.name, m.title, t.name, t.address, s.screenNumber
            FROM (SELECT \(unescaped: PostgresColumns.booking) FROM bookings WHERE id = ANY(\(bookingIds))) b
            JOIN users u ON u.id = b.userId LEFT JOIN movies m ON m.id = b.movieId
            LEFT JOIN theatres t ON t.id = b.theatreId LEFT JOIN shows s ON s.id = b.showId
            """, logger: logger)
        var facts: [String: BookingMailFacts] = [:]
        for try await row in rows {
            // The booking's columns first (`PostgresColumns.booking`), then the six joined ones.
            let booking = try Booking(postgres: row)
            let cells = row.makeRandomAccess()
            let joined = PostgresColumns.bookingCount
            facts[booking.id] = BookingMailFacts(
                booking: booking, email: try cells[joined].decode(String.self), name: try cells[joined + 1].decode(String.self),
                movieTitle: try cells[joined + 2].decode(String?.self), theatreName: try cells[joined + 3].decode(String?.self),
                theatreAddress: try cells[joined + 4].decode(String?.self), screenNumber: try cells[joined + 5].decode(Int?.self))
        }
        return facts
    }
}
