import SeatEngine

/// `POST /api/bookings/lock-seats`: `{showId, seats}`, or best available `{showId, count, category?, accessible?}`.
public struct LockSeatsInput: Codable, Sendable {
    public var showId: String
    public var seats: [String]?
    public var count: Int?
    public var category: String?
    public var accessible: Int?

    /// An explicit lock of `seats`.
    public init(showId: String, seats: [String]) {
        self.showId = showId
        self.seats = seats
    }

    /// A best-available lock of `count` seats.
    public init(showId: String, count: Int, category: String? = nil, accessible: Int? = nil) {
        self.showId = showId
        self.count = count
        self.category = category
        self.accessible = accessible
    }
}

/// What a lock request asks for, once its fields agree.
public enum SeatChoice: Sendable, Equatable {
    /// These seats, all or nothing.
    case seats([String])
    /// The best block of `count` seats (docs/SEATING.md).
    case bestAvailable(count: Int, category: String?, accessible: Int)
}

extension LockSeatsInput {
    /// Requests of more seats than this are refused before any is looked at.
    static let mostSeatsRead = 100

    /// The request's choice; 422 `validation_failed` naming the field when `seats` and `count` come both or neither,
    /// `category` or `accessible` come with `seats`, `count` is not 1–10, or `accessible` is not 0–`count`.
    public func choice() throws(BoxOfficeError) -> SeatChoice {
        switch (seats, count) {
        case (let seats?, nil):
            if category != nil { throw .invalid("category", "category goes with count (best available), not with seats") }
            if accessible != nil { throw .invalid("accessible", "accessible goes with count (best available), not with seats") }
            guard seats.count <= Self.mostSeatsRead else {
                throw BoxOfficeError(SeatEngineError.tooManySeats(max: SeatMap.maxSeatsPerBooking))
            }
            return .seats(seats)
        case (nil, let count?):
            let most = SeatMap.maxSeatsPerBooking
            guard (1...most).contains(count) else { throw .invalid("count", "count must be from 1 to \(most)") }
            let accessible = self.accessible ?? 0
            guard (0...count).contains(accessible) else { throw .invalid("accessible", "accessible must be from 0 to count (\(count))") }
            return .bestAvailable(count: count, category: category, accessible: accessible)
        case (_?, _?):
            throw .invalid("count", "send either seats or count (best available), not both")
        case (nil, nil):
            throw .invalid("seats", "send seats, or count for the best available seats")
        }
    }
}
