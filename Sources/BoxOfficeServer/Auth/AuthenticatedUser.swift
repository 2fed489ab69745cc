import BoxOfficeStore

/// The caller behind a verified token.
public struct AuthenticatedUser: Sendable, Equatable {
    public var id: String
    /// The account's role as stored, read on every request (never the token's claim, nor anything the client sends).
    public var role: Role
}
