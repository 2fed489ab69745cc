/// How many of a show's seats are in each status, at one version: what the catalog lists, a seat map's
/// `availability` and the live feed's kiosk boards all report.
public struct SeatCounts: Codable, Sendable, Equatable {
    public var version: Int64
    public var available: Int
    public var held: Int
    public var booked: Int
    public var total: Int

    /// Counts as read at `version`; nothing counted by default.
    public init(version: Int64 = 0, available: Int = 0, held: Int = 0, booked: Int = 0, total: Int = 0) {
        self.version = version
        self.available = available
        self.held = held
        self.booked = booked
        self.total = total
    }

    /// Counts one more seat, in `status`.
    public mutating func add(_ status: SeatStatus) {
        total += 1
        switch status {
        case .available: available += 1
        case .held: held += 1
        case .booked: booked += 1
        }
    }
}
