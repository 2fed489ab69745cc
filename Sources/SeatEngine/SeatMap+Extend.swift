#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension SeatMap {
    /// How many hold times a chain of holds may last at most, extensions included.
    public static let holdCapMultiple = 3.0

    /// More time for a live hold: its expiry becomes min(expiry + `holdTime`, start + 3 × `holdTime`). No seat changes,
    /// so no version; the caller makes the new expiry durable (and restores `previous` if it cannot). Returns the hold
    /// as extended and its previous expiry.
    public mutating func extend(booking: BookingID, holdTime: TimeInterval, now: Date) throws(SeatEngineError) -> (hold: Hold, previous: Date) {
        guard var hold = liveHolds[booking] else { throw bookedSeats[booking] != nil ? .alreadyBooked : .holdNotFound }
        guard hold.expiresAt > now else { throw .holdExpired }
        let started = hold.startedAt ?? hold.expiresAt.addingTimeInterval(-holdTime)
        let cap = started.addingTimeInterval(Self.holdCapMultiple * holdTime)
        let extended = min(hold.expiresAt.addingTimeInterval(holdTime), cap)
        // Less than a second more is none (the cap is reached; sums of intervals differ in their last bits).
        guard extended.timeIntervalSince(hold.expiresAt) >= 1 else { throw .extensionLimit(until: hold.expiresAt) }
        let previous = hold.expiresAt
        hold.expiresAt = extended
        liveHolds[booking] = hold
        return (hold, previous)
    }

    /// Puts back a hold's expiry after its extension could not be made durable (only if nothing changed it since).
    public mutating func restoreExpiry(booking: BookingID, to previous: Date, from extended: Date) {
        guard var hold = liveHolds[booking], hold.expiresAt == extended else { return }
        hold.expiresAt = previous
        liveHolds[booking] = hold
    }
}
