/// What a best-available lock asks for: `count` seats side by side in one row, in `category` when given, `accessible`
/// of them wheelchair spaces whose companion seats are counted in `count` (docs/SEATING.md).
public struct BestAvailableRequest: Sendable, Hashable {
    public let count: Int
    /// The category the seats must be in; nil for any.
    public let category: String?
    /// How many wheelchair spaces the block must hold, from 0 to `count`.
    public let accessible: Int

    /// A request of 1–`SeatMap.maxSeatsPerBooking` seats with 0–`count` wheelchair spaces; throws otherwise.
    public init(count: Int, category: String? = nil, accessible: Int = 0) throws(SeatEngineError) {
        guard count >= 1 else { throw .noSeats }
        guard count <= SeatMap.maxSeatsPerBooking else { throw .tooManySeats(max: SeatMap.maxSeatsPerBooking) }
        guard accessible >= 0, accessible <= count else { throw .accessibleOutOfRange(max: count) }
        self.count = count
        self.category = category
        self.accessible = accessible
    }
}
