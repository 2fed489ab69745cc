import BoxOfficeStore
import Foundation
import SeatEngine

/// The door: admits a ticket exactly once, and lets the box office look bookings up.
///
/// Admission is a journal write (`JournalWrite.admission`) that moves `admittedAt` only from null and only while the
/// booking is confirmed, so two doors scanning one code at the same moment — on one node or two — admit it once: the
/// second write finds the row admitted, and its scan answers `already_admitted` with the first one's time.
public struct DoorService: Sendable {
    let bookings: any BookingStore
    let accounts: any AccountStore
    let journal: any Journal
    let clock: any EngineClock

    public init(bookings: any BookingStore, accounts: any AccountStore, journal: any Journal, clock: any EngineClock = SystemClock()) {
        self.bookings = bookings
        self.accounts = accounts
        self.journal = journal
        self.clock = clock
    }

    /// Admits the ticket with this code (as typed or scanned) and answers its booking, admitted; else 404
    /// `unknown_ticket`, 409 `already_admitted` (with when) or 409 `ticket_void`.
    public func scan(_ typed: String) async throws -> Booking {
        guard let code = TicketCode.canonical(typed), let booking = try await bookings.booking(ticketCode: code) else {
            throw Self.unknownTicket
        }
        if let refusal = Self.refusal(for: booking) { throw refusal }
        let now = clock.now
        do {
            try await journal.append(JournalEntry(.admission(booking.id, at: now)))
        } catch BookingWriteError.notAdmissible {
            // Another door admitted it a moment ago, or it was cancelled meanwhile: say which, from the row as it is.
            let current = try await bookings.booking(id: booking.id) ?? booking
            throw Self.refusal(for: current) ?? BoxOfficeError(.unavailable, "unavailable", "The ticket could not be admitted; scan it again.")
        }
        var admitted = booking
        admitted.admittedAt = now
        admitted.updatedAt = now
        return admitted
    }

    /// Bookings for the box office, newest first: by the buyer's email, a ticket code, a show (any combination).
    public func find(email: String?, ticketCode: String?, showId: String?, page: PageRequest) async throws -> Page<Booking> {
        var filter = BookingFilter(showId: showId)
        if let email {
            guard let user = try await accounts.user(email: email) else { return Page(items: [], nextCursor: nil) }
            filter.userId = user.id
        }
        if let ticketCode {
            guard let code = TicketCode.canonical(ticketCode) else { return Page(items: [], nextCursor: nil) }
            filter.ticketCode = code
        }
        return try await bookings.bookings(matching: filter, page: page)
    }

    /// Why this booking's ticket cannot be admitted now, or nil when it can.
    private static func refusal(for booking: Booking) -> BoxOfficeError? {
        if let admittedAt = booking.admittedAt {
            return BoxOfficeError(
                .conflict, "already_admitted", "This ticket was already admitted.",
                details: ["admittedAt": .string(admittedAt.formatted(.iso8601)), "booking": .value(EncodableValue(booking, identity: booking.id))])
        }
        guard booking.bookingStatus == .confirmed else {
            return BoxOfficeError(
                .conflict, "ticket_void", "This ticket is void: its booking is \(booking.bookingStatus.rawValue).",
                details: ["booking": .value(EncodableValue(booking, identity: booking.id))])
        }
        return nil
    }

    static let unknownTicket = BoxOfficeError(.notFound, "unknown_ticket", "No ticket has this code.")
}
