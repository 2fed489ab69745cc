import BoxOfficeServer
import Foundation
import HTTPTypes
import Testing

@Suite("Rate limits")
struct RateLimitTests {
    static func limited() -> ServerOptions {
        var options = TestServer.options()
        options.rateLimits = true
        return options
    }

    @Test("30 registrations a minute per IP; the 31st is 429 with Retry-After")
    func registrations() async throws {
        try await TestServer.withRouter(Self.limited()) { api in
            for index in 0..<30 {
                let reply = try await api.post("/api/auth/register", #"{"name":"R","email":"r\#(index)@example.com","password":"password-123"}"#)
                #expect(reply.status == 201)
            }
            let refused = try await api.post("/api/auth/register", #"{"name":"R","email":"r-last@example.com","password":"password-123"}"#)
            #expect(refused.status == 429)
            #expect(refused.json.errorCode == "rate_limited")
            let retry = try #require(refused.headers[.retryAfter].flatMap { Int($0) })
            #expect((1...60).contains(retry))
        }
    }

    @Test("10 failed logins lock the account for 15 minutes, even with the right password and even with limits off")
    func failedLogins() async throws {
        for limitsOn in [true, false] {
            var options = Self.limited()
            options.rateLimits = limitsOn
            try await TestServer.withRouter(options) { api in
                _ = try await api.post("/api/auth/register", #"{"name":"V","email":"victim@example.com","password":"password-123"}"#)
                for _ in 0..<10 {
                    #expect(try await api.post("/api/auth/login", #"{"email":"victim@example.com","password":"guess-guess"}"#).status == 401)
                }
                let locked = try await api.post("/api/auth/login", #"{"email":"victim@example.com","password":"password-123"}"#)
                #expect(locked.status == 429)
                let retry = try #require(locked.headers[.retryAfter].flatMap { Int($0) })
                #expect(retry > 800 && retry <= 900)
                // Another account from the same place is not locked.
                _ = try await api.post("/api/auth/register", #"{"name":"O","email":"other@example.com","password":"password-123"}"#)
                #expect(try await api.post("/api/auth/login", #"{"email":"other@example.com","password":"password-123"}"#).status == 200)
            }
        }
    }

    @Test("60 lock-seats a minute per user; the 61st is 429 and locks nothing")
    func locks() async throws {
        try await TestServer.withRouter(Self.limited()) { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            for index in 0..<60 {
                let seat = ["A1", "A2"][index % 2]
                #expect(try await api.lock(fixture.showId, [seat], token: user.token).status == 201)
            }
            let refused = try await api.lock(fixture.showId, ["C4"], token: user.token)
            #expect(refused.status == 429)
            #expect(refused.headers[.retryAfter] != nil)
            #expect(try await api.seatStatuses(fixture.showId)["C4"] == "available")
            // Another user is not limited by the first one's requests.
            let other = try await api.registerUser()
            #expect(try await api.lock(fixture.showId, ["C4"], token: other.token).status == 201)
        }
    }
}
