import BoxOfficeServer
import BoxOfficeStore
import Foundation
import Testing

/// A booking is charged at most once, whatever arrives at the same moment: double clicks on Pay, two payments of one
/// booking processed together, a cancel while the card is charged. The simulated gateway's latency widens the window.
@Suite("Payments racing over real HTTP")
struct PaymentConcurrencyTests {
    static func slowGateway(_ milliseconds: Int = 300) -> ServerOptions {
        var options = TestServer.options()
        options.paymentLatencyMilliseconds = milliseconds
        return options
    }

    @Test("eight process calls of one payment at once: one charge, the others 409 payment_in_progress or the same payment")
    func samePaymentAtOnce() async throws {
        let options = Self.slowGateway()
        try await TestServer.withSocket(options) { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let bookingId = try #require(try await api.lock(fixture.showId, ["A1", "A2"], token: user.token).json["id"]?.string)
            let paymentId = try #require(try await api.initiate(bookingId, token: user.token).json["id"]?.string)
            let replies = try await api.concurrently(8) { _ in try await api.process(paymentId, token: user.token) }
            let completed = replies.filter { $0.status == 200 }
            #expect(completed.count >= 1)
            #expect(Set(completed.compactMap { $0.json["transactionId"]?.string }).count == 1, "one charge, one transaction")
            for reply in replies where reply.status != 200 {
                #expect(reply.status == 409 && reply.json.errorCode == "payment_in_progress", "\(reply.status) \(reply.text)")
            }
            let booking = try await api.get("/api/bookings/\(bookingId)", token: user.token)
            #expect(booking.json["bookingStatus"]?.string == "confirmed")
            #expect(booking.json["paymentId"]?.string == paymentId)
            // Once it is done, processing it again returns it.
            let again = try await api.process(paymentId, token: user.token)
            #expect(again.status == 200 && again.json["paymentStatus"]?.string == "completed")
            #expect(try await TestServer.ledgerViolations(options).isEmpty)
        }
    }

    @Test("two payments of one booking processed together: one charges; the other is payment_in_progress, then already_paid")
    func twoPaymentsAtOnce() async throws {
        let options = Self.slowGateway(1_000)
        try await TestServer.withSocket(options) { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let bookingId = try #require(try await api.lock(fixture.showId, ["B1"], token: user.token).json["id"]?.string)
            let first = try #require(try await api.initiate(bookingId, token: user.token).json["id"]?.string)
            let second = try #require(try await api.initiate(bookingId, token: user.token, method: "upi").json["id"]?.string)
            let replies = try await api.concurrently(2) { index in try await api.process(index == 0 ? first : second, token: user.token) }
            let winners = replies.filter { $0.status == 200 }
            #expect(winners.count == 1, "\(replies.map(\.text))")
            let loser = try #require(replies.first { $0.status != 200 })
            #expect(loser.status == 409 && loser.json.errorCode == "payment_in_progress", "\(loser.text)")
            let paidWith = try #require(winners.first?.json["id"]?.string)
            let other = paidWith == first ? second : first
            let late = try await api.process(other, token: user.token)
            #expect(late.status == 409 && late.json.errorCode == "already_paid", "\(late.text)")
            let booking = try await api.get("/api/bookings/\(bookingId)", token: user.token)
            #expect(booking.json["paymentId"]?.string == paidWith)
            #expect(try await TestServer.ledgerViolations(options).isEmpty)
            // Cancelling refunds the payment that was charged, and only it.
            let cancelled = try await api.post("/api/bookings/\(bookingId)/cancel", "{}", token: user.token)
            #expect(cancelled.json["paymentStatus"]?.string == "refunded")
            #expect(try await api.process(paidWith, token: user.token).json["paymentStatus"]?.string == "refunded")
            #expect(try await TestServer.ledgerViolations(options).isEmpty)
        }
    }

