import BoxOfficeStore

/// The caller behind a verified token.
public struct AuthenticatedUser: Sendable, Equatable {
    public var id: String
    /// From the verified token only, never from anything else the client sends.
    public var role: Role
}
