import Foundation
import GRDB

/// Where a booking stands.
public enum BookingStatus: String, Codable, Sendable, DatabaseValueConvertible {
    case pending, confirmed, cancelled, expired
}

/// Where a booking's money stands.
public enum BookingPaymentStatus: String, Codable, Sendable, DatabaseValueConvertible {
    case pending, completed, failed, refunded
}

/// A booking: some seats of one show for one user, pending until paid.
public struct Booking: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "bookings"

    public var id: String
    public var userId: String
    public var showId: String
    public var movieId: String
    public var theatreId: String
    public var seats: [Seat]
    public var totalAmount: Int
    public var currency: String
    public var bookingStatus: BookingStatus
    public var paymentStatus: BookingPaymentStatus
    public var paymentId: String?
    /// When the hold ends if unpaid.
    public var expiresAt: Date
    public var showDate: String
    public var showTime: String
    public var createdAt: Date
    public var updatedAt: Date
    /// The e-ticket's code (`TicketCode`), given in the transaction that confirms the booking; nil until then.
    public var ticketCode: String?
    /// When the ticket was admitted at the door; nil until then.
    public var admittedAt: Date?
    /// For a pending booking: when its user's first hold of the chain it ends was taken (the cap of its extensions).
    /// Stored, never shown (not in `encode(to:)`).
    public var holdStartedAt: Date?

    public init(
        id: String, userId: String, show: Show, seats: [Seat], expiresAt: Date, createdAt: Date, currency: String = Booking.defaultCurrency
    ) {
        self.id = id
        self.userId = userId
        self.showId = show.id
        self.movieId = show.movieId
        self.theatreId = show.theatreId
        self.seats = seats
        self.totalAmount = seats.reduce(0) { $0 + $1.price }
        self.currency = currency
        self.bookingStatus = .pending
        self.paymentStatus = .pending
        self.paymentId = nil
        self.expiresAt = expiresAt
        self.showDate = show.showDate
        self.showTime = show.showTime
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.ticketCode = nil
        self.admittedAt = nil
    }

    /// Every field, `paymentId`, `ticketCode` and `admittedAt` as null when there are none: clients see the same keys
    /// every time.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(userId, forKey: .userId)
        try container.encode(showId, forKey: .showId)
        try container.encode(movieId, forKey: .movieId)
        try container.encode(theatreId, forKey: .theatreId)
        try container.encode(seats, forKey: .seats)
        try container.encode(totalAmount, forKey: .totalAmount)
        try container.encode(currency, forKey: .currency)
        try container.encode(bookingStatus, forKey: .bookingStatus)
        try container.encode(paymentStatus, forKey: .paymentStatus)
        try container.encode(paymentId, forKey: .paymentId)
        try container.encode(expiresAt, forKey: .expiresAt)
        try container.encode(showDate, forKey: .showDate)
        try container.encode(showTime, forKey: .showTime)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
        try container.encode(ticketCode, forKey: .ticketCode)
        try container.encode(admittedAt, forKey: .admittedAt)
    }
}

/// One seat of a live or confirmed booking; the unique index over live rows guards against double sales.
public struct BookingSeat: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "bookingSeats"
    public enum State: String, Codable, Sendable { case held, booked }

    public var showId: String
    public var seatNumber: String
    public var bookingId: String
    public var state: State

    public init(showId: String, seatNumber: String, bookingId: String, state: State) {
        self.showId = showId
        self.seatNumber = seatNumber
        self.bookingId = bookingId
        self.state = state
    }
}

extension Booking {
    /// The currency of every price until a catalog names its own (the contract's default).
    public static let defaultCurrency = "INR"

    /// This pending booking as the journal writes it when its hold ends at `at` (released, expired or replaced).
    public func ended(as status: BookingStatus, at: Date) -> Booking {
        var ended = self
        ended.bookingStatus = status
        ended.updatedAt = at
        return ended
    }

    /// This confirmed booking as the journal writes it when it is cancelled at `at`: its payment refunded.
    public func cancelledAndRefunded(at: Date) -> Booking {
        var cancelled = ended(as: .cancelled, at: at)
        cancelled.paymentStatus = .refunded
        return cancelled
    }
}
