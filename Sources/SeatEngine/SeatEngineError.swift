#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Why the engine refused an operation; a refused operation changed nothing.
public enum SeatEngineError: Error, Sendable, Equatable {
    /// More seats than one booking may hold.
    case tooManySeats(max: Int)
    /// The request named these seats more than once.
    case duplicateSeat(seats: [String])
    /// Not seats of this show (blocked places are not seats).
    case unknownSeat(seats: [String])
    /// Held or booked by someone else, so none of the request was held.
    case unavailable(seats: [String])
    /// The request named no seat.
    case noSeats
    /// Best available found no block for the request; `largestBlock` is the most seats side by side it could have given
    /// to the same request (0: none).
    case seatsNotTogether(largestBlock: Int)
    /// The show refuses locks that strand a seat (`SingleSeatGapRule.refuse`), and this one would strand these seats.
    case singleSeatGap(seats: [String])
    /// A best-available request named a category the show does not have.
    case unknownCategory(name: String)
    /// A best-available request asked for fewer than none or more wheelchair spaces than `max`, its seat count.
    case accessibleOutOfRange(max: Int)
    /// No live pending hold for that booking (released, expired, booked or unknown).
    case holdNotFound
    /// The hold exists but its expiresAt has passed.
    case holdExpired
    /// The hold is already extended to its cap (its start + 3 × the hold time).
    case extensionLimit(until: Date)
    /// The booking holds no booked seats.
    case notBooked
    /// A payment for this booking is being charged: a second one may not start, and the hold may not be released.
    case paymentInProgress
    /// The charge is not for the payment that pinned this hold (or none did): nothing is booked.
    case paymentNotStarted
    /// The booking's hold became booked seats (its payment succeeded; the commit may still be in flight).
    case alreadyBooked
    /// The journal could not make the change durable; the change was undone.
    case journalFailed
    /// Another writer made a later version of this show durable first: the change was undone, and the actor is out of
    /// date (`ShowActor.isStale`); load the show again and retry. Also said of a change undone, unjudged, with an earlier
    /// change of this actor that the journal refused (a hold another node is charging): ask again.
    case stale
}