    @Test("eleven bookings, each with three payments processed twice at once: each charged exactly once, ledger sound")
    func manyBookingsManyPayments() async throws {
        let options = Self.slowGateway(100)
        try await TestServer.withSocket(options) { api in
            let fixture = try await CatalogFixture.make(api)
            let seats = ["A1", "A2", "A3", "A4", "B1", "B3", "B4", "C1", "C2", "C3", "C4"]
            var flows: [(token: String, booking: String, payments: [String])] = []
            for seat in seats {
                let user = try await api.registerUser()
                let booking = try #require(try await api.lock(fixture.showId, [seat], token: user.token).json["id"]?.string)
                var payments: [String] = []
                for method in ["credit_card", "upi", "wallet"] {
                    payments.append(try #require(try await api.initiate(booking, token: user.token, method: method).json["id"]?.string))
                }
                flows.append((user.token, booking, payments))
            }
            let calls = flows.flatMap { flow in (flow.payments + flow.payments).map { (flow.token, $0) } }
            let replies = try await api.concurrently(calls.count) { index in try await api.process(calls[index].1, token: calls[index].0) }
            #expect(replies.allSatisfy { [200, 409].contains($0.status) }, "\(replies.filter { ![200, 409].contains($0.status) }.map(\.text))")
            for flow in flows {
                let booking = try await api.get("/api/bookings/\(flow.booking)", token: flow.token)
                #expect(booking.json["bookingStatus"]?.string == "confirmed")
                let paid = try #require(booking.json["paymentId"]?.string)
                for payment in flow.payments where payment != paid {
                    #expect(try await api.process(payment, token: flow.token).json.errorCode == "already_paid")
                }
            }
            #expect(Set(try await api.seatStatuses(fixture.showId).values) == ["booked"])
            #expect(try await TestServer.ledgerViolations(options).isEmpty)
        }
    }

    @Test("cancelling a hold while its card is charged is 409 payment_in_progress; the charge then confirms it")
    func cancelWhileCharging() async throws {
        try await TestServer.withSocket(Self.slowGateway(2_000)) { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let bookingId = try #require(try await api.lock(fixture.showId, ["C1"], token: user.token).json["id"]?.string)
            let paymentId = try #require(try await api.initiate(bookingId, token: user.token).json["id"]?.string)
            async let paying = api.process(paymentId, token: user.token)
            try await Task.sleep(for: .milliseconds(600))  // the charge has begun; it lasts 2 s
            let cancel = try await api.post("/api/bookings/\(bookingId)/cancel", "{}", token: user.token)
            #expect(cancel.status == 409 && cancel.json.errorCode == "payment_in_progress", "\(cancel.text)")
            #expect(try await paying.status == 200)
            #expect(try await api.get("/api/bookings/\(bookingId)", token: user.token).json["bookingStatus"]?.string == "confirmed")
        }
    }

    @Test("paying for a cancelled or already paid booking says so, and stores no failed attempt")
    func payingWhatIsSettled() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let cancelledId = try #require(try await api.lock(fixture.showId, ["A3"], token: user.token).json["id"]?.string)
            let forCancelled = try #require(try await api.initiate(cancelledId, token: user.token).json["id"]?.string)
            #expect(try await api.post("/api/bookings/\(cancelledId)/cancel", "{}", token: user.token).status == 200)
            let refused = try await api.process(forCancelled, token: user.token)
            #expect(refused.status == 409 && refused.json.errorCode == "booking_cancelled", "\(refused.text)")
            #expect(try await api.process(forCancelled, token: user.token).json.errorCode == "booking_cancelled", "still not a failed attempt")
            #expect(try await api.initiate(cancelledId, token: user.token).json.errorCode == "booking_cancelled")

            let other = try await api.registerUser()
            let paidId = try #require(try await api.lock(fixture.showId, ["A4"], token: other.token).json["id"]?.string)
            let spare = try #require(try await api.initiate(paidId, token: other.token).json["id"]?.string)
            #expect(try await api.pay(paidId, token: other.token).status == 200)
            let twice = try await api.process(spare, token: other.token)
            #expect(twice.status == 409 && twice.json.errorCode == "already_paid", "\(twice.text)")
            #expect(try await api.process(spare, token: other.token).json.errorCode == "already_paid", "not turned into a failed attempt")
            #expect(try await api.initiate(paidId, token: other.token).json.errorCode == "already_paid")
        }
    }

    @Test("a hold whose show has started cannot be paid: 409 show_closed, no money taken")
    func showStarted() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let formatter = ISO8601DateFormatter()
            // Far enough ahead that creating, locking and initiating fit before it even on a loaded machine.
            let startsAt = Date().addingTimeInterval(15)
            let show = try await api.post(
                "/api/admin/shows",
                #"{"movieId":"\#(fixture.movieId)","theatreId":"\#(fixture.theatreId)","screenNumber":1,"startsAt":"\#(formatter.string(from: startsAt))","language":"Hindi","format":"2D"}"#,
                token: fixture.adminToken)
            let showId = try #require(show.json["id"]?.string, "\(show.text)")
            let user = try await api.registerUser()
            let bookingId = try #require(try await api.lock(showId, ["A1"], token: user.token).json["id"]?.string)
            let paymentId = try #require(try await api.initiate(bookingId, token: user.token).json["id"]?.string)
            try await Task.sleep(for: .seconds(max(0, startsAt.timeIntervalSinceNow) + 0.5))
            let late = try await api.process(paymentId, token: user.token)
            #expect(late.status == 409 && late.json.errorCode == "show_closed", "\(late.text)")
            #expect(try await api.initiate(bookingId, token: user.token).json.errorCode == "show_closed")
            #expect(try await api.get("/api/bookings/\(bookingId)", token: user.token).json["bookingStatus"]?.string == "pending")
        }
    }
}

extension APIClient {
    /// POST /api/payments/initiate for a booking.
    func initiate(_ bookingId: String, token: String, method: String = "credit_card") async throws -> Reply {
        try await post("/api/payments/initiate", #"{"bookingId":"\#(bookingId)","paymentMethod":"\#(method)"}"#, token: token)
    }

    /// POST /api/payments/:id/process with a test card that succeeds.
    func process(_ paymentId: String, token: String, card: String = "4242424242424242") async throws -> Reply {
        try await post("/api/payments/\(paymentId)/process", #"{"card":{"number":"\#(card)","expMonth":12,"expYear":2030,"cvc":"123"}}"#, token: token)
    }

    /// Runs `count` calls at once and returns their replies in index order.
    func concurrently(_ count: Int, _ call: @escaping @Sendable (Int) async throws -> Reply) async throws -> [Reply] {
        try await withThrowingTaskGroup(of: (Int, Reply).self) { group in
            for index in 0..<count { group.addTask { (index, try await call(index)) } }
            var replies = [Reply?](repeating: nil, count: count)
            for try await (index, reply) in group { replies[index] = reply }
            return replies.compactMap { $0 }
        }
    }
}
