import Foundation
import BoxOfficeStore
@testable import BoxOfficeServer
import Testing

/// The seat-map body cache, the show cache and the per-request account check never answer with stale data.
@Suite("Caches on the hot paths stay current")
struct HotPathCacheTests {
    @Test("GET /api/shows/:id is the same JSON the encoder writes for the show (held and booked seats included)")
    func sameBodyAsEncoder() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let holder = try await api.registerUser()
            let buyer = try await api.registerUser()
            #expect(try await api.lock(fixture.showId, ["A1", "A2"], token: holder.token).status == 201)
            let bought = try await api.lock(fixture.showId, ["C4"], token: buyer.token)
            #expect(try await api.pay(try #require(bought.json["id"]?.string), token: buyer.token).status == 200)
            _ = try await api.get("/api/shows/\(fixture.showId)")  // cached at this version
            // The admin PATCH answers with ShowView through JSONEncoder; the GET after it is written from the template.
            let patched = try await api.patch("/api/admin/shows/\(fixture.showId)", #"{"format":"IMAX"}"#, token: fixture.adminToken)
            #expect(patched.status == 200, "\(patched.text)")
            let read = try await api.get("/api/shows/\(fixture.showId)")
            #expect(read.status == 200)
            #expect(read.headers[.contentType] == "application/json; charset=utf-8")
            #expect(read.json == patched.json)
            #expect(read.json["format"]?.string == "IMAX")
            #expect(read.json["availability"] == patched.json["availability"])
            #expect(read.json["availability"]?["held"]?.int == 2 && read.json["availability"]?["booked"]?.int == 1)
            #expect(read.json["seats"]?.array?.count == 11)
        }
    }

    @Test("an admin edit of a show is in the next GET, and a deactivated show refuses locks at once")
    func adminEditInvalidates() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            // Both caches hold the show: a seat map was served and a lock read the show.
            let before = try await api.get("/api/shows/\(fixture.showId)")
            #expect(try await api.lock(fixture.showId, ["A1"], token: user.token).status == 201)
            #expect(before.json["format"]?.string != "4DX")

            let edited = try await api.patch("/api/admin/shows/\(fixture.showId)", #"{"format":"4DX"}"#, token: fixture.adminToken)
            #expect(edited.status == 200)
            let after = try await api.get("/api/shows/\(fixture.showId)")
            #expect(after.json["format"]?.string == "4DX")
            #expect(after.json["version"]?.int == 1)

            #expect(try await api.patch("/api/admin/shows/\(fixture.showId)", #"{"isActive":false}"#, token: fixture.adminToken).status == 200)
            #expect(try await api.get("/api/shows/\(fixture.showId)").json["isActive"]?.bool == false)
            let refused = try await api.lock(fixture.showId, ["A2"], token: user.token)
            #expect(refused.status == 409)
            #expect(refused.json.errorCode == "show_closed")
        }
    }

    @Test("a lock after an admin edit books the show as edited (answer, stored row, history); the earlier booking moves with it")
    func lockAfterEditUsesEditedShow() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let early = try await api.registerUser()
            // The show's actor is loaded (and its show read) before the edit.
            let before = try await api.lock(fixture.showId, ["A1"], token: early.token)
            #expect(before.status == 201)

            let movie = try await api.post(
                "/api/admin/movies",
                #"{"title":"Second Film","description":"Another film.","genres":["Drama"],"languages":["Hindi"],"durationMinutes":90,"rating":7,"releaseDate":"2026-11-01","cityIds":["\#(fixture.cityId)"]}"#,
                token: fixture.adminToken)
            let movieId = try #require(movie.json["id"]?.string)
            let startsAt = CatalogFixture.startsAt(hoursFromNow: 53.5)
            let edited = try await api.patch(
                "/api/admin/shows/\(fixture.showId)", #"{"startsAt":"\#(startsAt)","movieId":"\#(movieId)"}"#, token: fixture.adminToken)
            #expect(edited.status == 200, "\(edited.text)")
            let showDate = try #require(edited.json["showDate"]?.string)
            let showTime = try #require(edited.json["showTime"]?.string)
            #expect(showDate != before.json["showDate"]?.string)

            let user = try await api.registerUser()
            let locked = try await api.lock(fixture.showId, ["A2", "B1"], token: user.token)
            #expect(locked.status == 201, "\(locked.text)")
            let id = try #require(locked.json["id"]?.string)
            let stored = try await api.get("/api/bookings/\(id)", token: user.token)
            let history = try await api.get("/api/bookings", token: user.token)
            let listed = try #require(history.json["items"]?.array?.first { $0["id"]?.string == id })
            for booking in [locked.json, stored.json, listed] {
                #expect(booking["showDate"]?.string == showDate)
                #expect(booking["showTime"]?.string == showTime)
                #expect(booking["movieId"]?.string == movieId)
                #expect(booking["totalAmount"]?.int == 30_000)
            }
            // The booking made before the edit moves with its show (API.md: a show's new startsAt moves its bookings).
            let earlier = try await api.get("/api/bookings/\(try #require(before.json["id"]?.string))", token: early.token)
            #expect(earlier.json["showDate"]?.string == showDate && earlier.json["showTime"]?.string == showTime)
            #expect(earlier.json["movieId"]?.string == movieId)
        }
    }

    @Test("every seat change is in the next GET: lock, replace, cancel")
    func seatChangesInvalidate() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            #expect(try await api.seatStatuses(fixture.showId)["A1"] == "available")
            #expect(try await api.get("/api/shows/\(fixture.showId)").json["version"]?.int == 0)

            let first = try await api.lock(fixture.showId, ["A1"], token: user.token)
            var map = try await api.get("/api/shows/\(fixture.showId)").json
            #expect(map["version"]?.int == 1)
            #expect(map["availability"]?["held"]?.int == 1 && map["availability"]?["available"]?.int == 10)
            #expect(try await api.seatStatuses(fixture.showId)["A1"] == "held")

            // The same user's new lock replaces the first: A1 free again, B1 held.
            let second = try await api.lock(fixture.showId, ["B1"], token: user.token)
            #expect(second.status == 201)
            var statuses = try await api.seatStatuses(fixture.showId)
            #expect(statuses["A1"] == "available" && statuses["B1"] == "held")
            #expect(first.json["id"] != second.json["id"])

            let cancelled = try await api.post("/api/bookings/\(try #require(second.json["id"]?.string))/cancel", "{}", token: user.token)
            #expect(cancelled.status == 200, "\(cancelled.text)")
            map = try await api.get("/api/shows/\(fixture.showId)").json
            #expect(map["version"]?.int == 3)
            #expect(map["availability"]?["held"]?.int == 0 && map["availability"]?["available"]?.int == 11)
            statuses = try await api.seatStatuses(fixture.showId)
            #expect(statuses.values.allSatisfy { $0 == "available" })
        }
    }

    @Test("a deactivated account's token cannot lock right after it could")
    func deactivatedUserCannotLock() async throws {
        let options = TestServer.options()
        try await TestServer.withRouter(options) { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            #expect(try await api.lock(fixture.showId, ["A1"], token: user.token).status == 201)
            try await TestServer.database(options).execute("UPDATE users SET isActive = false WHERE id = ?", [user.id])
            let refused = try await api.lock(fixture.showId, ["A2"], token: user.token)
            #expect(refused.status == 401)
            #expect(refused.json.errorCode == "invalid_token")
            #expect(try await api.seatStatuses(fixture.showId)["A2"] == "available")
        }
    }
}

