import BoxOfficeServer
import Foundation
import HTTPTypes
import Testing

@Suite("Request ids and CORS")
struct HeadersTests {
    @Test("every answer carries a request id; a sane client id is echoed, junk is replaced")
    func requestIds() async throws {
        try await TestServer.withRouter { api in
            let fresh = try await api.get("/healthz")
            #expect(fresh.headers[HTTPField.Name("X-Request-Id")!]?.count == 36)
            let given = try await api.request(.get, "/api/cities", headers: [HTTPField.Name("X-Request-Id")!: "abc-123"])
            #expect(given.headers[HTTPField.Name("X-Request-Id")!] == "abc-123")
            let error = try await api.request(.get, "/api/nothing", headers: [HTTPField.Name("X-Request-Id")!: String(repeating: "x", count: 200)])
            #expect(error.headers[HTTPField.Name("X-Request-Id")!]?.count == 36)
        }
    }

    @Test("CORS: no headers by default (same origin only); an allowed origin gets them and its preflight")
    func cors() async throws {
        try await TestServer.withRouter { api in
            let reply = try await api.request(.get, "/api/cities", headers: [.origin: "https://evil.example"])
            #expect(reply.headers[.accessControlAllowOrigin] == nil)
        }
        var options = TestServer.options()
        options.corsOrigins = ["https://partner.example"]
        try await TestServer.withRouter(options) { api in
            let allowed = try await api.request(.get, "/api/cities", headers: [.origin: "https://partner.example"])
            #expect(allowed.headers[.accessControlAllowOrigin] == "https://partner.example")
            let other = try await api.request(.get, "/api/cities", headers: [.origin: "https://evil.example"])
            #expect(other.headers[.accessControlAllowOrigin] == nil)
            let preflight = try await api.request(
                .options, "/api/bookings/lock-seats", headers: [.origin: "https://partner.example", .accessControlRequestMethod: "POST"])
            #expect(preflight.status == 204)
            #expect(preflight.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)
        }
    }
}
