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
}

/// A show as lists return it.
public struct ShowView: Encodable, Sendable {
    public var id: String
    public var movieId: String
    public var theatreId: String
    public var screenNumber: Int
    public var cityId: String
    public var startsAt: Date
    public var endsAt: Date
    public var showDate: String
    public var showTime: String
    public var language: String
    public var format: String
    public var isActive: Bool
    public var version: Int64
    public var layout: SeatLayout
    public var availability: Availability
    /// Only in `GET /api/shows/:id`.
    public var seats: [SeatView]?

    init(show: Show, version: Int64, availability: Availability, seats: [SeatView]?) {
        id = show.id
        movieId = show.movieId
        theatreId = show.theatreId
        screenNumber = show.screenNumber
        cityId = show.cityId
        startsAt = show.startsAt
        endsAt = show.endsAt
        showDate = show.showDate
        showTime = show.showTime
        language = show.language
        format = show.format
        isActive = show.isActive
        self.version = version
        layout = show.layout
        self.availability = availability
        self.seats = seats
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

/// A source for a catalog with no sales yet: every seat available, version 0.
public struct NothingSold: SeatStatusSource {
    public init() {}
    public func seatStatuses(of show: Show) async throws -> (version: Int64, taken: [String: SeatStatus]) { (0, [:]) }
    public func counts(of shows: [Show]) async throws -> [String: (version: Int64, held: Int, booked: Int)] { [:] }
}
