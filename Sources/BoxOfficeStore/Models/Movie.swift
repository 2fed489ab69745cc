import Foundation
import GRDB

/// A film in the catalog.
public struct Movie: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "movies"

    public var id: String
    public var title: String
    public var description: String
    public var genres: [String]
    public var languages: [String]
    public var durationMinutes: Int
    /// 0 to 10.
    public var rating: Double
    /// `YYYY-MM-DD`.
    public var releaseDate: String
    public var posterUrl: String?
    /// The cities it is released in (shows decide where it is actually playing).
    public var cityIds: [String]
    public var isActive: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, title: String, description: String, genres: [String], languages: [String], durationMinutes: Int,
        rating: Double, releaseDate: String, posterUrl: String?, cityIds: [String], isActive: Bool = true, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.title = title
        self.description = description
        self.genres = genres
        self.languages = languages
        self.durationMinutes = durationMinutes
        self.rating = rating
        self.releaseDate = releaseDate
        self.posterUrl = posterUrl
        self.cityIds = cityIds
        self.isActive = isActive
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
