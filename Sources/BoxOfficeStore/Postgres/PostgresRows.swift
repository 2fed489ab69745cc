import Foundation
import PostgresNIO

// Rows of PostgreSQL read back into the store's models: each SELECT names its columns (`PostgresColumns`) and the
// decoders read them by position, in that order.

enum PostgresColumns {
    static let booking = """
        id, userId, showId, movieId, theatreId, seats, totalAmount, currency, bookingStatus, paymentStatus, paymentId,
        expiresAt, showDate, showTime, createdAt, updatedAt, ticketCode, admittedAt
        """
    /// How many columns `booking` names: a row that selects more has the others after them.
    static let bookingCount = booking.split(separator: ",").count
    static let payment = """
        id, bookingId, userId, amount, currency, paymentMethod, paymentStatus, transactionId, failureCode, gatewayResponse,
        paidAt, refundedAt, createdAt, updatedAt
        """
}

/// A stored value was not one of the store's own words (a row written by something else).
struct PostgresRowError: Error, CustomStringConvertible {
    let column: String
    let value: String

    var description: String { "unexpected \(column) \(value.prefix(40)) in PostgreSQL" }
}

/// The enum case a stored word names, or `PostgresRowError`.
func storedWord<Word: RawRepresentable<String>>(_ text: String, column: String, as type: Word.Type) throws -> Word {
    guard let word = Word(rawValue: text) else { throw PostgresRowError(column: column, value: text) }
    return word
}

extension Booking {
    /// A `bookings` row selected as `PostgresColumns.booking`.
    init(postgres row: PostgresRow) throws {
        let c = try row.decode(
            (String, String, String, String, String, String, Int, String, String, String, String?, Date, String, String, Date, Date, String?, Date?).self)
        id = c.0
        userId = c.1
        showId = c.2
        movieId = c.3
        theatreId = c.4
        seats = try JSONDecoder().decode([Seat].self, from: Data(c.5.utf8))
        totalAmount = c.6
        currency = c.7
        bookingStatus = try storedWord(c.8, column: "bookingStatus", as: BookingStatus.self)
        paymentStatus = try storedWord(c.9, column: "paymentStatus", as: BookingPaymentStatus.self)
        paymentId = c.10
        expiresAt = c.11
        showDate = c.12
        showTime = c.13
        createdAt = c.14
        updatedAt = c.15
        ticketCode = c.16
        admittedAt = c.17
    }
}

extension Payment {
    /// A `payments` row selected as `PostgresColumns.payment`.
    init(postgres row: PostgresRow) throws {
        let c = try row.decode(
            (String, String, String, Int, String, String, String, String?, String?, String?, Date?, Date?, Date, Date).self)
        id = c.0
        bookingId = c.1
        userId = c.2
        amount = c.3
        currency = c.4
        paymentMethod = try storedWord(c.5, column: "paymentMethod", as: PaymentMethod.self)
        paymentStatus = try storedWord(c.6, column: "paymentStatus", as: PaymentStatus.self)
        transactionId = c.7
        failureCode = c.8
        gatewayResponse = c.9
        paidAt = c.10
        refundedAt = c.11
        createdAt = c.12
        updatedAt = c.13
    }
}