@Suite("Hand-written JSON answers")
struct PreEncodedJSONTests {
    @Test("a Booking's own JSON parses to exactly what JSONCoding.encoder writes", arguments: [nil, "pay_1\"quoted\\/"])
    func bookingJSON(paymentId: String?) throws {
        let layout = SeatLayout(
            rows: ["A", "B"], columns: 3, categories: [.init(name: "Gold \"Plus\" / ★\n", price: 25_000, rows: ["A"]), .init(name: "Silver", price: 100, rows: ["B"])])
        let start = Date(timeIntervalSince1970: 1_800_000_000.75)
        let show = Show(
            id: "shw_1", movieId: "mov_1", theatreId: "thr_1", screenNumber: 1, cityId: "cty_1", startsAt: start, endsAt: start + 7200,
            showDate: "2027-01-15", showTime: "08:00", language: "Hindi", format: "2D", layout: layout, createdAt: start, updatedAt: start)
        let seats = LoadedShow(show: show).seats(numbered: ["B3", "A1"])
        var booking = Booking(
            id: "bkg_1", userId: "usr_1", show: show, seats: seats, expiresAt: Date(timeIntervalSince1970: 1_799_999_999.999),
            createdAt: Date(timeIntervalSince1970: 1_799_999_000.5))
        booking.paymentId = paymentId
        booking.updatedAt = Date(timeIntervalSince1970: 1_799_999_100.25)
        if paymentId != nil {
            booking.ticketCode = "7KQ2-M9XD-4TZR-8BWE"
            booking.admittedAt = Date(timeIntervalSince1970: 1_800_000_100.5)
        }
        let hand = try #require(JSONValue.parse(booking.jsonBody))
        let encoder = try #require(JSONValue.parse(try JSONCoding.encoder.encode(booking)))
        #expect(hand == encoder)
        #expect(hand["seats"]?.array?.compactMap { $0["seatNumber"]?.string } == ["A1", "B3"])
        #expect(hand["expiresAt"]?.string == "2027-01-15T07:59:59Z")
    }
}
