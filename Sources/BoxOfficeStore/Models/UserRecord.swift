import Foundation
import GRDB

/// A role: what an account may do.
public enum Role: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    case user
    /// Box-office staff: may scan tickets at the door and look bookings up, nothing else of the admin.
    case staff
    case admin
}

/// An account row. Carries the password hash, so it never leaves the server: see `User`.
public struct UserRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "users"

    public var id: String
    public var name: String
    /// Stored as typed (trimmed, NFKC); shown to its owner.
    public var email: String
    /// `EmailIdentity.key(email)`: what look-ups compare; unique.
    public var emailKey: String
    public var passwordHash: String
    public var phone: String?
    public var role: Role
    public var isActive: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, name: String, email: String, passwordHash: String, phone: String?, role: Role,
        isActive: Bool = true, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.emailKey = EmailIdentity.key(email)
        self.passwordHash = passwordHash
        self.phone = phone
        self.role = role
        self.isActive = isActive
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The account as clients see it: never with its password hash.
    public var user: User {
        User(id: id, name: name, email: email, phone: phone, role: role, createdAt: createdAt)
    }
}

/// An account as clients see it.
public struct User: Codable, Sendable, Equatable {
    public var id: String
    public var name: String
    public var email: String
    public var phone: String?
    public var role: Role
    public var createdAt: Date
}
