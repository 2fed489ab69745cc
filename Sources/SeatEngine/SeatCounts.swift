/// How many of a show's seats are in each status, at one version.
public struct SeatCounts: Codable, Sendable, Equatable {
    public var version: Int64
    public var available: Int
    public var held: Int
    public var booked: Int
    public var total: Int

    /// Counts as read at `version`.
    public init(version: Int64, available: Int, held: Int, booked: Int, total: Int) {
        self.version = version
        self.available = available
        self.held = held
        self.booked = booked
        self.total = total
    }
}
