import Foundation
import Testing

@Suite("Restarting on the same database")
struct RecoveryTests {
    @Test("a hold survives a restart with its original expiresAt; the show keeps its version")
    func holdSurvives() async throws {
        let options = TestServer.options()
        let (showId, token, booking) = try await TestServer.withRouter(options) { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let locked = try await api.lock(fixture.showId, ["A3", "B4"], token: user.token)
            #expect(locked.status == 201)
            return (fixture.showId, user.token, locked.json)
        }
        try await TestServer.withRouter(options) { api in
            let id = try #require(booking["id"]?.string)
            let after = try await api.get("/api/bookings/\(id)", token: token)
            #expect(after.json["bookingStatus"]?.string == "pending")
            #expect(after.json["expiresAt"] == booking["expiresAt"])
            let statuses = try await api.seatStatuses(showId)
            #expect(statuses["A3"] == "held" && statuses["B4"] == "held")
            #expect(try await api.get("/api/shows/\(showId)").json["version"]?.int == 1)
            // And it still pays.
            #expect(try await api.pay(id, token: token, method: "upi", card: nil).status == 200)
        }
    }

    @Test("a hold whose time passed while the server was down is expired at start, before ready")
    func expiredWhileDown() async throws {
        var options = TestServer.options()
        options.holdSeconds = 3
        let (showId, token, bookingId, expiresAt) = try await TestServer.withRouter(options) { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let locked = try await api.lock(fixture.showId, ["C1"], token: user.token)
            let expiresAt = try #require(locked.json["expiresAt"]?.string.flatMap { ISO8601DateFormatter().date(from: $0) })
            return (fixture.showId, user.token, locked.json["id"]?.string ?? "", expiresAt)
        }
        // Down until well past the expiry.
        try await Task.sleep(for: .seconds(max(0, expiresAt.timeIntervalSinceNow) + 1.5))
        try await TestServer.withRouter(options) { api in
            var ready = try await api.get("/readyz")
            for _ in 0..<50 where ready.status != 200 {
                try await Task.sleep(for: .milliseconds(100))
                ready = try await api.get("/readyz")
            }
            #expect(ready.status == 200)
            #expect(try await api.get("/api/bookings/\(bookingId)", token: token).json["bookingStatus"]?.string == "expired")
            #expect(try await api.seatStatuses(showId)["C1"] == "available")
        }
    }
}
