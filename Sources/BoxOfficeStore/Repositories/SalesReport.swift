import Foundation
import GRDB

/// Revenue, tickets and occupancy of the shows whose local date is in `[from, to]`, in API.md's shape. Revenue is what
/// confirmed bookings paid, net of refunds (a refunded booking is no longer confirmed); `refunds` is what was paid back.
/// Occupancy is tickets over the seats of the active shows an item covers, 0 to 1.
public struct SalesReport: Codable, Sendable, Equatable {
    public struct Totals: Codable, Sendable, Equatable {
        public var revenue: Int
        public var tickets: Int
        public var bookings: Int
        /// Money paid back for cancelled bookings (minor units), and how many bookings that was.
        public var refunds: Int
        public var refundedBookings: Int
        public var occupancy: Double
    }

    public struct Day: Codable, Sendable, Equatable {
        public var date: String
        public var revenue: Int
        public var tickets: Int
        public var occupancy: Double
    }

    public struct MovieLine: Codable, Sendable, Equatable {
        public var movieId: String
        public var title: String
        public var revenue: Int
        public var tickets: Int
        public var occupancy: Double
    }

    public struct TheatreLine: Codable, Sendable, Equatable {
        public var theatreId: String
        public var name: String
        public var revenue: Int
        public var tickets: Int
        public var occupancy: Double
    }

    public var from: String
    public var to: String
    public var currency: String
    public var totals: Totals
    /// Date order.
    public var byDay: [Day]
    /// Highest revenue first.
    public var byMovie: [MovieLine]
    /// Highest revenue first.
    public var byTheatre: [TheatreLine]
}

/// The sales of the shows of one date, movie and theatre (what a store reads; the report is folded from these).
public struct SalesGroup: Sendable, Equatable {
    public var date: String
    public var movieId: String
    public var title: String
    public var theatreId: String
    public var theatreName: String
    /// Seats of the group's active shows.
    public var seats: Int
    public var revenue: Int
    public var tickets: Int
    public var bookings: Int
    public var refunds: Int
    public var refundedBookings: Int

    public init(
        date: String, movieId: String, title: String, theatreId: String, theatreName: String, seats: Int, revenue: Int, tickets: Int, bookings: Int,
        refunds: Int, refundedBookings: Int
    ) {
        self.date = date
        self.movieId = movieId
        self.title = title
        self.theatreId = theatreId
        self.theatreName = theatreName
        self.seats = seats
        self.revenue = revenue
        self.tickets = tickets
        self.bookings = bookings
        self.refunds = refunds
        self.refundedBookings = refundedBookings
    }

    /// Nothing on sale and nothing sold: not reported.
    var isEmpty: Bool { seats == 0 && bookings == 0 && refundedBookings == 0 && tickets == 0 }
}

extension SalesReport {
    /// The report folded from each date, movie and theatre's sales: both stores read the groups (one grouped query over
    /// `showSales`, kept by the journal) and share this fold.
    public init(from: String, to: String, currency: String, groups: [SalesGroup]) {
        struct Sum {
            var revenue = 0, tickets = 0, seats = 0
            mutating func add(_ group: SalesGroup) {
                revenue += group.revenue
                tickets += group.tickets
                seats += group.seats
            }
            var occupancy: Double { seats > 0 ? min(1, Double(tickets) / Double(seats)) : 0 }
        }
        var totals = Totals(revenue: 0, tickets: 0, bookings: 0, refunds: 0, refundedBookings: 0, occupancy: 0)
        var total = Sum()
        var days: [String: Sum] = [:]
        var movies: [String: (title: String, sum: Sum)] = [:]
        var theatres: [String: (name: String, sum: Sum)] = [:]
        for group in groups where !group.isEmpty {
            total.add(group)
            totals.bookings += group.bookings
            totals.refunds += group.refunds
            totals.refundedBookings += group.refundedBookings
            days[group.date, default: Sum()].add(group)
            movies[group.movieId, default: (group.title, Sum())].sum.add(group)
            theatres[group.theatreId, default: (group.theatreName, Sum())].sum.add(group)
        }
        totals.revenue = total.revenue
        totals.tickets = total.tickets
        totals.occupancy = total.occupancy
        self.init(
            from: from, to: to, currency: currency, totals: totals,
            byDay: days.sorted { $0.key < $1.key }.map { Day(date: $0.key, revenue: $0.value.revenue, tickets: $0.value.tickets, occupancy: $0.value.occupancy) },
            byMovie: movies.map { MovieLine(movieId: $0.key, title: $0.value.title, revenue: $0.value.sum.revenue, tickets: $0.value.sum.tickets, occupancy: $0.value.sum.occupancy) }
                .sorted { ($1.revenue, $0.title, $0.movieId) < ($0.revenue, $1.title, $1.movieId) },
            byTheatre: theatres.map { TheatreLine(theatreId: $0.key, name: $0.value.name, revenue: $0.value.sum.revenue, tickets: $0.value.sum.tickets, occupancy: $0.value.sum.occupancy) }
                .sorted { ($1.revenue, $0.name, $0.theatreId) < ($0.revenue, $1.name, $1.theatreId) })
    }
}

extension SQLiteBookingStore {
    /// The sales report over show dates `from`...`to` (inclusive, `YYYY-MM-DD`): one pass over the shows' covering index
    /// (`shows_report`, already in the order it groups), each show's `showSales` row beside it; titles and names after.
    public func salesReport(from: String, to: String, currency: String) async throws -> SalesReport {
        let groups = try await database.pool.read { db -> [SalesGroup] in
            var groups: [SalesGroup] = []
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT s.showDate, s.movieId, s.theatreId, SUM(CASE WHEN s.isActive THEN s.totalSeats ELSE 0 END),
                           COALESCE(SUM(x.revenue), 0), COALESCE(SUM(x.tickets), 0), COALESCE(SUM(x.bookings), 0),
                           COALESCE(SUM(x.refunds), 0), COALESCE(SUM(x.refundedBookings), 0)
                    FROM shows s LEFT JOIN showSales x ON x.showId = s.id
                    WHERE s.showDate BETWEEN ? AND ?
                    GROUP BY s.showDate, s.theatreId, s.movieId
                    """,
                arguments: [from, to])
            while let row = try rows.next() {
                groups.append(
                    SalesGroup(
                        date: row[0], movieId: row[1], title: "", theatreId: row[2], theatreName: "", seats: row[3], revenue: row[4], tickets: row[5],
                        bookings: row[6], refunds: row[7], refundedBookings: row[8]))
            }
            let titles = try Dictionary(
                Row.fetchAll(db, sql: "SELECT id, title FROM movies").map { ($0[0] as String, $0[1] as String) }, uniquingKeysWith: { first, _ in first })
            let names = try Dictionary(
                Row.fetchAll(db, sql: "SELECT id, name FROM theatres").map { ($0[0] as String, $0[1] as String) }, uniquingKeysWith: { first, _ in first })
            for index in groups.indices {
                groups[index].title = titles[groups[index].movieId] ?? ""
                groups[index].theatreName = names[groups[index].theatreId] ?? ""
            }
            return groups
        }
        return SalesReport(from: from, to: to, currency: currency, groups: groups)
    }
}
