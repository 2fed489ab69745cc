/// Hashes and checks passwords. The real one is bcrypt, run off the event loop.
public protocol PasswordHasher: Sendable {
    func hash(_ password: String) async throws -> String
    func verify(_ password: String, against hash: String) async throws -> Bool
}
