#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Why a show's seats changed; the live feed sends it as the delta's `cause`.
public enum ChangeCause: String, Codable, Sendable {
    case lock
    case release
    case expire
    case book
    case cancel
}

/// One seat's new status inside a change; encodes as {"seat":"A1","status":"held"}.
public struct SeatUpdate: Codable, Sendable, Hashable {
    public var seat: String
    public var status: SeatStatus

    /// A seat and the status it has after the change.
    public init(seat: String, status: SeatStatus) {
        self.seat = seat
        self.status = status
    }
}

/// Every change to a show's seats: the value the journal stores and the live feed sends.
public struct SeatChange: Codable, Sendable, Equatable {
    public var show: ShowID
    /// The show's version after this change: exactly one more than before it.
    public var version: Int64
    public var cause: ChangeCause
    /// The seats whose status this change set, in layout order, each once.
    public var seats: [SeatUpdate]
    public var at: Date

    /// A change as the engine makes it or the store reads it back.
    public init(show: ShowID, version: Int64, cause: ChangeCause, seats: [SeatUpdate], at: Date) {
        self.show = show
        self.version = version
        self.cause = cause
        self.seats = seats
        self.at = at
    }
}
