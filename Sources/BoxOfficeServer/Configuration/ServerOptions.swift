import BoxOfficeStore
import Foundation
import Logging

/// Everything `boxoffice serve` can be told, from flags and the environment.
public struct ServerOptions: Sendable {
    public var host: String = "127.0.0.1"
    /// 0 picks a free port (tests).
    public var port: Int = 8080
    public var databasePath: String = "./data/boxoffice.sqlite"
    /// Set when `--db` (or `BOXOFFICE_DB`) is a `postgres://` URL: everything is kept in that database instead.
    public var postgres: PostgresURL?

    /// `--db`: a SQLite file's path, or a `postgres://USER[:PASSWORD]@HOST:PORT/DATABASE` URL.
    public mutating func useDatabase(_ text: String) throws {
        if PostgresURL.isPostgresURL(text) {
            do {
                postgres = try PostgresURL(parsing: text)
            } catch {
                throw OptionsError("--db: \(error)")
            }
        } else {
            databasePath = text
            postgres = nil
        }
    }
    /// Connections to PostgreSQL at most (`BOXOFFICE_DB_POOL_SIZE`); unused with SQLite.
    public var databasePoolSize: Int = 20
    /// How long a busy journal writer waits for a small batch to grow (`BOXOFFICE_JOURNAL_LINGER_MS`; 0: never); nil:
    /// the store's own (`JournalLinger.postgres` on PostgreSQL, none on SQLite).
    public var journalLingerMilliseconds: Int?
    /// Fill an empty database with a demo catalog.
    public var demo: Bool = false
    /// How long a lock holds seats.
    public var holdSeconds: Int = 300
    /// The simulated card gateway's round trip (`BOXOFFICE_PAYMENT_LATENCY_MS`).
    public var paymentLatencyMilliseconds: Int = 0
    public var durability: Durability = .full
    /// HS256 signing key; when nil one is made and kept beside the database.
    public var jwtSecret: String?
    public var adminEmail: String?
    public var adminPassword: String?
    public var bcryptCost: Int = 10
    public var rateLimits: Bool = true
    /// Proxies whose `X-Forwarded-For` names the client for the per-IP limits (`BOXOFFICE_TRUSTED_PROXIES`).
    public var trustedProxies: TrustedProxies = .loopback
    /// Origins allowed to call the API from a browser (CORS); empty means same origin only.
    public var corsOrigins: Set<String> = []
    /// Where the pages live (`BOXOFFICE_PUBLIC_DIR`); nil: looked for (`PagesDirectory`).
    public var publicDirectory: String?
    public var logLevel: Logger.Level = .info
    /// An HTTP connection with no request for this long is closed, as is one that has not finished its first
    /// request head by then (`BOXOFFICE_IDLE_TIMEOUT_SECONDS`). Live sockets have their own ping keepalive.
    public var idleTimeoutSeconds: Int = 60
    /// Live sockets at once (`BOXOFFICE_MAX_CONNECTIONS`); nil for what the open-file limit leaves (`ConnectionLimits`).
    public var maxConnections: Int?
    /// Limits and timings of the live seat feed (`/ws`).
    public var live = LiveOptions()
    /// This node's name in a cluster (`--node-id`), in every log line; nil: `host:port`.
    public var nodeId: String?
    /// Where confirmation emails go out (`BOXOFFICE_SMTP_URL`); nil: no email is sent.
    public var smtp: SMTPURL?
    /// A CA bundle to trust for the mail server's certificate (`BOXOFFICE_SMTP_CA_FILE`), else the system's roots.
    public var smtpCAFile: String?
    /// The emails' sender (`BOXOFFICE_MAIL_FROM`).
    public var mailFrom = "BoxOffice <boxoffice@localhost>"
    /// Where the pages are reached from outside, for links in emails (`BOXOFFICE_PUBLIC_URL`); default this server.
    public var publicURL: String?

    public init() {}

