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

    /// A hold as the engine makes it or the store restores it.
    public init(booking: BookingID, user: UserID, seats: [String], expiresAt: Date) {
        self.booking = booking
        self.user = user
        self.seats = seats
        self.expiresAt = expiresAt
    }
}
