/// `POST /api/bookings/lock-seats`.
public struct LockSeatsInput: Codable, Sendable {
    public var showId: String
    public var seats: [String]

    public init(showId: String, seats: [String]) {
        self.showId = showId
        self.seats = seats
    }
}
