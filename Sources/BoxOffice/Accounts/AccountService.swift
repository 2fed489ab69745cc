import BoxOfficeStore
import SeatEngine
import Foundation

/// Registration, login and profiles. Tokens are the transport's business; this answers "who is it".
public struct AccountService: Sendable {
    let users: any AccountStore
    let hasher: any PasswordHasher
    let clock: any EngineClock

    public init(users: any AccountStore, hasher: any PasswordHasher, clock: any EngineClock = SystemClock()) {
        self.users = users
        self.hasher = hasher
        self.clock = clock
    }

    /// Creates a `user` account; 409 `email_taken` when the email is in use.
    public func register(_ input: RegisterInput) async throws -> UserRecord {
        let name = try Validate.text(input.name, field: "name", length: 1...100)
        let email = try Validate.email(input.email)
        try Self.checkPassword(input.password)
        var phone: String?
        if let raw = input.phone?.trimmingCharacters(in: .whitespaces), !raw.isEmpty {
            guard raw.count <= 20, raw.allSatisfy({ $0.isNumber || "+- ()".contains($0) }), raw.contains(where: \.isNumber) else {
                throw BoxOfficeError.invalid("phone", "phone may hold digits, spaces, +, -, ( and ), at most 20 characters")
            }
            phone = raw
        }
        if try await users.user(email: email) != nil { throw Self.emailTaken }
        let now = clock.now
        let user = UserRecord(
            id: Identifier.make("usr", at: now), name: name, email: email, passwordHash: try await hasher.hash(input.password),
            phone: phone, role: .user, createdAt: now, updatedAt: now)
        do {
            try await users.insert(user)
        } catch StoreError.duplicate {
            throw Self.emailTaken  // two registrations raced; the unique index decided
        }
        return user
    }

    /// The account for these credentials; 401 `invalid_credentials` for a wrong email or password alike.
    public func login(_ input: LoginInput) async throws -> UserRecord {
        let user = input.email.utf8.count <= 1024 ? try await users.user(email: input.email) : nil
        // Verify against a real hash even for an unknown email, so timing does not tell which emails exist.
        let hash = user?.passwordHash ?? Self.decoyHash
        let matches = input.password.utf8.count <= 1024 ? try await hasher.verify(input.password, against: hash) : false
        guard let user, matches, user.isActive else {
            throw BoxOfficeError(.unauthorized, "invalid_credentials", "Email or password is wrong.")
        }
        return user
    }

    /// The account behind a verified token, if it still exists and is active.
    public func activeUser(id: String) async throws -> UserRecord? {
        guard let user = try await users.user(id: id), user.isActive else { return nil }
        return user
    }

    /// The role of the account behind a verified token, if it still exists and is active. Read on every request, so a
    /// demotion or deactivation takes effect at once: the token's own role claim is never trusted.
    public func activeRole(id: String) async throws -> Role? {
        try await users.activeRole(id: id)
    }

    /// Makes sure an admin account with this email exists and has this password (start-up, from the environment).
    @discardableResult
    public func ensureAdmin(email: String, password: String, name: String = "Administrator") async throws -> UserRecord {
        let email = try Validate.email(email)
        try Self.checkPassword(password)
        let now = clock.now
        if var user = try await users.user(email: email) {
            let samePassword = try await hasher.verify(password, against: user.passwordHash)
            guard !samePassword || user.role != .admin || !user.isActive else { return user }
            if !samePassword { user.passwordHash = try await hasher.hash(password) }
            user.role = .admin
            user.isActive = true
            user.updatedAt = now
            try await users.update(user)
            return user
        }
        let user = UserRecord(
            id: Identifier.make("usr", at: now), name: name, email: email, passwordHash: try await hasher.hash(password), phone: nil,
            role: .admin, createdAt: now, updatedAt: now)
        do {
            try await users.insert(user)
        } catch StoreError.duplicate {
            // Another node starting at the same moment made the account first (docs/CLUSTER.md: start-up of several
            // nodes at once is safe): ensure it as it is now.
            return try await ensureAdmin(email: email, password: password, name: name)
        }
        return user
    }

    static func checkPassword(_ password: String) throws {
        guard password.count >= 8 else { throw BoxOfficeError.invalid("password", "password must be at least 8 characters") }
        // bcrypt reads only the first 72 bytes; longer passwords would silently lose their tail.
        guard password.utf8.count <= 72 else { throw BoxOfficeError.invalid("password", "password must be at most 72 bytes") }
    }

    static let emailTaken = BoxOfficeError(.conflict, "email_taken", "An account with this email exists.", details: ["field": .string("email")])

    /// A bcrypt hash of a random string nobody knows (cost 10), used to spend the same time on unknown emails.
    static let decoyHash = "$2b$10$CwTycUXWue0Thq9StjUM0uJ8.4GfOSB8mJ6gd7b8m0Eg0HHDh2qcK"
}
