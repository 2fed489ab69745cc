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
        try await TestServer.withRouter(options) { api async throws in
            #expect(try await api.waitForReady().status == 200)
            #expect(try await api.get("/api/bookings/\(bookingId)", token: token).json["bookingStatus"]?.string == "expired")
            #expect(try await api.seatStatuses(showId)["C1"] == "available")
        }
    }

    @Test("holds on many shows: at ready every live one is restored and every overdue one is expired")
    func manyShows() async throws {
        // Shows are restored many at a time at start; this checks that none is missed or left half-done.
        var options = TestServer.options()
        options.holdSeconds = 600
        let perKind = 6
        let (live, fixture) = try await TestServer.withRouter(options) { api in
            let fixture = try await CatalogFixture.make(api)
            var shows = [fixture.showId]
            for index in 1..<(2 * perKind) {
                let show = try await api.post(
                    "/api/admin/shows",
                    #"{"movieId":"\#(fixture.movieId)","theatreId":"\#(fixture.theatreId)","screenNumber":1,"startsAt":"\#(CatalogFixture.startsAt(hoursFromNow: 5 + 4 * Double(index)))","language":"Hindi","format":"2D"}"#,
                    token: fixture.adminToken)
                #expect(show.status == 201, "\(show.text)")
                shows.append(show.json["id"]?.string ?? "")
            }
            let user = try await api.registerUser()
            var live = [(show: String, booking: String, token: String)]()
            for show in shows.prefix(perKind) {
                let locked = try await api.lock(show, ["A1", "C4"], token: user.token)
                #expect(locked.status == 201)
                live.append((show, locked.json["id"]?.string ?? "", user.token))
            }
            return (live, (shows: shows, admin: fixture.adminToken))
        }
        options.holdSeconds = 3
        let overdue = try await TestServer.withRouter(options) { api in
            let user = try await api.registerUser(name: "Late User")
            var overdue = [(show: String, booking: String, token: String)]()
            for show in fixture.shows.suffix(perKind) {
                let locked = try await api.lock(show, ["B3"], token: user.token)
                #expect(locked.status == 201)
                overdue.append((show, locked.json["id"]?.string ?? "", user.token))
            }
            return overdue
        }
        // Down until every one of the second batch is past its expiry.
        try await Task.sleep(for: .seconds(4))
        try await TestServer.withRouter(options) { api in
            #expect(try await api.waitForReady().status == 200)
            for hold in live {
                #expect(try await api.get("/api/bookings/\(hold.booking)", token: hold.token).json["bookingStatus"]?.string == "pending")
                let statuses = try await api.seatStatuses(hold.show)
                #expect(statuses["A1"] == "held" && statuses["C4"] == "held", "live hold on \(hold.show) not restored")
            }
            for hold in overdue {
                #expect(try await api.get("/api/bookings/\(hold.booking)", token: hold.token).json["bookingStatus"]?.string == "expired")
                #expect(try await api.seatStatuses(hold.show)["B3"] == "available", "overdue hold on \(hold.show) not expired")
            }
        }
    }
}
