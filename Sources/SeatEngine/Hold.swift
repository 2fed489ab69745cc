#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A live hold: a pending booking's seats until expiresAt.
public struct Hold: Codable, Sendable, Equatable {
    public var booking: BookingID
    public var user: UserID
    /// The held seats in the show's layout order.
    public var seats: [String]
    public var expiresAt: Date
    /// When the user's first hold of this chain was taken: a lock that replaces a hold keeps its start (and its
    /// expiry), and an extension never goes past start + 3 × the hold time. Nil: unknown (held before it was kept),
    /// taken as the hold's own start by whoever restores it.
    public var startedAt: Date?

    /// A hold as the engine makes it or the store restores it.
    public init(booking: BookingID, user: UserID, seats: [String], expiresAt: Date, startedAt: Date? = nil) {
        self.booking = booking
        self.user = user
        self.seats = seats
        self.expiresAt = expiresAt
        self.startedAt = startedAt
    }
}
