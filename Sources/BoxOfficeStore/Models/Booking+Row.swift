import Foundation
import GRDB

extension Booking {
    /// A `bookings` row (other columns beside it are ignored), read column by column with the values GRDB's `Codable`
    /// decoding gave — dates as GRDB's `Date` text, `seats` as JSON text — which was 3–4% of the booking flow's CPU
    /// (profiled) and most of the email outbox's batch read. A value of the wrong kind throws; it never traps.
    public init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        userId = try row.decode(forColumn: "userId")
        showId = try row.decode(forColumn: "showId")
        movieId = try row.decode(forColumn: "movieId")
        theatreId = try row.decode(forColumn: "theatreId")
        seats = try Self.seats(in: row)
        totalAmount = try row.decode(forColumn: "totalAmount")
        currency = try row.decode(forColumn: "currency")
        bookingStatus = try row.decode(forColumn: "bookingStatus")
        paymentStatus = try row.decode(forColumn: "paymentStatus")
        paymentId = try row.decode(forColumn: "paymentId")
        expiresAt = try row.decode(forColumn: "expiresAt")
        showDate = try row.decode(forColumn: "showDate")
        showTime = try row.decode(forColumn: "showTime")
        createdAt = try row.decode(forColumn: "createdAt")
        updatedAt = try row.decode(forColumn: "updatedAt")
        ticketCode = try row.decode(forColumn: "ticketCode")
        admittedAt = try row.decode(forColumn: "admittedAt")
        holdStartedAt = try row.decode(forColumn: "holdStartedAt")
    }

    /// The `seats` column: a JSON array of seats, as text (as the journal writes it).
    private static func seats(in row: Row) throws -> [Seat] {
        let json: String = try row.decode(forColumn: "seats")
        return try JSONDecoder().decode([Seat].self, from: Data(json.utf8))
    }
}
