import Foundation
import Testing

@Suite("Locking seats and the bookings that hold them")
struct BookingTests {
    @Test("a lock answers 201 with a pending booking holding the seats; the show shows them held at a new version")
    func lock() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let reply = try await api.lock(fixture.showId, ["A1", "C4"], token: user.token)
            #expect(reply.status == 201, "\(reply.text)")
            let booking = reply.json
            #expect(booking["bookingStatus"]?.string == "pending")
            #expect(booking["paymentStatus"]?.string == "pending")
            #expect(booking["paymentId"]?.isNull == true)
            #expect(booking["totalAmount"]?.int == 30000, "A1 Silver 10000 + C4 Gold 20000")
            #expect(booking["currency"]?.string == "INR")
            #expect(booking["seats"]?.array?.compactMap { $0["seatNumber"]?.string } == ["A1", "C4"])
            #expect(booking["userId"]?.string == user.id)
            let expiresAt = try #require(booking["expiresAt"]?.string.flatMap { ISO8601DateFormatter().date(from: $0) })
            #expect(abs(expiresAt.timeIntervalSinceNow - 300) < 5, "held for 5 minutes")
            let statuses = try await api.seatStatuses(fixture.showId)
            #expect(statuses["A1"] == "held" && statuses["C4"] == "held" && statuses["A2"] == "available")
            #expect(try await api.get("/api/shows/\(fixture.showId)").json["version"]?.int == 1)
            let availability = try await api.get("/api/shows/\(fixture.showId)/availability")
            #expect(availability.json["held"]?.int == 2)
            #expect(availability.json["available"]?.int == 9)
        }
    }

    @Test(
        "bad seat requests get the contract's error and change nothing",
        arguments: [
            (["A1", "ZZ9"], 422, "unknown_seat"), (["B2"], 422, "unknown_seat"), (["A1", "A1"], 422, "duplicate_seat"),
            (["A1", "A2", "A3", "A4", "B1", "B3", "B4", "C1", "C2", "C3", "C4"], 422, "too_many_seats"), ([], 422, "validation_failed"),
        ])
    func badSeats(seats: [String], status: Int, code: String) async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let reply = try await api.lock(fixture.showId, seats, token: user.token)
            #expect(reply.status == status, "\(reply.text)")
            #expect(reply.json.errorCode == code)
            #expect(try await api.get("/api/shows/\(fixture.showId)").json["version"]?.int == 0)
            #expect(try await api.get("/api/bookings", token: user.token).json["items"]?.array?.isEmpty == true)
        }
    }

    @Test("a taken seat is 409 seat_unavailable listing it, and the other requested seats stay free (all or nothing)")
    func allOrNothing() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let first = try await api.registerUser()
            let second = try await api.registerUser()
            #expect(try await api.lock(fixture.showId, ["A2"], token: first.token).status == 201)
            let clash = try await api.lock(fixture.showId, ["A1", "A2", "A3"], token: second.token)
            #expect(clash.status == 409)
            #expect(clash.json.errorCode == "seat_unavailable")
            #expect(clash.json["error"]?["details"]?["seats"]?.array == [.string("A2")])
            let statuses = try await api.seatStatuses(fixture.showId)
            #expect(statuses["A1"] == "available" && statuses["A3"] == "available")
        }
    }

    @Test("an unknown show is 404; an inactive or started show is 409 show_closed; no token is 401")
    func closedShows() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            #expect(try await api.lock("shw_unknown", ["A1"], token: user.token).status == 404)
            _ = try await api.patch("/api/admin/shows/\(fixture.showId)", #"{"isActive":false}"#, token: fixture.adminToken)
            let closed = try await api.lock(fixture.showId, ["A1"], token: user.token)
            #expect(closed.status == 409)
            #expect(closed.json.errorCode == "show_closed")
            let anonymous = try await api.request(.post, "/api/bookings/lock-seats", body: #"{"showId":"\#(fixture.showId)","seats":["A1"]}"#)
            #expect(anonymous.status == 401)
        }
    }

    @Test("a second lock by the same user on the same show replaces the first: its seats are released in the same step")
    func replacement() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let first = try #require(try await api.lock(fixture.showId, ["A1", "A2"], token: user.token).json["id"]?.string)
            let second = try await api.lock(fixture.showId, ["A2", "A3"], token: user.token)
            #expect(second.status == 201)
            let statuses = try await api.seatStatuses(fixture.showId)
            #expect(statuses["A1"] == "available" && statuses["A2"] == "held" && statuses["A3"] == "held")
            #expect(try await api.get("/api/bookings/\(first)", token: user.token).json["bookingStatus"]?.string == "cancelled")
            #expect(try await api.get("/api/shows/\(fixture.showId)").json["version"]?.int == 2, "one change for the replacement")
        }
    }

    @Test("another user's booking is 404 everywhere, exactly like one that does not exist")
    func privacy() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let owner = try await api.registerUser()
            let other = try await api.registerUser()
            let bookingId = try #require(try await api.lock(fixture.showId, ["A1"], token: owner.token).json["id"]?.string)
            for reply in [
                try await api.get("/api/bookings/\(bookingId)", token: other.token),
                try await api.post("/api/bookings/\(bookingId)/confirm", "{}", token: other.token),
                try await api.post("/api/bookings/\(bookingId)/cancel", "{}", token: other.token),
                try await api.post("/api/payments/initiate", #"{"bookingId":"\#(bookingId)","paymentMethod":"upi"}"#, token: other.token),
            ] {
                #expect(reply.status == 404)
                #expect(reply.json.errorCode == "not_found")
            }
            #expect(try await api.get("/api/bookings", token: other.token).json["items"]?.array?.isEmpty == true)
            #expect(try await api.seatStatuses(fixture.showId)["A1"] == "held", "the other user's cancel changed nothing")
            let payment = try await api.post("/api/payments/initiate", #"{"bookingId":"\#(bookingId)","paymentMethod":"upi"}"#, token: owner.token)
            let paymentId = try #require(payment.json["id"]?.string)
            #expect(try await api.post("/api/payments/\(paymentId)/process", "{}", token: other.token).status == 404)
        }
    }

    @Test("cancel a pending booking releases its seats; history is newest first")
    func cancelPending() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let bookingId = try #require(try await api.lock(fixture.showId, ["C1"], token: user.token).json["id"]?.string)
            let cancelled = try await api.post("/api/bookings/\(bookingId)/cancel", "{}", token: user.token)
            #expect(cancelled.status == 200)
            #expect(cancelled.json["bookingStatus"]?.string == "cancelled")
            #expect(try await api.seatStatuses(fixture.showId)["C1"] == "available")
            let again = try #require(try await api.lock(fixture.showId, ["C2"], token: user.token).json["id"]?.string)
            let history = try await api.get("/api/bookings", token: user.token)
            #expect(history.json["items"]?.array?.compactMap { $0["id"]?.string } == [again, bookingId])
        }
    }

    @Test("holds expire on their own with the real clock: the seat is available again and the booking expired")
    func expiry() async throws {
        var options = TestServer.options()
        options.holdSeconds = 3
        try await TestServer.withRouter(options) { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let booking = try await api.lock(fixture.showId, ["B1"], token: user.token)
            let bookingId = try #require(booking.json["id"]?.string)
            let expiresAt = try #require(booking.json["expiresAt"]?.string.flatMap { ISO8601DateFormatter().date(from: $0) })
            #expect(try await api.seatStatuses(fixture.showId)["B1"] == "held")
            // JSON times are whole seconds, so the true expiry is at most 1 s after `expiresAt`. The seat must come back by
            // itself, with no request touching the booking; how soon is measured in benchmarks, so a loaded machine gets 10 s.
            try await Task.sleep(for: .seconds(max(0, expiresAt.timeIntervalSinceNow) + 1.0))
            #expect(try await api.eventuallySeat(fixture.showId, "B1", is: "available", within: .seconds(10)))
            let expired = try await api.get("/api/bookings/\(bookingId)", token: user.token)
            #expect(expired.json["bookingStatus"]?.string == "expired")
            let pay = try await api.post("/api/payments/initiate", #"{"bookingId":"\#(bookingId)","paymentMethod":"upi"}"#, token: user.token)
            #expect(pay.status == 409)
            #expect(pay.json.errorCode == "hold_expired")
        }
    }
}
