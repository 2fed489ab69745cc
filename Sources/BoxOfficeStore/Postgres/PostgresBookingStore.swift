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
        try await connections.read(DurableVersionRead(key: showId), logger: logger).first ?? 0
    }

    /// The durable seat state of a show: its last journaled version, live holds and booked seats.
    public func seatState(showId: String) async throws -> SeatMapState {
        let version = try await lastVersion(showId: showId)
        var holds = [String: Hold]()
        var order = [String]()
        var booked = [String: [String]]()
        // Not prepared: the generic plan of this join could scan every booking ever made (a plain query is planned for
        // the show it reads).
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

    public func inactiveShowsWithLiveBookings(startingAfter time: Date) async throws -> [String] {
        var shows: [String] = []
        for try await show in try await connections.query(
            """
            SELECT DISTINCT b.showId FROM bookings b JOIN shows s ON s.id = b.showId
            WHERE NOT s.isActive AND (b.bookingStatus = 'pending' OR (b.bookingStatus = 'confirmed' AND s.startsAt > \(time)))
            """, logger: logger
        ).decode(String.self) { shows.append(show) }
        return shows
    }

    public func showsWithHolds(overdueBy time: Date) async throws -> [String] {
        var shows: [String] = []
        for try await show in try await connections.query(
            """
            SELECT DISTINCT showId FROM bookings b WHERE bookingStatus = 'pending' AND expiresAt <= \(time)
              AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.bookingId = b.id AND p.paymentStatus = 'processing'
                              AND p.updatedAt > \(time.addingTimeInterval(-PostgresJournalWrites.chargeLeftoverSeconds)))
            """,
            logger: logger
        ).decode(String.self) { shows.append(show) }
        return shows
    }

    /// The sales report over show dates `from`...`to` (inclusive, `YYYY-MM-DD`): the grouped read of `showSales` that
    /// `SQLiteBookingStore` makes (sums cast back to bigint: PostgreSQL sums bigints as numeric).
    public func salesReport(from: String, to: String, currency: String) async throws -> SalesReport {
        var groups: [SalesGroup] = []
        for try await (date, movieId, title, theatreId, name, seats, revenue, tickets, bookings, refunds, refundedBookings) in try await connections.query(
            """
            SELECT s.showDate, s.movieId, m.title, s.theatreId, t.name,
                   COALESCE(SUM(s.totalSeats) FILTER (WHERE s.isActive), 0)::bigint, COALESCE(SUM(x.revenue), 0)::bigint,
                   COALESCE(SUM(x.tickets), 0)::bigint, COALESCE(SUM(x.bookings), 0)::bigint, COALESCE(SUM(x.refunds), 0)::bigint,
                   COALESCE(SUM(x.refundedBookings), 0)::bigint
            FROM shows s JOIN movies m ON m.id = s.movieId JOIN theatres t ON t.id = s.theatreId LEFT JOIN showSales x ON x.showId = s.id
            WHERE s.showDate BETWEEN \(from) AND \(to)
            GROUP BY s.showDate, s.movieId, m.title, s.theatreId, t.name
            """, logger: logger
        ).decode((String, String, String, String, String, Int, Int, Int, Int, Int, Int).self) {
            groups.append(
                SalesGroup(
                    date: date, movieId: movieId, title: title, theatreId: theatreId, theatreName: name, seats: seats, revenue: revenue,
                    tickets: tickets, bookings: bookings, refunds: refunds, refundedBookings: refundedBookings))
        }
        return SalesReport(from: from, to: to, currency: currency, groups: groups)
    }
}
