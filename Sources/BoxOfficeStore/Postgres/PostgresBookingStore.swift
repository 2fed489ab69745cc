import Foundation
import Logging
import PostgresNIO
import SeatEngine

/// `BookingStore` on PostgreSQL: the same reads as `SQLiteBookingStore`, on the same indexes.
public struct PostgresBookingStore: BookingStore {
    let connections: PostgresConnections
    let logger: Logger

    public init(database: PostgresDatabase, logger: Logger) {
        self.connections = database.connections
        self.logger = logger
    }

    public func booking(id: String) async throws -> Booking? {
        let rows = try await connections.query("SELECT \(unescaped: PostgresColumns.booking) FROM bookings WHERE id = \(id)", logger: logger)
        for try await row in rows { return try Booking(postgres: row) }
        return nil
    }

    /// A user's bookings, newest first (ids are time-sortable): the index bookings_user.
    public func bookings(userId: String, page: PageRequest) async throws -> Page<Booking> {
        let rows = try await connections.query(
            """
            SELECT \(unescaped: PostgresColumns.booking) FROM bookings
            WHERE userId = \(userId) AND (\(page.after?.id)::text IS NULL OR id < \(page.after?.id))
            ORDER BY id DESC LIMIT \(page.limit + 1)
            """, logger: logger)
        var bookings: [Booking] = []
        for try await row in rows { bookings.append(try Booking(postgres: row)) }
        return Paging.page(bookings, limit: page.limit) { Cursor(key: "", id: $0.id) }
    }

    public func booking(ticketCode: String) async throws -> Booking? {
        let rows = try await connections.query(
            "SELECT \(unescaped: PostgresColumns.booking) FROM bookings WHERE ticketCode = \(ticketCode)", logger: logger)
        for try await row in rows { return try Booking(postgres: row) }
        return nil
    }

    public func bookings(matching filter: BookingFilter, page: PageRequest) async throws -> Page<Booking> {
        let rows = try await connections.query(
            """
            SELECT \(unescaped: PostgresColumns.booking) FROM bookings
            WHERE (\(filter.userId)::text IS NULL OR userId = \(filter.userId))
              AND (\(filter.showId)::text IS NULL OR showId = \(filter.showId))
              AND (\(filter.ticketCode)::text IS NULL OR ticketCode = \(filter.ticketCode))
              AND (\(page.after?.id)::text IS NULL OR id < \(page.after?.id))
            ORDER BY id DESC LIMIT \(page.limit + 1)
            """, logger: logger)
        var bookings: [Booking] = []
        for try await row in rows { bookings.append(try Booking(postgres: row)) }
        return Paging.page(bookings, limit: page.limit) { Cursor(key: "", id: $0.id) }
    }

    public func lastVersion(showId: String) async throws -> Int64 {
        for try await last in try await connections.query(
            "SELECT COALESCE(MAX(version), 0) FROM seatChanges WHERE showId = \(showId)", logger: logger
        ).decode(Int64.self) { return last }
        return 0
    }

    /// The durable seat state of a show: its last journaled version, live holds and booked seats.
    public func seatState(showId: String) async throws -> SeatMapState {
        var version: Int64 = 0
        for try await last in try await connections.query(
            "SELECT COALESCE(MAX(version), 0) FROM seatChanges WHERE showId = \(showId)", logger: logger
        ).decode(Int64.self) { version = last }
        var holds = [String: Hold]()
        var order = [String]()
        var booked = [String: [String]]()
        let rows = try await connections.query(
            """
            SELECT s.seatNumber, s.state, b.id, b.userId, b.expiresAt, COALESCE(b.holdStartedAt, b.createdAt) FROM bookingSeats s
            JOIN bookings b ON b.id = s.bookingId WHERE s.showId = \(showId) AND s.state IN ('held', 'booked')
            """, logger: logger)
        for try await (seat, state, bookingId, userId, expiresAt, startedAt) in rows.decode((String, String, String, String, Date, Date).self) {
            if state == BookingSeat.State.booked.rawValue {
                booked[bookingId, default: []].append(seat)
            } else if holds[bookingId] != nil {
                holds[bookingId]!.seats.append(seat)
            } else {
                order.append(bookingId)
                holds[bookingId] = Hold(booking: bookingId, user: userId, seats: [seat], expiresAt: expiresAt, startedAt: startedAt)
            }
        }
        return SeatMapState(version: version, holds: order.compactMap { holds[$0] }, booked: booked)
    }

