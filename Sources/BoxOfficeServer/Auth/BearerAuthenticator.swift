import BoxOffice
import BoxOfficeStore
import Hummingbird
import HummingbirdAuth

/// Reads `Authorization: Bearer <JWT>`. No header: the request goes on anonymous (routes that need a user say 401).
/// A header that is present but bad, or names an account that is gone or deactivated: 401 at once.
struct BearerAuthenticator: AuthenticatorMiddleware {
    typealias Context = AppRequestContext
    let tokens: TokenService
    let accounts: AccountService

    func authenticate(request: Request, context: Context) async throws -> AuthenticatedUser? {
        guard let header = request.headers[.authorization] else { return nil }
        guard let bearer = request.headers.bearer else {
            throw BoxOfficeError(.unauthorized, "invalid_token", "The Authorization header must be `Bearer <token>`.")
        }
        guard var user = await tokens.verify(bearer.token) else {
            throw BoxOfficeError(.unauthorized, "invalid_token", "The token is malformed, wrongly signed or expired.")
        }
        // The account's role as it is now, not as the token says: a demotion takes effect on the next request.
        guard let role = try await accounts.activeRole(id: user.id) else {
            throw BoxOfficeError(.unauthorized, "invalid_token", "The token's account no longer exists or is deactivated.")
        }
        user.role = role
        _ = header
        return user
    }
}

extension AppRequestContext {
    /// The caller, or 401 `unauthorized`.
    func requireUser() throws -> AuthenticatedUser {
        guard let identity else {
            throw BoxOfficeError(.unauthorized, "unauthorized", "Log in first: send `Authorization: Bearer <token>`.")
        }
        return identity
    }

    /// The caller if an admin; 401 without a user, 403 for anyone else.
    func requireAdmin() throws -> AuthenticatedUser {
        let user = try requireUser()
        guard user.role == .admin else { throw BoxOfficeError(.forbidden, "forbidden", "Only admins may do this.") }
        return user
    }
}

/// Guards a route group: only these roles get through (401 without a user, 403 for anyone else), so no handler in it
/// can forget to check.
struct RequireRoleMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let roles: Set<Role>

    static let admin = RequireRoleMiddleware(roles: [.admin])
    /// The door's routes: staff and admins.
    static let door = RequireRoleMiddleware(roles: [.staff, .admin])

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let user = try context.requireUser()
        guard roles.contains(user.role) else {
            throw BoxOfficeError(.forbidden, "forbidden", roles == [.admin] ? "Only admins may do this." : "Only staff and admins may do this.")
        }
        return try await next(request, context)
    }
}
