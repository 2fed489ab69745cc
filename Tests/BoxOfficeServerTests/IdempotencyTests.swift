import Foundation
import HTTPTypes
import Testing

@Suite("Idempotency-Key")
struct IdempotencyTests {
    @Test("the same key returns the first answer and locks once, even after a restart; another body with the key is 422")
    func sameKey() async throws {
        let options = TestServer.options()
        let (showId, token, firstId) = try await TestServer.withRouter(options) { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let first = try await api.lock(fixture.showId, ["A1"], token: user.token, key: "key-1")
            let second = try await api.lock(fixture.showId, ["A1"], token: user.token, key: "key-1")
            #expect(first.status == 201)
            #expect(second.status == 201)
            #expect(first.json["id"] == second.json["id"])
            #expect(try await api.get("/api/shows/\(fixture.showId)").json["version"]?.int == 1, "one lock, not two")
            let reused = try await api.lock(fixture.showId, ["A2"], token: user.token, key: "key-1")
            #expect(reused.status == 422)
            #expect(reused.json.errorCode == "idempotency_key_reused")
            // Concurrent requests with one key run once.
            let replies = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<8 { group.addTask { try await api.lock(fixture.showId, ["B1"], token: user.token, key: "key-2").json["id"]?.string } }
                return try await group.reduce(into: Set<String?>()) { $0.insert($1) }
            }
            #expect(replies.count == 1)
            return (fixture.showId, user.token, first.json["id"]?.string)
        }
        try await TestServer.withRouter(options) { api in
            let replay = try await api.lock(showId, ["A1"], token: token, key: "key-1")
            #expect(replay.status == 201)
            #expect(replay.json["id"]?.string == firstId)
            #expect(try await api.get("/api/shows/\(showId)").json["version"]?.int == 2)
        }
    }

    @Test("a payment processed twice with one key charges once")
    func payments() async throws {
        try await TestServer.withRouter { api in
            let fixture = try await CatalogFixture.make(api)
            let user = try await api.registerUser()
            let bookingId = try #require(try await api.lock(fixture.showId, ["C2"], token: user.token).json["id"]?.string)
            let body = #"{"bookingId":"\#(bookingId)","paymentMethod":"upi"}"#
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "pay-1"]
            let first = try await api.request(.post, "/api/payments/initiate", body: body, token: user.token, headers: key)
            let second = try await api.request(.post, "/api/payments/initiate", body: body, token: user.token, headers: key)
            #expect(first.json["id"] == second.json["id"])
            let paymentId = try #require(first.json["id"]?.string)
            let processKey: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "process-1"]
            let paid = try await api.request(.post, "/api/payments/\(paymentId)/process", body: "{}", token: user.token, headers: processKey)
            let again = try await api.request(.post, "/api/payments/\(paymentId)/process", body: "{}", token: user.token, headers: processKey)
            #expect(paid.json["transactionId"] == again.json["transactionId"])
            #expect(paid.json["paymentStatus"]?.string == "completed")
        }
    }
}