    /// Shows with pending bookings: the partial index bookings_pending.
    public func showsWithLiveHolds() async throws -> [String] {
        var shows: [String] = []
        for try await show in try await connections.query(
            "SELECT DISTINCT showId FROM bookings WHERE bookingStatus = 'pending'", logger: logger
        ).decode(String.self) { shows.append(show) }
        return shows
    }

    public func showsWithHolds(overdueBy time: Date) async throws -> [String] {
        var shows: [String] = []
        for try await show in try await connections.query(
            "SELECT DISTINCT showId FROM bookings WHERE bookingStatus = 'pending' AND expiresAt <= \(time)", logger: logger
        ).decode(String.self) { shows.append(show) }
        return shows
    }

    /// The sales report over show dates `from`...`to` (inclusive, `YYYY-MM-DD`), as `SQLiteBookingStore` makes it.
    public func salesReport(from: String, to: String, currency: String) async throws -> SalesReport {
        // Tickets are the seats of confirmed bookings: the length of each booking's seats array.
        var totals = SalesReport.Totals(revenue: 0, tickets: 0, bookings: 0)
        for try await (revenue, tickets, bookings) in try await connections.query(
            """
            SELECT COALESCE(SUM(totalAmount), 0)::bigint, COALESCE(SUM(json_array_length(seats::json)), 0)::bigint, COUNT(*)
            FROM bookings WHERE bookingStatus = 'confirmed' AND showDate BETWEEN \(from) AND \(to)
            """, logger: logger
        ).decode((Int, Int, Int).self) { totals = SalesReport.Totals(revenue: revenue, tickets: tickets, bookings: bookings) }
        var byDay: [SalesReport.Day] = []
        for try await (date, revenue, tickets) in try await connections.query(
            """
            SELECT showDate, SUM(totalAmount)::bigint, SUM(json_array_length(seats::json))::bigint
            FROM bookings WHERE bookingStatus = 'confirmed' AND showDate BETWEEN \(from) AND \(to) GROUP BY showDate ORDER BY showDate
            """, logger: logger
        ).decode((String, Int, Int).self) { byDay.append(SalesReport.Day(date: date, revenue: revenue, tickets: tickets)) }
        var byMovie: [SalesReport.MovieLine] = []
        for try await (movieId, title, revenue, tickets) in try await connections.query(
            """
            SELECT b.movieId, m.title, SUM(b.totalAmount)::bigint AS revenue, SUM(json_array_length(b.seats::json))::bigint
            FROM bookings b JOIN movies m ON m.id = b.movieId
            WHERE b.bookingStatus = 'confirmed' AND b.showDate BETWEEN \(from) AND \(to)
            GROUP BY b.movieId, m.title ORDER BY revenue DESC, m.title
            """, logger: logger
        ).decode((String, String, Int, Int).self) {
            byMovie.append(SalesReport.MovieLine(movieId: movieId, title: title, revenue: revenue, tickets: tickets))
        }
        var seatsOffered = [String: Int]()
        for try await (theatre, seats) in try await connections.query(
            """
            SELECT theatreId, SUM(totalSeats)::bigint FROM shows WHERE isActive AND showDate BETWEEN \(from) AND \(to) GROUP BY theatreId
            """, logger: logger
        ).decode((String, Int).self) { seatsOffered[theatre] = seats }
        var byTheatre: [SalesReport.TheatreLine] = []
        for try await (theatreId, name, revenue, tickets) in try await connections.query(
            """
            SELECT b.theatreId, t.name, SUM(b.totalAmount)::bigint AS revenue, SUM(json_array_length(b.seats::json))::bigint
            FROM bookings b JOIN theatres t ON t.id = b.theatreId
            WHERE b.bookingStatus = 'confirmed' AND b.showDate BETWEEN \(from) AND \(to)
            GROUP BY b.theatreId, t.name ORDER BY revenue DESC, t.name
            """, logger: logger
        ).decode((String, String, Int, Int).self) {
            let seats = seatsOffered[theatreId] ?? 0
            byTheatre.append(
                SalesReport.TheatreLine(
                    theatreId: theatreId, name: name, revenue: revenue, tickets: tickets,
                    occupancy: seats > 0 ? min(1, Double(tickets) / Double(seats)) : 0))
        }
        return SalesReport(from: from, to: to, currency: currency, totals: totals, byDay: byDay, byMovie: byMovie, byTheatre: byTheatre)
    }
}
