import Foundation
import GRDB
import SeatEngine

/// `BookingStore` on the SQLite file.
public struct SQLiteBookingStore: BookingStore {
    let database: BoxOfficeDatabase

    public init(database: BoxOfficeDatabase) {
        self.database = database
    }

    /// On a cached prepared statement: the query interface would build and compile the SQL on every call.
    public func booking(id: String) async throws -> Booking? {
        try await database.pool.read { db in
            try Booking.fetchOne(db.cachedStatement(sql: "SELECT * FROM bookings WHERE id = ?"), arguments: [id])
        }
    }

    /// A user's bookings, newest first.
    public func bookings(userId: String, page: PageRequest) async throws -> Page<Booking> {
        try await database.pool.read { db in
            var request = Booking.filter(Column("userId") == userId)
            if let after = page.after { request = request.filter(Column("id") < after.id) }
            let rows = try request.order(Column("id").desc).limit(page.limit + 1).fetchAll(db)
            return Paging.page(rows, limit: page.limit) { Cursor(key: "", id: $0.id) }
        }
    }

    public func booking(ticketCode: String) async throws -> Booking? {
        try await database.pool.read { db in
            try Booking.fetchOne(db.cachedStatement(sql: "SELECT * FROM bookings WHERE ticketCode = ?"), arguments: [ticketCode])
        }
    }

    public func bookings(matching filter: BookingFilter, page: PageRequest) async throws -> Page<Booking> {
        try await database.pool.read { db in
            var request = Booking.all()
            if let userId = filter.userId { request = request.filter(Column("userId") == userId) }
            if let showId = filter.showId { request = request.filter(Column("showId") == showId) }
            if let ticketCode = filter.ticketCode { request = request.filter(Column("ticketCode") == ticketCode) }
            if let after = page.after { request = request.filter(Column("id") < after.id) }
            let rows = try request.order(Column("id").desc).limit(page.limit + 1).fetchAll(db)
            return Paging.page(rows, limit: page.limit) { Cursor(key: "", id: $0.id) }
        }
    }

    public func lastVersion(showId: String) async throws -> Int64 {
        try await database.pool.read { db in
            try Int64.fetchOne(db.cachedStatement(sql: RecoveryQueries.lastVersion), arguments: [showId]) ?? 0
        }
    }

    /// The durable seat state of a show: its last journaled version, live holds and booked seats.
    public func seatState(showId: String) async throws -> SeatMapState {
        try await database.pool.read { db in
            // Cached statements: every show load runs these two, so each reader compiles them once.
            let version = try Int64.fetchOne(db.cachedStatement(sql: RecoveryQueries.lastVersion), arguments: [showId]) ?? 0
            var holds = [String: Hold]()
            var order = [String]()
            var booked = [String: [String]]()
            // A cursor read by column position (as RecoveryQueries.liveSeats selects them: seatNumber, state, bookingId,
            // userId, expiresAt, the hold's start): no row copies, no name lookups for the hundreds of seats a show has.
            let rows = try Row.fetchCursor(db.cachedStatement(sql: RecoveryQueries.liveSeats), arguments: [showId])
            while let row = try rows.next() {
                let seat: String = row[0]
                let bookingId: String = row[2]
                if row[1] as String == BookingSeat.State.booked.rawValue {
                    booked[bookingId, default: []].append(seat)
                } else if holds[bookingId] != nil {
                    holds[bookingId]!.seats.append(seat)
                } else {
                    order.append(bookingId)
                    holds[bookingId] = Hold(booking: bookingId, user: row[3], seats: [seat], expiresAt: row[4], startedAt: row[5])
                }
            }
            return SeatMapState(version: version, holds: order.compactMap { holds[$0] }, booked: booked)
        }
    }

    /// Shows that have pending bookings: their actors must run at start so their holds expire on time.
    public func showsWithLiveHolds() async throws -> [String] {
        try await database.pool.read { db in
            try String.fetchAll(db, sql: RecoveryQueries.showsWithLiveHolds)
        }
    }

    public func inactiveShowsWithLiveBookings(startingAfter time: Date) async throws -> [String] {
        try await database.pool.read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT b.showId FROM bookings b JOIN shows s ON s.id = b.showId
                    WHERE NOT s.isActive AND (b.bookingStatus = 'pending' OR (b.bookingStatus = 'confirmed' AND s.startsAt > ?))
                    """,
                arguments: [time])
        }
    }

    public func showsWithHolds(overdueBy time: Date) async throws -> [String] {
        try await database.pool.read { db in
            try String.fetchAll(
                db, sql: "SELECT DISTINCT showId FROM bookings WHERE bookingStatus = 'pending' AND expiresAt <= ?",
                arguments: [StorageDate.databaseValue(time)])
        }
    }
}
