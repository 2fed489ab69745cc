import Foundation
import Testing

@Suite("Payments and confirmation")
struct PaymentTests {
    @Test("a successful card payment completes, confirms the booking and books its seats in one step")
    func success() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let bookingId = try #require(try await api.lock(fixture.showId, ["A1", "A2"], token: user.token).json["id"]?.string)
            #expect(try await api.post("/api/bookings/\(bookingId)/confirm", "{}", token: user.token).json.errorCode == "payment_required")
            let paid = try await api.pay(bookingId, token: user.token)
            #expect(paid.status == 200, "\(paid.text)")
            #expect(paid.json["paymentStatus"]?.string == "completed")
            #expect(paid.json["amount"]?.int == 20000)
            #expect(paid.json["transactionId"]?.string?.hasPrefix("txn_") == true)
            #expect(paid.json["paidAt"]?.string != nil)
            let booking = try await api.get("/api/bookings/\(bookingId)", token: user.token)
            #expect(booking.json["bookingStatus"]?.string == "confirmed")
            #expect(booking.json["paymentStatus"]?.string == "completed")
            #expect(booking.json["paymentId"]?.string == paid.json["id"]?.string)
            let statuses = try await api.seatStatuses(fixture.showId)
            #expect(statuses["A1"] == "booked" && statuses["A2"] == "booked")
            // confirm is idempotent.
            for _ in 0..<2 {
                let confirmed = try await api.post("/api/bookings/\(bookingId)/confirm", "{}", token: user.token)
                #expect(confirmed.status == 200)
                #expect(confirmed.json["bookingStatus"]?.string == "confirmed")
            }
        }
    }

    @Test("a decline is 402 with the failed payment; the hold stays and a new payment can succeed")
    func declineThenRetry() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let bookingId = try #require(try await api.lock(fixture.showId, ["B1"], token: user.token).json["id"]?.string)
            let declined = try await api.pay(bookingId, token: user.token, card: "4000000000000002")
            #expect(declined.status == 402)
            #expect(declined.json.errorCode == "card_declined")
            #expect(declined.json["error"]?["details"]?["payment"]?["paymentStatus"]?.string == "failed")
            let poor = try await api.pay(bookingId, token: user.token, card: "4000000000009995")
            #expect(poor.status == 402)
            #expect(poor.json.errorCode == "insufficient_funds")
            #expect(try await api.seatStatuses(fixture.showId)["B1"] == "held", "the hold stays after a decline")
            let paid = try await api.pay(bookingId, token: user.token, method: "wallet", card: nil)
            #expect(paid.status == 200)
            #expect(try await api.seatStatuses(fixture.showId)["B1"] == "booked")
        }
    }

    @Test("a test card typed with spaces or dashes is the same card: declined like the plain one; UPI ignores a card sent with it")
    func cardNumberSpelling() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            for (seat, number) in [("A1", "4000 0000 0000 0002"), ("A2", "4000-0000-0000-0002"), ("A3", "4000 0000 0000 9995")] {
                let bookingId = try #require(try await api.lock(fixture.showId, [seat], token: user.token).json["id"]?.string)
                let declined = try await api.pay(bookingId, token: user.token, card: number)
                #expect(declined.status == 402, "\(number): \(declined.status) \(declined.text)")
                #expect(try await api.seatStatuses(fixture.showId)[seat] == "held", "\(number) must not book the seat")
                _ = try await api.post("/api/bookings/\(bookingId)/cancel", "{}", token: user.token)
            }
            // A card sent with a UPI payment never reaches the processor: a declining card does not decline UPI.
            let bookingId = try #require(try await api.lock(fixture.showId, ["A4"], token: user.token).json["id"]?.string)
            let upi = try await api.pay(bookingId, token: user.token, method: "upi", card: "4000000000000002")
            #expect(upi.status == 200 && upi.json["paymentStatus"]?.string == "completed", "\(upi.text)")
        }
    }

    @Test("card methods need valid card details (422 naming the field); an unknown method is 422")
    func cardValidation() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let bookingId = try #require(try await api.lock(fixture.showId, ["C1"], token: user.token).json["id"]?.string)
            let noCard = try await api.pay(bookingId, token: user.token, card: nil)
            #expect(noCard.status == 422)
            #expect(noCard.json.errorField == "card")
            let badNumber = try await api.pay(bookingId, token: user.token, card: "4242424242424241")
            #expect(badNumber.json.errorField == "card.number")
            let method = try await api.post("/api/payments/initiate", #"{"bookingId":"\#(bookingId)","paymentMethod":"cash"}"#, token: user.token)
            #expect(method.status == 422)
            #expect(method.json.errorField == "paymentMethod")
            #expect(try await api.seatStatuses(fixture.showId)["C1"] == "held")
        }
    }

    @Test("cancelling a confirmed booking before the show refunds it and frees its seats")
    func cancelConfirmed() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let bookingId = try #require(try await api.lock(fixture.showId, ["C3"], token: user.token).json["id"]?.string)
            let paymentId = try #require(try await api.pay(bookingId, token: user.token, method: "upi", card: nil).json["id"]?.string)
            let cancelled = try await api.post("/api/bookings/\(bookingId)/cancel", "{}", token: user.token)
            #expect(cancelled.status == 200)
            #expect(cancelled.json["bookingStatus"]?.string == "cancelled")
            #expect(cancelled.json["paymentStatus"]?.string == "refunded")
            #expect(try await api.seatStatuses(fixture.showId)["C3"] == "available")
            // The payment is kept, now refunded; processing it again changes nothing.
            let again = try await api.post("/api/payments/\(paymentId)/process", "{}", token: user.token)
            #expect(again.json["paymentStatus"]?.string == "refunded")
            #expect(again.json["refundedAt"]?.string != nil)
        }
    }

    @Test("paying after the hold expired is 409 hold_expired and takes no money")
    func payAfterExpiry() async throws {
        var options = TestServer.options()
        options.holdSeconds = 3
        try await TestServer.withRouter(options) { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let locked = try await api.lock(fixture.showId, ["A4"], token: user.token)
            let bookingId = try #require(locked.json["id"]?.string)
            let expiresAt = try #require(locked.json["expiresAt"]?.string.flatMap { ISO8601DateFormatter().date(from: $0) })
            let initiated = try await api.post("/api/payments/initiate", #"{"bookingId":"\#(bookingId)","paymentMethod":"upi"}"#, token: user.token)
            let paymentId = try #require(initiated.json["id"]?.string, "\(initiated.text)")
            try await Task.sleep(for: .seconds(max(0, expiresAt.timeIntervalSinceNow) + 1.0))
            #expect(try await api.eventuallySeat(fixture.showId, "A4", is: "available", within: .seconds(10)))
            let late = try await api.post("/api/payments/\(paymentId)/process", "{}", token: user.token)
            #expect(late.status == 409)
            #expect(late.json.errorCode == "hold_expired")
            #expect(try await api.get("/api/bookings/\(bookingId)", token: user.token).json["paymentStatus"]?.string == "pending")
            #expect(try await api.seatStatuses(fixture.showId)["A4"] == "available")
            // The attempt is kept, failed, with no transaction.
            let kept = try await api.post("/api/payments/\(paymentId)/process", "{}", token: user.token)
            #expect(kept.json.errorCode == "payment_failed")
            #expect(kept.json["error"]?["details"]?["payment"]?["transactionId"]?.isNull == true)
        }
    }
}

