import Foundation
import GRDB

/// Revenue, tickets and occupancy of confirmed bookings for shows whose local date is in `[from, to]`.
public struct SalesReport: Codable, Sendable, Equatable {
    public struct Totals: Codable, Sendable, Equatable {
        public var revenue: Int
        public var tickets: Int
        public var bookings: Int
    }

    public struct Day: Codable, Sendable, Equatable {
        public var date: String
        public var revenue: Int
        public var tickets: Int
    }

    public struct MovieLine: Codable, Sendable, Equatable {
        public var movieId: String
        public var title: String
        public var revenue: Int
        public var tickets: Int
    }

    public struct TheatreLine: Codable, Sendable, Equatable {
        public var theatreId: String
        public var name: String
        public var revenue: Int
        public var tickets: Int
        /// Tickets sold over seats offered by the theatre's active shows in the period, 0 to 1.
        public var occupancy: Double
    }

    public var from: String
    public var to: String
    public var currency: String
    public var totals: Totals
    public var byDay: [Day]
    public var byMovie: [MovieLine]
    public var byTheatre: [TheatreLine]
}

extension SQLiteBookingStore {
    /// The sales report over show dates `from`...`to` (inclusive, `YYYY-MM-DD`), in a handful of grouped queries.
    public func salesReport(from: String, to: String, currency: String) async throws -> SalesReport {
        try await database.pool.read { db in
            // Tickets are the seats of confirmed bookings; `json_array_length` counts them without unpacking.
            let confirmed = "FROM bookings b WHERE b.bookingStatus = 'confirmed' AND b.showDate BETWEEN ? AND ?"
            let arguments: StatementArguments = [from, to]
            let totalsRow = try Row.fetchOne(
                db, sql: "SELECT COALESCE(SUM(b.totalAmount), 0) AS revenue, COALESCE(SUM(json_array_length(b.seats)), 0) AS tickets, COUNT(*) AS bookings \(confirmed)",
                arguments: arguments)
            let totals = SalesReport.Totals(revenue: totalsRow?["revenue"] ?? 0, tickets: totalsRow?["tickets"] ?? 0, bookings: totalsRow?["bookings"] ?? 0)
            let byDay = try Row.fetchAll(
                db, sql: "SELECT b.showDate AS date, SUM(b.totalAmount) AS revenue, SUM(json_array_length(b.seats)) AS tickets \(confirmed) GROUP BY b.showDate ORDER BY b.showDate",
                arguments: arguments
            ).map { SalesReport.Day(date: $0["date"], revenue: $0["revenue"], tickets: $0["tickets"]) }
            let byMovie = try Row.fetchAll(
                db,
                sql: """
                    SELECT b.movieId AS movieId, m.title AS title, SUM(b.totalAmount) AS revenue, SUM(json_array_length(b.seats)) AS tickets
                    \(confirmed.replacingOccurrences(of: "FROM bookings b", with: "FROM bookings b JOIN movies m ON m.id = b.movieId"))
                    GROUP BY b.movieId ORDER BY revenue DESC, title
                    """,
                arguments: arguments
            ).map { SalesReport.MovieLine(movieId: $0["movieId"], title: $0["title"], revenue: $0["revenue"], tickets: $0["tickets"]) }
            let offered = try Row.fetchAll(
                db, sql: "SELECT theatreId, SUM(totalSeats) AS seats FROM shows WHERE isActive AND showDate BETWEEN ? AND ? GROUP BY theatreId",
                arguments: arguments)
            var seatsOffered = [String: Int]()
            for row in offered { seatsOffered[row["theatreId"]] = row["seats"] }
            let byTheatre = try Row.fetchAll(
                db,
                sql: """
                    SELECT b.theatreId AS theatreId, t.name AS name, SUM(b.totalAmount) AS revenue, SUM(json_array_length(b.seats)) AS tickets
                    \(confirmed.replacingOccurrences(of: "FROM bookings b", with: "FROM bookings b JOIN theatres t ON t.id = b.theatreId"))
                    GROUP BY b.theatreId ORDER BY revenue DESC, name
                    """,
                arguments: arguments
            ).map { row -> SalesReport.TheatreLine in
                let theatreId: String = row["theatreId"]
                let tickets: Int = row["tickets"]
                let seats = seatsOffered[theatreId] ?? 0
                return SalesReport.TheatreLine(
                    theatreId: theatreId, name: row["name"], revenue: row["revenue"], tickets: tickets,
                    occupancy: seats > 0 ? min(1, Double(tickets) / Double(seats)) : 0)
            }
            return SalesReport(from: from, to: to, currency: currency, totals: totals, byDay: byDay, byMovie: byMovie, byTheatre: byTheatre)
        }
    }
}
