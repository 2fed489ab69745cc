import Foundation

/// `BOXOFFICE_SMTP_URL`: `smtp://[USER:PASSWORD@]HOST[:PORT]` (STARTTLS when the server offers it; port 25 by
/// default) or `smtps://…` (TLS from the first byte; port 465 by default).
public struct SMTPURL: Sendable, Equatable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var implicitTLS: Bool
    public var username: String?
    public var password: String?

    public init(_ text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased() else {
            throw OptionsError("BOXOFFICE_SMTP_URL must look like smtp://[USER:PASSWORD@]HOST:PORT or smtps://…")
        }
        switch scheme {
        case "smtp": implicitTLS = false
        case "smtps": implicitTLS = true
        default: throw OptionsError("BOXOFFICE_SMTP_URL must start with smtp:// or smtps://, not \(scheme)://")
        }
        guard let host = components.host, !host.isEmpty else { throw OptionsError("BOXOFFICE_SMTP_URL has no host") }
        guard components.path.isEmpty || components.path == "/", components.query == nil else {
            throw OptionsError("BOXOFFICE_SMTP_URL takes no path or query: smtp://[USER:PASSWORD@]HOST:PORT")
        }
        if let port = components.port, !(1...65_535).contains(port) { throw OptionsError("BOXOFFICE_SMTP_URL's port must be 1 to 65535") }
        self.host = host
        self.port = components.port ?? (implicitTLS ? 465 : 25)
        self.username = components.user?.removingPercentEncoding
        self.password = components.password?.removingPercentEncoding
        if username != nil, password == nil { throw OptionsError("BOXOFFICE_SMTP_URL names a user without a password") }
    }

    /// Never the password.
    public var description: String {
        "\(implicitTLS ? "smtps" : "smtp")://\(username.map { "\($0):***@" } ?? "")\(host):\(port)"
    }
}
