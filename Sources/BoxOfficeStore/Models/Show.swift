import Foundation
import GRDB

/// A movie on one screen at one time. It keeps a copy of the screen's layout as it was when
/// the show was made, so editing a screen later never changes seats already sold.
public struct Show: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "shows"

    public var id: String
    public var movieId: String
    public var theatreId: String
    public var screenNumber: Int
    /// The theatre's city, kept here so that listing a city's shows is one indexed query.
    public var cityId: String
    public var startsAt: Date
    /// `startsAt` plus the movie's duration: when the show stops being "live".
    public var endsAt: Date
    /// Local date (`YYYY-MM-DD`) and time (`HH:mm`) in the city's time zone.
    public var showDate: String
    public var showTime: String
    public var language: String
    public var format: String
    public var isActive: Bool
    public var layout: SeatLayout
    public var totalSeats: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, movieId: String, theatreId: String, screenNumber: Int, cityId: String, startsAt: Date, endsAt: Date,
        showDate: String, showTime: String, language: String, format: String, isActive: Bool = true, layout: SeatLayout,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.movieId = movieId
        self.theatreId = theatreId
        self.screenNumber = screenNumber
        self.cityId = cityId
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.showDate = showDate
        self.showTime = showTime
        self.language = language
        self.format = format
        self.isActive = isActive
        self.layout = layout
        self.totalSeats = layout.seats().count
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
