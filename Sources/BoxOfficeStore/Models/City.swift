import Foundation
import GRDB

/// A city where cinemas are; its time zone gives shows their local date and time.
public struct City: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "cities"

    public var id: String
    public var name: String
    public var state: String
    /// IANA name, e.g. `Asia/Kolkata`.
    public var timeZone: String
    public var isActive: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(id: String, name: String, state: String, timeZone: String, isActive: Bool = true, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.name = name
        self.state = state
        self.timeZone = timeZone
        self.isActive = isActive
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
