import Foundation
import GRDB

/// A cinema in a city. Its screens are rows of their own (`Screen`).
public struct Theatre: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "theatres"

    public var id: String
    public var name: String
    public var cityId: String
    public var address: String
    public var amenities: [String]
    public var isActive: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, name: String, cityId: String, address: String, amenities: [String], isActive: Bool = true,
        createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.cityId = cityId
        self.address = address
        self.amenities = amenities
        self.isActive = isActive
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

/// One auditorium of a theatre, with its seat layout.
public struct Screen: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "screens"

    public var theatreId: String
    public var screenNumber: Int
    public var name: String
    public var layout: SeatLayout
    public var totalSeats: Int

    public init(theatreId: String, screenNumber: Int, name: String, layout: SeatLayout) {
        self.theatreId = theatreId
        self.screenNumber = screenNumber
        self.name = name
        self.layout = layout
        self.totalSeats = layout.seats().count
    }
}

/// A theatre with its screens, as the API returns it: the theatre's fields plus `screens`.
public struct TheatreDetail: Encodable, Sendable, Equatable {
    public var theatre: Theatre
    public var screens: [Screen]

    public init(theatre: Theatre, screens: [Screen]) {
        self.theatre = theatre
        self.screens = screens
    }

    private enum CodingKeys: String, CodingKey {
        case screens
    }

    public func encode(to encoder: any Encoder) throws {
        try theatre.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(screens, forKey: .screens)
    }
}
