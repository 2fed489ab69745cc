import Foundation

/// Accounts: read by id or email, created once, updated rarely.
public protocol AccountStore: Sendable {
    /// Inserts a new account; throws `StoreError.duplicate(field: "email")` when the email is taken.
    func insert(_ user: UserRecord) async throws
    func user(id: String) async throws -> UserRecord?
    /// The account known by this address, compared as `EmailIdentity.key` (white space, NFKC and case do not matter).
    func user(email: String) async throws -> UserRecord?
    func update(_ user: UserRecord) async throws
    /// Every account, oldest first (ids are time-sortable), for the admin.
    func users(page: PageRequest) async throws -> Page<UserRecord>
    /// The role of the account if it exists and is active: the per-request check behind a token.
    func activeRole(id: String) async throws -> Role?
}

extension AccountStore {
    public func activeRole(id: String) async throws -> Role? {
        guard let user = try await user(id: id), user.isActive else { return nil }
        return user.role
    }
}
