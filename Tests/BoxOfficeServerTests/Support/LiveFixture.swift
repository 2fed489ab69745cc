import BoxOfficeServer
import BoxOfficeStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Prometheus
import Testing

/// REST on its own keep-alive connection to 127.0.0.1, so simulated users can call the live server in parallel
/// (the `.live` test client is one pipelined connection).
struct RESTConnection: Sendable {
    private let client: TestClient

    init(port: Int) {
        client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(30)))
        client.connect()
    }

    func request(_ method: HTTPRequest.Method, _ path: String, body: String? = nil, token: String? = nil) async throws -> APIClient.Reply {
        var headers: HTTPFields = [.connection: "keep-alive"]
        if let token { headers[.authorization] = "Bearer \(token)" }
        if body != nil { headers[.contentType] = "application/json" }
        let response = try await client.execute(
            TestClient.Request(path, method: method, authority: "127.0.0.1", headers: headers, body: body.map { ByteBuffer(string: $0) }))
        return APIClient.Reply(status: Int(response.status.code), headers: response.headers, body: Data((response.body ?? ByteBuffer()).readableBytesView))
    }

    func get(_ path: String, token: String? = nil) async throws -> APIClient.Reply { try await request(.get, path, token: token) }
    func post(_ path: String, _ body: String, token: String? = nil) async throws -> APIClient.Reply {
        try await request(.post, path, body: body, token: token)
    }

    func shutdown() async {
        try? await client.shutdown()
    }
}

/// The things the live tests do through REST, and the server's own view of a show to compare clients against.
enum LiveREST {
    /// The server's seat map of a show, from `GET /api/shows/:id`.
    static func seatMap(_ api: APIClient, show: String) async throws -> RebuiltSeatMap {
        let reply = try await api.get("/api/shows/\(show)")
        #expect(reply.status == 200, "\(reply.text)")
        var map = RebuiltSeatMap(version: Int64(reply.json["version"]?.int ?? -1), seats: [:])
        for seat in reply.json["seats"]?.array ?? [] { map.seats[seat["seatNumber"]?.string ?? "?"] = seat["status"]?.string ?? "?" }
        return map
    }

    /// Locks seats; returns the pending booking's id (nil, with an issue recorded, when the lock failed).
    @discardableResult
    static func lock(_ api: APIClient, token: String, show: String, seats: [String]) async throws -> String? {
        let list = seats.map { "\"\($0)\"" }.joined(separator: ",")
        let reply = try await api.post("/api/bookings/lock-seats", #"{"showId":"\#(show)","seats":[\#(list)]}"#, token: token)
        #expect(reply.status == 201, "lock \(seats): \(reply.text)")
        return reply.json["id"]?.string
    }

    /// Pays a pending booking by UPI: initiate, then process; the booking is then confirmed and its seats booked.
    static func pay(_ api: APIClient, token: String, booking: String) async throws {
        let payment = try await api.post("/api/payments/initiate", #"{"bookingId":"\#(booking)","paymentMethod":"upi"}"#, token: token)
        #expect(payment.status == 201, "initiate: \(payment.text)")
        let id = payment.json["id"]?.string ?? ""
        let processed = try await api.post("/api/payments/\(id)/process", "{}", token: token)
        #expect(processed.status == 200, "process: \(processed.text)")
        #expect(processed.json["paymentStatus"]?.string == "completed")
    }

    static func cancel(_ api: APIClient, token: String, booking: String) async throws {
        let reply = try await api.post("/api/bookings/\(booking)/cancel", "{}", token: token)
        #expect(reply.status == 200, "cancel: \(reply.text)")
    }

    /// Adds a show on a new screen of `rows` × `columns` seats (all one category) to the fixture's theatre's city;
    /// returns (theatre id, show id).
    static func bigShow(_ api: APIClient, fixture: CatalogFixture, rows: Int, columns: Int) async throws -> (theatre: String, show: String) {
        let rowNames = (0..<rows).map { "\"\(String(UnicodeScalar(UInt8(65 + $0))))\"" }.joined(separator: ",")
        let layout = #"{"rows":[\#(rowNames)],"columns":\#(columns),"aisles":[],"blocked":[],"categories":[{"name":"Standard","price":15000,"rows":[\#(rowNames)]}]}"#
        let theatre = try await api.post(
            "/api/admin/theatres",
            #"{"name":"Big Screen","cityId":"\#(fixture.cityId)","address":"2 Main Road","amenities":[],"screens":[{"screenNumber":1,"name":"Big","layout":\#(layout)}]}"#,
            token: fixture.adminToken)
        #expect(theatre.status == 201, "\(theatre.text)")
        let theatreId = theatre.json["id"]?.string ?? ""
        let show = try await api.post(
            "/api/admin/shows",
            #"{"movieId":"\#(fixture.movieId)","theatreId":"\#(theatreId)","screenNumber":1,"startsAt":"\#(CatalogFixture.startsAt(hoursFromNow: 6))","language":"Hindi","format":"2D"}"#,
            token: fixture.adminToken)
        #expect(show.status == 201, "\(show.text)")
        return (theatreId, show.json["id"]?.string ?? "")
    }
}

extension TestServer {
    /// Options for the live tests: rate limits off (many locks a second from few users), and commits without fsync
    /// (durability has its own tests; these measure the feed, not the disk).
    static func liveOptions(holdSeconds: Int = 300) -> ServerOptions {
        var options = options()
        options.rateLimits = false
        options.durability = .normal
        options.holdSeconds = holdSeconds
        return options
    }

    /// Runs `body` against the real server listening on 127.0.0.1 (port chosen by the system).
    static func withLiveServer<Value: Sendable>(
        _ options: ServerOptions = liveOptions(), registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
        _ body: @Sendable (APIClient, Int) async throws -> Value
    ) async throws -> Value {
        try await createDatabase(for: options)
        let app = try await buildApplication(options, registry: registry)
        return try await app.test(.live) { client in
            let port = try #require(client.port)
            return try await body(APIClient(client: client), port)
        }
    }
}
