/// A seat's status as every client sees it.
public enum SeatStatus: String, Codable, Sendable, Hashable, CaseIterable {
    case available
    case held
    case booked
}
