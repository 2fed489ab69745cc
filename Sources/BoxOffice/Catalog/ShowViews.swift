import BoxOfficeStore
import SeatEngine
import Foundation

/// A show's seats by status: `{available, held, booked, total}`.
public struct Availability: Codable, Sendable, Equatable {
    public var available: Int
    public var held: Int
    public var booked: Int
    public var total: Int

    public init(available: Int, held: Int, booked: Int, total: Int) {
        self.available = available
        self.held = held
        self.booked = booked
        self.total = total
    }
}

/// Where a show's seat statuses come from (the seat engine once it runs; nothing is sold before).
public protocol SeatStatusSource: Sendable {
    /// The show's version and the status of each seat that is not available.
    func seatStatuses(of show: Show) async throws -> (version: Int64, taken: [String: SeatStatus])
    /// Counts for many shows at once (one query, not one per show); shows missing from the answer have nothing taken.
    func counts(of shows: [Show]) async throws -> [String: (version: Int64, held: Int, booked: Int)]
    /// The show's last durable version (cheaper than its statuses).
    func version(of show: Show) async throws -> Int64
}

extension SeatStatusSource {
    public func version(of show: Show) async throws -> Int64 {
        try await seatStatuses(of: show).version
    }
}

/// A show as the API returns it: the show's own fields, plus its live `version` and `availability`
/// (and, in `GET /api/shows/:id`, every seat with its status).
public struct ShowView: Encodable, Sendable {
    public var show: Show
    public var version: Int64
    public var availability: Availability
    /// Only in `GET /api/shows/:id`.
    public var seats: [SeatView]?

    init(show: Show, version: Int64, availability: Availability, seats: [SeatView]?) {
        self.show = show
        self.version = version
        self.availability = availability
        self.seats = seats
    }

    private enum CodingKeys: String, CodingKey {
        case version, availability, seats
    }

    public func encode(to encoder: any Encoder) throws {
        try show.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(version, forKey: .version)
        try container.encode(availability, forKey: .availability)
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
}

/// `GET /api/shows/:id/availability`.
public struct AvailabilityView: Encodable, Sendable {
    /// Counts of one price category.
    public struct Category: Encodable, Sendable {
        public var name: String
        public var price: Int
        public var available: Int
        public var held: Int
        public var booked: Int
        public var total: Int
    }

    public var available: Int
    public var held: Int
    public var booked: Int
    public var total: Int
    public var version: Int64
    public var categories: [Category]
}
