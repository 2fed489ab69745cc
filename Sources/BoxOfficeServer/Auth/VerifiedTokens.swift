import BoxOfficeStore
import Foundation

/// Tokens whose signature this server already checked, with who they name and when they expire.
///
/// A token's signature and claims never change, so checking them once is enough: a hit only compares the
/// expiry with the clock (every time), and the account behind it is still checked on every request
/// (`BearerAuthenticator`). This skips the HMAC and the JSON decoding of header and payload per request.
actor VerifiedTokens {
    private var entries: BoundedCache<String, (user: AuthenticatedUser, expires: Date)>

    init(capacity: Int = 20_000) {
        entries = BoundedCache(capacity: capacity)
    }

    /// The token's user if it was verified before and has not expired by `now`.
    func user(for token: String, now: Date) -> AuthenticatedUser? {
        guard let entry = entries.value(for: token) else { return nil }
        guard entry.expires > now else {
            entries.removeValue(for: token)
            return nil
        }
        return entry.user
    }

    func remember(_ token: String, user: AuthenticatedUser, expires: Date) {
        entries.set((user, expires), for: token)
    }
}
