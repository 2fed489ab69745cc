import Foundation
import HTTPTypes
import Testing

/// An admin's edits of a show that has bookings: a new time moves the bookings and the report with it; deactivation
/// releases the holds and cancels and refunds the confirmed bookings, also when it was cut short by a stop.
@Suite("Editing and deactivating a show with bookings")
struct ShowEditTests {
    @Test("a show's new time moves its bookings' showDate and showTime, and the sales report's day")
    func newTimeMovesBookings() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let paid = try #require(try await api.lock(fixture.showId, ["B1"], token: user.token).json["id"]?.string)
            #expect(try await api.pay(paid, token: user.token, method: "upi", card: nil).status == 200)
            let other = try await api.registerUser()
            let pending = try #require(try await api.lock(fixture.showId, ["A1"], token: other.token).json["id"]?.string)
            let before = try await api.get("/api/bookings/\(paid)", token: user.token).json

            // Two days later, 21:15 in Asia/Kolkata (15:45Z).
            let later = Date(timeIntervalSinceNow: 2 * 86_400)
            let day = ISO8601DateFormatter.string(from: later, timeZone: TimeZone(identifier: "UTC")!, formatOptions: [.withFullDate])
            let edited = try await api.patch("/api/admin/shows/\(fixture.showId)", #"{"startsAt":"\#(day)T15:45:00Z"}"#, token: fixture.adminToken)
            #expect(edited.status == 200, "\(edited.text)")
            #expect(edited.json["showTime"]?.string == "21:15")
            let showDate = try #require(edited.json["showDate"]?.string)
            #expect(showDate != before["showDate"]?.string)

            for (id, token) in [(paid, user.token), (pending, other.token)] {
                let booking = try await api.get("/api/bookings/\(id)", token: token).json
                #expect(booking["showDate"]?.string == showDate, "\(id)")
                #expect(booking["showTime"]?.string == "21:15", "\(id)")
            }
            let report = try await api.get("/api/admin/reports/sales?from=\(showDate)&to=\(showDate)", token: fixture.adminToken).json
            #expect(report["byDay"]?.array?.map { $0["date"]?.string } == [showDate])
            #expect(report["totals"]?["revenue"]?.int == 20000)
            let old = try #require(before["showDate"]?.string)
            let oldDay = try await api.get("/api/admin/reports/sales?from=\(old)&to=\(old)", token: fixture.adminToken).json
            #expect(oldDay["totals"]?["revenue"]?.int == 0, "nothing is left on the old day")
        }
    }

    @Test("deactivating a show releases its holds, cancels and refunds its confirmed bookings, and sells nothing more")
    func deactivationRefunds() async throws {
        let options = TestServer.options()
        try await TestServer.withRouter(options) { api in
            let fixture = try await CatalogFixture.make(api)
            let buyer = try await api.registerUser()
            let paid = try #require(try await api.lock(fixture.showId, ["B1", "B3"], token: buyer.token).json["id"]?.string)
            #expect(try await api.pay(paid, token: buyer.token).status == 200)
            let holder = try await api.registerUser()
            let pending = try #require(try await api.lock(fixture.showId, ["A1"], token: holder.token).json["id"]?.string)
            let versionBefore = try #require(try await api.get("/api/shows/\(fixture.showId)").json["version"]?.int)

            let off = try await api.patch("/api/admin/shows/\(fixture.showId)", #"{"isActive":false}"#, token: fixture.adminToken)
            #expect(off.status == 200, "\(off.text)")
            #expect(off.json["isActive"]?.bool == false)
            #expect(off.json["availability"]?["available"]?.int == 11, "every seat is free again: \(off.text)")
            #expect(off.json["version"]?.int == versionBefore + 2, "one release and one cancel, each a version subscribers see")

            let refunded = try await api.get("/api/bookings/\(paid)", token: buyer.token).json
            #expect(refunded["bookingStatus"]?.string == "cancelled")
            #expect(refunded["paymentStatus"]?.string == "refunded")
            let released = try await api.get("/api/bookings/\(pending)", token: holder.token).json
            #expect(released["bookingStatus"]?.string == "cancelled")
            #expect(released["paymentStatus"]?.string == "pending", "nothing was charged, so nothing is refunded")
            #expect(try await api.seatStatuses(fixture.showId).values.allSatisfy { $0 == "available" })

            // Nothing more is sold, and the released hold cannot be paid.
            #expect(try await api.lock(fixture.showId, ["C1"], token: holder.token).json.errorCode == "show_closed")
            #expect(try await api.pay(pending, token: holder.token).status == 409)

            let date = try #require(refunded["showDate"]?.string)
            let report = try await api.get("/api/admin/reports/sales?from=\(date)&to=\(date)", token: fixture.adminToken).json
            #expect(report["totals"]?["revenue"]?.int == 0)
            #expect(report["totals"]?["refunds"]?.int == 40000)
            #expect(report["totals"]?["refundedBookings"]?.int == 1)
            #expect(try await TestServer.ledgerViolations(options).isEmpty)

            // Again: nothing left to close, the same answer.
            let again = try await api.patch("/api/admin/shows/\(fixture.showId)", #"{"isActive":false}"#, token: fixture.adminToken)
            #expect(again.status == 200 && again.json["version"]?.int == versionBefore + 2)
        }
    }

    @Test("a deactivation cut short by a stop is finished at the next start")
    func deactivationFinishedAtStart() async throws {
        let options = TestServer.options()
        let (fixture, buyer, paid, holder, pending) = try await TestServer.withRouter(options) { api in
            let fixture = try await CatalogFixture.make(api)
            let buyer = try await api.registerUser()
            let paid = try #require(try await api.lock(fixture.showId, ["C4"], token: buyer.token).json["id"]?.string)
            #expect(try await api.pay(paid, token: buyer.token).status == 200)
            let holder = try await api.registerUser()
            let pending = try #require(try await api.lock(fixture.showId, ["A2"], token: holder.token).json["id"]?.string)
            return (fixture, buyer, paid, holder, pending)
        }
        // The show's row says inactive, but the stop came before its bookings were closed.
        try await ServerDatabase(options: options).execute("UPDATE shows SET isActive = false WHERE id = ?", [fixture.showId])
        try await TestServer.withRouter(options) { api async throws in
            #expect(try await api.waitForReady().status == 200)
            #expect(try await api.get("/api/bookings/\(paid)", token: buyer.token).json["paymentStatus"]?.string == "refunded")
            #expect(try await api.get("/api/bookings/\(pending)", token: holder.token).json["bookingStatus"]?.string == "cancelled")
            #expect(try await api.seatStatuses(fixture.showId).values.allSatisfy { $0 == "available" })
            #expect(try await TestServer.ledgerViolations(options).isEmpty)
        }
    }

    @Test("admin creates honour Idempotency-Key: a retry answers the first 201 and creates nothing twice")
    func idempotentCreates() async throws {
        try await TestServer.withRouter { api in
            let admin = try await api.adminToken()
            var headers = HTTPFields()
            headers[HTTPField.Name("Idempotency-Key")!] = "city-once"
            let body = #"{"name":"Nashik","state":"Maharashtra"}"#
            let first = try await api.request(.post, "/api/admin/cities", body: body, token: admin, headers: headers)
            let second = try await api.request(.post, "/api/admin/cities", body: body, token: admin, headers: headers)
            #expect(first.status == 201 && second.status == 201, "\(first.text) \(second.text)")
            #expect(first.json["id"] == second.json["id"])
            let cities = try await api.get("/api/admin/cities?limit=200", token: admin).json["items"]?.array ?? []
            #expect(cities.filter { $0["name"]?.string == "Nashik" }.count == 1)
            // The same key with another body is refused, not applied.
            let reused = try await api.request(.post, "/api/admin/cities", body: #"{"name":"Satara","state":"Maharashtra"}"#, token: admin, headers: headers)
            #expect(reused.json.errorCode == "idempotency_key_reused")

            headers[HTTPField.Name("Idempotency-Key")!] = "hook-once"
            let hook = #"{"url":"http://127.0.0.1:9/hook","events":["*"]}"#
            let registered = try await api.request(.post, "/api/admin/webhooks", body: hook, token: admin, headers: headers)
            let retried = try await api.request(.post, "/api/admin/webhooks", body: hook, token: admin, headers: headers)
            #expect(registered.status == 201 && retried.json["secret"] == registered.json["secret"], "the retry shows the same secret")
            #expect(try await api.get("/api/admin/webhooks", token: admin).json["items"]?.array?.count == 1)
        }
    }
}
