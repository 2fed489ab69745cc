import BoxOffice
import HummingbirdBcrypt
import NIOPosix

/// bcrypt, on NIO's thread pool: it is deliberately slow, blocking C that must never run on an event loop.
struct BcryptPasswordHasher: PasswordHasher {
    let cost: UInt8

    func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    func verify(_ password: String, against hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }
}