@Suite("Sales report")
struct SalesReportTests {
    @Test("confirmed bookings count by day, movie and theatre; pending ones do not; a refund leaves the revenue; users may not read it")
    func report() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let paid = try #require(try await api.lock(fixture.showId, ["B1", "B3"], token: user.token).json["id"]?.string)
            #expect(try await api.pay(paid, token: user.token, method: "upi", card: nil).status == 200)
            let other = try await api.registerUser()
            #expect(try await api.lock(fixture.showId, ["A1"], token: other.token).status == 201)
            let report = try await api.get("/api/admin/reports/sales", token: fixture.adminToken)
            #expect(report.status == 200, "\(report.text)")
            #expect(report.json["totals"]?["revenue"]?.int == 40000)
            #expect(report.json["totals"]?["tickets"]?.int == 2)
            #expect(report.json["totals"]?["bookings"]?.int == 1)
            #expect(report.json["byMovie"]?[0]?["title"]?.string == "Test Film")
            #expect(report.json["byTheatre"]?[0]?["occupancy"]?.double == 2.0 / 11.0)
            #expect(report.json["byDay"]?.array?.count == 1)
            #expect(report.json["byDay"]?[0]?["occupancy"]?.double == 2.0 / 11.0)
            #expect(report.json["byMovie"]?[0]?["occupancy"]?.double == 2.0 / 11.0)
            #expect(report.json["totals"]?["refunds"]?.int == 0)

            // A cancelled booking leaves the revenue and shows as a refund.
            #expect(try await api.post("/api/bookings/\(paid)/cancel", "{}", token: user.token).status == 200)
            let after = try await api.get("/api/admin/reports/sales", token: fixture.adminToken).json
            #expect(after["totals"]?["revenue"]?.int == 0 && after["totals"]?["tickets"]?.int == 0)
            #expect(after["totals"]?["refunds"]?.int == 40000 && after["totals"]?["refundedBookings"]?.int == 1)
            #expect(after["byTheatre"]?[0]?["occupancy"]?.double == 0, "the theatre still had a show on sale: \(after)")
            #expect(try await api.get("/api/admin/reports/sales", token: user.token).status == 403)
            let malformed = try await api.get("/api/admin/reports/sales?from=2026-02-30", token: fixture.adminToken)
            #expect(malformed.status == 400 && malformed.json["error"]?["details"]?["field"]?.string == "from", "\(malformed.text)")
            let reversed = try await api.get("/api/admin/reports/sales?from=2026-03-02&to=2026-03-01", token: fixture.adminToken)
            #expect(reversed.status == 400 && reversed.json["error"]?["details"]?["field"]?.string == "from", "\(reversed.text)")
            let badTo = try await api.get("/api/admin/reports/sales?to=tomorrow", token: fixture.adminToken)
            #expect(badTo.status == 400 && badTo.json["error"]?["details"]?["field"]?.string == "to", "\(badTo.text)")
        }
    }
}
