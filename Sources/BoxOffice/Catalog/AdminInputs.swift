import BoxOfficeStore

/// `POST /api/admin/cities`.
public struct CityInput: Codable, Sendable {
    public var name: String
    public var state: String
    public var timeZone: String?
}

/// `PATCH /api/admin/cities/:id`: any field, absent means unchanged.
public struct CityPatch: Codable, Sendable {
    public var name: String?
    public var state: String?
    public var timeZone: String?
    public var isActive: Bool?
}

/// `POST /api/admin/movies`.
public struct MovieInput: Codable, Sendable {
    public var title: String
    public var description: String
    public var genres: [String]
    public var languages: [String]
    public var durationMinutes: Int
    public var rating: Double
    public var releaseDate: String
    public var posterUrl: String?
    public var cityIds: [String]
}

/// `PATCH /api/admin/movies/:id`.
public struct MoviePatch: Codable, Sendable {
    public var title: String?
    public var description: String?
    public var genres: [String]?
    public var languages: [String]?
    public var durationMinutes: Int?
    public var rating: Double?
    public var releaseDate: String?
    public var posterUrl: String?
    public var cityIds: [String]?
    public var isActive: Bool?
}

/// One screen inside a theatre's body.
public struct ScreenInput: Codable, Sendable {
    public var screenNumber: Int
    public var name: String
    public var layout: SeatLayout
}

/// `POST /api/admin/theatres`.
public struct TheatreInput: Codable, Sendable {
    public var name: String
    public var cityId: String
    public var address: String
    public var amenities: [String]?
    public var screens: [ScreenInput]
}

/// `PATCH /api/admin/theatres/:id`; `screens` adds screens or replaces those with the same number.
public struct TheatrePatch: Codable, Sendable {
    public var name: String?
    public var cityId: String?
    public var address: String?
    public var amenities: [String]?
    public var screens: [ScreenInput]?
    public var isActive: Bool?
}

/// `POST /api/admin/shows`.
public struct ShowInput: Codable, Sendable {
    public var movieId: String
    public var theatreId: String
    public var screenNumber: Int
    /// RFC 3339.
    public var startsAt: String
    public var language: String
    public var format: String
}

/// `PATCH /api/admin/shows/:id`. A show keeps its theatre and screen (its seats come from that layout).
public struct ShowPatch: Codable, Sendable {
    public var movieId: String?
    public var theatreId: String?
    public var screenNumber: Int?
    public var startsAt: String?
    public var language: String?
    public var format: String?
    public var isActive: Bool?
}
