import BoxOfficeStore
import SeatEngine
import Foundation

/// A show as the API returns it: the show's own fields, plus its live `version` and
/// `availability: {available, held, booked, total}` (and, in `GET /api/shows/:id`, every seat with its status).
public struct ShowView: Encodable, Sendable {
    public var show: Show
    /// The show's seat counts at its live version: `version` and `availability` in the JSON.
    public var counts: SeatCounts
    /// Only in `GET /api/shows/:id`.
    public var seats: [SeatView]?

    init(show: Show, counts: SeatCounts, seats: [SeatView]?) {
        self.show = show
        self.counts = counts
        self.seats = seats
    }

    private enum CodingKeys: String, CodingKey {
        case version, availability, seats
    }

    private enum AvailabilityKeys: String, CodingKey {
        case available, held, booked, total
    }

    public func encode(to encoder: any Encoder) throws {
        try show.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(counts.version, forKey: .version)
        var availability = container.nestedContainer(keyedBy: AvailabilityKeys.self, forKey: .availability)
        try availability.encode(counts.available, forKey: .available)
        try availability.encode(counts.held, forKey: .held)
        try availability.encode(counts.booked, forKey: .booked)
        try availability.encode(counts.total, forKey: .total)
        try container.encodeIfPresent(seats, forKey: .seats)
    }
}

/// One seat with its live status.
public struct SeatView: Encodable, Sendable {
    public var seatNumber: String
    public var row: String
    public var column: Int
    public var category: String
    public var price: Int
    public var status: SeatStatus
    public var kind: SeatKind
}

/// `GET /api/shows/:id/availability`: the show's counts, flat, then each price category's.
public struct AvailabilityView: Encodable, Sendable {
    /// Counts of one price category.
    public struct Category: Encodable, Sendable {
        public var name: String
        public var price: Int
        public var available: Int
        public var held: Int
        public var booked: Int
        public var total: Int

        init(name: String, price: Int, counts: SeatCounts) {
            self.name = name
            self.price = price
            self.available = counts.available
            self.held = counts.held
            self.booked = counts.booked
            self.total = counts.total
        }
    }

    public var available: Int
    public var held: Int
    public var booked: Int
    public var total: Int
    public var version: Int64
    public var categories: [Category]

    init(counts: SeatCounts, categories: [Category]) {
        self.available = counts.available
        self.held = counts.held
        self.booked = counts.booked
        self.total = counts.total
        self.version = counts.version
        self.categories = categories
    }
}
