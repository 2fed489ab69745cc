#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Paying for a hold, and cancelling what was paid for. A payment pins its hold: while the card is charged the hold
// cannot expire, be replaced or be released, so a successful charge always finds its seats. A hold is pinned by at most
// one payment at a time, so a booking is never charged twice.

extension SeatMap {
    /// Pins the live hold of `booking` for `payment`; throws if it is gone, its time is up, or another charge of
    /// this booking (or this same payment) is in progress. No version change.
    @discardableResult
    public mutating func beginPayment(booking: BookingID, payment: PaymentID, now: Date) throws(SeatEngineError) -> Hold {
        guard let hold = liveHolds[booking] else { throw bookedSeats[booking] != nil ? .alreadyBooked : .holdNotFound }
        guard pins[booking] == nil else { throw .paymentInProgress }
        guard hold.expiresAt > now else { throw .holdExpired }
        pins[booking] = payment
        return hold
    }

    /// Pins the hold of `booking` for `payment` again on a copy of the show loaded while that payment's card was
    /// charged (the copy that pinned it went out of date meanwhile). No expiry check: the charge began while the hold had
    /// time, and the database keeps a hold whose payment is processing — no node expires, cancels or replaces it. Does
    /// nothing if `payment` pins it already; throws if the hold is gone (`alreadyBooked` once booked) or another
    /// payment pins it. No version change.
    public mutating func resumePayment(booking: BookingID, payment: PaymentID) throws(SeatEngineError) {
        guard liveHolds[booking] != nil else { throw bookedSeats[booking] != nil ? .alreadyBooked : .holdNotFound }
        switch pins[booking] {
        case nil: pins[booking] = payment
        case payment?: return
        case _?: throw .paymentInProgress
        }
    }

    /// Unpins after a failed charge (the hold may then expire at once); does nothing unless `payment` pinned it.
    /// No version change.
    public mutating func endPayment(booking: BookingID, payment: PaymentID) {
        guard pins[booking] == payment else { return }
        pins[booking] = nil
    }

    /// Turns the hold of `booking` into booked seats after `charge` succeeded; the hold must be pinned by the charged
    /// payment, and then books even past its expiry.
    public mutating func book(booking: BookingID, charge: Charge, now: Date) throws(SeatEngineError) -> (change: SeatChange, effect: SeatEffect) {
        guard let hold = liveHolds[booking] else { throw bookedSeats[booking] != nil ? .alreadyBooked : .holdNotFound }
        guard pins[booking] == charge.payment else { throw .paymentNotStarted }
        var undo = SeatUndo()
        for seat in hold.seats {
            guard let position = index[seat] else { continue }
            setSeat(position, .booked, owner: booking, recording: &undo)
        }
        setHold(nil, for: booking, recording: &undo)
        setPin(nil, for: booking, recording: &undo)
        setBooked(hold.seats, for: booking, recording: &undo)
        let soldOut = !statusAt.contains { $0 != .booked }
        return (finish(undo, cause: .book, now: now), .booked(hold, charge: charge, soldOut: soldOut))
    }

    /// Cancels a confirmed booking: its booked seats become available.
    public mutating func cancel(booking: BookingID, now: Date) throws(SeatEngineError) -> (change: SeatChange, effect: SeatEffect) {
        guard let bookedList = bookedSeats[booking] else { throw .notBooked }
        var undo = SeatUndo()
        for seat in bookedList {
            guard let position = index[seat] else { continue }
            setSeat(position, .available, owner: nil, recording: &undo)
        }
        setBooked(nil, for: booking, recording: &undo)
        return (finish(undo, cause: .cancel, now: now), .cancelled(booking: booking, seats: bookedList))
    }
}
