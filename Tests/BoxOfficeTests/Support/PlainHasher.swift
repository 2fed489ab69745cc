import BoxOffice

/// A password "hash" that is the password itself: bcrypt's cost is the transport's concern, not the services'.
struct PlainHasher: PasswordHasher {
    func hash(_ password: String) async throws -> String { "plain:" + password }
    func verify(_ password: String, against hash: String) async throws -> Bool { hash == "plain:" + password }
}
