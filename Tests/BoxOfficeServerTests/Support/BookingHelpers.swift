import Foundation
import HTTPTypes
import Testing

extension APIClient {
    /// POST lock-seats; returns the reply.
    func lock(_ showId: String, _ seats: [String], token: String, key: String? = nil) async throws -> Reply {
        let list = seats.map { "\"\($0)\"" }.joined(separator: ",")
        var headers = HTTPFields()
        if let key { headers[.init("Idempotency-Key")!] = key }
        return try await request(.post, "/api/bookings/lock-seats", body: #"{"showId":"\#(showId)","seats":[\#(list)]}"#, token: token, headers: headers)
    }

    /// The status of each seat of a show, from `GET /api/shows/:id`.
    func seatStatuses(_ showId: String) async throws -> [String: String] {
        let show = try await get("/api/shows/\(showId)")
        var result = [String: String]()
        for seat in show.json["seats"]?.array ?? [] {
            if let number = seat["seatNumber"]?.string, let status = seat["status"]?.string { result[number] = status }
        }
        return result
    }

    /// Polls `/readyz` every 100 ms until it is 200 (start-up recovery done), for at most 5 s; returns the last answer.
    @discardableResult
    func waitForReady() async throws -> Reply {
        var ready = try await get("/readyz")
        for _ in 0..<50 where ready.status != 200 {
            try await Task.sleep(for: .milliseconds(100))
            ready = try await get("/readyz")
        }
        return ready
    }

    /// Polls `GET /api/shows/:id` every 50 ms until `seat` has `status`; false if it has not within `limit`.
    func eventuallySeat(_ showId: String, _ seat: String, is status: String, within limit: Duration) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await seatStatuses(showId)[seat] == status { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await seatStatuses(showId)[seat] == status
    }

    /// Initiates and processes a payment; returns the process reply.
    func pay(_ bookingId: String, token: String, method: String = "credit_card", card: String? = "4242424242424242") async throws -> Reply {
        let initiated = try await post("/api/payments/initiate", #"{"bookingId":"\#(bookingId)","paymentMethod":"\#(method)"}"#, token: token)
        guard initiated.status == 201, let paymentId = initiated.json["id"]?.string else { return initiated }
        let body = card.map { #"{"card":{"number":"\#($0)","expMonth":12,"expYear":2030,"cvc":"123"}}"# } ?? "{}"
        return try await post("/api/payments/\(paymentId)/process", body, token: token)
    }
}
