import Foundation
import Testing

/// The fixture's layout (A1 A2 | A3 A4 Silver; B1 x | B3 B4 and C1 C2 | C3 C4 Gold) with `extra` keys added.
private func layout(_ extra: String) -> String {
    String(CatalogFixture.layout.dropLast()) + "," + extra + "}"
}

extension APIClient {
    /// `POST /api/bookings/lock-seats` with a raw body.
    func lockBody(_ body: String, token: String) async throws -> Reply {
        try await post("/api/bookings/lock-seats", body, token: token)
    }
}

@Suite("Best available, single-seat gaps and alternatives over HTTP")
struct BestAvailableLockTests {
    @Test("best available answers 201 with a pending booking of seats side by side, the best-placed of the category")
    func bestAvailable() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let reply = try await api.lockBody(#"{"showId":"\#(fixture.showId)","count":2,"category":"Gold"}"#, token: user.token)
            #expect(reply.status == 201, "\(reply.text)")
            #expect(reply.json["seats"]?.array?.compactMap { $0["seatNumber"]?.string } == ["B3", "B4"])
            #expect(reply.json["bookingStatus"]?.string == "pending" && reply.json["totalAmount"]?.int == 40000)
            let statuses = try await api.seatStatuses(fixture.showId)
            #expect(statuses["B3"] == "held" && statuses["B4"] == "held")
            #expect(try await api.get("/api/shows/\(fixture.showId)").json["version"]?.int == 1)
            let other = try await api.registerUser()
            let next = try await api.lockBody(#"{"showId":"\#(fixture.showId)","count":2}"#, token: other.token)
            #expect(next.json["seats"]?.array?.compactMap { $0["seatNumber"]?.string } == ["A1", "A2"], "every pair costs the same: the front")
        }
    }

    @Test(
        "a lock body with both seats and count, neither, a count out of range, too many accessible or an unknown category is 422",
        arguments: [
            (#""seats":["A1"],"count":1"#, "count"), (#""category":"Gold""#, "seats"), (#""count":0"#, "count"), (#""count":11"#, "count"),
            (#""count":2,"accessible":3"#, "accessible"), (#""count":2,"category":"Platinum""#, "category"),
            (#""seats":["A1"],"accessible":1"#, "accessible"),
        ])
    func validation(fields: String, field: String) async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let reply = try await api.lockBody(#"{"showId":"\#(fixture.showId)",\#(fields)}"#, token: user.token)
            #expect(reply.status == 422, "\(reply.text)")
            #expect(reply.json.errorCode == "validation_failed")
            #expect(reply.json["error"]?["details"]?["field"]?.string == field)
            #expect(try await api.get("/api/shows/\(fixture.showId)").json["version"]?.int == 0)
        }
    }

    @Test("when no block fits: 409 seats_not_together with details.largestBlock, and nothing changes")
    func notTogether() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let reply = try await api.lockBody(#"{"showId":"\#(fixture.showId)","count":3}"#, token: user.token)
            #expect(reply.status == 409, "\(reply.text)")
            #expect(reply.json.errorCode == "seats_not_together")
            #expect(reply.json["error"]?["details"]?["largestBlock"]?.int == 2)
            #expect(try await api.get("/api/shows/\(fixture.showId)").json["version"]?.int == 0)
        }
    }

    @Test("409 seat_unavailable carries details.alternatives: blocks of the same size in the first seat's category")
    func alternatives() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let first = try await api.registerUser()
            let second = try await api.registerUser()
            #expect(try await api.lock(fixture.showId, ["A2"], token: first.token).status == 201)
            let clash = try await api.lock(fixture.showId, ["A1", "A2"], token: second.token)
            #expect(clash.status == 409 && clash.json.errorCode == "seat_unavailable")
            #expect(clash.json["error"]?["details"]?["alternatives"]?.array == [.array([.string("A3"), .string("A4")])])
            #expect(try await api.lock(fixture.showId, ["A3", "A4"], token: first.token).status == 201, "replacing A2 frees it")
            let none = try await api.lock(fixture.showId, ["A3", "A4"], token: second.token)
            #expect(none.json["error"]?["details"]?["alternatives"]?.array == [.array([.string("A1"), .string("A2")])])
        }
    }

    @Test("singleSeatGaps refuse: an explicit lock that strands a seat is 422 single_seat_gap naming it")
    func singleSeatGap() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api, layout: layout(#""singleSeatGaps":"refuse""#))
            let user = try await api.registerUser()
            let refused = try await api.lock(fixture.showId, ["A1"], token: user.token)
            #expect(refused.status == 422, "\(refused.text)")
            #expect(refused.json.errorCode == "single_seat_gap")
            #expect(refused.json["error"]?["details"]?["seats"]?.array == [.string("A2")])
            #expect(try await api.lock(fixture.showId, ["A1", "A2"], token: user.token).status == 201)
            #expect(try await api.get("/api/shows/\(fixture.showId)").json["layout"]?["singleSeatGaps"]?.string == "refuse")
        }
    }

    @Test("seats carry their kind; best available gives wheelchair spaces only when asked, with their companion seats")
    func accessible() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api, layout: layout(#""wheelchair":["C3"],"companion":["C4"]"#))
            let show = try await api.get("/api/shows/\(fixture.showId)").json
            let kinds = Dictionary(uniqueKeysWithValues: (show["seats"]?.array ?? []).compactMap { seat in
                seat["seatNumber"]?.string.flatMap { number in seat["kind"]?.string.map { (number, $0) } }
            })
            #expect(kinds["C3"] == "wheelchair" && kinds["C4"] == "companion" && kinds["A1"] == "standard" && kinds.count == 11)
            let user = try await api.registerUser()
            let standard = try await api.lockBody(#"{"showId":"\#(fixture.showId)","count":2,"category":"Gold"}"#, token: user.token)
            #expect(standard.json["seats"]?.array?.compactMap { $0["seatNumber"]?.string } == ["B3", "B4"])
            let other = try await api.registerUser()
            let wheelchair = try await api.lockBody(#"{"showId":"\#(fixture.showId)","count":2,"accessible":1}"#, token: other.token)
            #expect(wheelchair.status == 201, "\(wheelchair.text)")
            #expect(wheelchair.json["seats"]?.array?.compactMap { $0["seatNumber"]?.string } == ["C3", "C4"])
        }
    }
}
