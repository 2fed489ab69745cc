import Foundation
import SeatEngine

extension BoxOfficeError {
    /// 503: the journal, or the storage under a request, could not make a change durable; nothing was changed.
    public static let changeNotSaved = BoxOfficeError(
        .unavailable, "unavailable", "The change could not be saved; nothing was changed. Try again shortly.")

    /// The contract's words for the engine's refusals.
    init(_ error: SeatEngineError) {
        switch error {
        case .tooManySeats(let max):
            self.init(.unprocessable, "too_many_seats", "At most \(max) seats per booking.", details: ["field": .string("seats")])
        case .duplicateSeat(let seats):
            self.init(.unprocessable, "duplicate_seat", "A seat is listed twice: \(seats.joined(separator: ", ")).", details: ["seats": .strings(seats)])
        case .unknownSeat(let seats):
            self.init(.unprocessable, "unknown_seat", "Not seats of this show: \(seats.prefix(20).joined(separator: ", ")).", details: ["seats": .strings(Array(seats.prefix(50)))])
        case .unavailable(let seats):
            self.init(.conflict, "seat_unavailable", "Some seats are no longer available: \(seats.joined(separator: ", ")).", details: ["seats": .strings(seats)])
        case .seatsNotTogether(let largestBlock):
            self.init(
                .conflict, "seats_not_together", "Not that many seats side by side are available as asked; the most are \(largestBlock).",
                details: ["largestBlock": .int(largestBlock)])
        case .singleSeatGap(let seats):
            self.init(
                .unprocessable, "single_seat_gap", "This choice would leave a single seat alone: \(seats.joined(separator: ", ")).",
                details: ["seats": .strings(seats)])
        case .unknownCategory(let name):
            self.init(.unprocessable, "validation_failed", "This show has no category \(name.prefix(40)).", details: ["field": .string("category")])
        case .accessibleOutOfRange(let max):
            self.init(.unprocessable, "validation_failed", "accessible must be from 0 to count (\(max)).", details: ["field": .string("accessible")])
        case .noSeats:
            self.init(.unprocessable, "validation_failed", "Choose at least one seat.", details: ["field": .string("seats")])
        case .holdNotFound:
            self.init(.conflict, "hold_expired", "This booking no longer holds its seats.")
        case .holdExpired:
            self.init(.conflict, "hold_expired", "The hold on these seats has expired; no money was taken.")
        case .extensionLimit(let until):
            self.init(
                .conflict, "extension_limit", "This hold cannot be extended further; it ends at \(until.formatted(.iso8601)).",
                details: ["expiresAt": .string(until.formatted(.iso8601))])
        case .notBooked:
            self.init(.conflict, "booking_not_confirmed", "This booking holds no booked seats.")
        case .paymentInProgress:
            self.init(.conflict, "payment_in_progress", "A payment for this booking is being processed; try again when it has finished.")
        case .alreadyBooked:
            self.init(.conflict, "already_paid", "This booking is paid; its seats are booked.")
        case .paymentNotStarted:
            self.init(.conflict, "payment_not_started", "No payment of this booking is being processed under that id.")
        case .journalFailed:
            self = .changeNotSaved
        case .stale:
            self.init(.unavailable, "unavailable", "The show was changing too fast to save this; nothing was changed. Try again.")
        }
    }
}
