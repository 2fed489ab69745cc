import BoxOffice
import BoxOfficeStore
import Hummingbird

/// `/api/admin/users`: find accounts and set their role (`user`, `staff`, `admin`) or whether they may log in.
struct AdminUsersController {
    let accounts: AccountService

    func addRoutes(to admin: RouterGroup<AppRequestContext>) {
        admin.get("users", use: list)
        admin.patch("users/:id", use: update)
    }

    /// `GET /api/admin/users?email=`: the account with that email, or every account, oldest first.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Page<AdminUserView> {
        try await accounts.users(email: request.textParameter("email", maxLength: 320), page: request.pageRequest())
    }

    /// `PATCH /api/admin/users/:id {role?, isActive?}`.
    @Sendable func update(_ request: Request, context: AppRequestContext) async throws -> AdminUserView {
        let admin = try context.requireAdmin()
        let id = try context.id(of: "user")
        return try await accounts.change(userId: id, request.decodeJSON(UserChangeInput.self, context: context), by: admin.id)
    }
}
