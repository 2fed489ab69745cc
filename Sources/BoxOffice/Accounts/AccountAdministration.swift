import BoxOfficeStore
import Foundation
import SeatEngine

/// An account as the admin sees it: the user's own view, and whether it may log in.
public struct AdminUserView: Encodable, Sendable {
    public var id: String
    public var name: String
    public var email: String
    public var phone: String?
    public var role: Role
    public var isActive: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(_ record: UserRecord) {
        id = record.id
        name = record.name
        email = record.email
        phone = record.phone
        role = record.role
        isActive = record.isActive
        createdAt = record.createdAt
        updatedAt = record.updatedAt
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(name, forKey: .name)
        try container.encode(email, forKey: .email)
        try container.encode(phone, forKey: .phone)
        try container.encode(role, forKey: .role)
        try container.encode(isActive, forKey: .isActive)
        try container.encode(createdAt, forKey: .createdAt)
        try container.encode(updatedAt, forKey: .updatedAt)
    }

    enum CodingKeys: String, CodingKey { case id, name, email, phone, role, isActive, createdAt, updatedAt }
}

/// `PATCH /api/admin/users/:id`.
public struct UserChangeInput: Decodable, Sendable {
    public var role: String?
    public var isActive: Bool?
}

extension AccountService {
    /// Accounts for the admin: the one with this email (any spelling of it), or every one, oldest first.
    public func users(email: String?, page: PageRequest) async throws -> Page<AdminUserView> {
        if let email {
            let found = try await users.user(email: email)
            return Page(items: found.map { [AdminUserView($0)] } ?? [], nextCursor: nil)
        }
        let page = try await users.users(page: page)
        return Page(items: page.items.map(AdminUserView.init), nextCursor: page.nextCursor)
    }

    /// Changes an account's role or whether it may log in. Takes effect on the account's next request (every request
    /// reads the role). An admin may not demote or deactivate their own account: the box office never locks itself out.
    public func change(userId: String, _ input: UserChangeInput, by adminId: String) async throws -> AdminUserView {
        let role = try input.role.map { name in
            guard let role = Role(rawValue: name) else {
                throw BoxOfficeError.invalid("role", "role must be one of \(Role.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return role
        }
        guard Identifier.looksValid(userId), var user = try await users.user(id: userId) else { throw BoxOfficeError.notFound("user", id: userId) }
        if userId == adminId, (role.map { $0 != .admin } ?? false) || input.isActive == false {
            throw BoxOfficeError(.conflict, "own_account", "An admin cannot demote or deactivate their own account; ask another admin.")
        }
        guard role != nil || input.isActive != nil else { return AdminUserView(user) }
        if let role { user.role = role }
        if let isActive = input.isActive { user.isActive = isActive }
        user.updatedAt = clock.now
        try await users.update(user)
        return AdminUserView(user)
    }
}
