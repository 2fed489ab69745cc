/// A show's seats grouped by status in layout order, at one version: the body of a live-feed snapshot.
public struct SeatSnapshot: Codable, Sendable, Equatable {
    public var version: Int64
    public var available: [String]
    public var held: [String]
    public var booked: [String]

    /// Seat lists as read at `version`.
    public init(version: Int64, available: [String], held: [String], booked: [String]) {
        self.version = version
        self.available = available
        self.held = held
        self.booked = booked
    }
}
