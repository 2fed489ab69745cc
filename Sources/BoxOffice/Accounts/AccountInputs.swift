/// `POST /api/auth/register`.
public struct RegisterInput: Codable, Sendable {
    public var name: String
    public var email: String
    public var password: String
    public var phone: String?

    public init(name: String, email: String, password: String, phone: String? = nil) {
        self.name = name
        self.email = email
        self.password = password
        self.phone = phone
    }
}

/// `POST /api/auth/login`.
public struct LoginInput: Codable, Sendable {
    public var email: String
    public var password: String

    public init(email: String, password: String) {
        self.email = email
        self.password = password
    }
}
