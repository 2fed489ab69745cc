import BoxOfficeServer
import BoxOfficeStore
import Foundation
import Logging
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// Builds the real application on a fresh SQLite file in a temporary folder, or on a fresh database of the PostgreSQL
/// test cluster (`BOXOFFICE_TEST_STORE=postgres`, see `postgresCluster`).
enum TestServer {
    static let jwtSecret = "test-secret-that-is-long-enough-for-hs256-0123456789"
    static let adminEmail = "admin@example.com"
    static let adminPassword = "admin-password-1"

    static func options(demo: Bool = false) -> ServerOptions {
        var options = ServerOptions()
        options.port = 0
        options.databasePath = temporaryDatabase()
        if let cluster = postgresCluster {
            // `BOXOFFICE_TEST_STORE=postgres`: the same suites on a fresh database of the test cluster, made when the
            // first server on these options starts (`createDatabase(for:)`).
            let name = "boxoffice_http_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            try! options.useDatabase(cluster.replacingOccurrences(of: #"/[^/]+$"#, with: "/" + name, options: .regularExpression))
            // Dozens of these servers run at once against one test cluster: a few connections each is plenty for a
            // test's requests, and keeps them all under the cluster's max_connections.
            options.databasePoolSize = 4
        }
        options.demo = demo
        options.jwtSecret = jwtSecret
        options.adminEmail = adminEmail
        options.adminPassword = adminPassword
        options.bcryptCost = 4
        options.rateLimits = false  // suites register many users from one address; RateLimitTests turn them on
        options.logLevel = .warning
        options.publicDirectory = publicDirectory
        return options
    }

    /// The test cluster's URL when the suites run on PostgreSQL (`BOXOFFICE_TEST_STORE=postgres`, as `scripts/test`'s
    /// second pass sets it), else nil: SQLite.
    static let postgresCluster: String? = {
        let environment = ProcessInfo.processInfo.environment
        guard environment["BOXOFFICE_TEST_STORE"] == "postgres" else { return nil }
        guard let url = environment["BOXOFFICE_TEST_POSTGRES_URL"] else { fatalError("BOXOFFICE_TEST_STORE=postgres needs BOXOFFICE_TEST_POSTGRES_URL") }
        return url
    }()

    /// The money rules (`LedgerCheck`) over the test server's database, whichever store it is.
    static func ledgerViolations(_ options: ServerOptions) async throws -> [String] {
        if let url = options.postgres {
            return try await PostgresDatabase.withOpened(url: url, logger: Logger(label: "ledger")) { try await LedgerCheck.violations(in: $0) }
        }
        return try await LedgerCheck.violations(in: BoxOfficeDatabase(path: options.databasePath))
    }

    static func temporaryDatabase() -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("boxoffice-tests-\(UUID().uuidString)")
        return folder.appendingPathComponent("boxoffice.sqlite").path
    }

    /// The repository's `public/` folder, found from this file's location.
    static let publicDirectory: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("public").path

    /// Runs `body` against the application through the router (no socket).
    static func withRouter<Value: Sendable>(
        _ options: ServerOptions = options(), _ body: @Sendable (APIClient) async throws -> Value
    ) async throws -> Value {
        try await createDatabase(for: options)
        let app = try await buildApplication(options)
        return try await app.test(.router) { client in try await body(APIClient(client: client)) }
    }
}

extension TestServer {
    /// Runs `body` against the application on a real socket, through AsyncHTTPClient's connection pool,
    /// so concurrent requests really are concurrent connections.
    static func withSocket<Value: Sendable>(
        _ options: ServerOptions = options(), _ body: @Sendable (APIClient) async throws -> Value
    ) async throws -> Value {
        try await createDatabase(for: options)
        let app = try await buildApplication(options)
        return try await app.test(.ahc(.http)) { client in try await body(APIClient(client: client)) }
    }
}

/// A thin JSON client over the test framework's client.
struct APIClient: Sendable {
    let client: any TestClientProtocol

    struct Reply: Sendable {
        var status: Int
        var headers: HTTPFields
        var body: Data
        var json: JSONValue { JSONValue.parse(body) ?? .null }
        var text: String { String(decoding: body, as: UTF8.self) }
    }

    func request(_ method: HTTPRequest.Method, _ path: String, body: String? = nil, token: String? = nil, headers: HTTPFields = [:])
        async throws -> Reply
    {
        var fields = headers
        if let token { fields[.authorization] = "Bearer \(token)" }
        if body != nil { fields[.contentType] = "application/json" }
        let response = try await client.execute(uri: path, method: method, headers: fields, body: body.map { ByteBuffer(string: $0) })
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(response.body.readableBytesView))
    }

    func get(_ path: String, token: String? = nil) async throws -> Reply { try await request(.get, path, token: token) }
    func post(_ path: String, _ body: String, token: String? = nil) async throws -> Reply { try await request(.post, path, body: body, token: token) }
    func patch(_ path: String, _ body: String, token: String? = nil) async throws -> Reply { try await request(.patch, path, body: body, token: token) }

    /// Logs in and returns the token.
    func login(_ email: String, _ password: String) async throws -> String {
        let reply = try await post("/api/auth/login", #"{"email":"\#(email)","password":"\#(password)"}"#)
        #expect(reply.status == 200, "login failed: \(reply.text)")
        return reply.json["token"]?.string ?? ""
    }

    func adminToken() async throws -> String { try await login(TestServer.adminEmail, TestServer.adminPassword) }

    /// Registers a new user with a unique email and returns (token, user id).
    func registerUser(name: String = "Test User") async throws -> (token: String, id: String) {
        let email = "user-\(UUID().uuidString.prefix(8).lowercased())@example.com"
        let reply = try await post("/api/auth/register", #"{"name":"\#(name)","email":"\#(email)","password":"password-123"}"#)
        #expect(reply.status == 201, "register failed: \(reply.text)")
        return (reply.json["token"]?.string ?? "", reply.json["user"]?["id"]?.string ?? "")
    }
}