    /// Reads the `BOXOFFICE_*` variables over these options.
    public mutating func apply(environment: [String: String]) throws {
        if let secret = environment["BOXOFFICE_JWT_SECRET"], !secret.isEmpty { jwtSecret = secret }
        if let email = environment["BOXOFFICE_ADMIN_EMAIL"], !email.isEmpty { adminEmail = email }
        if let password = environment["BOXOFFICE_ADMIN_PASSWORD"], !password.isEmpty { adminPassword = password }
        if let cost = environment["BOXOFFICE_BCRYPT_COST"] {
            guard let value = Int(cost), (4...31).contains(value) else {
                throw OptionsError("BOXOFFICE_BCRYPT_COST must be a whole number from 4 to 31")
            }
            bcryptCost = value
        }
        if let proxies = environment["BOXOFFICE_TRUSTED_PROXIES"] {
            trustedProxies = try TrustedProxies(parsing: proxies)
        }
        if let limits = environment["BOXOFFICE_RATE_LIMITS"] {
            switch limits.lowercased() {
            case "on", "true", "1", "": rateLimits = true
            case "off", "false", "0": rateLimits = false
            default: throw OptionsError("BOXOFFICE_RATE_LIMITS must be on or off")
            }
        }
        if let durability = environment["BOXOFFICE_DURABILITY"] {
            guard let value = Durability(rawValue: durability.lowercased()) else {
                throw OptionsError("BOXOFFICE_DURABILITY must be full or normal")
            }
            self.durability = value
        }
        if let latency = environment["BOXOFFICE_PAYMENT_LATENCY_MS"] {
            guard let value = Int(latency), (0...60_000).contains(value) else {
                throw OptionsError("BOXOFFICE_PAYMENT_LATENCY_MS must be a whole number of milliseconds from 0 to 60000")
            }
            paymentLatencyMilliseconds = value
        }
        if let idle = environment["BOXOFFICE_IDLE_TIMEOUT_SECONDS"] {
            guard let value = Int(idle), (1...3600).contains(value) else {
                throw OptionsError("BOXOFFICE_IDLE_TIMEOUT_SECONDS must be a whole number of seconds from 1 to 3600")
            }
            idleTimeoutSeconds = value
        }
        if let connections = environment["BOXOFFICE_MAX_CONNECTIONS"], !connections.isEmpty {
            guard let value = Int(connections), (1...10_000_000).contains(value) else {
                throw OptionsError("BOXOFFICE_MAX_CONNECTIONS must be a whole number from 1 to 10000000")
            }
            maxConnections = value
        }
        if let linger = environment["BOXOFFICE_JOURNAL_LINGER_MS"], !linger.isEmpty {
            guard let value = Int(linger), (0...100).contains(value) else {
                throw OptionsError("BOXOFFICE_JOURNAL_LINGER_MS must be a whole number from 0 to 100")
            }
            journalLingerMilliseconds = value
        }
        if let size = environment["BOXOFFICE_DB_POOL_SIZE"], !size.isEmpty {
            guard let value = Int(size), (1...1000).contains(value) else {
                throw OptionsError("BOXOFFICE_DB_POOL_SIZE must be a whole number from 1 to 1000")
            }
            databasePoolSize = value
        }
        if let origins = environment["BOXOFFICE_CORS_ORIGINS"] {
            corsOrigins = Set(origins.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
        }
        if let directory = environment["BOXOFFICE_PUBLIC_DIR"], !directory.isEmpty { publicDirectory = directory }
        if let smtp = environment["BOXOFFICE_SMTP_URL"], !smtp.isEmpty { self.smtp = try SMTPURL(smtp) }
        if let file = environment["BOXOFFICE_SMTP_CA_FILE"], !file.isEmpty { smtpCAFile = file }
        if let from = environment["BOXOFFICE_MAIL_FROM"], !from.isEmpty {
            guard from.contains("@"), !from.contains("\r"), !from.contains("\n") else {
                throw OptionsError("BOXOFFICE_MAIL_FROM must be an address, or Name <address>")
            }
            mailFrom = from
        }
        if let url = environment["BOXOFFICE_PUBLIC_URL"], !url.isEmpty {
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil else {
                throw OptionsError("BOXOFFICE_PUBLIC_URL must be an http:// or https:// address")
            }
            publicURL = url
        }
        if let level = environment["BOXOFFICE_LOG_LEVEL"] {
            guard let value = Logger.Level(rawValue: level.lowercased()) else {
                throw OptionsError("BOXOFFICE_LOG_LEVEL must be one of trace, debug, info, notice, warning, error, critical")
            }
            logLevel = value
        }
    }
}

/// A bad option, said plainly.
public struct OptionsError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension ServerOptions {
    /// The journal's linger: `BOXOFFICE_JOURNAL_LINGER_MS` when set (0: none), else the store's.
    func journalLinger(else storeDefault: JournalLinger?) -> JournalLinger? {
        guard let milliseconds = journalLingerMilliseconds else { return storeDefault }
        return milliseconds == 0 ? nil : JournalLinger(wait: .milliseconds(milliseconds), fewerThan: JournalLinger.postgres.fewerThan)
    }
}
