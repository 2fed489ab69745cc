/// Where a PostgreSQL database is: `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE`, parsed strictly.
///
/// User, password and database are percent-decoded (a password with `@`, `:` or `/` must be written `%40`, `%3A`,
/// `%2F`). `postgresql://` is accepted too, as libpq does; the port defaults to 5432. Options (`?sslmode=…`) are
/// refused rather than ignored, so a setting an operator wrote is never silently dropped. Neither the description
/// nor any error carries the password.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public var user: String
    public var password: String?
    /// A host name or an IP address (IPv6 without its brackets).
    public var host: String
    public var port: Int
    public var database: String

    public init(user: String, password: String?, host: String, port: Int = 5432, database: String) {
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.database = database
    }

    /// True when `text` names PostgreSQL rather than a SQLite file: it starts with `postgres://` or `postgresql://`.
    public static func isPostgresURL(_ text: String) -> Bool {
        scheme(of: text) != nil
    }

    public init(parsing text: String) throws(PostgresURLError) {
        guard let afterScheme = Self.scheme(of: text) else { throw .notPostgres }
        let rest = text[afterScheme...]
        if rest.contains("?") || rest.contains("#") { throw .optionsNotSupported }
        // The authority ends at the first `/`; a `/` in the password must be percent-encoded.
        guard let slash = rest.firstIndex(of: "/") else { throw .missingDatabase }
        let authority = rest[..<slash]
        let path = rest[rest.index(after: slash)...]
        guard let at = authority.lastIndex(of: "@") else { throw .missingUser }
        let userInfo = authority[..<at]
        let hostAndPort = authority[authority.index(after: at)...]

        let userText: Substring
        let passwordText: Substring?
        if let colon = userInfo.firstIndex(of: ":") {
            userText = userInfo[..<colon]
            passwordText = userInfo[userInfo.index(after: colon)...]
        } else {
            userText = userInfo
            passwordText = nil
        }
        guard let user = Self.percentDecoded(userText) else { throw .badEscape(part: "user") }
        guard !user.isEmpty else { throw .missingUser }
        var password: String?
        if let passwordText {
            guard let decoded = Self.percentDecoded(passwordText) else { throw .badEscape(part: "password") }
            // PostgreSQL never accepts an empty password, so `user:@host` means no password.
            password = decoded.isEmpty ? nil : decoded
        }

        let (host, port) = try Self.hostAndPort(hostAndPort)
        guard !path.contains("/") else { throw .badDatabase }
        guard let database = Self.percentDecoded(path) else { throw .badEscape(part: "database") }
        guard !database.isEmpty else { throw .missingDatabase }
        self.init(user: user, password: password, host: host, port: port, database: database)
    }

    /// The URL with the password replaced by `***`: safe to log.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)\(password == nil ? "" : ":***")@\(shownHost):\(port)/\(database)"
    }

    // MARK: - Parsing

    private static func scheme(of text: String) -> String.Index? {
        for scheme in ["postgres://", "postgresql://"] {
            if text.count >= scheme.count, text.prefix(scheme.count).lowercased() == scheme {
                return text.index(text.startIndex, offsetBy: scheme.count)
            }
        }
        return nil
    }

    private static func hostAndPort(_ text: Substring) throws(PostgresURLError) -> (String, Int) {
        let host: Substring
        let portText: Substring?
        if text.hasPrefix("[") {
            // [IPv6]:port
            guard let close = text.firstIndex(of: "]") else { throw .badHost }
            host = text[text.index(after: text.startIndex)..<close]
            let after = text[text.index(after: close)...]
            if after.isEmpty {
                portText = nil
            } else if after.hasPrefix(":") {
                portText = after.dropFirst()
            } else {
                throw .badHost
            }
            guard !host.isEmpty, host.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { throw .badHost }
        } else {
            if let colon = text.firstIndex(of: ":") {
                host = text[..<colon]
                portText = text[text.index(after: colon)...]
            } else {
                host = text
                portText = nil
            }
            guard !host.isEmpty else { throw .missingHost }
            guard host.allSatisfy({ ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "." || $0 == "-" || $0 == "_" }) else {
                throw .badHost
            }
        }
        guard let portText else { return (String(host), 5432) }
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
            let port = Int(portText), (1...65_535).contains(port)
        else { throw .badPort }
        return (String(host), port)
    }

    /// `%XX` escapes decoded as UTF-8; nil for a stray `%`, a bad hex digit or bytes that are not UTF-8.
    static func percentDecoded(_ text: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else {
                bytes.append(byte)
                continue
            }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Why a `--db` value is not a PostgreSQL URL this server can use. The text never repeats the input: it may hold a password.
public enum PostgresURLError: Error, Equatable, CustomStringConvertible {
    case notPostgres
    case missingUser
    case missingHost
    case badHost
    case badPort
    case missingDatabase
    case badDatabase
    case badEscape(part: String)
    case optionsNotSupported

    public var description: String {
        let form = "expected postgres://USER[:PASSWORD]@HOST:PORT/DATABASE"
        return switch self {
        case .notPostgres: "not a PostgreSQL URL: \(form)"
        case .missingUser: "the PostgreSQL URL names no user: \(form)"
        case .missingHost: "the PostgreSQL URL names no host: \(form)"
        case .badHost: "the PostgreSQL URL's host is not a host name or IP address ([…] around IPv6): \(form)"
        case .badPort: "the PostgreSQL URL's port is not a number from 1 to 65535: \(form)"
        case .missingDatabase: "the PostgreSQL URL names no database: \(form)"
        case .badDatabase: "the PostgreSQL URL's database name has a '/' (write it %2F): \(form)"
        case .badEscape(let part): "the PostgreSQL URL's \(part) has a bad %-escape (write '%' as %25): \(form)"
        case .optionsNotSupported: "the PostgreSQL URL has options (?… or #…), which this server does not support yet: \(form)"
        }
    }
}
