/// A show's durable seat state: what the store reads back from disk (`BookingStore.seatState`) and an actor is
/// rebuilt from on load.
public struct SeatMapState: Sendable, Equatable {
    /// The show's highest journaled version.
    public var version: Int64
    /// Pending bookings with their original expiry, expired ones included (the actor expires them at once).
    public var holds: [Hold]
    /// Confirmed bookings and their seats.
    public var booked: [BookingID: [String]]

    /// A seed; the default is a fresh show at version 0.
    public init(version: Int64 = 0, holds: [Hold] = [], booked: [BookingID: [String]] = [:]) {
        self.version = version
        self.holds = holds
        self.booked = booked
    }
}
