import BoxOfficeStore
import Foundation
import JWTKit

/// The JWT's claims: who (`sub`), as what (`role`), until when (`exp`).
struct SessionClaims: JWTPayload {
    var sub: SubjectClaim
    var role: String
    var iat: IssuedAtClaim
    var exp: ExpirationClaim

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

/// Issues and verifies HS256 session tokens.
public struct TokenService: Sendable {
    static let lifetime: TimeInterval = 7 * 24 * 3600
    let keys: JWTKeyCollection
    let verified = VerifiedTokens()

    /// `secret` must be at least 32 bytes (shorter HMAC keys are refused).
    public init(secret: String) async throws {
        guard secret.utf8.count >= 32 else { throw OptionsError("the JWT secret must be at least 32 bytes") }
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256)
    }

    /// A token for `user`, valid for 7 days from `now`.
    public func issue(for user: UserRecord, now: Date = Date()) async throws -> String {
        let claims = SessionClaims(
            sub: .init(value: user.id), role: user.role.rawValue, iat: .init(value: now), exp: .init(value: now.addingTimeInterval(Self.lifetime)))
        return try await keys.sign(claims)
    }

    /// The caller of a token; nil for a token that is malformed, unsigned (`alg: none`), wrongly signed or expired.
    /// A token verified before is answered from memory until its `exp` (`VerifiedTokens`).
    public func verify(_ token: String) async -> AuthenticatedUser? {
        guard token.utf8.count <= 4096 else { return nil }
        if let known = await verified.user(for: token, now: Date()) { return known }
        guard let claims = try? await keys.verify(token, as: SessionClaims.self), let role = Role(rawValue: claims.role) else { return nil }
        let user = AuthenticatedUser(id: claims.sub.value, role: role)
        await verified.remember(token, user: user, expires: claims.exp.value)
        return user
    }
}
