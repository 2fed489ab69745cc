#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

// Paying for a hold, and cancelling what was paid for. A payment pins its hold: while the card is charged the hold
// cannot expire or be replaced, so a successful charge always finds its seats.

extension SeatMap {
    /// Pins the live hold of `booking` for a payment attempt; throws if it is gone or its time is up. No version change.
    @discardableResult
    public mutating func beginPayment(booking: BookingID, now: Date) throws(SeatEngineError) -> Hold {
        guard let hold = liveHolds[booking] else { throw .holdNotFound }
        guard hold.expiresAt > now else { throw .holdExpired }
        pins[booking, default: 0] += 1
        return hold
    }

    /// Unpins after a failed charge (the hold may then expire at once); does nothing if nothing is pinned. No version change.
    public mutating func endPayment(booking: BookingID) {
        guard let count = pins[booking] else { return }
        pins[booking] = count > 1 ? count - 1 : nil
    }

    /// Turns the hold of `booking` into booked seats after a successful charge; a pinned hold books even past its expiry.
    public mutating func book(booking: BookingID, now: Date) throws(SeatEngineError) -> (change: SeatChange, effect: SeatEffect) {
        guard let hold = liveHolds[booking] else { throw .holdNotFound }
        guard pins[booking] != nil || hold.expiresAt > now else { throw .holdExpired }
        var undo = SeatUndo()
        for seat in hold.seats {
            guard let position = index[seat] else { continue }
            setSeat(position, .booked, owner: booking, recording: &undo)
        }
        setHold(nil, for: booking, recording: &undo)
        setPins(nil, for: booking, recording: &undo)
        setBooked(hold.seats, for: booking, recording: &undo)
        return (finish(undo, cause: .book, now: now), .booked(hold))
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
