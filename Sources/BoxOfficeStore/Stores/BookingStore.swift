import Foundation
import SeatEngine

/// Bookings as services read them: one booking, a user's history, a show's durable seat state, sales.
/// Writes go through the `Journal`. `SQLiteBookingStore` implements it.
public protocol BookingStore: Sendable {
    func booking(id: String) async throws -> Booking?
    /// The bookings among `bookingIds` with what their emails say besides, in one read (`MailOutbox`, for a claimed
    /// batch): each by its id, with its user's address and name and the film, theatre and screen as they are now. A
    /// booking whose user is gone is left out, as is an id of no booking.
    func mailFacts(bookingIds: [String]) async throws -> [String: BookingMailFacts]
    /// A user's bookings, newest first.
    func bookings(userId: String, page: PageRequest) async throws -> Page<Booking>
    /// The booking whose e-ticket has this code (in `TicketCode`'s stored form).
    func booking(ticketCode: String) async throws -> Booking?
    /// Bookings for the box office, newest first: those matching every field the filter sets (none set: all).
    func bookings(matching filter: BookingFilter, page: PageRequest) async throws -> Page<Booking>
    /// The durable seat state of a show: its last journaled version, live holds and booked seats.
    func seatState(showId: String) async throws -> SeatMapState
    /// A show's last durable version (0 before its first change): cheap, for checking a copy is current.
    func lastVersion(showId: String) async throws -> Int64
    /// Shows that have pending bookings: their actors must run at start so their holds expire on time.
    func showsWithLiveHolds() async throws -> [String]
    /// Shows with pending bookings whose hold ran out by `time` and that no payment is being charged for (a hold being
    /// paid for does not expire: its charge ends it one way or the other).
    func showsWithHolds(overdueBy time: Date) async throws -> [String]
    /// Deactivated shows that still have pending bookings, or confirmed ones while the show starts after `time`.
    func inactiveShowsWithLiveBookings(startingAfter time: Date) async throws -> [String]
    /// The sales report over show dates `from`...`to` (inclusive, `YYYY-MM-DD`).
    func salesReport(from: String, to: String, currency: String) async throws -> SalesReport
}

/// What the box office looks bookings up by.
public struct BookingFilter: Sendable, Equatable {
    public var userId: String?
    public var showId: String?
    public var ticketCode: String?

    public init(userId: String? = nil, showId: String? = nil, ticketCode: String? = nil) {
        self.userId = userId
        self.showId = showId
        self.ticketCode = ticketCode
    }
}

/// Payment attempts as services read them. Writes go through the `Journal` (`PaymentStep`).
public protocol PaymentStore: Sendable {
    func payment(id: String) async throws -> Payment?
    /// Payments left `processing` by a stop before `cutoff`: their charges were never captured.
    func interruptedPayments(before cutoff: Date) async throws -> [Payment]
}

/// Stored answers to idempotent requests. Writes go through the `Journal` (with the work they answer).
public protocol IdempotencyStore: Sendable {
    /// The stored answer for a user's key, if it is younger than its expiry.
    func idempotentAnswer(userId: String, key: String, now: Date) async throws -> IdempotentAnswer?
}
