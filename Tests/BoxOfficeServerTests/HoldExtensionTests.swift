import Foundation
import Testing

/// Honest holds: changing seats never restarts the clock, and an extension is capped at 3 × the hold.
@Suite("Honest holds")
struct HoldExtensionTests {
    static func date(_ value: JSONValue?) -> Date? {
        value?.string.flatMap { try? Date($0, strategy: .iso8601) }
    }

    @Test("a replacing lock keeps the replaced booking's expiresAt")
    func relockKeepsExpiry() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let first = try await api.lock(fixture.showId, ["A1"], token: user.token)
            try await Task.sleep(for: .milliseconds(1100))
            let second = try await api.lock(fixture.showId, ["A2", "A3"], token: user.token)
            #expect(second.status == 201)
            #expect(second.json["expiresAt"] == first.json["expiresAt"], "\(first.json["expiresAt"] ?? .null) → \(second.json["expiresAt"] ?? .null)")
            let stored = try await api.get("/api/bookings/\(second.json["id"]?.string ?? "")", token: user.token)
            #expect(stored.json["expiresAt"] == first.json["expiresAt"])
        }
    }

    @Test("extend adds the hold time up to 3 × the hold from the chain's start, then 409 extension_limit; durable across a restart")
    func extendToCap() async throws {
        var options = TestServer.options()
        options.holdSeconds = 60
        let (token, id, capped, showId) = try await TestServer.withRouter(options) { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let locked = try await api.lock(fixture.showId, ["B1"], token: user.token)
            let id = try #require(locked.json["id"]?.string)
            let start = try #require(Self.date(locked.json["expiresAt"])).addingTimeInterval(-60)
            // Changing seats keeps the chain's start, so the cap stays where the first hold put it.
            let relocked = try await api.lock(fixture.showId, ["B3"], token: user.token)
            let relockedId = try #require(relocked.json["id"]?.string)
            #expect(try await api.post("/api/bookings/\(id)/extend", "{}", token: user.token).json.errorCode == "booking_cancelled", "the replaced booking")
            let once = try await api.post("/api/bookings/\(relockedId)/extend", "{}", token: user.token)
            #expect(once.status == 200, "\(once.text)")
            let firstExtension = try #require(Self.date(once.json["expiresAt"]))
            #expect(abs(firstExtension.timeIntervalSince(start) - 120) < 2, "one hold time more")
            let twice = try await api.post("/api/bookings/\(relockedId)/extend", "{}", token: user.token)
            let secondExtension = try #require(Self.date(twice.json["expiresAt"]))
            #expect(abs(secondExtension.timeIntervalSince(start) - 180) < 2, "up to 3 × the hold")
            let refused = try await api.post("/api/bookings/\(relockedId)/extend", "{}", token: user.token)
            #expect(refused.status == 409 && refused.json.errorCode == "extension_limit", "\(refused.status) \(refused.text)")
            let version = try await api.get("/api/shows/\(fixture.showId)").json["version"]?.int
            #expect(version == 2, "extensions change no seat: no version")
            return (user.token, relockedId, twice.json["expiresAt"], fixture.showId)
        }
        try await TestServer.withRouter(options) { api in
            let after = try await api.get("/api/bookings/\(id)", token: token)
            #expect(after.json["expiresAt"] == capped, "the extended expiry survives a restart")
            #expect(try await api.seatStatuses(showId)["B3"] == "held")
            #expect(try await api.post("/api/bookings/\(id)/extend", "{}", token: token).json.errorCode == "extension_limit", "and so does the cap")
        }
    }

    @Test("a confirmed, cancelled or someone else's booking cannot be extended")
    func notExtendable() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let paid = try #require(try await api.lock(fixture.showId, ["C1"], token: user.token).json["id"]?.string)
            #expect(try await api.pay(paid, token: user.token).status == 200)
            #expect(try await api.post("/api/bookings/\(paid)/extend", "{}", token: user.token).json.errorCode == "booking_confirmed")
            let other = try await api.registerUser()
            let theirs = try #require(try await api.lock(fixture.showId, ["C2"], token: other.token).json["id"]?.string)
            #expect(try await api.post("/api/bookings/\(theirs)/extend", "{}", token: user.token).status == 404)
        }
    }
}
