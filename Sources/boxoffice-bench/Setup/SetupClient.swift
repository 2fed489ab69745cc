import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A registered user and the JWT that authenticates it.
struct BenchUser: Sendable {
    var email: String
    var token: String
}

/// Setup and one-off calls through AsyncHTTPClient: listing shows, registering users, reading a show.
/// The hot loops use the leaner `LoadRunner`; AsyncHTTPClient's per-request cost would be billed to the server's core.
struct SetupClient: Sendable {
    let client: HTTPClient
    let baseURL: String
    /// The 127.0.0.x address setup requests leave from.
    var localAddress: String? = "127.0.0.2"

    func get(_ path: String) async throws -> (status: Int, body: Data) {
        try await send(path, method: .GET, body: nil, token: nil)
    }

    func send(_ path: String, method: HTTPMethod, body: Data?, token: String?) async throws -> (status: Int, body: Data) {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        request.localAddress = localAddress
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), Data(buffer.readableBytesView))
    }

    /// Every active show that starts more than `after` seconds from now, following the cursor.
    func upcomingShows(startingAfter after: TimeInterval = 3600) async throws -> [BenchShow] {
        var shows = [BenchShow]()
        var cursor: String?
        let limit = Date().addingTimeInterval(after)
        repeat {
            var path = "/api/shows?limit=200"
            if let cursor { path += "&cursor=" + (cursor.addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed.subtracting(["&", "+", "="])) ?? cursor) }
            let (status, body) = try await get(path)
            guard status == 200 else { throw BenchError("GET \(path) answered \(status): \(String(decoding: body.prefix(300), as: UTF8.self))") }
            let page = try JSONDecoder().decode(ShowListPage.self, from: body)
            for item in page.items where item.isActive ?? true {
                if let show = BenchShow(item), show.startsAt > limit { shows.append(show) }
            }
            cursor = page.nextCursor
        } while cursor != nil && shows.count < 100_000
        guard !shows.isEmpty else { throw BenchError("the server lists no upcoming shows (was it started with --demo?)") }
        return shows
    }

    /// Registers `count` users, `concurrency` at a time.
    func registerUsers(count: Int, prefix: String, concurrency: Int = 16) async throws -> [BenchUser] {
        try await withThrowingTaskGroup(of: BenchUser.self) { group in
            var users = [BenchUser]()
            users.reserveCapacity(count)
            var next = 0
            func add() {
                let index = next
                next += 1
                group.addTask { try await register(email: "\(prefix)-\(index)@bench.example") }
            }
            while next < min(count, concurrency) { add() }
            while let user = try await group.next() {
                users.append(user)
                if next < count { add() }
            }
            return users
        }
    }

    func register(email: String) async throws -> BenchUser {
        let body = try JSONSerialization.data(withJSONObject: ["name": "Bench User", "email": email, "password": "bench-password-1"])
        let (status, answer) = try await send("/api/auth/register", method: .POST, body: body, token: nil)
        guard status == 201,
            let object = try JSONSerialization.jsonObject(with: answer) as? [String: Any],
            let token = object["token"] as? String
        else { throw BenchError("register \(email) answered \(status): \(String(decoding: answer.prefix(300), as: UTF8.self))") }
        return BenchUser(email: email, token: token)
    }

    /// A show's current version (from `GET /api/shows/:id`).
    func version(ofShow id: String) async throws -> Int64 {
        let (status, body) = try await get("/api/shows/\(id)")
        guard status == 200, let object = try JSONSerialization.jsonObject(with: body) as? [String: Any], let version = object["version"] as? NSNumber
        else { throw BenchError("GET /api/shows/\(id) answered \(status)") }
        return version.int64Value
    }
}
