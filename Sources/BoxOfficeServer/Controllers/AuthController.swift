import BoxOffice
import BoxOfficeStore
import HTTPTypes
import Hummingbird

/// `/api/auth`: register, log in, read the profile.
struct AuthController {
    let accounts: AccountService
    let tokens: TokenService
    let limits: RateLimits
    /// Whose `X-Forwarded-For` names the client the per-IP limits count.
    let trustedProxies: TrustedProxies

    func addRoutes(to group: RouterGroup<AppRequestContext>) {
        group.post("register", use: register)
        group.post("login", use: login)
        group.get("profile", use: profile)
    }

    /// The address the per-IP limits count for this request: the peer, or behind a trusted proxy the client it names.
    private func client(of request: Request, _ context: AppRequestContext) -> String {
        trustedProxies.client(peer: context.clientAddress, forwardedFor: request.headers[values: .xForwardedFor])
    }

    /// `POST /api/auth/register` → 201 `{user, token}`.
    @Sendable func register(_ request: Request, context: AppRequestContext) async throws -> EditedResponse<SessionResponse> {
        try await limits.register(ip: client(of: request, context))
        let input = try await request.decodeJSON(RegisterInput.self, context: context)
        let user = try await accounts.register(input)
        return EditedResponse(status: .created, response: SessionResponse(user: user.user, token: try await tokens.issue(for: user)))
    }

    /// `POST /api/auth/login` → `{user, token}`.
    @Sendable func login(_ request: Request, context: AppRequestContext) async throws -> SessionResponse {
        try await limits.login(ip: client(of: request, context))
        let input = try await request.decodeJSON(LoginInput.self, context: context)
        try await limits.checkAccount(input.email)
        let user: UserRecord
        do {
            user = try await accounts.login(input)
        } catch let error as BoxOfficeError where error.code == "invalid_credentials" {
            await limits.loginFailed(input.email)
            throw error
        }
        await limits.loginSucceeded(input.email)
        return SessionResponse(user: user.user, token: try await tokens.issue(for: user))
    }

    /// `GET /api/auth/profile` → `{user}`.
    @Sendable func profile(_ request: Request, context: AppRequestContext) async throws -> ProfileResponse {
        let caller = try context.requireUser()
        guard let user = try await accounts.activeUser(id: caller.id) else {
            throw BoxOfficeError(.unauthorized, "invalid_token", "The token's account no longer exists or is deactivated.")
        }
        return ProfileResponse(user: user.user)
    }
}

extension HTTPField.Name {
    /// The client, and the proxies before the last one, as the proxies in front of a node saw them.
    static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
}
